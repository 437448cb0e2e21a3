//! `/desk/conflicts` (reception): what the hub refused of what desks did while it could not be
//! reached, with the way out. On a desk, the refusals of its own work (from its journal); on the
//! hub, those of every desk. Resolving one anywhere (booking it elsewhere, leaving it, putting
//! it right by hand) is a `ResolveConflict` command, so it leaves both inboxes.

use std::collections::HashMap;

use askama::Template;
use jiff::Timestamp;
use rocket::{FromForm, State, get, post};
use uuid::Uuid;

use crate::app::App;
use crate::bookings::commands::CreateBooking;
use crate::bookings::model::LocalSlot;
use crate::bookings::slots;
use crate::commands::AnyCommand;
use crate::core::{self, Outcome, Rejection, Submission};
use crate::courts::model::DayMinute;
use crate::desk::commands::ResolveConflict;
use crate::desk::store::{registry, resolutions};
use crate::error::AppError;
use crate::sync::protocol::Verdict;
use crate::web::forms::{Csrf, NoFields, Page, go};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

/// How many refusals the hub's inbox shows at once, oldest first.
const INBOX_SIZE: i64 = 100;

/// A command a desk made that the hub refused, as staff see it.
struct Refused {
    id: Uuid,
    command: AnyCommand,
    why: Rejection,
    /// The money it carried went to the member's account instead.
    credited: bool,
    made_at: Timestamp,
    by: String,
    /// On the hub: the desk it came from.
    desk: Option<String>,
}

/// The open refusals this server's staff can deal with.
async fn open_refusals(app: &App) -> anyhow::Result<Vec<Refused>> {
    if let Some(desk) = app.desk.clone() {
        let conflicts = rocket::tokio::task::spawn_blocking(move || desk.engine.conflicts()).await??;
        return Ok(conflicts
            .into_iter()
            .filter_map(|c| {
                let (why, credited) = match c.verdict {
                    Verdict::Refused { rejection } => (rejection, false),
                    Verdict::Compensated { rejection, .. } => (rejection, true),
                    Verdict::Applied { .. } => return None,
                };
                let by = c.envelope.actor.display_name();
                Some(Refused {
                    id: c.envelope.id,
                    command: c.envelope.command,
                    why,
                    credited,
                    made_at: c.envelope.issued_at,
                    by,
                    desk: None,
                })
            })
            .collect());
    }
    app.db
        .read(|c| {
            let names: HashMap<String, String> =
                registry::desks(c)?.into_iter().map(|d| (format!("desk:{}", d.id), d.name)).collect();
            let mut out = Vec::new();
            for id in resolutions::open_refusals(c, INBOX_SIZE)? {
                let Some(mut refused) = refusal_on_hub(c, &id)? else { continue };
                // The desk's name where the hub still knows it, else its origin as recorded.
                refused.desk = refused.desk.map(|origin| names.get(&origin).cloned().unwrap_or(origin));
                out.push(refused);
            }
            Ok(out)
        })
        .await
}

/// The hub's record of the desk command `id`, if the hub refused it; `desk` holds its origin.
fn refusal_on_hub(c: &crate::db::Conn, id: &str) -> anyhow::Result<Option<Refused>> {
    let Some(record) = core::command_record(c, id)? else { return Ok(None) };
    let (Ok(uuid), Some(command), Outcome::Rejected(why)) =
        (id.parse::<Uuid>(), AnyCommand::from_payload(&record.payload), record.outcome)
    else {
        return Ok(None);
    };
    let credit = crate::sync::hub::compensation_id(uuid).to_string();
    let credited = core::decided(c, &credit)?.is_some_and(|o| matches!(o, Outcome::Applied { .. }));
    Ok(Some(Refused {
        id: uuid,
        command,
        why,
        credited,
        made_at: record.executed_at,
        by: record.actor_name,
        desk: Some(record.origin),
    }))
}

/// The command of the open refusal `id`: on a desk from its journal, on the hub from its record.
async fn refused_command(app: &App, id: Uuid) -> anyhow::Result<Option<AnyCommand>> {
    if app.desk.is_some() {
        return Ok(open_refusals(app).await?.into_iter().find(|r| r.id == id).map(|r| r.command));
    }
    let id = id.to_string();
    app.db
        .read(move |c| {
            if resolutions::resolution(c, &id)?.is_some() {
                return Ok(None);
            }
            Ok(refusal_on_hub(c, &id)?.map(|r| r.command))
        })
        .await
}

/// Marks `id` resolved, under a key derived from the form's (a retried form does it once).
async fn mark_resolved(app: &App, r: &Reception, sub: &Submission, id: Uuid, how: &str) -> anyhow::Result<Outcome> {
    let key = Uuid::new_v5(&sub.id, b"resolve");
    let resolve = ResolveConflict { command_id: id.to_string(), resolution: how.to_owned() };
    let sub = Submission::new(key, &[id.as_bytes(), how.as_bytes()]);
    let outcome = app.submit(&sub, r.0.actor(), AnyCommand::ResolveConflict(resolve)).await?.outcome;
    if let (Some(desk), Outcome::Applied { .. }) = (app.desk.clone(), &outcome) {
        let (by, how, now) = (r.0.user.display_name.clone(), how.to_owned(), app.now());
        let d = desk.clone();
        rocket::tokio::task::spawn_blocking(move || d.engine.resolve(id, &by, &how, now)).await??;
        desk.recount();
    }
    Ok(outcome)
}

#[derive(Template)]
#[template(path = "desk/conflicts.html")]
struct ConflictsPage {
    ctx: PageCtx,
    refused: Vec<Refused>,
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
    fn on_hub(&self) -> bool {
        self.ctx.desk.is_none()
    }

    fn what(&self, r: &Refused) -> String {
        use crate::core::Command;
        format!("{} — {}", self.ctx.t(&format!("kind-{}", r.command.kind())), r.command.summary())
    }

    fn why(&self, r: &Refused) -> String {
        let why = crate::i18n::rejection_text(self.ctx.locale, &r.why);
        if r.credited { format!("{why} {}", self.ctx.t("desk-conflict-credited")) } else { why }
    }

    /// Where staff go to put it right: the same booking at another court or time, or the member.
    fn way_out(&self, r: &Refused) -> Option<(String, String)> {
        match &r.command {
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

    fn free_for(&self, r: &Refused) -> &[Alternative] {
        self.free.get(&r.id).map_or(&[], Vec::as_slice)
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
    fn done_label(&self, r: &Refused) -> String {
        match &r.command {
            AnyCommand::CreateBooking(_) => self.ctx.t("desk-conflict-leave"),
            _ => self.ctx.t("desk-conflict-resolve"),
        }
    }
}

#[get("/desk/conflicts")]
pub async fn conflicts(_r: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let refused = open_refusals(app).await?;
    let wanted: Vec<(Uuid, CreateBooking)> = refused
        .iter()
        .filter_map(|r| match &r.command {
            AnyCommand::CreateBooking(b) => Some((r.id, b.clone())),
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
    ok(&ConflictsPage { ctx, refused, free })
}

#[derive(FromForm)]
pub struct RebookForm {
    court_id: String,
    day: String,
    start: String,
}

/// Books a refused booking again, as it was, at the court and time chosen from the free ones
/// offered; the conflict is then done.
#[post("/desk/conflicts/<id>/rebook", data = "<form>")]
pub async fn rebook(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<RebookForm>) -> Page {
    let Csrf(f, sub) = form;
    let Ok(id) = id.parse::<Uuid>() else { return Err(AppError::NotFound) };
    let Some(AnyCommand::CreateBooking(lost)) = refused_command(app, id).await? else {
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
            mark_resolved(app, &r, &sub, id, &format!("booked again as {booking_id}")).await?;
            go(format!("/bookings/{booking_id}"), "success", ctx.t("desk-conflict-rebooked"))
        }
        Outcome::Rejected(rej) => go("/desk/conflicts", "error", crate::i18n::rejection_text(ctx.locale, &rej)),
    }
}

#[post("/desk/conflicts/<id>/resolve", data = "<form>")]
pub async fn resolve(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<NoFields>) -> Page {
    let Csrf(_, sub) = form;
    let Ok(id) = id.parse::<Uuid>() else { return Err(AppError::NotFound) };
    if refused_command(app, id).await?.is_none() {
        return go("/desk/conflicts", "error", ctx.t("desk-conflict-gone"));
    }
    match mark_resolved(app, &r, &sub, id, "dealt with").await? {
        Outcome::Applied { .. } => go("/desk/conflicts", "success", ctx.t("desk-conflict-resolved")),
        Outcome::Rejected(rej) => go("/desk/conflicts", "error", crate::i18n::rejection_text(ctx.locale, &rej)),
    }
}
