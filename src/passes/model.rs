//! Passes and memberships as plain values: what a product holds, when a pass may pay for a
//! booking, and how much of it a booking takes. No I/O and no clock: callers pass the day.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bookings::model::{Conditions, LocalSlot, Outside};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassKind {
    /// N bookings.
    Visits,
    /// N minutes of court time.
    Hours,
    /// A prepaid amount (with an optional bonus) that bookings draw on.
    Value,
    /// Play between two dates, free or at a discount.
    Period,
}

impl PassKind {
    pub const ALL: [PassKind; 4] = [PassKind::Visits, PassKind::Hours, PassKind::Value, PassKind::Period];

    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::Visits => "visits",
            PassKind::Hours => "hours",
            PassKind::Value => "value",
            PassKind::Period => "period",
        }
    }

    pub fn parse(s: &str) -> Option<PassKind> {
        PassKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A product the club sells. `quantity` is in the kind's unit: visits, minutes, or minor units
/// of value (for a value card: what the member pays plus the bonus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    pub kind: PassKind,
    pub quantity: i64,
    pub bonus: i64,
    pub discount_pct: i64,
    pub price: i64,
    pub valid_days: i64,
    pub conditions: Conditions,
    pub active: bool,
}

pub const MAX_VISITS: i64 = 1000;
pub const MAX_MINUTES: i64 = 1000 * 60;
pub const MAX_VALID_DAYS: i64 = 3660;

impl Product {
    /// Problems as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.name.trim().is_empty() || self.name.chars().count() > 80 {
            return Err(("name", "pass-name-required"));
        }
        if self.price < 0 || self.bonus < 0 {
            return Err(("price", "amount-negative"));
        }
        match self.kind {
            PassKind::Visits if !(1..=MAX_VISITS).contains(&self.quantity) => {
                return Err(("quantity", "pass-visits-range"));
            }
            PassKind::Hours if !(1..=MAX_MINUTES).contains(&self.quantity) => {
                return Err(("quantity", "pass-hours-range"));
            }
            PassKind::Value if self.quantity != self.price + self.bonus || self.quantity <= 0 => {
                return Err(("price", "pass-value-empty"));
            }
            PassKind::Period if !(1..=100).contains(&self.discount_pct) => {
                return Err(("discount_pct", "pass-discount-range"));
            }
            _ => {}
        }
        if !(1..=MAX_VALID_DAYS).contains(&self.valid_days) {
            return Err(("valid_days", "pass-valid-days-range"));
        }
        if self.conditions.to <= self.conditions.from {
            return Err(("to", "price-band-empty"));
        }
        Ok(())
    }
}

/// A pass as sold to a member, with the product's terms copied in, and what is left of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub kind: PassKind,
    pub quantity: i64,
    pub discount_pct: i64,
    pub conditions: Conditions,
    pub valid_from: Date,
    pub valid_until: Date,
    pub frozen_since: Option<Date>,
    pub voided: bool,
    /// Sum of its uses and returns (≤ 0 while any use stands).
    pub used: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    NotStarted,
    Frozen,
    Expired,
    UsedUp,
    Refunded,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::NotStarted => "not-started",
            State::Frozen => "frozen",
            State::Expired => "expired",
            State::UsedUp => "used-up",
            State::Refunded => "refunded",
        }
    }
}

/// What one booking takes from a pass: `units` in the pass's unit, and the share of the price
/// that covers (`amount`, minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cover {
    pub units: i64,
    pub amount: i64,
}

fn pct_of(amount: i64, pct: i64) -> i64 {
    (amount * pct + 50).div_euclid(100)
}

impl Pass {
    /// What is left: visits, minutes or value; `None` for a period membership.
    pub fn remaining(&self) -> Option<i64> {
        (self.kind != PassKind::Period).then_some(self.quantity + self.used)
    }

    pub fn state(&self, today: Date) -> State {
        if self.voided {
            State::Refunded
        } else if self.frozen_since.is_some() {
            State::Frozen
        } else if today > self.valid_until {
            State::Expired
        } else if self.remaining().is_some_and(|r| r <= 0) {
            State::UsedUp
        } else if today < self.valid_from {
            State::NotStarted
        } else {
            State::Active
        }
    }

    /// What paying `due` of a booking of `slot` on `court_id` would take, or why it cannot.
    pub fn cover(&self, court_id: &str, slot: LocalSlot, due: i64) -> Result<Cover, &'static str> {
        if self.voided {
            return Err("pass-refunded");
        }
        if slot.day < self.valid_from || slot.day > self.valid_until {
            return Err("pass-not-valid-that-day");
        }
        if self.frozen_since.is_some_and(|f| f <= slot.day) {
            return Err("pass-frozen");
        }
        self.conditions.allow(court_id, slot).map_err(|outside| match outside {
            Outside::Court => "pass-wrong-court",
            Outside::Day => "pass-wrong-day",
            Outside::Time => "pass-wrong-time",
        })?;
        if due <= 0 {
            return Err("pass-nothing-due");
        }
        let left = self.quantity + self.used;
        let cover = match self.kind {
            PassKind::Visits => Cover { units: 1, amount: due },
            PassKind::Hours => Cover { units: i64::from(slot.minutes), amount: due },
            PassKind::Value => Cover { units: left.min(due), amount: left.min(due) },
            PassKind::Period => Cover { units: 0, amount: pct_of(due, self.discount_pct) },
        };
        if self.kind != PassKind::Period && left < cover.units.max(1) {
            return Err("pass-used-up");
        }
        if cover.amount <= 0 {
            return Err("pass-nothing-due");
        }
        Ok(cover)
    }

    /// The last valid day once a freeze that began on `frozen_since` ends on `today`: the days
    /// spent frozen are added on.
    pub fn valid_until_after_unfreeze(&self, today: Date) -> Date {
        let Some(since) = self.frozen_since else { return self.valid_until };
        let days = (today - since).get_days().max(0);
        self.valid_until.checked_add(jiff::Span::new().days(days)).unwrap_or(self.valid_until)
    }
}

/// The last valid day of a pass valid `valid_days` days from `from`.
pub fn valid_until(from: Date, valid_days: i64) -> Date {
    from.checked_add(jiff::Span::new().days(valid_days - 1)).unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Weekday, date};

    use crate::courts::model::DayMinute;

    use super::*;

    fn pass(kind: PassKind, quantity: i64) -> Pass {
        Pass {
            kind,
            quantity,
            discount_pct: 100,
            conditions: Conditions::default(),
            valid_from: date(2026, 11, 1),
            valid_until: date(2026, 11, 30),
            frozen_since: None,
            voided: false,
            used: 0,
        }
    }

    fn slot(day: Date, start: u16, minutes: u16) -> LocalSlot {
        LocalSlot { day, start: DayMinute::new(start).unwrap(), minutes }
    }

    #[test]
    fn each_kind_takes_its_own_unit() {
        let at = slot(date(2026, 11, 10), 600, 90);
        assert_eq!(pass(PassKind::Visits, 10).cover("c", at, 1500), Ok(Cover { units: 1, amount: 1500 }));
        assert_eq!(pass(PassKind::Hours, 600).cover("c", at, 1500), Ok(Cover { units: 90, amount: 1500 }));
        assert_eq!(pass(PassKind::Value, 1000).cover("c", at, 1500), Ok(Cover { units: 1000, amount: 1000 }));
        assert_eq!(pass(PassKind::Value, 5000).cover("c", at, 1500), Ok(Cover { units: 1500, amount: 1500 }));
        let mut member = pass(PassKind::Period, 0);
        member.discount_pct = 30;
        assert_eq!(member.cover("c", at, 1500), Ok(Cover { units: 0, amount: 450 }));
    }

    #[test]
    fn a_pass_is_refused_outside_its_terms() {
        let mut p = pass(PassKind::Visits, 10);
        p.conditions = Conditions {
            court_ids: vec!["c1".into()],
            weekdays: vec![Weekday::Monday, Weekday::Tuesday],
            from: DayMinute::new(7 * 60).unwrap(),
            to: DayMinute::new(16 * 60).unwrap(),
        };
        let monday = date(2026, 11, 9);
        let cases = [
            ("c1", slot(monday, 7 * 60, 60), Ok(())),
            ("c1", slot(monday, 15 * 60, 60), Ok(())),
            ("c1", slot(monday, 15 * 60 + 30, 60), Err("pass-wrong-time")),
            ("c1", slot(monday, 6 * 60 + 30, 60), Err("pass-wrong-time")),
            ("c2", slot(monday, 9 * 60, 60), Err("pass-wrong-court")),
            ("c1", slot(date(2026, 11, 11), 9 * 60, 60), Err("pass-wrong-day")),
            ("c1", slot(date(2026, 12, 1), 9 * 60, 60), Err("pass-not-valid-that-day")),
            ("c1", slot(date(2026, 10, 26), 9 * 60, 60), Err("pass-not-valid-that-day")),
        ];
        for (court, at, expected) in cases {
            assert_eq!(p.cover(court, at, 1000).map(|_| ()), expected, "{court} {at:?}");
        }
    }

    #[test]
    fn used_up_frozen_and_refunded_passes_pay_for_nothing() {
        let at = slot(date(2026, 11, 10), 600, 90);
        let mut p = pass(PassKind::Visits, 10);
        p.used = -10;
        assert_eq!(p.cover("c", at, 1000), Err("pass-used-up"));
        let mut hours = pass(PassKind::Hours, 120);
        hours.used = -60;
        assert_eq!(hours.cover("c", at, 1000), Err("pass-used-up"));
        let mut frozen = pass(PassKind::Visits, 10);
        frozen.frozen_since = Some(date(2026, 11, 10));
        assert_eq!(frozen.cover("c", at, 1000), Err("pass-frozen"));
        assert!(frozen.cover("c", slot(date(2026, 11, 9), 600, 60), 1000).is_ok(), "before the freeze");
        let mut voided = pass(PassKind::Visits, 10);
        voided.voided = true;
        assert_eq!(voided.cover("c", at, 1000), Err("pass-refunded"));
        assert_eq!(pass(PassKind::Visits, 10).cover("c", at, 0), Err("pass-nothing-due"));
    }

    #[test]
    fn unfreezing_adds_the_frozen_days_to_the_validity() {
        let mut p = pass(PassKind::Visits, 10);
        p.frozen_since = Some(date(2026, 11, 20));
        assert_eq!(p.valid_until_after_unfreeze(date(2026, 11, 27)), date(2026, 12, 7));
        assert_eq!(p.valid_until_after_unfreeze(date(2026, 11, 20)), date(2026, 11, 30));
        assert_eq!(valid_until(date(2026, 11, 1), 30), date(2026, 11, 30));
    }

    #[test]
    fn states_follow_the_calendar_and_the_balance() {
        let p = pass(PassKind::Visits, 10);
        assert_eq!(p.state(date(2026, 10, 31)), State::NotStarted);
        assert_eq!(p.state(date(2026, 11, 30)), State::Active);
        assert_eq!(p.state(date(2026, 12, 1)), State::Expired);
        let used = Pass { used: -10, ..p.clone() };
        assert_eq!(used.state(date(2026, 11, 5)), State::UsedUp);
    }

    /// Taking only what `cover` allows and giving back only what was taken never leaves a
    /// unit-counted pass below zero or above what was sold: 2,000 random sequences.
    #[test]
    fn no_sequence_of_uses_and_returns_makes_a_pass_negative() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..2000 {
            let kind = [PassKind::Visits, PassKind::Hours, PassKind::Value][rng.usize(0..3)];
            let quantity = rng.i64(1..2000);
            let mut p = pass(kind, quantity);
            let mut taken: Vec<i64> = Vec::new();
            for _ in 0..rng.usize(0..60) {
                if rng.bool() {
                    if let Some(units) = taken.pop() {
                        p.used += units;
                    }
                } else if let Ok(c) = p.cover("c", slot(date(2026, 11, 10), 0, rng.u16(30..240)), rng.i64(0..5000)) {
                    p.used -= c.units;
                    taken.push(c.units);
                }
                let left = p.remaining().unwrap();
                assert!((0..=quantity).contains(&left), "{kind:?} {quantity}: {left} left");
            }
        }
    }
}
