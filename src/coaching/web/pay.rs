//! The coach pay report (managers): for a period, each coach's lessons and group sessions held,
//! hours, no-shows, attendees and pay at their rate; on the page, as CSV and as XLSX. A manager
//! approves a coach's pay for a period that is over, and may withdraw the approval.

use askama::Template;
use rocket::form::FromForm;
use rocket::{State, get, post};

use crate::app::App;
use crate::coaching::commands::{ApprovePay, WithdrawPayApproval};
use crate::coaching::model::{PayLine, pay_lines};
use crate::coaching::store::Approval;
use crate::commands::AnyCommand;
use crate::error::AppError;
use crate::export::{Table, Value};
use crate::web::forms::{Csrf, Page, fresh_id, go, submit};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok};
use crate::web::period::{Period, PeriodQuery};

/// The report's default: the last 30 days.
const DEFAULT_DAYS: i64 = 30;

/// The period's pay lines, and the live approvals overlapping it.
struct Report {
    period: Period,
    lines: Vec<PayLine>,
    approvals: Vec<Approval>,
}

impl Report {
    /// The approval of exactly this period for the coach of `l`.
    fn approved(&self, l: &PayLine) -> Option<&Approval> {
        let p = &self.period;
        self.approvals.iter().find(|a| a.coach_id == l.coach_id && a.first_day == p.first && a.last_day == p.last)
    }

    /// An approval of another period that overlaps this one.
    fn overlapping(&self, l: &PayLine) -> Option<&Approval> {
        let p = &self.period;
        self.approvals.iter().find(|a| a.coach_id == l.coach_id && (a.first_day != p.first || a.last_day != p.last))
    }
}

async fn report(app: &App, ctx: &PageCtx, query: &PeriodQuery) -> Result<Report, AppError> {
    let period = query.period(ctx.club_day(), DEFAULT_DAYS);
    let (from, to) = period.instants(&ctx.tz);
    let now = ctx.now;
    let (lines, approvals) = app
        .db
        .read(move |c| {
            let coaches: Vec<_> = crate::coaching::store::coaches(c)?.into_iter().map(|k| (k.id, k.draft)).collect();
            let lessons = crate::coaching::store::lessons_between(c, from, to, now)?;
            let approvals = crate::coaching::store::approvals_overlapping(c, period.first, period.last)?;
            Ok((pay_lines(&coaches, &lessons), approvals))
        })
        .await?;
    Ok(Report { period, lines, approvals })
}

#[derive(Template)]
#[template(path = "coaching/pay.html")]
struct PayPage {
    ctx: PageCtx,
    r: Report,
}

impl PayPage {
    /// A period may be approved once it is over.
    fn can_approve(&self) -> bool {
        self.r.period.last < self.ctx.club_day()
    }

    fn command_id(&self) -> String {
        fresh_id()
    }

    /// "Approved ₽3,200.00 by Olga, 1 December 2026".
    fn approved_text(&self, a: &Approval) -> String {
        let args = [
            ("amount", self.ctx.money(a.amount)),
            ("by", crate::web::log_book::actor_name(&self.ctx, &a.approved_by)),
            ("on", crate::i18n::date(self.ctx.locale, a.approved_at.to_zoned_datetime(self.ctx.tz.clone()).date())),
        ];
        self.ctx.tas("coach-pay-approved", &args)
    }

    fn overlap_text(&self, a: &Approval) -> String {
        let day = |d| crate::i18n::date(self.ctx.locale, d);
        let args = [("from", day(a.first_day)), ("to", day(a.last_day))];
        self.ctx.tas("coach-pay-part-approved", &args)
    }

    fn hours(&self, l: &PayLine) -> String {
        crate::i18n::duration(self.ctx.locale, u16::try_from(l.minutes).unwrap_or(u16::MAX))
    }

    fn total(&self) -> i64 {
        self.r.lines.iter().map(|l| l.pay).sum()
    }
}

#[get("/reports/coach-pay?<query..>")]
pub(super) async fn page(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<Html, AppError> {
    let r = report(app, &ctx, &query).await?;
    ok(&PayPage { ctx, r })
}

#[derive(FromForm)]
pub(super) struct ApprovalForm {
    #[field(default = String::new())]
    coach_id: String,
    #[field(default = String::new())]
    approval_id: String,
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    to: String,
}

impl ApprovalForm {
    /// Back to the report of the same period.
    fn back(&self) -> String {
        format!("/reports/coach-pay?from={}&to={}", self.from, self.to)
    }
}

fn first_error(ctx: &PageCtx, errors: &crate::web::forms::FieldErrors) -> String {
    errors.get("form").map_or_else(|| ctx.t("coach-pay-not-approved"), str::to_owned)
}

#[post("/reports/coach-pay/approve", data = "<form>")]
pub(super) async fn approve(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ApprovalForm>) -> Page {
    let Csrf(f, sub) = form;
    let back = f.back();
    let (Ok(first_day), Ok(last_day)) = (f.from.parse(), f.to.parse()) else {
        return go(back, "error", ctx.t("coach-pay-period-invalid"));
    };
    let cmd = ApprovePay { approval_id: sub.id.to_string(), coach_id: f.coach_id, first_day, last_day };
    match submit(app, &ctx, m.0.actor(), &sub, AnyCommand::ApprovePay(cmd)).await? {
        Ok(()) => go(back, "success", ctx.t("coach-pay-approved-done")),
        Err(errors) => go(back, "error", first_error(&ctx, &errors)),
    }
}

#[post("/reports/coach-pay/withdraw", data = "<form>")]
pub(super) async fn withdraw(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ApprovalForm>) -> Page {
    let Csrf(f, sub) = form;
    let back = f.back();
    let cmd = WithdrawPayApproval { approval_id: f.approval_id.clone() };
    match submit(app, &ctx, m.0.actor(), &sub, AnyCommand::WithdrawPayApproval(cmd)).await? {
        Ok(()) => go(back, "success", ctx.t("coach-pay-withdrawn-done")),
        Err(errors) => go(back, "error", first_error(&ctx, &errors)),
    }
}

/// The report as a table, one row per coach.
fn table(ctx: &PageCtx, r: &Report) -> Table {
    let head = [
        "booking-coach",
        "coach-pay-held",
        "coach-pay-minutes",
        "coach-pay-no-shows",
        "coach-pay-sessions",
        "coach-pay-attendees",
        "coach-pay-amount",
        "coach-pay-approved-amount",
    ];
    let rows = r
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![Value::Text(l.name.clone())];
            row.extend([l.held, l.minutes, l.no_shows, l.sessions, l.attendees].map(Value::Int));
            row.push(Value::Money(l.pay));
            row.push(r.approved(l).map_or(Value::Text(String::new()), |a| Value::Money(a.amount)));
            row
        })
        .collect();
    Table { head: head.iter().map(|h| ctx.t(h)).collect(), rows }
}

#[get("/reports/coach-pay.csv?<query..>")]
pub(super) async fn csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).csv(&ctx.club.currency)?;
    Ok(CsvFile::new(&format!("coach-pay-{}-{}.csv", r.period.first, r.period.last), body))
}

#[get("/reports/coach-pay.xlsx?<query..>")]
pub(super) async fn xlsx(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let r = report(app, &ctx, &query).await?;
    let body = table(&ctx, &r).xlsx(&ctx.t("coach-pay-title"), &ctx.club.currency)?;
    Ok(CsvFile::xlsx(&format!("coach-pay-{}-{}.xlsx", r.period.first, r.period.last), body))
}
