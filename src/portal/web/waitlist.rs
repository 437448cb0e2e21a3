//! The player's side of the waiting list: waiting for a taken time, the offer when it comes
//! free (booked like any time, while the offer holds it), and leaving the list.

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{Either, State, get, post};

use super::PortalCtx;
use crate::app::App;
use crate::bookings::model::{LocalSlot, span};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::courts::model::DayMinute;
use crate::error::AppError;
use crate::waitlist::commands::{JoinWaitlist, LeaveWaitlist};
use crate::waitlist::model::WaitStatus;
use crate::waitlist::store::Entry;
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, fresh_id, go};
use crate::web::guards::Player;
use crate::web::page::{Html, render};

#[derive(Template)]
#[template(path = "portal/wait.html")]
struct WaitPage {
    ctx: PortalCtx,
    court_id: String,
    court: String,
    day: Date,
    start: DayMinute,
    minutes: u16,
    command_id: String,
    errors: FieldErrors,
}

impl WaitPage {
    fn when(&self) -> String {
        let slot = LocalSlot { day: self.day, start: self.start, minutes: self.minutes };
        let time = slot.instants(&self.ctx.tz).map(|(s, e)| span(s, e, &self.ctx.tz)).unwrap_or_default();
        format!("{}, {time}", self.ctx.date(self.day))
    }
}

async fn court_name(app: &App, court_id: &str) -> Result<Option<String>, AppError> {
    let id = court_id.to_owned();
    Ok(app.db.read(move |c| Ok(crate::courts::store::court(c, &id)?.map(|k| k.draft.name))).await?)
}

#[get("/waitlist/new?<court>&<date>&<start>&<minutes>")]
pub(super) async fn wait_page(
    _p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    court: String,
    date: &str,
    start: &str,
    minutes: u16,
) -> Result<Option<Html>, AppError> {
    let (Ok(day), Some(start)) = (date.parse::<Date>(), DayMinute::parse(start)) else { return Ok(None) };
    if !ctx.settings.waitlist {
        return Ok(None);
    }
    let Some(name) = court_name(app, &court).await? else { return Ok(None) };
    let page = WaitPage {
        ctx,
        court_id: court,
        court: name,
        day,
        start,
        minutes,
        command_id: fresh_id(),
        errors: FieldErrors::default(),
    };
    Ok(Some(render(Status::Ok, &page)?))
}

#[derive(FromForm)]
pub(super) struct WaitForm {
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    date: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = 0)]
    minutes: u16,
}

#[post("/waitlist", data = "<form>")]
pub(super) async fn join(p: Player, ctx: PortalCtx, app: &State<App>, form: Csrf<WaitForm>) -> Page {
    let Csrf(f, sub) = form;
    let (Ok(day), Some(start)) = (f.date.parse::<Date>(), DayMinute::parse(&f.start)) else {
        return Err(AppError::NotFound);
    };
    let cmd = AnyCommand::JoinWaitlist(JoinWaitlist {
        entry_id: sub.id.to_string(),
        court_id: f.court_id.clone(),
        slot: LocalSlot { day, start, minutes: f.minutes },
        member_id: p.0.member_id.clone(),
    });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/p/", "success", ctx.t("portal-waiting")),
        Outcome::Rejected(r) => {
            let Some(court) = court_name(app, &f.court_id).await? else { return Err(AppError::NotFound) };
            let mut errors = FieldErrors::default();
            errors.add_text("form", crate::i18n::rejection_text(ctx.locale, &r));
            let page = WaitPage {
                ctx,
                court_id: f.court_id,
                court,
                day,
                start,
                minutes: f.minutes,
                command_id: fresh_id(),
                errors,
            };
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(Template)]
#[template(path = "portal/offer.html")]
struct OfferPage {
    ctx: PortalCtx,
    entry: Entry,
    court: String,
    command_id: String,
}

impl OfferPage {
    fn slot(&self) -> LocalSlot {
        LocalSlot::from_instants(self.entry.starts_at, self.entry.ends_at, &self.ctx.tz)
    }

    fn when(&self) -> String {
        format!("{}, {}", self.ctx.date(self.slot().day), span(self.entry.starts_at, self.entry.ends_at, &self.ctx.tz))
    }

    /// The offer still holds the time for this player.
    fn open(&self) -> bool {
        self.entry.status == WaitStatus::Offered && self.entry.offer_until.is_some_and(|u| u > self.ctx.now)
    }

    fn until(&self) -> String {
        let until = self.entry.offer_until.unwrap_or(self.ctx.now);
        let at = until.to_zoned_datetime(self.ctx.tz.clone()).strftime("%H:%M").to_string();
        self.ctx.ta("portal-wait-offered", "until", at)
    }
}

/// The player's own entry `id`; anyone else's is not found.
async fn own_entry(app: &App, p: &Player, id: &str) -> Result<Option<(Entry, String)>, AppError> {
    let (id, member) = (id.to_owned(), p.0.member_id.clone());
    Ok(app
        .db
        .read(move |c| {
            let Some(e) = crate::waitlist::store::entry(c, &id)?.filter(|e| e.member_id == member) else {
                return Ok(None);
            };
            let court = crate::courts::store::court(c, &e.court_id)?.map(|k| k.draft.name).unwrap_or_default();
            Ok(Some((e, court)))
        })
        .await?)
}

#[get("/waitlist/<id>")]
pub(super) async fn offer(p: Player, ctx: PortalCtx, app: &State<App>, id: &str) -> Result<Option<Html>, AppError> {
    let Some((entry, court)) = own_entry(app, &p, id).await? else { return Ok(None) };
    Ok(Some(render(Status::Ok, &OfferPage { ctx, entry, court, command_id: fresh_id() })?))
}

#[post("/waitlist/<id>/leave", data = "<form>")]
pub(super) async fn leave(p: Player, ctx: PortalCtx, app: &State<App>, id: &str, form: Csrf<NoFields>) -> Page {
    let Csrf(_, sub) = form;
    if own_entry(app, &p, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let cmd = AnyCommand::LeaveWaitlist(LeaveWaitlist { entry_id: id.to_owned() });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/p/", "success", ctx.t("portal-wait-left")),
        Outcome::Rejected(r) => go("/p/", "error", crate::i18n::rejection_text(ctx.locale, &r)),
    }
}
