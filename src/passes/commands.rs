//! Commands for passes: the club's products, selling one (a payment), freezing, and paying a
//! booking with one. Giving a use back (a timely cancellation, a refund, a waived fee) lives
//! here too, so every change to what is left of a pass is made in one place.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::model::{self, PassKind, Product};
use super::store::{self, NewPass, NewUse, StoredPass};
use crate::bookings::model::{LocalSlot, Player, Status, day_bounds};
use crate::bookings::store::{self as bookings, Booking};
use crate::cash::store as cash;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::members::store as members;
use crate::payments::model::{Method, Purpose};
use crate::payments::store as payments;
use crate::payments::store::{NewEntry, NewPayment, Payment};

/// The club's day the act happened on (`Ctx::acted_at`): a pass is judged valid on that day.
fn today(ctx: &Ctx<'_>) -> Result<Date, CommandError> {
    let tz = crate::club::store::time_zone(ctx.tx)?;
    Ok(ctx.acted_at().to_zoned_datetime(tz).date())
}

fn pass_of(ctx: &Ctx<'_>, id: &str) -> Result<StoredPass, CommandError> {
    Ok(store::pass(ctx.tx, id)?.ok_or_else(|| Rejection::new("pass-not-found").on("pass_id"))?)
}

/// A manager adds or changes a product; passes already sold keep their terms.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavePassProduct {
    pub product_id: String,
    pub product: Product,
}

impl SavePassProduct {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if let Err((field, code)) = self.product.validate() {
            return Err(Rejection::new(code).on(field).into());
        }
        store::put_product(ctx.tx, &self.product_id, &self.product, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ({}, {})", self.product.name.trim(), self.product.kind.as_str(), self.product.price)
    }
}

/// Sells a product to a member: the pass, and the payment for it under its own id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SellPass {
    pub pass_id: String,
    pub payment_id: String,
    pub member_id: String,
    pub product_id: String,
    pub method: Method,
    /// The first valid day; today when not given.
    pub valid_from: Option<Date>,
}

impl SellPass {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(store::pass(ctx.tx, &self.pass_id)?)?;
        crate::core::id_is_new(payments::payment(ctx.tx, &self.payment_id)?)?;
        let member = members::member(ctx.tx, &self.member_id)?
            .ok_or_else(|| Rejection::new("member-not-found").on("member_id"))?;
        if member.archived {
            return Err(Rejection::new("pass-member-archived").on("member_id").into());
        }
        let product = store::product(ctx.tx, &self.product_id)?
            .filter(|p| p.product.active)
            .ok_or_else(|| Rejection::new("pass-product-not-on-sale").on("product_id"))?
            .product;
        if !self.method.is_money() && self.method != Method::Wallet {
            return Err(Rejection::new("method-choose").on("method").into());
        }
        let today = today(ctx)?;
        let from = self.valid_from.unwrap_or(today);
        if (from - today).get_days().abs() > 366 {
            return Err(Rejection::new("pass-start-range").on("valid_from").into());
        }
        let price = product.price;
        if self.method == Method::Wallet {
            let balance = payments::balance(ctx.tx, &self.member_id)?;
            if balance + payments::credit_limit(ctx.tx, &self.member_id)? < price {
                return Err(Rejection::new("wallet-not-enough").on("method").arg("balance", balance).into());
            }
        }
        let shift = cash::open_shift(ctx.tx, ctx.origin.till())?;
        if self.method == Method::Cash && shift.is_none() && price > 0 {
            return Err(Rejection::new("cash-desk-closed").on("method").into());
        }
        let by = ctx.actor.display_name();
        store::insert_pass(
            ctx.tx,
            &NewPass {
                id: &self.pass_id,
                member_id: &self.member_id,
                product_id: &self.product_id,
                product: &product,
                sold_at: ctx.now,
                sold_by: &by,
                valid_from: from,
                valid_until: model::valid_until(from, product.valid_days),
            },
        )?;
        if price == 0 {
            return Ok(());
        }
        payments::insert_payment(
            ctx.tx,
            &NewPayment {
                id: &self.payment_id,
                receipt_no: payments::next_receipt_no(ctx.tx)?,
                at: ctx.now,
                member_id: Some(&self.member_id),
                booking_id: None,
                purpose: Purpose::Pass,
                method: self.method,
                amount: price,
                refund_of: None,
                shift_id: shift.as_ref().map(|s| s.id.as_str()),
                payer_name: "",
                note: "",
                taken_by: &by,
                pass_id: Some(&self.pass_id),
            },
        )?;
        let entry = |kind, amount| NewEntry {
            member_id: &self.member_id,
            kind,
            amount,
            booking_id: None,
            payment_id: Some(&self.payment_id),
            reason: product.name.trim(),
        };
        if self.method != Method::Wallet {
            payments::append(ctx.tx, &format!("{}/in", self.payment_id), ctx.now, &entry("payment", price))?;
        }
        payments::append(ctx.tx, &format!("{}/sale", self.payment_id), ctx.now, &entry("pass_sale", -price))?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} to {} by {}", self.product_id, self.member_id, self.method.as_str())
    }
}

/// Stops a pass from being used from `from` (today when not given) until it is unfrozen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FreezePass {
    pub pass_id: String,
    pub from: Option<Date>,
}

impl FreezePass {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let p = pass_of(ctx, &self.pass_id)?;
        let today = today(ctx)?;
        let from = self.from.unwrap_or(today);
        match p.pass.state(today) {
            model::State::Frozen => return Err(Rejection::new("pass-already-frozen").into()),
            model::State::Refunded | model::State::Expired => return Err(Rejection::new("pass-not-live").into()),
            _ => {}
        }
        if from < today || from > p.pass.valid_until {
            return Err(Rejection::new("pass-freeze-date").on("from").into());
        }
        let tz = crate::club::store::time_zone(ctx.tx)?;
        let (day_start, _) = day_bounds(from, &tz).ok_or_else(|| Rejection::new("pass-freeze-date").on("from"))?;
        if bookings::pass_bookings_from(ctx.tx, &self.pass_id, day_start)? {
            return Err(Rejection::new("pass-freeze-has-bookings").on("from").into());
        }
        store::set_frozen(ctx.tx, &self.pass_id, Some(from), p.pass.valid_until)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.pass_id.clone()
    }
}

/// Ends a freeze today; the days it lasted are added to the pass's validity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnfreezePass {
    pub pass_id: String,
}

impl UnfreezePass {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let p = pass_of(ctx, &self.pass_id)?;
        if p.pass.frozen_since.is_none() {
            return Err(Rejection::new("pass-not-frozen").into());
        }
        let until = p.pass.valid_until_after_unfreeze(today(ctx)?);
        store::set_frozen(ctx.tx, &self.pass_id, None, until)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.pass_id.clone()
    }
}

/// Pays what is left on a booking with a pass of the booker or one of the member players.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsePass {
    pub payment_id: String,
    pub booking_id: String,
    pub pass_id: String,
}

impl UsePass {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(payments::payment(ctx.tx, &self.payment_id)?)?;
        let b = bookings::booking(ctx.tx, &self.booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
        pay_with_pass(ctx, &b, &self.pass_id, &self.payment_id)
    }

    pub fn summary(&self) -> String {
        format!("{} for {}", self.pass_id, self.booking_id)
    }
}

/// Whether pass `p` may pay for booking `b` (held by its booker or a member player), and what
/// it would take.
pub fn check(ctx: &Ctx<'_>, b: &Booking, p: &StoredPass, due: i64) -> Result<model::Cover, CommandError> {
    if b.status == Status::Cancelled {
        return Err(Rejection::new("payment-booking-cancelled").into());
    }
    let players = bookings::players(ctx.tx, &b.id)?;
    let plays = b.booker_id.as_deref() == Some(p.member_id.as_str())
        || players.iter().any(|(pl, _)| matches!(pl, Player::Member(id) if *id == p.member_id));
    if !plays {
        return Err(Rejection::new("pass-not-a-player").on("pass_id").into());
    }
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz);
    Ok(p.pass.cover(&b.court_id, slot, due).map_err(|code| Rejection::new(code).on("pass_id"))?)
}

/// Pays booking `b` from pass `pass_id` as payment `payment_id`, and marks the booking as paid by
/// it.
pub fn pay_with_pass(ctx: &Ctx<'_>, b: &Booking, pass_id: &str, payment_id: &str) -> Result<(), CommandError> {
    let p = pass_of(ctx, pass_id)?;
    let due = b.price - payments::paid_for_booking(ctx.tx, &b.id)?;
    let cover = check(ctx, b, &p, due)?;
    let by = ctx.actor.display_name();
    payments::insert_payment(
        ctx.tx,
        &NewPayment {
            id: payment_id,
            receipt_no: payments::next_receipt_no(ctx.tx)?,
            at: ctx.now,
            member_id: Some(&p.member_id),
            booking_id: Some(&b.id),
            purpose: Purpose::Booking,
            method: Method::Pass,
            amount: cover.amount,
            refund_of: None,
            shift_id: None,
            payer_name: "",
            note: &p.name,
            taken_by: &by,
            pass_id: Some(pass_id),
        },
    )?;
    let reason = use_reason(&p, -cover.units);
    store::insert_use(
        ctx.tx,
        &NewUse {
            id: payment_id,
            pass_id,
            at: ctx.now,
            booking_id: Some(&b.id),
            payment_id: Some(payment_id),
            units: -cover.units,
            reason: &reason,
        },
    )?;
    let entry = NewEntry {
        member_id: &p.member_id,
        kind: "pass_use",
        amount: 0,
        booking_id: Some(&b.id),
        payment_id: Some(payment_id),
        reason: &reason,
    };
    payments::append(ctx.tx, &format!("{payment_id}/use"), ctx.now, &entry)?;
    bookings::set_pass(ctx.tx, &b.id, Some(pass_id))?;
    Ok(())
}

/// "10 visits: −1" — what the statement and the pass's history say of a use or a return.
fn use_reason(p: &StoredPass, units: i64) -> String {
    let unit = if p.pass.kind == PassKind::Hours { " min" } else { "" };
    if p.pass.kind == PassKind::Period { p.name.clone() } else { format!("{}: {units:+}{unit}", p.name) }
}

/// Gives `amount` of pass payment `p` back to its pass as refund `refund_id`: the whole of it, or
/// for a value card any part.
pub fn give_back(ctx: &Ctx<'_>, p: &Payment, refund_id: &str, amount: i64, reason: &str) -> Result<(), CommandError> {
    let pass_id = p.pass_id.as_deref().ok_or_else(|| Rejection::new("payment-not-found"))?;
    let pass = pass_of(ctx, pass_id)?;
    let left = payments::refundable(ctx.tx, &p.id)?;
    let units = match pass.pass.kind {
        PassKind::Value => amount,
        _ if amount == left => store::units_standing(ctx.tx, &p.id)?,
        _ => return Err(Rejection::new("refund-pass-use-whole").on("amount").arg("left", left).into()),
    };
    payments::insert_payment(
        ctx.tx,
        &NewPayment {
            id: refund_id,
            receipt_no: payments::next_receipt_no(ctx.tx)?,
            at: ctx.now,
            member_id: p.member_id.as_deref(),
            booking_id: p.booking_id.as_deref(),
            purpose: p.purpose,
            method: Method::Pass,
            amount: -amount,
            refund_of: Some(&p.id),
            shift_id: None,
            payer_name: "",
            note: reason,
            taken_by: &ctx.actor.display_name(),
            pass_id: Some(pass_id),
        },
    )?;
    let note = format!("{} ({reason})", use_reason(&pass, units));
    store::insert_use(
        ctx.tx,
        &NewUse {
            id: refund_id,
            pass_id,
            at: ctx.now,
            booking_id: p.booking_id.as_deref(),
            payment_id: Some(refund_id),
            units,
            reason: &note,
        },
    )?;
    if let Some(member) = p.member_id.as_deref() {
        let entry = NewEntry {
            member_id: member,
            kind: "pass_return",
            amount: 0,
            booking_id: p.booking_id.as_deref(),
            payment_id: Some(refund_id),
            reason: &note,
        };
        payments::append(ctx.tx, &format!("{refund_id}/return"), ctx.now, &entry)?;
    }
    Ok(())
}

/// A refunded pass sale: only for a pass never used, and only whole; the pass stops working.
pub fn void_sold(ctx: &Ctx<'_>, sale: &Payment, amount: i64) -> Result<(), CommandError> {
    let pass_id = sale.pass_id.as_deref().ok_or_else(|| Rejection::new("payment-not-found"))?;
    if store::ever_used(ctx.tx, pass_id)? {
        return Err(Rejection::new("refund-pass-used").into());
    }
    if amount != payments::refundable(ctx.tx, &sale.id)? {
        return Err(Rejection::new("refund-pass-whole").on("amount").arg("left", sale.amount).into());
    }
    store::void(ctx.tx, pass_id, ctx.now)?;
    Ok(())
}
