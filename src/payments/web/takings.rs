//! Money reports: takings for a day or a date range by method and purpose, per day, as a page
//! and as CSV; and the members who owe the club.

use askama::Template;
use jiff::civil::Date;
use rocket::{Route, State, get, routes};

use crate::app::App;
use crate::error::AppError;
use crate::export::Csv;
use crate::money::amount;
use crate::payments::model::{Method, Purpose};
use crate::payments::store as payments;
use crate::payments::store::Payment;
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::PeriodQuery;

/// Takings between two club-local days, inclusive.
struct Takings {
    first: Date,
    last: Date,
    payments: Vec<Payment>,
}

impl Takings {
    /// Money in, by method, less refunds; the wallet and passes are left out (no money crosses the desk).
    fn by_method(&self) -> Vec<(Method, i64)> {
        Method::TAKEN
            .into_iter()
            .map(|m| (m, self.payments.iter().filter(|p| p.method == m).map(|p| p.amount).sum()))
            .collect()
    }

    fn by_purpose(&self) -> Vec<(Purpose, i64)> {
        Purpose::ALL
            .into_iter()
            .map(|k| {
                (k, self.payments.iter().filter(|p| p.purpose == k && p.method.is_money()).map(|p| p.amount).sum())
            })
            .collect()
    }

    fn total(&self) -> i64 {
        self.payments.iter().filter(|p| p.method.is_money()).map(|p| p.amount).sum()
    }

    /// Bookings paid from members' accounts (not money in: it came in as top-ups).
    fn paid_from_accounts(&self) -> i64 {
        self.payments.iter().filter(|p| p.method == Method::Wallet && p.amount > 0).map(|p| p.amount).sum()
    }

    /// Refunds put on members' accounts instead of paid out (no money left the desk).
    fn refunded_to_accounts(&self) -> i64 {
        self.payments.iter().filter(|p| p.method == Method::Wallet && p.amount < 0).map(|p| -p.amount).sum()
    }
}

/// One day unless asked otherwise.
async fn takings(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<Takings, AppError> {
    let period = query.period(ctx.club_day(), 0);
    let (from, to) = period.instants(&ctx.tz);
    let payments = app.db.read(move |c| Ok(payments::payments_between(c, from, to)?)).await?;
    Ok(Takings { first: period.first, last: period.last, payments })
}

#[derive(Template)]
#[template(path = "payments/takings.html")]
struct ReportsPage {
    ctx: PageCtx,
    t: Takings,
    debtors: Vec<(String, String, i64)>,
}

impl ReportsPage {
    fn method_name(&self, m: &Method) -> String {
        self.ctx.t(&format!("method-{}", m.as_str()))
    }

    fn purpose_name(&self, p: &Purpose) -> String {
        self.ctx.t(&format!("purpose-{}", p.as_str()))
    }
}

#[get("/?<query..>")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let t = takings(app, &ctx, &query).await?;
    let debtors = app.db.read(|c| Ok(payments::debtors(c)?)).await?;
    ok(&ReportsPage { ctx, t, debtors })
}

#[get("/payments.csv?<query..>")]
async fn csv_export(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let t = takings(app, &ctx, &query).await?;
    let currency = &ctx.club.currency;
    let mut out = Csv::default();
    let head = [
        "report-receipt",
        "statement-when",
        "report-method",
        "report-purpose",
        "receipt-payer",
        "payment-amount",
        "receipt-staff",
    ];
    out.row(head.iter().map(|h| ctx.t(h)))?;
    for p in &t.payments {
        out.row([
            p.receipt_no.to_string(),
            p.at.to_zoned_datetime(ctx.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
            ctx.t(&format!("method-{}", p.method.as_str())),
            ctx.t(&format!("purpose-{}", p.purpose.as_str())),
            p.member_name.clone().unwrap_or_else(|| p.payer_name.clone()),
            amount::plain(p.amount, currency),
            p.taken_by.clone(),
        ])?;
    }
    Ok(CsvFile::new(&format!("payments-{}-{}.csv", t.first, t.last), out.finish()?))
}

pub fn routes() -> Vec<Route> {
    routes![page, csv_export]
}
