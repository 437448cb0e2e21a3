//! Desk pages. On the hub, `/desks` (managers): the paired desks with their link, lag and queue,
//! a new pairing code shown once, revoking a desk, and what the hub refused from desks. On a desk,
//! `/desk/conflicts` (reception): what the hub refused of what was done here, with the way out.

use askama::Template;
use jiff::Timestamp;
use rocket::{Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::RevokeDesk;
use super::links::LinkInfo;
use super::store::journal::Conflict;
use super::store::registry::{self, DeskRecord};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{self, CommandFilter, CommandRecord, Outcome};
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
}

#[get("/desk/conflicts")]
async fn conflicts(_r: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let Some(desk) = app.desk.clone() else { return Err(AppError::NotFound) };
    let conflicts =
        rocket::tokio::task::spawn_blocking(move || desk.engine.conflicts()).await.map_err(anyhow::Error::from)??;
    ok(&ConflictsPage { ctx, conflicts })
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
    routes![desks, create_code, revoke, conflicts, resolve]
}
