//! The player's own page: their bookings to come.

use askama::Template;
use rocket::{State, get};

use super::PortalCtx;
use crate::app::App;
use crate::bookings::model::{LocalSlot, Status, span};
use crate::bookings::store::Booking;
use crate::error::AppError;
use crate::waitlist::model::WaitStatus;
use crate::waitlist::store::Entry;
use crate::web::guards::Player;
use crate::web::page::{Html, ok};

/// Bookings listed; a player with more sees the next ones first.
const UPCOMING: i64 = 30;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    ctx: PortalCtx,
    name: String,
    /// (booking, court name)
    upcoming: Vec<(Booking, String)>,
    /// (waiting-list entry, court name)
    waits: Vec<(Entry, String)>,
}

impl HomePage {
    fn day(&self, b: &Booking) -> String {
        self.ctx.date(LocalSlot::from_instants(b.starts_at, b.ends_at, &self.ctx.tz).day)
    }

    fn time(&self, b: &Booking) -> String {
        span(b.starts_at, b.ends_at, &self.ctx.tz)
    }

    fn wait_when(&self, e: &Entry) -> String {
        let day = LocalSlot::from_instants(e.starts_at, e.ends_at, &self.ctx.tz).day;
        format!("{}, {}", self.ctx.date(day), span(e.starts_at, e.ends_at, &self.ctx.tz))
    }

    fn wait_state(&self, e: &Entry) -> String {
        match (e.status, e.offer_until) {
            (WaitStatus::Offered, Some(until)) if until > self.ctx.now => {
                let at = until.to_zoned_datetime(self.ctx.tz.clone()).strftime("%H:%M").to_string();
                self.ctx.ta("portal-wait-offered", "until", at)
            }
            _ => self.ctx.t("portal-wait-waiting"),
        }
    }

    fn offered(&self, e: &Entry) -> bool {
        e.status == WaitStatus::Offered && e.offer_until.is_some_and(|u| u > self.ctx.now)
    }

    /// The player booked it, it has not started, and the club lets players cancel.
    fn can_cancel(&self, b: &Booking) -> bool {
        self.ctx.settings.cancelling
            && b.status == Status::Booked
            && b.starts_at > self.ctx.now
            && self.ctx.player.as_ref().is_some_and(|p| b.booker_id.as_deref() == Some(p.member_id.as_str()))
    }
}

#[get("/")]
pub(super) async fn home(p: Player, ctx: PortalCtx, app: &State<App>) -> Result<Html, AppError> {
    let (member, now) = (p.0.member_id.clone(), ctx.now);
    let (upcoming, waits) = app
        .db
        .read(move |c| {
            let courts = crate::courts::store::courts(c)?;
            let name_of =
                |id: &str| courts.iter().find(|k| k.id == id).map(|k| k.draft.name.clone()).unwrap_or_default();
            let bookings = crate::bookings::store::upcoming_of_member(c, &member, now, UPCOMING)?;
            let waits = crate::waitlist::store::live_of_member(c, &member, now)?;
            Ok((
                bookings
                    .into_iter()
                    .filter(|b| b.status != Status::Cancelled)
                    .map(|b| (name_of(&b.court_id), b))
                    .map(|(n, b)| (b, n))
                    .collect(),
                waits.into_iter().map(|e| (name_of(&e.court_id), e)).map(|(n, e)| (e, n)).collect(),
            ))
        })
        .await?;
    ok(&HomePage { ctx, name: p.0.name, upcoming, waits })
}
