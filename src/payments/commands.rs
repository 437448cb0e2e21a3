//! Commands that move money: take a payment (for a booking, or a wallet top-up), refund one,
//! adjust a balance or a credit limit (managers). Each payment is a fact under the id the desk
//! gave it, so sending it twice records it once.

use serde::{Deserialize, Serialize};

use super::model::{Method, Purpose};
use super::store::{self as payments, NewEntry, NewPayment};
use crate::bookings::model::Status;
use crate::bookings::store as bookings;
use crate::cash::store as cash;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::members::store as members;
use crate::money::amount::{MAX_MAJOR, check_positive as check_amount};
use crate::passes::commands as passes;

fn check_text(text: &str, field: &str, code: &str, max: usize) -> Result<(), Rejection> {
    if text.chars().count() > max { Err(Rejection::new(code).on(field)) } else { Ok(()) }
}

fn open_shift_id(ctx: &Ctx<'_>, method: Method) -> Result<Option<String>, CommandError> {
    let shift = cash::open_shift(ctx.tx, ctx.origin.till())?;
    if method == Method::Cash && shift.is_none() {
        return Err(Rejection::new("cash-desk-closed").on("method").into());
    }
    Ok(shift.map(|s| s.id))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TakePayment {
    pub payment_id: String,
    pub member_id: Option<String>,
    pub booking_id: Option<String>,
    pub purpose: Purpose,
    pub method: Method,
    pub amount: i64,
    /// Who paid, when it is a guest without a member card.
    pub payer_name: String,
    pub note: String,
}

impl TakePayment {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        self.take(ctx)
    }

    /// Everything but who may: for commands that check that themselves (a player paying from
    /// their own account on the portal).
    pub fn take(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        crate::core::id_is_new(payments::payment(ctx.tx, &self.payment_id)?)?;
        check_amount(self.amount, "amount")?;
        if self.method == Method::Pass {
            return Err(Rejection::new("method-choose").on("method").into());
        }
        check_text(&self.payer_name, "payer_name", "payer-name-too-long", 80)?;
        check_text(&self.note, "note", "note-too-long", 200)?;
        if let Some(id) = &self.member_id {
            members::member(ctx.tx, id)?.ok_or_else(|| Rejection::new("member-not-found").on("member_id"))?;
        }
        match self.purpose {
            Purpose::Booking => {
                let id = self.booking_id.as_deref().ok_or_else(|| Rejection::new("booking-not-found"))?;
                let b = bookings::booking(ctx.tx, id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
                if b.status == Status::Cancelled {
                    return Err(Rejection::new("payment-booking-cancelled").into());
                }
                let due = b.price - payments::paid_for_booking(ctx.tx, id)?;
                if self.amount > due {
                    return Err(Rejection::new("payment-more-than-due").on("amount").arg("due", due).into());
                }
            }
            Purpose::Pass => return Err(Rejection::new("pass-sold-on-member-page").into()),
            Purpose::TopUp => {
                if self.member_id.is_none() || self.booking_id.is_some() {
                    return Err(Rejection::new("top-up-needs-member").on("member_id").into());
                }
                if self.method == Method::Wallet {
                    return Err(Rejection::new("top-up-from-wallet").on("method").into());
                }
            }
        }
        if self.method == Method::Wallet {
            let member = self.member_id.as_deref().ok_or_else(|| Rejection::new("wallet-needs-member").on("method"))?;
            let balance = payments::balance(ctx.tx, member)?;
            if balance + payments::credit_limit(ctx.tx, member)? < self.amount {
                return Err(Rejection::new("wallet-not-enough").on("amount").arg("balance", balance).into());
            }
        }
        let shift = open_shift_id(ctx, self.method)?;
        let by = ctx.actor.display_name();
        payments::insert_payment(
            ctx.tx,
            &NewPayment {
                id: &self.payment_id,
                receipt_no: payments::next_receipt_no(ctx.tx)?,
                at: ctx.now,
                member_id: self.member_id.as_deref(),
                booking_id: self.booking_id.as_deref(),
                purpose: self.purpose,
                method: self.method,
                amount: self.amount,
                refund_of: None,
                shift_id: shift.as_deref(),
                payer_name: self.payer_name.trim(),
                note: self.note.trim(),
                taken_by: &by,
                pass_id: None,
            },
        )?;
        if let Some(member) = self.member_id.as_deref() {
            let entry = |kind, amount| NewEntry {
                member_id: member,
                kind,
                amount,
                booking_id: self.booking_id.as_deref(),
                payment_id: Some(&self.payment_id),
                reason: "",
            };
            // Money handed over is paid in; a booking paid for is charged. From the wallet, only the charge.
            if self.method != Method::Wallet {
                payments::append(ctx.tx, &format!("{}/in", self.payment_id), ctx.now, &entry("payment", self.amount))?;
            }
            if self.purpose == Purpose::Booking {
                payments::append(
                    ctx.tx,
                    &format!("{}/charge", self.payment_id),
                    ctx.now,
                    &entry("charge", -self.amount),
                )?;
            }
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {} {} ({})", self.purpose.as_str(), self.method.as_str(), self.amount, self.payment_id)
    }
}

/// Gives back (part of) a payment: to the member's wallet, or the way it was paid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundPayment {
    pub refund_id: String,
    pub payment_id: String,
    pub amount: i64,
    pub to_wallet: bool,
    pub reason: String,
}

impl RefundPayment {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(payments::payment(ctx.tx, &self.refund_id)?)?;
        let p = payments::payment(ctx.tx, &self.payment_id)?.ok_or_else(|| Rejection::new("payment-not-found"))?;
        if p.refund_of.is_some() {
            return Err(Rejection::new("refund-of-refund").into());
        }
        check_amount(self.amount, "amount")?;
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Rejection::new("refund-reason-required").on("reason").into());
        }
        let left = payments::refundable(ctx.tx, &p.id)?;
        if self.amount > left {
            return Err(Rejection::new("refund-more-than-paid").on("amount").arg("left", left).into());
        }
        if p.method == Method::Pass {
            return passes::give_back(ctx, &p, &self.refund_id, self.amount, reason);
        }
        if p.purpose == Purpose::Pass {
            passes::void_sold(ctx, &p, self.amount)?;
        }
        // Wallet money goes back to the wallet; a top-up comes out of it.
        let method = if self.to_wallet || p.method == Method::Wallet { Method::Wallet } else { p.method };
        let member = p.member_id.as_deref();
        if method == Method::Wallet && p.purpose == Purpose::TopUp {
            return Err(Rejection::new("refund-top-up-to-wallet").on("to_wallet").into());
        }
        if method == Method::Wallet && member.is_none() {
            return Err(Rejection::new("wallet-needs-member").on("to_wallet").into());
        }
        if let (Purpose::TopUp, Some(m)) = (p.purpose, member) {
            let balance = payments::balance(ctx.tx, m)?;
            if balance < self.amount {
                return Err(Rejection::new("wallet-not-enough").on("amount").arg("balance", balance).into());
            }
        }
        let shift = open_shift_id(ctx, method)?;
        let by = ctx.actor.display_name();
        payments::insert_payment(
            ctx.tx,
            &NewPayment {
                id: &self.refund_id,
                receipt_no: payments::next_receipt_no(ctx.tx)?,
                at: ctx.now,
                member_id: member,
                booking_id: p.booking_id.as_deref(),
                purpose: p.purpose,
                method,
                amount: -self.amount,
                refund_of: Some(&p.id),
                shift_id: shift.as_deref(),
                payer_name: &p.payer_name,
                note: reason,
                taken_by: &by,
                pass_id: p.pass_id.as_deref(),
            },
        )?;
        if let Some(member) = member {
            let entry = |kind, amount| NewEntry {
                member_id: member,
                kind,
                amount,
                booking_id: p.booking_id.as_deref(),
                payment_id: Some(&self.refund_id),
                reason,
            };
            if p.purpose != Purpose::TopUp {
                payments::append(
                    ctx.tx,
                    &format!("{}/refund", self.refund_id),
                    ctx.now,
                    &entry("refund", self.amount),
                )?;
            }
            if method != Method::Wallet {
                payments::append(ctx.tx, &format!("{}/out", self.refund_id), ctx.now, &entry("payout", -self.amount))?;
            }
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} of {}: {}", self.amount, self.payment_id, self.reason)
    }
}

/// A manager lets a member's account go below zero by up to `limit` when paying from it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetCreditLimit {
    pub member_id: String,
    pub limit: i64,
}

impl SetCreditLimit {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        members::member(ctx.tx, &self.member_id)?.ok_or_else(|| Rejection::new("member-not-found"))?;
        if !(0..=MAX_MAJOR * 100).contains(&self.limit) {
            return Err(Rejection::new("amount-out-of-range").on("limit").into());
        }
        payments::set_credit_limit(ctx.tx, &self.member_id, self.limit)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.member_id, self.limit)
    }
}

/// A manager corrects a member's balance, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdjustBalance {
    pub entry_id: String,
    pub member_id: String,
    pub amount: i64,
    pub reason: String,
}

impl AdjustBalance {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        members::member(ctx.tx, &self.member_id)?.ok_or_else(|| Rejection::new("member-not-found"))?;
        check_amount(self.amount.saturating_abs(), "amount")?;
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Rejection::new("adjust-reason-required").on("reason").into());
        }
        let entry = NewEntry {
            member_id: &self.member_id,
            kind: "adjustment",
            amount: self.amount,
            booking_id: None,
            payment_id: None,
            reason,
        };
        payments::append(ctx.tx, &self.entry_id, ctx.now, &entry)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}: {}", self.member_id, self.amount, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cash::commands::OpenShift;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, id, slot};

    fn pay(booking: &str, member: &str, amount: i64, method: Method) -> AnyCommand {
        AnyCommand::TakePayment(TakePayment {
            payment_id: id(),
            member_id: Some(member.into()),
            booking_id: Some(booking.into()),
            purpose: Purpose::Booking,
            method,
            amount,
            payer_name: String::new(),
            note: String::new(),
        })
    }

    #[test]
    fn a_booking_is_paid_up_to_its_price_and_refunds_never_exceed_what_was_paid() {
        let mut db = TestDb::new();
        db.price_per_hour(100_000);
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        let booking = db.book(&court, &anna, slot("2026-12-01", "10:00", 60)).unwrap();

        let closed = db.refused(pay(&booking, &anna, 60_000, Method::Cash));
        assert_eq!(closed.code, "cash-desk-closed", "cash needs an open shift");
        db.applied(AnyCommand::OpenShift(OpenShift { shift_id: id(), float: 0 }));
        let cash = pay(&booking, &anna, 60_000, Method::Cash);
        let AnyCommand::TakePayment(TakePayment { payment_id: paid, .. }) = &cash else { unreachable!() };
        let paid = paid.clone();
        db.applied(cash);
        let over = db.refused(pay(&booking, &anna, 50_000, Method::Card));
        assert_eq!(over.code, "payment-more-than-due");
        assert!(over.args.contains(&("due".into(), "40000".into())), "{over:?}");

        let refund = |amount| {
            AnyCommand::RefundPayment(RefundPayment {
                refund_id: id(),
                payment_id: paid.clone(),
                amount,
                to_wallet: false,
                reason: "rain".into(),
            })
        };
        assert_eq!(db.refused(refund(70_000)).code, "refund-more-than-paid");
        db.applied(refund(20_000));
        assert_eq!(db.refused(refund(50_000)).code, "refund-more-than-paid", "only 400.00 is left");
        assert_eq!(payments::paid_for_booking(&db.conn, &booking).unwrap(), 40_000);
        assert_eq!(payments::balance(&db.conn, &anna).unwrap(), 0, "the account nets to zero");
    }
}
