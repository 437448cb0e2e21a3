//! The occupancy report: a heatmap of weekday by hour, and the share booked by court and by month.

use askama::Template;
use rocket::{Route, State, get, routes};

use super::chart::{Bars, Heatmap};
use super::percent;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::occupancy::{Occupancy, Share, occupancy};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last thirteen weeks, a season's pattern.
const DEFAULT_DAYS: i64 = 90;

struct Report {
    period: Period,
    /// Active courts' names, in the grid's order.
    courts: Vec<String>,
    o: Occupancy,
    /// The hours some court was open in the period (the heatmap's columns).
    hours: Vec<usize>,
}

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<Report, AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let tz = ctx.tz.clone();
    let (courts, o) = app
        .db
        .read(move |c| {
            let courts: Vec<_> =
                crate::courts::store::courts(c)?.into_iter().filter(|court| court.draft.active).collect();
            let ids: Vec<String> = courts.iter().map(|court| court.id.clone()).collect();
            let week = crate::courts::store::week(c)?;
            let closures = crate::courts::store::closures_from(c, period.first)?;
            let slots = crate::reports::store::held_slots(c, from, to, &tz)?;
            let o = occupancy(period.first, period.last, &ids, &week, &closures, &slots);
            Ok((courts.into_iter().map(|court| court.draft.name).collect(), o))
        })
        .await?;
    let hours = (0..24).filter(|h| o.heat.iter().any(|day| day[*h].open > 0)).collect();
    Ok(Report { period, courts, o, hours })
}

fn per_mille(s: &Share) -> i64 {
    s.ratio().map_or(0, |r| (r * 1000.0).round() as i64)
}

#[derive(Template)]
#[template(path = "reports/occupancy.html")]
struct OccupancyPage {
    ctx: PageCtx,
    r: Report,
}

impl OccupancyPage {
    fn percent(&self, s: &Share) -> String {
        percent(s.ratio())
    }

    fn hours(&self, minutes: &i64) -> String {
        crate::i18n::decimal(self.ctx.locale, *minutes as f64 / 60.0, 1)
    }

    fn heatmap(&self) -> String {
        let rows = (1..=7).map(|d| self.ctx.t(&format!("weekday-short-{d}"))).collect();
        let columns = self.r.hours.iter().map(|h| format!("{h:02}")).collect();
        let cells = self.r.o.heat.iter().map(|day| self.r.hours.iter().map(|h| day[*h].ratio()).collect()).collect();
        Heatmap { rows, columns, cells, title: self.ctx.t("occupancy-heatmap") }.svg()
    }

    fn bars(&self, labels: Vec<String>, shares: Vec<i64>, title: &str) -> String {
        let format = |v: i64| format!("{}%", (v as f64 / 10.0).round());
        Bars {
            labels,
            series: vec![(self.ctx.t("occupancy-booked"), shares)],
            format: &format,
            title: self.ctx.t(title),
        }
        .svg()
    }

    fn by_court_chart(&self) -> String {
        self.bars(self.r.courts.clone(), self.r.o.by_court.iter().map(per_mille).collect(), "occupancy-by-court")
    }

    fn by_month_chart(&self) -> String {
        let labels = self.r.o.by_month.iter().map(|(m, _)| super::bucket_label(&self.ctx, *m, true)).collect();
        self.bars(labels, self.r.o.by_month.iter().map(|(_, s)| per_mille(s)).collect(), "occupancy-by-month")
    }

    fn month_label(&self, m: &jiff::civil::Date) -> String {
        super::bucket_label(&self.ctx, *m, true)
    }
}

#[get("/occupancy?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let r = report(app, &ctx, &query).await?;
    ok(&OccupancyPage { ctx, r })
}

/// One row per weekday and hour, court and month: booked and open hours and the share.
fn table(ctx: &PageCtx, r: &Report) -> Table {
    let head = ["occupancy-of", "occupancy-booked-minutes", "occupancy-open-minutes", "occupancy-percent"];
    let row = |label: String, s: &Share| {
        let pct = s.ratio().map_or(Value::Text(String::new()), |v| Value::Int((v * 100.0).round() as i64));
        vec![Value::Text(label), Value::Int(s.booked), Value::Int(s.open), pct]
    };
    let mut rows = Vec::new();
    for (d, day) in r.o.heat.iter().enumerate() {
        for h in &r.hours {
            rows.push(row(format!("{} {h:02}:00", ctx.t(&format!("weekday-short-{}", d + 1))), &day[*h]));
        }
    }
    rows.extend(r.courts.iter().zip(&r.o.by_court).map(|(name, s)| row(name.clone(), s)));
    rows.extend(r.o.by_month.iter().map(|(m, s)| row(super::bucket_label(ctx, *m, true), s)));
    rows.push(row(ctx.t("occupancy-total"), &r.o.total));
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/occupancy.csv?<query..>")]
async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("occupancy-{}-{}.csv", r.period.first, r.period.last), body))
}

#[get("/occupancy.xlsx?<query..>")]
async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("occupancy-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("occupancy-{}-{}.xlsx", r.period.first, r.period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
