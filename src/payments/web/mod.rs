//! Taking money at the desk: paying a booking (fully, partly, several players), refunds, wallet
//! top-ups, the member statement and printable receipts.

pub mod pay_form;
pub mod takings;

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use pay_form::PayForm;

use super::fees::WaiveFee;
use crate::app::App;
use crate::bookings::web::show_page;
use crate::commands::AnyCommand;
use crate::core::Rejection;
use crate::error::AppError;
use crate::export::Csv;
use crate::members::store as members;
use crate::money::amount;
use crate::payments::commands::{AdjustBalance, RefundPayment, SetCreditLimit, TakePayment};
use crate::payments::model::{Method, Purpose};
use crate::payments::store as payments;
use crate::payments::store::{Entry, Payment};
use crate::web::forms::{Csrf, FieldErrors, Page, done, fresh_id, run};
use crate::web::guards::{Manager, Reception};
use crate::web::page::{CsvFile, Html, PageCtx, ok, render};

// ---- paying a booking ----

#[post("/bookings/<id>/pay", data = "<form>")]
async fn pay(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PayForm>) -> Page {
    let Csrf(f, sub) = form;
    let parsed = amount::parse(&f.amount, &ctx.club.currency);
    let method = Method::parse(&f.method);
    let rejection = match (parsed, method) {
        (Err(code), _) => Some(Rejection::new(code).on("amount")),
        (_, None) => Some(Rejection::new("method-choose").on("method")),
        (Ok(amount), Some(method)) => {
            let cmd = AnyCommand::TakePayment(TakePayment {
                payment_id: sub.id.to_string(),
                member_id: Some(f.payer.clone()).filter(|p| !p.is_empty()),
                booking_id: Some(id.clone()),
                purpose: Purpose::Booking,
                method,
                amount,
                payer_name: if f.payer.is_empty() { f.payer_name.clone() } else { String::new() },
                note: String::new(),
            });
            run(app, r.0.actor(), &sub, cmd).await?
        }
    };
    match rejection {
        None => done(format!("/bookings/{id}"), ctx.t("payment-taken")),
        Some(rej) if rej.code == "booking-not-found" => Err(AppError::NotFound),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let mut page = show_page(app, ctx, id, errors).await?;
            page.pay = PayForm { command_id: fresh_id(), ..f };
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(FromForm)]
struct RefundForm {
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = false)]
    to_wallet: bool,
}

/// Where to go back to after a refund: the booking, or the member for a top-up.
fn back_from(p: &Payment) -> String {
    match (&p.booking_id, &p.member_id) {
        (Some(b), _) => format!("/bookings/{b}"),
        (None, Some(m)) => format!("/accounts/{m}"),
        _ => "/cash".into(),
    }
}

#[post("/payments/<id>/refund", data = "<form>")]
async fn refund(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<RefundForm>) -> Page {
    let Csrf(f, sub) = form;
    let lookup = id.clone();
    let p = app.db.read(move |c| Ok(payments::payment(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    let back = back_from(&p);
    let rejection = match amount::parse(&f.amount, &ctx.club.currency) {
        Err(code) => Some(Rejection::new(code).on("amount")),
        Ok(amount) => {
            let cmd = AnyCommand::RefundPayment(RefundPayment {
                refund_id: sub.id.to_string(),
                payment_id: id,
                amount,
                to_wallet: f.to_wallet,
                reason: f.reason,
            });
            run(app, r.0.actor(), &sub, cmd).await?
        }
    };
    match rejection {
        None => done(back, ctx.t("payment-refunded")),
        Some(rej) => {
            let mut shown = rej.clone();
            shown.field = None;
            let text = FieldErrors::of_rejection(&ctx, &shown).get("form").unwrap_or_default().to_owned();
            Ok(Either::Right(Flash::error(Redirect::to(back), text)))
        }
    }
}

#[derive(FromForm)]
struct WaiveForm {
    #[field(default = String::new())]
    reason: String,
}

#[post("/bookings/<id>/waive", data = "<form>")]
async fn waive(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<WaiveForm>) -> Page {
    let Csrf(f, sub) = form;
    let cmd = AnyCommand::WaiveFee(WaiveFee { booking_id: id.clone(), reason: f.reason });
    match run(app, m.0.actor(), &sub, cmd).await? {
        None => done(format!("/bookings/{id}"), ctx.t("fee-waived")),
        Some(rej) if rej.code == "booking-not-found" => Err(AppError::NotFound),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            Ok(Either::Left(render(Status::UnprocessableEntity, &show_page(app, ctx, id, errors).await?)?))
        }
    }
}

// ---- receipts ----

#[derive(Template)]
#[template(path = "payments/receipt.html")]
struct ReceiptPage {
    ctx: PageCtx,
    p: Payment,
    what: String,
    /// Taken on this desk and not yet seen by the hub: the receipt number may still change.
    provisional: bool,
}

impl ReceiptPage {
    fn method_name(&self) -> String {
        self.ctx.t(self.p.method.label_id(self.p.amount))
    }
}

#[get("/payments/<id>/receipt")]
async fn receipt(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let on_desk = app.desk.is_some();
    let (p, booking, pass, provisional) = app
        .db
        .read(move |c| {
            let Some(p) = payments::payment(c, &id)? else { return Ok(None) };
            let provisional = on_desk && crate::desk::store::replica::made_tentatively(c, "payments", &p.id)?;
            let pass = match &p.pass_id {
                Some(id) => crate::passes::store::pass(c, id)?.map(|s| s.name),
                None => None,
            };
            let booking = match &p.booking_id {
                Some(b) => crate::bookings::store::booking(c, b)?
                    .and_then(|b| crate::courts::store::court(c, &b.court_id).ok().flatten().map(|court| (b, court))),
                None => None,
            };
            Ok(Some((p, booking, pass, provisional)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let what = match (booking, pass) {
        (None, Some(name)) => ctx.ta("receipt-pass", "name", name),
        (Some((b, court)), _) => {
            let slot = crate::bookings::model::LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
            let (date, start, minutes) =
                (crate::i18n::date(ctx.locale, slot.day), slot.start.to_string(), slot.minutes.to_string());
            crate::i18n::tr_args(
                ctx.locale,
                "receipt-booking",
                &[("court", &court.draft.name), ("date", &date), ("start", &start), ("minutes", &minutes)],
            )
        }
        (None, None) => ctx.t("receipt-top-up"),
    };
    ok(&ReceiptPage { ctx, p, what, provisional })
}

// ---- the member's account ----

#[derive(FromForm)]
struct TopUpForm {
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    method: String,
}

#[derive(FromForm)]
struct AdjustForm {
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    reason: String,
}

#[derive(Template)]
#[template(path = "payments/statement.html")]
struct StatementPage {
    ctx: PageCtx,
    member_id: String,
    name: String,
    /// Entries with the balance after each, oldest first.
    rows: Vec<(Entry, i64)>,
    balance: i64,
    credit_limit: i64,
    command_id: String,
    errors: FieldErrors,
    /// The top-up and adjustment forms as typed.
    typed: (String, String, String),
}

impl StatementPage {
    fn kind_name(&self, kind: &str) -> String {
        self.ctx.t(&format!("entry-{kind}"))
    }

    fn top_up_methods(&self) -> Vec<(&'static str, String, bool)> {
        [Method::Cash, Method::Card, Method::Transfer, Method::Other]
            .iter()
            .map(|m| (m.as_str(), self.ctx.t(&format!("method-{}", m.as_str())), self.typed.1 == m.as_str()))
            .collect()
    }
}

async fn statement_page(
    app: &App,
    ctx: PageCtx,
    member_id: String,
    errors: FieldErrors,
    typed: (String, String, String),
) -> Result<StatementPage, AppError> {
    let lookup = member_id.clone();
    let (name, entries, credit_limit) = app
        .db
        .read(move |c| {
            let Some(m) = members::member(c, &lookup)? else { return Ok(None) };
            Ok(Some((m.full_name, payments::entries(c, &lookup)?, payments::credit_limit(c, &lookup)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let mut balance = 0;
    let rows = entries
        .into_iter()
        .map(|e| {
            balance += e.amount;
            (e, balance)
        })
        .collect();
    Ok(StatementPage { ctx, member_id, name, rows, balance, credit_limit, command_id: fresh_id(), errors, typed })
}

#[get("/accounts/<id>")]
async fn statement(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&statement_page(app, ctx, id, FieldErrors::default(), (String::new(), "cash".into(), String::new())).await?)
}

#[get("/accounts/<id>/statement.csv")]
async fn statement_csv(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<CsvFile, AppError> {
    let page = statement_page(app, ctx, id, FieldErrors::default(), Default::default()).await?;
    let mut out = Csv::default();
    let currency = &page.ctx.club.currency;
    let head = ["statement-when", "statement-what", "statement-amount", "statement-balance", "statement-reason"];
    out.row(head.iter().map(|h| page.ctx.t(h)))?;
    for (e, balance) in &page.rows {
        out.row([
            e.at.to_zoned_datetime(page.ctx.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
            page.kind_name(&e.kind),
            amount::plain(e.amount, currency),
            amount::plain(*balance, currency),
            e.reason.clone(),
        ])?;
    }
    Ok(CsvFile::new(&format!("statement-{}.csv", page.ctx.club_day()), out.finish()?))
}

#[post("/accounts/<id>/top-up", data = "<form>")]
async fn top_up(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<TopUpForm>) -> Page {
    let Csrf(f, sub) = form;
    let rejection = match (amount::parse(&f.amount, &ctx.club.currency), Method::parse(&f.method)) {
        (Err(code), _) => Some(Rejection::new(code).on("amount")),
        (_, None) => Some(Rejection::new("method-choose").on("method")),
        (Ok(amount), Some(method)) => {
            let cmd = AnyCommand::TakePayment(TakePayment {
                payment_id: sub.id.to_string(),
                member_id: Some(id.clone()),
                booking_id: None,
                purpose: Purpose::TopUp,
                method,
                amount,
                payer_name: String::new(),
                note: String::new(),
            });
            run(app, r.0.actor(), &sub, cmd).await?
        }
    };
    match rejection {
        None => done(format!("/accounts/{id}"), ctx.t("top-up-done")),
        Some(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let page = statement_page(app, ctx, id, errors, (f.amount, f.method, String::new())).await?;
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[post("/accounts/<id>/adjust", data = "<form>")]
async fn adjust(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<AdjustForm>) -> Page {
    let Csrf(f, sub) = form;
    let rejection = match amount::parse(&f.amount, &ctx.club.currency) {
        Err(code) => Some(Rejection::new(code).on("adjust_amount")),
        Ok(amount) => {
            let cmd = AnyCommand::AdjustBalance(AdjustBalance {
                entry_id: Uuid::now_v7().to_string(),
                member_id: id.clone(),
                amount,
                reason: f.reason.clone(),
            });
            run(app, m.0.actor(), &sub, cmd).await?
        }
    };
    match rejection {
        None => done(format!("/accounts/{id}"), ctx.t("balance-adjusted")),
        Some(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Some(mut rej) => {
            if rej.field.as_deref() == Some("amount") {
                rej.field = Some("adjust_amount".into());
            }
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let page = statement_page(app, ctx, id, errors, (String::new(), "cash".into(), f.amount)).await?;
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(FromForm)]
struct CreditForm {
    #[field(default = String::new())]
    limit: String,
}

#[post("/accounts/<id>/credit", data = "<form>")]
async fn credit(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<CreditForm>) -> Page {
    let Csrf(f, sub) = form;
    let rejection = match amount::parse_or_zero(&f.limit, &ctx.club.currency) {
        Err(code) => Some(Rejection::new(code).on("limit")),
        Ok(limit) => {
            let cmd = AnyCommand::SetCreditLimit(SetCreditLimit { member_id: id.clone(), limit });
            run(app, m.0.actor(), &sub, cmd).await?
        }
    };
    match rejection {
        None => done(format!("/accounts/{id}"), ctx.t("credit-saved")),
        Some(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let page = statement_page(app, ctx, id, errors, (String::new(), "cash".into(), String::new())).await?;
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![pay, refund, waive, receipt, statement, statement_csv, top_up, adjust, credit]
}
