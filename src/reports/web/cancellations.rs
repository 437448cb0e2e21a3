//! The cancellations and no-shows report: by the hour bookings started and by member.

use askama::Template;
use rocket::{Route, State, get, routes};

use super::chart::Bars;
use super::percent;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::cancellations::{Cancellations, Counts, Tally};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last 90 days.
const DEFAULT_DAYS: i64 = 90;
/// Members listed on the page (the export lists them all).
const SHOWN: usize = 30;

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<(Period, Cancellations), AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let tz = ctx.tz.clone();
    let report = app
        .db
        .read(move |c| {
            let mut tally = Tally::default();
            crate::reports::store::each_booked(c, from, to, &tz, |r| tally.add(r))?;
            let ids = tally.who_lost();
            Ok(tally.finish(&crate::members::store::names(c, &ids)?))
        })
        .await?;
    Ok((period, report))
}

#[derive(Template)]
#[template(path = "reports/cancellations.html")]
struct CancellationsPage {
    ctx: PageCtx,
    period: Period,
    r: Cancellations,
}

impl CancellationsPage {
    /// The hours anything was booked in.
    fn hours(&self) -> Vec<usize> {
        (0..24).filter(|h| self.r.by_hour[*h].booked > 0).collect()
    }

    fn lost(&self, c: &Counts) -> String {
        percent(c.lost())
    }

    fn chart(&self) -> String {
        let hours = self.hours();
        let series = |pick: fn(&Counts) -> i64| hours.iter().map(|h| pick(&self.r.by_hour[*h])).collect();
        let format = |v: i64| v.to_string();
        Bars {
            labels: hours.iter().map(|h| format!("{h:02}:00")).collect(),
            series: vec![
                (self.ctx.t("cancellations-cancelled"), series(|c| c.cancelled)),
                (self.ctx.t("cancellations-no-shows"), series(|c| c.no_shows)),
            ],
            format: &format,
            title: self.ctx.t("cancellations-by-hour"),
        }
        .svg()
    }

    /// The by-hour figures the chart draws, as a table: "18:00" and its counts.
    fn hour_rows(&self) -> Vec<(String, &Counts)> {
        self.hours().into_iter().map(|h| (format!("{h:02}:00"), &self.r.by_hour[h])).collect()
    }

    fn members(&self) -> &[(String, String, Counts)] {
        &self.r.by_member[..self.r.by_member.len().min(SHOWN)]
    }
}

#[get("/cancellations?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    ok(&CancellationsPage { ctx, period, r })
}

/// One row per member who cancelled or missed a booking.
fn table(ctx: &PageCtx, r: &Cancellations) -> Table {
    let head = [
        "member-name",
        "cancellations-booked",
        "cancellations-cancelled",
        "cancellations-no-shows",
        "cancellations-lost-pct",
        "cancellations-fees",
    ];
    let rows = r
        .by_member
        .iter()
        .map(|(_, name, c)| {
            vec![
                Value::Text(name.clone()),
                Value::Int(c.booked),
                Value::Int(c.cancelled),
                Value::Int(c.no_shows),
                Value::Int(c.lost().map_or(0, |l| (l * 100.0).round() as i64)),
                Value::Money(c.fees),
            ]
        })
        .collect();
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/cancellations.csv?<query..>")]
async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("cancellations-{}-{}.csv", period.first, period.last), body))
}

#[get("/cancellations.xlsx?<query..>")]
async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("cancellations-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("cancellations-{}-{}.xlsx", period.first, period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
