//! What cancelling and not showing up cost, applied inside the booking commands: money paid for
//! a cancelled booking goes back to the member's account, a late cancellation or a no-show is
//! charged there as a fee, and a manager can waive a fee.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::bookings::model::Status;
use crate::bookings::store::{self as bookings, Booking};
use crate::cash::store as cash;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::passes::commands as passes;
use crate::passes::model::PassKind;
use crate::payments::model::Method;
use crate::payments::store as payments;
use crate::payments::store::{NewEntry, NewPayment, Payment};
use crate::prices::store::{self as prices, PassUseOn};

fn share(price: i64, pct: i64) -> i64 {
    (price * pct + 50).div_euclid(100)
}

fn entry<'a>(b: &'a Booking, member: &'a str, kind: &'a str, amount: i64, reason: &'a str) -> NewEntry<'a> {
    NewEntry { member_id: member, kind, amount, booking_id: Some(&b.id), payment_id: None, reason }
}

/// What cancelling booking `b` at `at` does with its money: what the desk shows before staff
/// confirm, worked out as `on_cancel` will do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CancelMoney {
    /// Inside the cancellation window: a fee is due.
    pub late: bool,
    pub late_pct: i64,
    pub window_hours: i64,
    /// The late-cancellation fee.
    pub fee: i64,
    /// Money paid for the booking (not by pass) and not given back yet.
    pub paid: i64,
    /// Of that, paid in cash.
    pub paid_cash: i64,
    /// Of the fee, what passes keep (a visit of a visit pass, the fee from a value card).
    pub fee_by_pass: i64,
    /// Of `paid`, what the fee keeps when the rest is returned.
    pub kept: i64,
    /// What is left of `paid` after the fee: returned, or left on the member's account.
    pub rest: i64,
    /// The part of the fee nothing paid covers: charged to the booker's account.
    pub charged: i64,
}

impl CancelMoney {
    /// Cancelling touches money: the desk sees what happens to it before confirming.
    pub fn asks(&self) -> bool {
        self.fee > 0 || self.paid > 0
    }
}

/// Hours before its start until which booking `b` is cancelled free: its booker's category's
/// own window, or the club's.
fn window_hours(conn: &crate::db::Conn, b: &Booking, policy: &prices::Policy) -> Result<i64, crate::db::SqlError> {
    Ok(crate::limits::commands::cancel_hours(conn, b.booker_id.as_deref())?
        .map_or(policy.cancel_window_hours, i64::from))
}

pub fn cancel_money(ctx: &Ctx<'_>, b: &Booking, at: jiff::Timestamp) -> Result<CancelMoney, CommandError> {
    let conn = ctx.tx;
    let policy = prices::policy(conn)?;
    let window_hours = window_hours(conn, b, &policy)?;
    let late = at > b.starts_at - SignedDuration::from_hours(window_hours);
    let fee = if late { share(b.price, policy.late_cancel_pct) } else { 0 };
    let mut m = CancelMoney { late, late_pct: policy.late_cancel_pct, window_hours, fee, ..CancelMoney::default() };
    let mut fee_left = fee;
    for p in payments::booking_payments(conn, &b.id)? {
        if p.refund_of.is_some() {
            continue;
        }
        let left = payments::refundable(conn, &p.id)?;
        if left <= 0 {
            continue;
        }
        if p.method == Method::Pass {
            let keep = match (fee_left > 0, pass_kind(ctx, &p)?) {
                (false, _) => 0,
                (true, Some(PassKind::Value)) => left.min(fee_left),
                (true, _) => left,
            };
            m.fee_by_pass += keep.min(fee_left);
            fee_left = (fee_left - keep).max(0);
            continue;
        }
        m.paid += left;
        if p.method == Method::Cash {
            m.paid_cash += left;
        }
    }
    m.kept = m.paid.min(fee_left);
    m.rest = m.paid - m.kept;
    m.charged = fee_left - m.kept;
    Ok(m)
}

/// Booking `b` has just been cancelled: pass uses go back to their passes, and money paid for
/// it either back the way it came (`money_back`: cash from this desk's till, a card refunded)
/// with the late-cancellation fee kept from it, or onto the members' accounts with the fee
/// charged there. A fee a pass or the money paid does not cover is charged to the booker's
/// account. A visit or hours pass keeps the whole use as the fee; a value card keeps the fee.
pub fn on_cancel(ctx: &Ctx<'_>, b: &Booking, money_back: bool) -> Result<(), CommandError> {
    let policy = prices::policy(ctx.tx)?;
    let late = ctx.acted_at() > b.starts_at - SignedDuration::from_hours(window_hours(ctx.tx, b, &policy)?);
    let mut fee = if late { share(b.price, policy.late_cancel_pct) } else { 0 };
    for p in payments::booking_payments(ctx.tx, &b.id)? {
        if p.refund_of.is_some() {
            continue;
        }
        let left = payments::refundable(ctx.tx, &p.id)?;
        if left <= 0 {
            continue;
        }
        let id = format!("{}/returned", p.id);
        if p.method == Method::Pass {
            let keep = match (fee > 0, pass_kind(ctx, &p)?) {
                (false, _) => 0,
                (true, Some(PassKind::Value)) => left.min(fee),
                (true, _) => left,
            };
            fee = (fee - keep).max(0);
            if keep < left {
                passes::give_back(ctx, &p, &id, left - keep, "booking cancelled")?;
            }
            continue;
        }
        if money_back && p.method != Method::Wallet {
            let keep = left.min(fee);
            fee -= keep;
            if keep < left {
                give_back(ctx, b, &p, &id, left - keep)?;
            }
            continue;
        }
        // Onto the member's account; a guest's money stays until someone refunds it.
        let Some(member) = p.member_id.as_deref() else { continue };
        payments::insert_payment(
            ctx.tx,
            &NewPayment {
                id: &id,
                receipt_no: payments::next_receipt_no(ctx.tx)?,
                at: ctx.now,
                member_id: Some(member),
                booking_id: Some(&b.id),
                purpose: p.purpose,
                method: Method::Wallet,
                amount: -left,
                refund_of: Some(&p.id),
                shift_id: None,
                payer_name: "",
                note: "booking cancelled",
                taken_by: &ctx.actor.display_name(),
                pass_id: None,
            },
        )?;
        let mut back = entry(b, member, "refund", left, "booking cancelled");
        back.payment_id = Some(&id);
        payments::append(ctx.tx, &format!("{id}/refund"), ctx.now, &back)?;
    }
    if let (true, Some(member)) = (fee > 0, b.booker_id.as_deref()) {
        let e = entry(b, member, "fee", -fee, "late cancellation");
        payments::append(ctx.tx, &format!("{}/late-fee", ctx.command_id), ctx.now, &e)?;
    }
    Ok(())
}

/// Returns `amount` of payment `p` the way it was paid: cash from this desk's open till.
fn give_back(ctx: &Ctx<'_>, b: &Booking, p: &Payment, id: &str, amount: i64) -> Result<(), CommandError> {
    let shift = cash::open_shift(ctx.tx, ctx.origin.till())?;
    if p.method == Method::Cash && shift.is_none() {
        return Err(Rejection::new("cancel-cash-desk-closed").on("money").into());
    }
    payments::insert_payment(
        ctx.tx,
        &NewPayment {
            id,
            receipt_no: payments::next_receipt_no(ctx.tx)?,
            at: ctx.now,
            member_id: p.member_id.as_deref(),
            booking_id: Some(&b.id),
            purpose: p.purpose,
            method: p.method,
            amount: -amount,
            refund_of: Some(&p.id),
            shift_id: shift.as_ref().map(|s| s.id.as_str()),
            payer_name: &p.payer_name,
            note: "booking cancelled",
            taken_by: &ctx.actor.display_name(),
            pass_id: None,
        },
    )?;
    if let Some(member) = p.member_id.as_deref() {
        let mut back = entry(b, member, "refund", amount, "booking cancelled");
        back.payment_id = Some(id);
        payments::append(ctx.tx, &format!("{id}/refund"), ctx.now, &back)?;
        let mut out = entry(b, member, "payout", -amount, "booking cancelled");
        out.payment_id = Some(id);
        payments::append(ctx.tx, &format!("{id}/out"), ctx.now, &out)?;
    }
    Ok(())
}

fn pass_kind(ctx: &Ctx<'_>, p: &Payment) -> Result<Option<PassKind>, CommandError> {
    let Some(id) = p.pass_id.as_deref() else { return Ok(None) };
    Ok(crate::passes::store::pass(ctx.tx, id)?.map(|s| s.pass.kind))
}

/// Pass uses a late cancellation kept, on cancelled booking `b`.
fn kept_pass_uses(ctx: &Ctx<'_>, b: &Booking) -> Result<Vec<(Payment, i64)>, CommandError> {
    let mut kept = Vec::new();
    if b.status != Status::Cancelled {
        return Ok(kept);
    }
    for p in payments::booking_payments(ctx.tx, &b.id)? {
        if p.method == Method::Pass && p.refund_of.is_none() {
            let left = payments::refundable(ctx.tx, &p.id)?;
            if left > 0 {
                kept.push((p, left));
            }
        }
    }
    Ok(kept)
}

/// Booking `b` is marked `status`: a no-show costs the no-show share of the price less what was
/// paid; taking the no-show back waives what it cost. Checking in a booking made with a pass
/// uses the pass then, when the club uses passes at check-in.
pub fn on_attendance(ctx: &Ctx<'_>, b: &Booking, status: Status) -> Result<(), CommandError> {
    if let (Status::CheckedIn, Some(pass)) = (status, b.pass_id.as_deref())
        && b.status != Status::CheckedIn
        && prices::policy(ctx.tx)?.pass_use_on == PassUseOn::CheckIn
        && b.price > payments::paid_for_booking(ctx.tx, &b.id)?
    {
        passes::pay_with_pass(ctx, b, pass, &format!("{}/pass", ctx.command_id))?;
    }
    let Some(member) = b.booker_id.as_deref() else { return Ok(()) };
    if status == Status::NoShow && b.status != Status::NoShow {
        let policy = prices::policy(ctx.tx)?;
        let unpaid_share = share(b.price, policy.no_show_pct) - payments::paid_for_booking(ctx.tx, &b.id)?;
        if unpaid_share > 0 {
            let e = entry(b, member, "fee", -unpaid_share, "no-show");
            payments::append(ctx.tx, &format!("{}/no-show-fee", ctx.command_id), ctx.now, &e)?;
        }
    } else if b.status == Status::NoShow && status != Status::NoShow {
        let open = payments::open_fee(ctx.tx, &b.id)?;
        if open > 0 {
            let e = entry(b, member, "waiver", open, "no-show taken back");
            payments::append(ctx.tx, &format!("{}/waiver", ctx.command_id), ctx.now, &e)?;
        }
    }
    Ok(())
}

/// A manager lets a booking's fee go, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiveFee {
    pub booking_id: String,
    pub reason: String,
}

impl WaiveFee {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let b = bookings::booking(ctx.tx, &self.booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Rejection::new("waive-reason-required").on("reason").into());
        }
        let open = payments::open_fee(ctx.tx, &b.id)?;
        let kept = kept_pass_uses(ctx, &b)?;
        if open <= 0 && kept.is_empty() {
            return Err(Rejection::new("no-fee-to-waive").into());
        }
        if let (true, Some(member)) = (open > 0, b.booker_id.as_deref()) {
            let e = entry(&b, member, "waiver", open, reason);
            payments::append(ctx.tx, &format!("{}/waiver", ctx.command_id), ctx.now, &e)?;
        }
        for (p, left) in kept {
            passes::give_back(ctx, &p, &format!("{}/waived", p.id), left, reason)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.booking_id, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};

    use crate::bookings::commands::{CancelBooking, SetAttendance};
    use crate::bookings::model::Status;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::prices::commands::SetMoneyPolicy;
    use crate::prices::store::{PassUseOn, Policy};
    use crate::testing::{TestDb, id, slot};

    /// A club where cancelling within 24 hours costs half and not coming costs it all, with
    /// Anna's booking on 30 November at 18:00 (the test clock says 29 November, 12:00).
    fn club() -> (TestDb, String, String) {
        let mut db = TestDb::new();
        db.price_per_hour(100_000);
        let policy = Policy {
            lights_from: None,
            lights_per_hour: 0,
            guest_fee: 0,
            cancel_window_hours: 24,
            late_cancel_pct: 50,
            no_show_pct: 100,
            pass_use_on: PassUseOn::Booking,
        };
        db.applied(AnyCommand::SetMoneyPolicy(SetMoneyPolicy { policy, new_id: id() }));
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        let booking = db.book(&court, &anna, slot("2026-11-30", "18:00", 60)).unwrap();
        (db, anna, booking)
    }

    fn fees(db: &TestDb, member: &str) -> i64 {
        let entries = crate::payments::store::entries(&db.conn, member).unwrap();
        entries.iter().filter(|e| e.kind == "fee").map(|e| e.amount).sum()
    }

    fn cancel(booking: &str) -> AnyCommand {
        AnyCommand::CancelBooking(CancelBooking { booking_id: booking.into(), reason: "Ill".into(), money_back: false })
    }

    /// The desk cancelled 30 hours before the start, while the network was down; the hub hears
    /// of it 10 hours later, inside the fee window. The cancellation was on time.
    #[test]
    fn a_cancellation_made_at_a_desk_offline_is_judged_when_it_was_made() {
        let (mut db, anna, booking) = club();
        let made = db.now;
        db.now += SignedDuration::from_hours(10);
        assert!(matches!(db.run_from_desk("desk-2", made, cancel(&booking)), Outcome::Applied { .. }));
        assert_eq!(fees(&db, &anna), 0);

        // The same, cancelled on the hub at that later time, is late.
        let (mut db, anna, booking) = club();
        db.now += SignedDuration::from_hours(10);
        db.applied(cancel(&booking));
        assert_eq!(fees(&db, &anna), -50_000);
    }

    /// A desk clock that is ahead of the hub, or a command held more than a week, is judged at
    /// the hub's time instead.
    #[test]
    fn a_desk_clock_that_cannot_be_right_is_not_believed() {
        for issued in [SignedDuration::from_mins(30), -SignedDuration::from_hours(8 * 24)] {
            let (mut db, anna, booking) = club();
            db.now += SignedDuration::from_hours(10);
            let claimed: Timestamp = db.now + issued;
            db.run_from_desk("desk-2", claimed, cancel(&booking));
            assert_eq!(fees(&db, &anna), -50_000, "issued {issued} from the hub's now");
        }
    }

    /// A no-show recorded at a desk once the booking started counts even if the hub's clock,
    /// when it hears of it, is wrong; and one recorded before the start is refused, whenever it arrives.
    #[test]
    fn a_no_show_is_judged_at_the_time_the_desk_recorded_it() {
        let (mut db, anna, booking) = club();
        let start: Timestamp = "2026-11-30T15:00:00Z".parse().unwrap();
        db.now = start + SignedDuration::from_hours(2);
        let early = start - SignedDuration::from_mins(10);
        let no_show =
            || AnyCommand::SetAttendance(SetAttendance { booking_id: booking.clone(), status: Status::NoShow });
        let Outcome::Rejected(r) = db.run_from_desk("desk-2", early, no_show()) else { panic!("applied") };
        assert_eq!(r.code, "no-show-too-early");
        let on_time = start + SignedDuration::from_mins(15);
        assert!(matches!(db.run_from_desk("desk-2", on_time, no_show()), Outcome::Applied { .. }));
        assert_eq!(fees(&db, &anna), -100_000);
    }

    fn pay_cash(db: &mut TestDb, booking: &str, member: &str, amount: i64) {
        use crate::payments::commands::TakePayment;
        use crate::payments::model::{Method, Purpose};
        db.applied(AnyCommand::OpenShift(crate::cash::commands::OpenShift { shift_id: id(), float: 0 }));
        db.applied(AnyCommand::TakePayment(TakePayment {
            payment_id: id(),
            member_id: Some(member.into()),
            booking_id: Some(booking.into()),
            purpose: Purpose::Booking,
            method: Method::Cash,
            amount,
            payer_name: String::new(),
            note: String::new(),
        }));
    }

    fn balance(db: &TestDb, member: &str) -> i64 {
        crate::payments::store::balance(&db.conn, member).unwrap()
    }

    /// Paid 1 000 in cash, cancelled late (fee 500): the desk is told beforehand, and what it
    /// chose happens — the rest back in cash with the fee kept, or the whole on the account
    /// with the fee charged there. Either way the member ends 500 better off than before paying.
    #[test]
    fn a_late_cancellation_of_a_paid_booking_does_what_the_desk_was_shown() {
        for money_back in [true, false] {
            let (mut db, anna, booking) = club();
            pay_cash(&mut db, &booking, &anna, 100_000);
            db.now += SignedDuration::from_hours(10);
            let b = crate::bookings::store::booking(&db.conn, &booking).unwrap().unwrap();
            let actor = crate::testing::reception();
            let shown = crate::core::dry_run(&db.conn, &actor, db.now, |ctx| super::cancel_money(ctx, &b, db.now))
                .unwrap()
                .unwrap();
            assert_eq!((shown.late, shown.fee, shown.paid, shown.paid_cash), (true, 50_000, 100_000, 100_000));
            assert_eq!((shown.kept, shown.rest, shown.charged), (50_000, 50_000, 0));
            let cancel = CancelBooking { booking_id: booking.clone(), reason: "Ill".into(), money_back };
            db.applied(AnyCommand::CancelBooking(cancel));
            let net_paid = crate::payments::store::paid_for_booking(&db.conn, &booking).unwrap();
            if money_back {
                assert_eq!(net_paid, 50_000, "the fee stays paid, the rest went back");
                assert_eq!(balance(&db, &anna), 0, "nothing on the account");
                assert_eq!(fees(&db, &anna), 0);
            } else {
                assert_eq!(net_paid, 0, "all of it moved onto the account");
                assert_eq!(balance(&db, &anna), 50_000, "the rest is on the account");
                assert_eq!(fees(&db, &anna), -50_000);
            }
        }
    }

    #[test]
    fn cash_goes_back_only_from_an_open_till() {
        let (mut db, anna, booking) = club();
        pay_cash(&mut db, &booking, &anna, 100_000);
        let shift = crate::cash::store::open_shift(&db.conn, crate::core::MAIN_TILL).unwrap().unwrap();
        db.applied(AnyCommand::CloseShift(crate::cash::commands::CloseShift {
            shift_id: shift.id,
            counted: 100_000,
            note: String::new(),
        }));
        let cancel = CancelBooking { booking_id: booking.clone(), reason: "Ill".into(), money_back: true };
        assert_eq!(db.refused(AnyCommand::CancelBooking(cancel)).code, "cancel-cash-desk-closed");
    }

    #[test]
    fn fees_round_to_the_nearest_minor_unit() {
        assert_eq!(super::share(1001, 50), 501);
        assert_eq!(super::share(100_000, 0), 0);
        assert_eq!(super::share(100_000, 100), 100_000);
        assert_eq!(super::share(999, 33), 330);
    }
}
