//! Commands of the cash desk: open a shift with a float, move cash in or out, close it with the
//! cash counted.

use serde::{Deserialize, Serialize};

use super::store as cash;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::money::amount::{MAX_MAJOR, check_positive};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenShift {
    pub shift_id: String,
    pub float: i64,
}

impl OpenShift {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        if cash::open_shift(ctx.tx, ctx.origin.till())?.is_some() {
            return Err(Rejection::new("shift-already-open").into());
        }
        if !(0..=MAX_MAJOR * 100).contains(&self.float) {
            return Err(Rejection::new("amount-out-of-range").on("float").into());
        }
        cash::insert_shift(ctx.tx, &self.shift_id, ctx.origin.till(), ctx.now, &ctx.actor.display_name(), self.float)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("float {}", self.float)
    }
}

/// Cash put into the till (positive) or taken out (negative) during the open shift.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoveCash {
    pub movement_id: String,
    pub amount: i64,
    pub reason: String,
}

impl MoveCash {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let shift = cash::open_shift(ctx.tx, ctx.origin.till())?.ok_or_else(|| Rejection::new("cash-desk-closed"))?;
        check_positive(self.amount.saturating_abs(), "amount")?;
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Rejection::new("cash-reason-required").on("reason").into());
        }
        let in_till = cash::expected_cash(ctx.tx, &shift)?;
        if in_till + self.amount < 0 {
            return Err(Rejection::new("till-not-enough").on("amount").arg("cash", in_till).into());
        }
        cash::insert_movement(
            ctx.tx,
            &self.movement_id,
            &shift.id,
            ctx.now,
            self.amount,
            reason,
            &ctx.actor.display_name(),
        )?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.amount, self.reason)
    }
}

/// Closes the open shift with the cash counted in the till; the difference is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CloseShift {
    pub shift_id: String,
    pub counted: i64,
    pub note: String,
}

impl CloseShift {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let shift = cash::shift(ctx.tx, &self.shift_id)?.ok_or_else(|| Rejection::new("shift-not-found"))?;
        if shift.closed_at.is_some() {
            return Err(Rejection::new("shift-already-closed").into());
        }
        // Cash a desk takes offline goes into its open shift: only that desk may close it.
        if shift.till != ctx.origin.till() {
            return Err(Rejection::new("shift-other-till").into());
        }
        if !(0..=MAX_MAJOR * 100).contains(&self.counted) {
            return Err(Rejection::new("amount-out-of-range").on("counted").into());
        }
        if self.note.chars().count() > 500 {
            return Err(Rejection::new("note-too-long").on("note").into());
        }
        cash::close_shift(ctx.tx, &shift.id, ctx.now, &ctx.actor.display_name(), self.counted, self.note.trim())?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("counted {}", self.counted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::payments::commands::TakePayment;
    use crate::payments::model::{Method, Purpose};
    use crate::testing::{TestDb, id};

    #[test]
    fn a_shift_opens_once_gives_no_more_cash_than_the_till_holds_and_closes_once() {
        let mut db = TestDb::new();
        let shift = id();
        db.applied(AnyCommand::OpenShift(OpenShift { shift_id: shift.clone(), float: 50_000 }));
        assert_eq!(
            db.refused(AnyCommand::OpenShift(OpenShift { shift_id: id(), float: 0 })).code,
            "shift-already-open"
        );
        let out = |amount| AnyCommand::MoveCash(MoveCash { movement_id: id(), amount, reason: "Balls".into() });
        let short = db.refused(out(-60_000));
        assert_eq!(short.code, "till-not-enough");
        assert!(short.args.contains(&("cash".into(), "50000".into())));
        db.applied(out(-20_000));
        let open = cash::open_shift(&db.conn, crate::core::MAIN_TILL).unwrap().unwrap();
        assert_eq!(cash::expected_cash(&db.conn, &open).unwrap(), 30_000);
        let close =
            |counted| AnyCommand::CloseShift(CloseShift { shift_id: shift.clone(), counted, note: String::new() });
        db.applied(close(29_000));
        assert_eq!(db.refused(close(29_000)).code, "shift-already-closed");
        let report = cash::report(&db.conn, cash::shift(&db.conn, &shift).unwrap().unwrap()).unwrap();
        assert_eq!((report.expected_cash, report.shift.counted), (30_000, Some(29_000)));
    }

    #[test]
    fn each_desk_has_a_till_of_its_own_that_only_it_closes() {
        let mut db = TestDb::new();
        let member = db.member("Anna Petrova", "+79161234567");
        let (main, desk) = (id(), id());
        let at = db.now;
        db.applied(AnyCommand::OpenShift(OpenShift { shift_id: main.clone(), float: 10_000 }));
        let opened =
            db.run_from_desk("desk-2", at, AnyCommand::OpenShift(OpenShift { shift_id: desk.clone(), float: 0 }));
        assert!(matches!(opened, Outcome::Applied { .. }), "{opened:?}");
        let cash_in = |amount| {
            AnyCommand::TakePayment(TakePayment {
                payment_id: id(),
                member_id: Some(member.clone()),
                booking_id: None,
                purpose: Purpose::TopUp,
                method: Method::Cash,
                amount,
                payer_name: String::new(),
                note: String::new(),
            })
        };
        assert!(matches!(db.run_from_desk("desk-2", at, cash_in(3_000)), Outcome::Applied { .. }));
        db.applied(cash_in(500));
        let expected = |db: &TestDb, till| {
            let shift = cash::open_shift(&db.conn, till).unwrap().unwrap();
            cash::expected_cash(&db.conn, &shift).unwrap()
        };
        assert_eq!((expected(&db, crate::core::MAIN_TILL), expected(&db, "desk-2")), (10_500, 3_000));
        let close = |shift_id: &str| {
            AnyCommand::CloseShift(CloseShift { shift_id: shift_id.into(), counted: 0, note: String::new() })
        };
        assert_eq!(db.refused(close(&desk)).code, "shift-other-till");
        let other = db.run_from_desk("desk-3", at, close(&desk));
        assert!(matches!(other, Outcome::Rejected(ref r) if r.code == "shift-other-till"), "{other:?}");
        assert!(matches!(db.run_from_desk("desk-2", at, close(&desk)), Outcome::Applied { .. }));
        let closed_cash = db.run_from_desk("desk-2", at, cash_in(100));
        assert!(matches!(closed_cash, Outcome::Rejected(ref r) if r.code == "cash-desk-closed"), "{closed_cash:?}");
        assert_eq!(expected(&db, crate::core::MAIN_TILL), 10_500);
    }
}
