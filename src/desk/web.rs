//! Desk pages. On the hub, `/desks` (managers): the paired desks with their link, lag and queue,
//! a new pairing code shown once, revoking a desk, and what the hub refused from desks. On a desk,
//! `/desk/conflicts` (reception): what the hub refused of what was done here, with the way out.

use std::collections::HashMap;

use askama::Template;
use jiff::Timestamp;
use rocket::{FromForm, Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::RevokeDesk;
use super::links::LinkInfo;
use super::store::journal::Conflict;
use super::store::registry::{self, DeskRecord};
use crate::app::App;
use crate::bookings::commands::CreateBooking;
use crate::bookings::model::LocalSlot;
use crate::bookings::slots;
use crate::commands::AnyCommand;
use crate::core::{self, CommandFilter, CommandRecord, Outcome};
use crate::courts::model::DayMinute;
use crate::error::AppError;
use crate::sync::protocol::Verdict;
use crate::web::forms::{Csrf, NoFields, Page, go};
use crate::web::guards::{Manager, Reception};
use crate::web::page::{Html, PageCtx, ok};

/// A paired desk with what the hub knows of its link now.
struct DeskRow {
    desk: DeskRecord,
    link: Option<LinkInfo>,
    /// Transactions of the log the desk has not applied yet.
    lag: Option<i64>,
}

#[derive(Template)]
#[template(path = "desk/desks.html")]
struct DesksPage {
    ctx: PageCtx,
    desks: Vec<DeskRow>,
    refused: Vec<CommandRecord>,
    /// A code just made, shown once, with where desks connect.
    new_code: Option<(String, String)>,
}

async fn desks_page(ctx: PageCtx, app: &App, new_code: Option<(String, String)>) -> Result<Html, AppError> {
    let (desks, refused) = app
        .db
        .read(|c| {
            let filter =
                CommandFilter { status: Some("rejected".into()), from_desks: true, limit: 50, ..Default::default() };
            Ok((registry::desks(c)?, core::list_commands(c, &filter)?))
        })
        .await?;
    let head = app.feed.position().head;
    let desks = desks
        .into_iter()
        .map(|desk| {
            let link = app.desk_links.get(&desk.id);
            let lag = link.as_ref().map(|l| (head - l.applied).max(0));
            DeskRow { desk, link, lag }
        })
        .collect();
    ok(&DesksPage { ctx, desks, refused, new_code })
}

#[get("/desks")]
async fn desks(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    desks_page(ctx, app, None).await
}

#[post("/desks/codes", data = "<form>")]
async fn create_code(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<NoFields>) -> Page {
    let _ = form;
    let (a, actor) = (app.inner().clone(), m.0.actor());
    let code = rocket::tokio::task::spawn_blocking(move || super::console::create_code(&a, actor, 15))
        .await
        .map_err(anyhow::Error::from)??;
    let hub = super::console::hub_addresses(app.config.sync_bind).join(" / ");
    Ok(rocket::Either::Left(desks_page(ctx, app, Some((code, hub))).await?))
}

#[post("/desks/<id>/revoke", data = "<form>")]
async fn revoke(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::RevokeDesk(RevokeDesk { desk_id: id });
    match app.submit(&form.1, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/desks", "success", ctx.t("desk-revoked")),
        Outcome::Rejected(r) => go("/desks", "error", crate::i18n::rejection_text(ctx.locale, &r)),
    }
}

impl DesksPage {
    fn seen(&self, row: &DeskRow) -> String {
        match (&row.link, row.desk.last_seen) {
            (Some(l), _) if l.connected => self.ctx.t("desk-connected"),
            (_, Some(at)) => self.ctx.when(&at),
            _ => self.ctx.t("desk-never-seen"),
        }
    }

    fn what(&self, r: &CommandRecord) -> String {
        self.ctx.history_what(r)
    }
}

#[derive(Template)]
#[template(path = "desk/conflicts.html")]
struct ConflictsPage {
    ctx: PageCtx,
    conflicts: Vec<Conflict>,
    /// Free slots nearest each refused booking, by its command id: one click books one.
    free: HashMap<Uuid, Vec<Alternative>>,
}

/// A court and time that can be booked now instead of a refused booking.
struct Alternative {
    court_id: String,
    court: String,
    slot: LocalSlot,
}

impl ConflictsPage {
    fn what(&self, c: &Conflict) -> String {
        use crate::core::Command;
        format!("{} — {}", self.ctx.t(&format!("kind-{}", c.envelope.command.kind())), c.envelope.command.summary())
    }

    fn why(&self, c: &Conflict) -> String {
        match &c.verdict {
            Verdict::Refused { rejection } => crate::i18n::rejection_text(self.ctx.locale, rejection),
            Verdict::Compensated { rejection, .. } => format!(
                "{} {}",
                crate::i18n::rejection_text(self.ctx.locale, rejection),
                self.ctx.t("desk-conflict-credited")
            ),
            Verdict::Applied { .. } => String::new(),
        }
    }

    /// Where staff go to put it right: the same booking at another court or time, or the day.
    fn way_out(&self, c: &Conflict) -> Option<(String, String)> {
        match &c.envelope.command {
            AnyCommand::CreateBooking(b) => {
                let booker = b.booker_id.clone().unwrap_or_default();
                let link = format!(
                    "/bookings/new?date={}&start={}&minutes={}&booker_id={booker}",
                    b.slot.day, b.slot.start, b.slot.minutes
                );
                Some((link, self.ctx.t("desk-conflict-rebook")))
            }
            AnyCommand::TakePayment(p) => {
                p.member_id.as_ref().map(|m| (format!("/members/{m}"), self.ctx.t("desk-conflict-member")))
            }
            _ => None,
        }
    }

    fn when(&self, at: &Timestamp) -> String {
        self.ctx.when(at)
    }

    fn free_for(&self, c: &Conflict) -> &[Alternative] {
        self.free.get(&c.envelope.id).map_or(&[], Vec::as_slice)
    }

    fn alternative_label(&self, a: &Alternative) -> String {
        let day = crate::i18n::date(self.ctx.locale, a.slot.day);
        crate::i18n::tr_args(
            self.ctx.locale,
            "desk-conflict-book-here",
            &[("court", &a.court), ("date", &day), ("start", &a.slot.start.to_string())],
        )
    }

    /// What marking it done means: for a booking, that it stays unbooked.
    fn done_label(&self, c: &Conflict) -> String {
        match &c.envelope.command {
            AnyCommand::CreateBooking(_) => self.ctx.t("desk-conflict-leave"),
            _ => self.ctx.t("desk-conflict-resolve"),
        }
    }
}

#[get("/desk/conflicts")]
async fn conflicts(_r: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let Some(desk) = app.desk.clone() else { return Err(AppError::NotFound) };
    let conflicts =
        rocket::tokio::task::spawn_blocking(move || desk.engine.conflicts()).await.map_err(anyhow::Error::from)??;
    let wanted: Vec<(Uuid, CreateBooking)> = conflicts
        .iter()
        .filter_map(|c| match &c.envelope.command {
            AnyCommand::CreateBooking(b) => Some((c.envelope.id, b.clone())),
            _ => None,
        })
        .collect();
    let tz = ctx.tz.clone();
    let free = app
        .db
        .read(move |c| {
            let mut free = HashMap::new();
            for (id, b) in wanted {
                let found = slots::alternatives(c, &tz, &b.court_id, b.slot, 3)?;
                let found = found.into_iter().map(|(court_id, court, slot)| Alternative { court_id, court, slot });
                free.insert(id, found.collect());
            }
            Ok(free)
        })
        .await?;
    ok(&ConflictsPage { ctx, conflicts, free })
}

#[derive(FromForm)]
struct RebookForm {
    court_id: String,
    day: String,
    start: String,
}

/// Books a refused booking again, as it was, at the court and time chosen from the free ones
/// offered; the conflict is then done.
#[post("/desk/conflicts/<id>/rebook", data = "<form>")]
async fn rebook(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<RebookForm>) -> Page {
    let Csrf(f, sub) = form;
    let Some(desk) = app.desk.clone() else { return Err(AppError::NotFound) };
    let Ok(id) = id.parse::<Uuid>() else { return Err(AppError::NotFound) };
    let d = desk.clone();
    let conflicts =
        rocket::tokio::task::spawn_blocking(move || d.engine.conflicts()).await.map_err(anyhow::Error::from)??;
    let Some(AnyCommand::CreateBooking(lost)) =
        conflicts.into_iter().find(|c| c.envelope.id == id).map(|c| c.envelope.command)
    else {
        return go("/desk/conflicts", "error", ctx.t("desk-conflict-gone"));
    };
    let (Ok(day), Some(start)) = (f.day.parse(), DayMinute::parse(&f.start)) else {
        return go("/desk/conflicts", "error", ctx.t("reject-slot-invalid"));
    };
    let slot = LocalSlot { day, start, ..lost.slot };
    let booking_id = sub.id.to_string();
    let cmd = CreateBooking { booking_id: booking_id.clone(), court_id: f.court_id, slot, ..lost };
    match app.submit(&sub, r.0.actor(), AnyCommand::CreateBooking(cmd)).await?.outcome {
        Outcome::Applied { .. } => {
            let (by, now) = (r.0.user.display_name.clone(), app.now());
            let d = desk.clone();
            rocket::tokio::task::spawn_blocking(move || {
                d.engine.resolve(id, &by, &format!("booked again as {booking_id}"), now)
            })
            .await
            .map_err(anyhow::Error::from)??;
            desk.recount();
            go(format!("/bookings/{}", sub.id), "success", ctx.t("desk-conflict-rebooked"))
        }
        Outcome::Rejected(rej) => go("/desk/conflicts", "error", crate::i18n::rejection_text(ctx.locale, &rej)),
    }
}

#[post("/desk/conflicts/<id>/resolve", data = "<form>")]
async fn resolve(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<NoFields>) -> Page {
    let _ = form;
    let Some(desk) = app.desk.clone() else { return Err(AppError::NotFound) };
    let Ok(id) = id.parse::<Uuid>() else { return Err(AppError::NotFound) };
    let (by, now) = (r.0.user.display_name.clone(), app.now());
    let d = desk.clone();
    rocket::tokio::task::spawn_blocking(move || d.engine.resolve(id, &by, "dealt with", now))
        .await
        .map_err(anyhow::Error::from)??;
    desk.recount();
    go("/desk/conflicts", "success", ctx.t("desk-conflict-resolved"))
}

pub fn routes() -> Vec<Route> {
    routes![desks, create_code, revoke, conflicts, resolve, rebook]
}
