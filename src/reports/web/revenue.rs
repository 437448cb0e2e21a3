//! The revenue report: money in by method and earnings by category, day by day or month by month.

use askama::Template;
use rocket::{Route, State, get, routes};

use super::chart::Bars;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::revenue::{Buckets, Revenue, revenue};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last six months.
const DEFAULT_DAYS: i64 = 182;

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<(Period, Revenue), AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let entries = app.db.read(move |c| Ok(crate::reports::store::revenue_entries(c, from, to)?)).await?;
    Ok((period, revenue(Buckets::of(period.first, period.last), &entries, &ctx.tz)))
}

#[derive(Template)]
#[template(path = "reports/revenue.html")]
struct RevenuePage {
    ctx: PageCtx,
    period: Period,
    r: Revenue,
}

impl RevenuePage {
    fn labels(&self) -> Vec<String> {
        self.r.buckets.starts.iter().map(|d| super::bucket_label(&self.ctx, *d, self.r.buckets.monthly)).collect()
    }

    fn name(&self, id: &str) -> String {
        self.ctx.t(id)
    }

    fn chart(&self, series: Vec<(String, Vec<i64>)>, title: &str) -> String {
        let format = |v: i64| self.ctx.money(v);
        Bars { labels: self.labels(), series, format: &format, title: self.ctx.t(title) }.svg()
    }

    fn by_method_chart(&self) -> String {
        let series =
            self.r.by_method.iter().map(|(m, v)| (self.ctx.t(&format!("method-{}", m.as_str())), v.clone())).collect();
        self.chart(series, "revenue-money-in")
    }

    fn by_category_chart(&self) -> String {
        let series = self
            .r
            .by_category
            .iter()
            .map(|(c, v)| (self.ctx.t(&format!("revenue-{}", c.as_str())), v.clone()))
            .collect();
        self.chart(series, "revenue-earned")
    }
}

#[get("/revenue?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    ok(&RevenuePage { ctx, period, r })
}

/// One row per day or month: money in by method and its total, earnings by category and theirs.
fn table(ctx: &PageCtx, r: &Revenue) -> Table {
    let mut head = vec![ctx.t("revenue-period")];
    head.extend(r.by_method.iter().map(|(m, _)| ctx.t(&format!("method-{}", m.as_str()))));
    head.push(ctx.t("revenue-money-in"));
    head.extend(r.by_category.iter().map(|(c, _)| ctx.t(&format!("revenue-{}", c.as_str()))));
    head.push(ctx.t("revenue-earned"));
    let rows = r
        .buckets
        .starts
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let mut row = vec![Value::Date(*start)];
            let methods: Vec<i64> = r.by_method.iter().map(|(_, v)| v[i]).collect();
            row.extend(methods.iter().map(|m| Value::Money(*m)));
            row.push(Value::Money(methods.iter().sum()));
            let categories: Vec<i64> = r.by_category.iter().map(|(_, v)| v[i]).collect();
            row.extend(categories.iter().map(|c| Value::Money(*c)));
            row.push(Value::Money(categories.iter().sum()));
            row
        })
        .collect();
    Table { head, rows }
}

#[get("/revenue.csv?<query..>")]
async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("revenue-{}-{}.csv", period.first, period.last), body))
}

#[get("/revenue.xlsx?<query..>")]
async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("revenue-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("revenue-{}-{}.xlsx", period.first, period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
