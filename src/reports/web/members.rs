//! The members report: new, active and lapsed members, the top players and the active by
//! category.

use askama::Template;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rocket::{Route, State, get, routes};

use super::chart::Bars;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::members::{Member, Members, members};
use crate::reports::revenue::Buckets;
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last 90 days.
const DEFAULT_DAYS: i64 = 90;
/// Lapsed: no visit in this many weeks, unless asked otherwise (1 to 52).
const LAPSED_WEEKS: i64 = 8;
/// Lapsed members played in this many days before they lapsed: one long gone is not lapsed.
const LAPSED_HISTORY_DAYS: i64 = 365;
/// Members listed in each table on the page (the export lists them all).
const SHOWN: usize = 20;

struct Report {
    period: Period,
    weeks: i64,
    m: Members,
}

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery, weeks: Option<i64>) -> Result<Report, AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let weeks = weeks.unwrap_or(LAPSED_WEEKS).clamp(1, 52);
    let (from, to) = period.instants(&ctx.tz);
    // Play counts once it has begun: a booking for tonight, or next month, is not a visit yet.
    let played_to = to.min(ctx.now).max(from);
    let since = played_to - SignedDuration::from_hours(24 * 7 * weeks);
    let history = since - SignedDuration::from_hours(24 * LAPSED_HISTORY_DAYS);
    let rows = app.db.read(move |c| Ok(crate::reports::store::member_rows(c, from, played_to, history)?)).await?;
    Ok(Report { period, weeks, m: members(rows, from, to, since) })
}

#[derive(Template)]
#[template(path = "reports/members.html")]
struct MembersPage {
    ctx: PageCtx,
    r: Report,
}

fn day(ctx: &PageCtx, at: Timestamp) -> Date {
    at.to_zoned_datetime(ctx.tz.clone()).date()
}

impl MembersPage {
    fn top<'a>(&self, list: &'a [Member]) -> &'a [Member] {
        &list[..list.len().min(SHOWN)]
    }

    fn hours(&self, m: &Member) -> String {
        crate::i18n::duration(self.ctx.locale, u16::try_from(m.minutes).unwrap_or(u16::MAX))
    }

    fn date(&self, at: &Option<Timestamp>) -> String {
        at.map(|at| crate::i18n::date(self.ctx.locale, day(&self.ctx, at))).unwrap_or_default()
    }

    fn joined(&self, m: &Member) -> String {
        self.date(&Some(m.joined))
    }

    fn category(&self, c: &Option<String>) -> String {
        c.clone().unwrap_or_else(|| self.ctx.t("members-report-no-category"))
    }

    fn new_chart(&self) -> String {
        let buckets = Buckets::of(self.r.period.first, self.r.period.last);
        let mut counts = vec![0; buckets.starts.len()];
        for m in &self.r.m.new {
            let joined = day(&self.ctx, m.joined);
            if let Some(i) = buckets.index(joined) {
                counts[i] += 1;
            }
        }
        let labels = buckets.starts.iter().map(|d| super::bucket_label(&self.ctx, *d, buckets.monthly)).collect();
        let format = |v: i64| v.to_string();
        let series = vec![(self.ctx.t("members-report-new"), counts)];
        Bars { labels, series, format: &format, title: self.ctx.t("members-report-new") }.svg()
    }

    fn category_chart(&self) -> String {
        let labels = self.r.m.by_category.iter().map(|(c, _)| self.category(c)).collect();
        let counts = self.r.m.by_category.iter().map(|(_, n)| *n).collect();
        let format = |v: i64| v.to_string();
        let series = vec![(self.ctx.t("members-report-active"), counts)];
        Bars { labels, series, format: &format, title: self.ctx.t("members-report-by-category") }.svg()
    }
}

#[get("/members?<weeks>&<query..>")]
async fn page(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    query: PeriodQuery,
    weeks: Option<i64>,
) -> Result<Html, AppError> {
    let r = report(app, &ctx, &query, weeks).await?;
    ok(&MembersPage { ctx, r })
}

/// One row per member who is new, active or lapsed, with where they stand.
fn table(ctx: &PageCtx, r: &Report) -> Table {
    let head = [
        "member-name",
        "members-report-category",
        "members-report-joined",
        "members-report-visits",
        "members-report-minutes",
        "members-report-last",
        "members-report-standing",
    ];
    let rows =
        r.m.rows()
            .into_iter()
            .map(|(standing, m)| {
                vec![
                    Value::Text(m.name.clone()),
                    Value::Text(m.category.clone().unwrap_or_default()),
                    Value::Date(day(ctx, m.joined)),
                    Value::Int(m.visits),
                    Value::Int(m.minutes),
                    m.last.map_or(Value::Text(String::new()), |at| Value::Date(day(ctx, at))),
                    Value::Text(ctx.t(&format!("members-report-{}", standing.as_str()))),
                ]
            })
            .collect();
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/members.csv?<weeks>&<query..>")]
async fn csv(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    query: PeriodQuery,
    weeks: Option<i64>,
) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query, weeks).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("members-{}-{}.csv", r.period.first, r.period.last), body))
}

#[get("/members.xlsx?<weeks>&<query..>")]
async fn xlsx(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    query: PeriodQuery,
    weeks: Option<i64>,
) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query, weeks).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("members-report-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("members-{}-{}.xlsx", r.period.first, r.period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
