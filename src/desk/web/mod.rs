//! Desk pages. On the hub, `/desks` (managers): the paired desks with their link, lag and queue,
//! a new pairing code shown once, and revoking a desk. On hub and desks alike, the inbox of
//! refused desk work (`conflicts`).

mod conflicts;

use askama::Template;
use rocket::{Route, State, get, post, routes};

use super::commands::RevokeDesk;
use super::links::LinkInfo;
use super::store::registry::{self, DeskRecord};
use super::store::resolutions;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::web::forms::{Csrf, NoFields, Page, go};
use crate::web::guards::Manager;
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
    /// Refused desk work nobody has dealt with yet (the inbox at `/desk/conflicts`).
    refused: i64,
    /// A code just made, shown once, with where desks connect.
    new_code: Option<(String, String)>,
}

async fn desks_page(ctx: PageCtx, app: &App, new_code: Option<(String, String)>) -> Result<Html, AppError> {
    let (desks, refused) = app.db.read(|c| Ok((registry::desks(c)?, resolutions::open_refusal_count(c)?))).await?;
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
    /// The version a desk was turned away with, if that is the last the hub heard of it.
    fn other_version<'a>(&self, row: &'a DeskRow) -> Option<&'a str> {
        row.link.as_ref()?.other_version.as_deref()
    }

    fn seen(&self, row: &DeskRow) -> String {
        match (&row.link, row.desk.last_seen) {
            (Some(l), _) if l.connected => self.ctx.t("desk-connected"),
            (_, Some(at)) => self.ctx.when(&at),
            _ => self.ctx.t("desk-never-seen"),
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![desks, create_code, revoke, conflicts::conflicts, conflicts::resolve, conflicts::rebook]
}
