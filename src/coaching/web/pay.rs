//! The coach pay report (managers): for a period, each coach's lessons and group sessions held,
//! hours, no-shows, attendees and pay at their rate; on the page and as CSV.

use askama::Template;
use rocket::{State, get};

use crate::app::App;
use crate::coaching::model::{PayLine, pay_lines};
use crate::error::AppError;
use crate::export::Csv;
use crate::money::amount;
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
            let coaches: Vec<(String, String, i64)> = crate::coaching::store::coaches(c)?
                .into_iter()
                .map(|k| (k.id, k.draft.name, k.draft.pay_per_hour))
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

#[get("/reports/coach-pay.csv?<query..>")]
pub(super) async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let (period, lines) = lines(app, &ctx, &query).await?;
    let mut out = Csv::default();
    let head = [
        "booking-coach",
        "coach-pay-held",
        "coach-pay-minutes",
        "coach-pay-no-shows",
        "coach-pay-sessions",
        "coach-pay-attendees",
        "coach-pay-amount",
    ];
    out.row(head.iter().map(|h| ctx.t(h)))?;
    for l in &lines {
        out.row([
            l.name.clone(),
            l.held.to_string(),
            l.minutes.to_string(),
            l.no_shows.to_string(),
            l.sessions.to_string(),
            l.attendees.to_string(),
            amount::plain(l.pay, &ctx.club.currency),
        ])?;
    }
    Ok(CsvFile::new(&format!("coach-pay-{}-{}.csv", period.first, period.last), out.finish()?))
}
