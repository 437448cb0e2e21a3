//! The coach pay report (managers): for a period, each coach's lessons and group sessions held,
//! hours, no-shows, attendees and pay at their rate; on the page, as CSV and as XLSX.

use askama::Template;
use rocket::{State, get};

use crate::app::App;
use crate::coaching::model::{PayLine, pay_lines};
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The report's default: the last 30 days.
const DEFAULT_DAYS: i64 = 30;

async fn lines(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<(Period, Vec<PayLine>), AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let now = ctx.now;
    let lines = app
        .db
        .read(move |c| {
            let coaches: Vec<_> = crate::coaching::store::coaches(c)?
                .into_iter()
                .map(|k| (k.id, k.draft.name, k.draft.pay_model, k.draft.pay_per_hour))
                .collect();
            let lessons = crate::coaching::store::lessons_between(c, from, to, now)?;
            Ok(pay_lines(&coaches, &lessons))
        })
        .await?;
    Ok((period, lines))
}

#[derive(Template)]
#[template(path = "coaching/pay.html")]
struct PayPage {
    ctx: PageCtx,
    period: Period,
    lines: Vec<PayLine>,
}

impl PayPage {
    fn hours(&self, l: &PayLine) -> String {
        crate::i18n::duration(self.ctx.locale, u16::try_from(l.minutes).unwrap_or(u16::MAX))
    }

    fn total(&self) -> i64 {
        self.lines.iter().map(|l| l.pay).sum()
    }
}

#[get("/reports/coach-pay?<query..>")]
pub(super) async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let (period, lines) = lines(app, &ctx, &query).await?;
    ok(&PayPage { ctx, period, lines })
}

/// The report as a table, one row per coach.
fn table(ctx: &PageCtx, lines: &[PayLine]) -> Table {
    let head = [
        "booking-coach",
        "coach-pay-held",
        "coach-pay-minutes",
        "coach-pay-no-shows",
        "coach-pay-sessions",
        "coach-pay-attendees",
        "coach-pay-amount",
    ];
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![Value::Text(l.name.clone())];
            row.extend([l.held, l.minutes, l.no_shows, l.sessions, l.attendees].map(Value::Int));
            row.push(Value::Money(l.pay));
            row
        })
        .collect();
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/reports/coach-pay.csv?<query..>")]
pub(super) async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, lines) = lines(app, &ctx, &query).await?;
    let body = table(&ctx, &lines).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("coach-pay-{}-{}.csv", period.first, period.last), body))
}

#[get("/reports/coach-pay.xlsx?<query..>")]
pub(super) async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, lines) = lines(app, &ctx, &query).await?;
    let body = table(&ctx, &lines).xlsx(&ctx.t("coach-pay-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("coach-pay-{}-{}.xlsx", period.first, period.last), body))
}
