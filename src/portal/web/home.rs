//! The player's own page: their bookings to come.

use askama::Template;
use rocket::{State, get};

use super::PortalCtx;
use crate::app::App;
use crate::bookings::model::{LocalSlot, Status, span};
use crate::bookings::store::Booking;
use crate::error::AppError;
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
}

impl HomePage {
    fn day(&self, b: &Booking) -> String {
        self.ctx.date(LocalSlot::from_instants(b.starts_at, b.ends_at, &self.ctx.tz).day)
    }

    fn time(&self, b: &Booking) -> String {
        span(b.starts_at, b.ends_at, &self.ctx.tz)
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
    let upcoming = app
        .db
        .read(move |c| {
            let courts = crate::courts::store::courts(c)?;
            let name_of =
                |id: &str| courts.iter().find(|k| k.id == id).map(|k| k.draft.name.clone()).unwrap_or_default();
            let list = crate::bookings::store::upcoming_of_member(c, &member, now, UPCOMING)?;
            Ok(list
                .into_iter()
                .map(|b| {
                    let court = name_of(&b.court_id);
                    (b, court)
                })
                .collect())
        })
        .await?;
    ok(&HomePage { ctx, name: p.0.name, upcoming })
}
