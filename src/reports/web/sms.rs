//! The SMS report: messages sent by day or month, what became of them and what they cost.

use askama::Template;
use rocket::{Route, State, get, routes};

use super::chart::Bars;
use crate::app::App;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::reports::revenue::Buckets;
use crate::reports::sms::{SmsReport, Tally, sms_report};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The default: the last year, month by month.
const DEFAULT_DAYS: i64 = 365;

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<(Period, SmsReport), AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let sent = app.db.read(move |c| Ok(crate::reports::store::sms_sent(c, from, to)?)).await?;
    Ok((period, sms_report(Buckets::of(period.first, period.last), &sent, &ctx.tz)))
}

#[derive(Template)]
#[template(path = "reports/sms.html")]
struct SmsPage {
    ctx: PageCtx,
    period: Period,
    r: SmsReport,
}

impl SmsPage {
    fn rows(&self) -> Vec<(String, Tally)> {
        let labels = self.r.buckets.starts.iter().map(|d| super::bucket_label(&self.ctx, *d, self.r.buckets.monthly));
        labels.zip(self.r.tallies.iter().copied()).collect()
    }

    fn spend(&self, t: &Tally) -> String {
        let currency = self.r.currency.as_deref().unwrap_or(&self.ctx.club.currency);
        format!("{} {currency}", crate::sms::model::show_micros(t.cost_micros))
    }

    fn chart(&self) -> String {
        let series = |id: &str, pick: fn(&Tally) -> i64| (self.ctx.t(id), self.r.tallies.iter().map(pick).collect());
        let format = |v: i64| v.to_string();
        Bars {
            labels: self.rows().into_iter().map(|(label, _)| label).collect(),
            series: vec![
                series("sms-report-delivered", |t| t.delivered),
                series("sms-report-failed", |t| t.failed),
                series("sms-report-waiting", |t| t.waiting),
            ],
            format: &format,
            title: self.ctx.t("sms-by-month-title"),
        }
        .svg()
    }
}

#[get("/sms?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    ok(&SmsPage { ctx, period, r })
}

/// One row per day or month.
fn table(ctx: &PageCtx, r: &SmsReport) -> Table {
    let mut head: Vec<String> = ["revenue-period", "sms-report-sent", "sms-report-delivered", "sms-report-failed"]
        .iter()
        .map(|h| ctx.t(h))
        .collect();
    head.extend(["sms-report-waiting", "sms-report-segments"].iter().map(|h| ctx.t(h)));
    let currency = r.currency.clone().unwrap_or_else(|| ctx.club.currency.clone());
    head.push(format!("{}, {currency}", ctx.t("sms-cost")));
    let rows = r
        .buckets
        .starts
        .iter()
        .zip(&r.tallies)
        .map(|(start, t)| {
            let mut row = vec![Value::Date(*start)];
            row.extend([t.sent(), t.delivered, t.failed, t.waiting, t.segments].map(Value::Int));
            row.push(Value::Micros(t.cost_micros));
            row
        })
        .collect();
    Table { head, rows }
}

#[get("/sms.csv?<query..>")]
async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("sms-{}-{}.csv", period.first, period.last), body))
}

#[get("/sms.xlsx?<query..>")]
async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, r) = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("sms-by-month-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("sms-{}-{}.xlsx", period.first, period.last), body))
}

pub(super) fn routes() -> Vec<Route> {
    routes![page, csv, xlsx]
}
