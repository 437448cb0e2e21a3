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
use crate::web::log_book;
use crate::web::page::{Html, PageCtx, ok};

const PAGE_SIZE: i64 = 50;

/// One row as shown: the description is rebuilt from the recorded payload, without secrets.
struct Line {
    record: CommandRecord,
    who: String,
    place: String,
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
    /// Also the SMS sender's routine steps.
    plumbing: bool,
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
            "?actor={}&kind={}&status={}&from={}&to={}&plumbing={}&page={page}",
            enc(&self.actor),
            enc(&self.kind),
            enc(&self.status),
            enc(&self.from),
            enc(&self.to),
            self.plumbing
        )
    }
}

fn day_start(raw: &str, tz: &TimeZone) -> Option<jiff::Timestamp> {
    let date: Date = raw.trim().parse().ok()?;
    date.to_zoned_datetime(tz.clone()).ok().map(|z| z.timestamp())
}

#[get("/?<actor>&<kind>&<status>&<from>&<to>&<plumbing>&<page>")]
async fn list(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    actor: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    plumbing: Option<bool>,
    page: Option<i64>,
) -> Result<Html, AppError> {
    let plumbing = plumbing.unwrap_or(false);
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (actor, kind, status, from, to) = (clean(actor), clean(kind), clean(status), clean(from), clean(to));
    // Past the last page shows an empty list; no page number can overflow the offset.
    let page = page.unwrap_or(0).clamp(0, 1_000_000);
    let mut filter = CommandFilter {
        actor: Vec::new(),
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
        // Asking for one of them by kind shows it anyway.
        except_kinds: if plumbing || kind.is_some() { Vec::new() } else { log_book::SMS_PLUMBING.to_vec() },
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
    };
    let typed_actor = actor.clone();
    let (records, total, users, desks) = app
        .db
        .read(move |c| {
            let desks: Vec<(String, String)> =
                crate::desk::store::registry::desks(c)?.into_iter().map(|d| (d.id, d.name)).collect();
            let users = crate::auth::store::all_users(c)?;
            if let Some(typed) = &typed_actor {
                filter.actor = names_of(typed, &users);
            }
            Ok((core::list_commands(c, &filter)?, core::command_count(c, &filter)?, users, desks))
        })
        .await?;
    // Summaries name accounts by id; show their usernames instead.
    let readable = |text: String| users.iter().fold(text, |t, u| t.replace(&u.id, &u.username));
    let lines = records
        .into_iter()
        .map(|record| {
            let what = ctx.t(&format!("kind-{}", record.kind));
            let detail = AnyCommand::from_payload(&record.payload)
                .map(|c| log_book::money(&ctx, &c).unwrap_or_else(|| readable(c.summary())))
                .unwrap_or_default();
            let rejected = match &record.outcome {
                Outcome::Rejected(r) => Some(rejection_text(ctx.locale, r)),
                Outcome::Applied { .. } => None,
            };
            let (who, place) = (log_book::who(&ctx, &record), log_book::place(&ctx, &record, &desks));
            Line { record, who, place, what, detail, rejected }
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
        plumbing,
        page,
        total,
    })
}

/// The names a person typed in "who" may be recorded under: as typed, and the username and
/// display name of the staff account it names (in any case).
fn names_of(typed: &str, users: &[crate::auth::store::StaffUser]) -> Vec<String> {
    let typed_lower = typed.to_lowercase();
    let mut names = vec![typed.to_owned()];
    for u in users {
        if u.username.to_lowercase() == typed_lower || u.display_name.to_lowercase() == typed_lower {
            names.extend([u.username.clone(), u.display_name.clone()]);
        }
    }
    names
}

pub fn routes() -> Vec<Route> {
    routes![list]
}
