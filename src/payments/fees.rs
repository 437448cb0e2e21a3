//! What cancelling and not showing up cost, applied inside the booking commands: money paid for
//! a cancelled booking goes back to the member's account, a late cancellation or a no-show is
//! charged there as a fee, and a manager can waive a fee.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::bookings::model::Status;
use crate::bookings::store::{self as bookings, Booking};
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

/// Booking `b` has just been cancelled: members' payments for it go back to their accounts and
/// pass uses to their passes. A cancellation inside the window costs the booker the late-cancel
/// share of the price, taken first from the pass that paid (a visit or hours pass keeps the whole
/// use; a value card keeps the fee) and the rest from the account.
pub fn on_cancel(ctx: &Ctx<'_>, b: &Booking) -> Result<(), CommandError> {
    let policy = prices::policy(ctx.tx)?;
    let late = ctx.acted_at() > b.starts_at - SignedDuration::from_hours(policy.cancel_window_hours);
    let mut fee = if late { share(b.price, policy.late_cancel_pct) } else { 0 };
    for p in payments::booking_payments(ctx.tx, &b.id)? {
        let (Some(member), None) = (p.member_id.as_deref(), p.refund_of.as_deref()) else { continue };
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
        let sql = "SELECT coalesce(sum(amount), 0) FROM ledger WHERE member_id = ?1 AND kind = 'fee'";
        db.conn.query_row(sql, [member], |r| r.get(0)).unwrap()
    }

    fn cancel(booking: &str) -> AnyCommand {
        AnyCommand::CancelBooking(CancelBooking { booking_id: booking.into(), reason: "Ill".into() })
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

    #[test]
    fn fees_round_to_the_nearest_minor_unit() {
        assert_eq!(super::share(1001, 50), 501);
        assert_eq!(super::share(100_000, 0), 0);
        assert_eq!(super::share(100_000, 100), 100_000);
        assert_eq!(super::share(999, 33), 330);
    }
}
