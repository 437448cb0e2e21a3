//! The group attendance report: sessions held and the journal's marks, group by group.

use askama::Template;
use rocket::{Route, State, get, routes};

use super::chart::Bars;
use super::percent;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::coaching::GroupAttendance;
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last 30 days, a month of sessions.
const DEFAULT_DAYS: i64 = 30;

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<(Period, Vec<GroupAttendance>), AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let now = ctx.now;
    let groups = app.db.read(move |c| Ok(crate::reports::store::group_attendance(c, from, to, now)?)).await?;
    Ok((period, groups))
}

#[derive(Template)]
#[template(path = "reports/coaching.html")]
struct CoachingPage {
    ctx: PageCtx,
    period: Period,
    groups: Vec<GroupAttendance>,
}

impl CoachingPage {
    fn per_session(&self, g: &GroupAttendance) -> String {
        g.per_session().map_or_else(|| "—".to_owned(), |n| crate::i18n::decimal(self.ctx.locale, n, 1))
    }

    fn fill(&self, g: &GroupAttendance) -> String {
        percent(g.fill())
    }

    fn chart(&self) -> String {
        let series = |id: &str, pick: fn(&GroupAttendance) -> i64| {
            (self.ctx.t(id), self.groups.iter().map(pick).collect::<Vec<_>>())
        };
        let format = |v: i64| v.to_string();
        Bars {
            labels: self.groups.iter().map(|g| g.name.clone()).collect(),
            series: vec![
                series("group-mark-present", |g| g.present),
                series("group-mark-trial", |g| g.trial),
                series("group-mark-absent", |g| g.absent),
                series("group-mark-excused", |g| g.excused),
            ],
            format: &format,
            title: self.ctx.t("coaching-report-title"),
        }
        .svg()
    }
}

#[get("/coaching?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let (period, groups) = report(app, &ctx, &query).await?;
    ok(&CoachingPage { ctx, period, groups })
}

/// One row per group with sessions held in the period.
fn table(ctx: &PageCtx, groups: &[GroupAttendance]) -> Table {
    let head = [
        "group-name",
        "booking-coach",
        "group-capacity",
        "coach-pay-sessions",
        "group-mark-present",
        "group-mark-trial",
        "group-mark-absent",
        "group-mark-excused",
        "coaching-report-fill",
    ];
    let rows = groups
        .iter()
        .map(|g| {
            let mut row = vec![Value::Text(g.name.clone()), Value::Text(g.coach.clone())];
            row.extend([g.capacity, g.sessions, g.present, g.trial, g.absent, g.excused].map(Value::Int));
            row.push(g.fill().map_or(Value::Text(String::new()), |f| Value::Int((f * 100.0).round() as i64)));
            row
        })
        .collect();
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/coaching.csv?<query..>")]
async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, groups) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &groups).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("groups-{}-{}.csv", period.first, period.last), body))
}

#[get("/coaching.xlsx?<query..>")]
async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, groups) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &groups).xlsx(&ctx.t("coaching-report-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("groups-{}-{}.xlsx", period.first, period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
