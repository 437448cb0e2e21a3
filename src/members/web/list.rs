//! The member list and search as you type.

use askama::Template;
use rocket::form::FromForm;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get};

use super::{Row, SEARCH_LIMIT};
use crate::app::App;
use crate::error::AppError;
use crate::members::model::{card_label, display_phone};
use crate::members::store::{self};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

// ---- list and search ----

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    archived: bool,
    rows: Vec<Row>,
    active_count: i64,
    archived_count: i64,
}

#[derive(Template)]
#[template(path = "members/rows.html")]
struct RowsFragment {
    ctx: PageCtx,
    rows: Vec<Row>,
    q: String,
}

async fn find(app: &App, q: String, archived: bool) -> anyhow::Result<Vec<Row>> {
    let index = app.member_index.clone();
    let region = app.club().await?.phone_region;
    app.db
        .read(move |c| {
            let found = if q.trim().is_empty() {
                store::first_by_name(c, archived, SEARCH_LIMIT)?
            } else {
                index.search(c, &q, &region, archived, SEARCH_LIMIT)?
            };
            Ok(found.iter().map(Row::from).collect())
        })
        .await
}

/// The list's search box and its archive switch.
#[derive(FromForm, Default)]
pub(super) struct ListQuery {
    q: Option<String>,
    archived: Option<bool>,
}

#[get("/?<query..>")]
pub(super) async fn list(_r: Reception, ctx: PageCtx, app: &State<App>, query: ListQuery) -> Result<Html, AppError> {
    let (q, archived) = (query.q.unwrap_or_default(), query.archived.unwrap_or(false));
    let rows = find(app, q.clone(), archived).await?;
    let (active_count, archived_count) = app.db.read(|c| Ok(store::count(c)?)).await?;
    ok(&ListPage { ctx, q, archived, rows, active_count, archived_count })
}

/// The result rows alone, for search as you type.
#[get("/search?<query..>")]
pub(super) async fn search(_r: Reception, ctx: PageCtx, app: &State<App>, query: ListQuery) -> Result<Html, AppError> {
    let q = query.q.unwrap_or_default();
    let rows = find(app, q.clone(), query.archived.unwrap_or(false)).await?;
    ok(&RowsFragment { ctx, rows, q })
}

/// Members for pickers (booking form, family links): JSON for the page's script.
#[get("/suggest?<q>")]
pub(super) async fn suggest(_r: Reception, app: &State<App>, q: Option<String>) -> Result<Json<Value>, AppError> {
    let q = q.unwrap_or_default();
    let index = app.member_index.clone();
    let region = app.club().await?.phone_region;
    let found = app.db.read(move |c| Ok(index.search(c, &q, &region, false, 10)?)).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|m| json!({ "id": m.id, "name": m.full_name, "card": card_label(m.card_no), "phone": m.phone.as_deref().map(display_phone) }))
        .collect();
    Ok(Json(json!({ "members": items })))
}
