//! Cancelling a booking. When money is involved (something paid, a late-cancellation fee) the
//! desk first sees what happens to it, and chooses whether what is left of the payment goes
//! back the way it came or stays on the member's account.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::{Either, State, post};

use super::booking::on_booking;
use crate::app::App;
use crate::bookings::commands::CancelBooking;
use crate::bookings::model::LocalSlot;
use crate::bookings::store::{self, Booking};
use crate::commands::AnyCommand;
use crate::error::AppError;
use crate::payments::fees::{CancelMoney, cancel_money};
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go, submit_on};
use crate::web::guards::Reception;
use crate::web::page::{PageCtx, render};

#[derive(FromForm)]
pub(super) struct CancelForm {
    #[field(default = String::new())]
    reason: String,
    /// "back": what is left of the payment goes back the way it came; otherwise to the account.
    #[field(default = String::new())]
    money: String,
    /// Set by the confirmation page: the money shown there was read.
    #[field(default = false)]
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "bookings/cancel.html")]
struct CancelPage {
    ctx: PageCtx,
    b: Booking,
    court: String,
    slot: LocalSlot,
    reason: String,
    money: CancelMoney,
    /// "back" or "account": the choice as last made.
    choice: String,
    command_id: String,
    errors: FieldErrors,
}

impl CancelPage {
    fn when(&self) -> String {
        let span = crate::bookings::model::span(self.b.starts_at, self.b.ends_at, &self.ctx.tz);
        format!("{} · {}", crate::i18n::date(self.ctx.locale, self.slot.day), span)
    }

    fn booker(&self) -> String {
        self.b.booker_name.clone().unwrap_or_default()
    }

    fn fee_line(&self) -> String {
        let m = &self.money;
        let args = [
            ("fee", self.ctx.money(m.fee)),
            ("pct", m.late_pct.to_string()),
            ("price", self.ctx.money(self.b.price)),
            ("hours", m.window_hours.to_string()),
        ];
        self.ctx.tas("cancel-late-fee", &args)
    }
}

#[post("/bookings/<id>/cancel", data = "<form>")]
pub(super) async fn cancel(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<CancelForm>) -> Page {
    let Csrf(f, sub) = form;
    let money_back = f.money == "back";
    let (lookup, now, actor) = (id.clone(), ctx.now, r.0.actor());
    let found = app
        .db
        .read(move |c| {
            let Some(b) = store::booking(c, &lookup)? else { return Ok(None) };
            let court = crate::courts::store::court(c, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
            let money = crate::core::dry_run(c, &actor, now, |ctx| cancel_money(ctx, &b, now))?;
            Ok(Some((b, court, money.unwrap_or_default())))
        })
        .await?;
    let Some((b, court, money)) = found else { return Err(AppError::NotFound) };
    let confirm = money.asks() && b.status != crate::bookings::model::Status::Cancelled;
    let page = |ctx: PageCtx, errors: FieldErrors| {
        let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
        let choice = if money_back { "back" } else { "account" };
        CancelPage {
            ctx,
            b: b.clone(),
            court: court.clone(),
            slot,
            reason: f.reason.clone(),
            money,
            choice: choice.into(),
            command_id: fresh_id(),
            errors,
        }
    };
    if confirm && (!f.confirmed || f.reason.trim().is_empty()) {
        let mut errors = FieldErrors::default();
        if f.confirmed {
            errors.add(ctx.locale, "reason", "cancel-reason-required");
        }
        let status = if errors.is_empty() { HttpStatus::Ok } else { HttpStatus::UnprocessableEntity };
        return Ok(Either::Left(render(status, &page(ctx, errors))?));
    }
    let done = ctx.t("booking-cancelled-done");
    let cmd = AnyCommand::CancelBooking(CancelBooking { booking_id: id.clone(), reason: f.reason.clone(), money_back });
    if !confirm {
        return on_booking(app, r.0.actor(), ctx, id, &sub, cmd, done).await;
    }
    match submit_on(app, &ctx, r.0.actor(), &sub, cmd, "booking-not-found").await? {
        Ok(()) => go(format!("/bookings/{id}"), "success", done),
        Err(errors) => Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &page(ctx, errors))?)),
    }
}
