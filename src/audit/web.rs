use askama::Template;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rocket::{Route, State, get, routes};

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{self, Command, CommandFilter, CommandRecord, Outcome};
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

const PAGE_SIZE: i64 = 50;

/// One row as shown: the description is rebuilt from the recorded payload, without secrets.
struct Line {
    record: CommandRecord,
    what: String,
    detail: String,
    rejected: Option<String>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    ctx: PageCtx,
    lines: Vec<Line>,
    /// (kind, label, selected)
    kinds: Vec<(&'static str, String, bool)>,
    actor: String,
    kind: String,
    status: String,
    from: String,
    to: String,
    page: i64,
    total: i64,
}

impl AuditPage {
    fn has_next(&self) -> bool {
        (self.page + 1) * PAGE_SIZE < self.total
    }

    /// The query string for another page with the same filters.
    fn page_link(&self, page: i64) -> String {
        let enc = |s: &str| rocket::http::RawStr::new(s).percent_encode().to_string();
        format!(
            "?actor={}&kind={}&status={}&from={}&to={}&page={page}",
            enc(&self.actor),
            enc(&self.kind),
            enc(&self.status),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

fn day_start(raw: &str, tz: &TimeZone) -> Option<jiff::Timestamp> {
    let date: Date = raw.trim().parse().ok()?;
    date.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
}

#[get("/?<actor>&<kind>&<status>&<from>&<to>&<page>")]
async fn list(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    actor: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
) -> Result<Html, AppError> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (actor, kind, status, from, to) = (clean(actor), clean(kind), clean(status), clean(from), clean(to));
    // Past the last page shows an empty list; no page number can overflow the offset.
    let page = page.unwrap_or(0).clamp(0, 1_000_000);
    let filter = CommandFilter {
        actor: actor.clone(),
        kind: kind.clone().filter(|k| AnyCommand::KINDS.contains(&k.as_str())),
        status: status.clone().filter(|s| s == "applied" || s == "rejected"),
        since: from.as_deref().and_then(|d| day_start(d, &ctx.tz)),
        // "to" is inclusive: everything before the start of the next day.
        until: to
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| day_start(&d.to_string(), &ctx.tz)),
        from_desks: false,
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
    };
    let (records, total, users) = app
        .db
        .read(move |c| {
            Ok((core::list_commands(c, &filter)?, core::command_count(c, &filter)?, crate::auth::store::all_users(c)?))
        })
        .await?;
    // Summaries name accounts by id; show their usernames instead.
    let readable = |text: String| users.iter().fold(text, |t, u| t.replace(&u.id, &u.username));
    let lines = records
        .into_iter()
        .map(|record| {
            let what = ctx.t(&format!("kind-{}", record.kind));
            let detail = AnyCommand::from_payload(&record.payload).map(|c| readable(c.summary())).unwrap_or_default();
            let rejected = match &record.outcome {
                Outcome::Rejected(r) => Some(rejection_text(ctx.locale, r)),
                Outcome::Applied { .. } => None,
            };
            Line { record, what, detail, rejected }
        })
        .collect();
    let chosen = kind.clone().unwrap_or_default();
    let kinds = AnyCommand::KINDS.iter().map(|k| (*k, ctx.t(&format!("kind-{k}")), chosen == *k)).collect();
    ok(&AuditPage {
        ctx,
        lines,
        kinds,
        actor: actor.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        status: status.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        page,
        total,
    })
}

pub fn routes() -> Vec<Route> {
    routes![list]
}
