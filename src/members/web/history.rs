//! A member's whole history, a page at a time: the card shows only the newest entries.

use askama::Template;
use rocket::{State, get};

use crate::app::App;
use crate::core::CommandRecord;
use crate::error::AppError;
use crate::members::store::{self, Member};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

/// Entries on the member card; the rest are on the history pages.
pub(super) const ON_CARD: i64 = 20;
const PAGE_SIZE: i64 = 50;

pub(super) struct HistoryLine {
    pub at: jiff::Timestamp,
    pub who: String,
    pub what: String,
}

pub(super) fn lines(ctx: &PageCtx, records: Vec<CommandRecord>) -> Vec<HistoryLine> {
    records
        .into_iter()
        .map(|r| HistoryLine {
            at: r.executed_at,
            what: crate::web::log_book::what(ctx, &r),
            who: crate::web::log_book::who(ctx, &r),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "members/history.html")]
struct HistoryPage {
    ctx: PageCtx,
    m: Member,
    history: Vec<HistoryLine>,
    page: i64,
    has_next: bool,
}

#[get("/<id>/history?<page>")]
pub(super) async fn history(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    page: Option<i64>,
) -> Result<Html, AppError> {
    // Past the last page shows an empty list; no page number can overflow the offset.
    let page = page.unwrap_or(0).clamp(0, 1_000_000);
    let (m, mut records) = app
        .db
        .read(move |c| {
            let Some(m) = store::member(c, &id)? else { return Ok(None) };
            // One more than a page tells whether there is a next one.
            let records = crate::core::commands_mentioning(c, &m.id, PAGE_SIZE + 1, page * PAGE_SIZE)?;
            Ok(Some((m, records)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let has_next = records.len() as i64 > PAGE_SIZE;
    records.truncate(PAGE_SIZE as usize);
    let history = lines(&ctx, records);
    ok(&HistoryPage { ctx, m, history, page, has_next })
}
