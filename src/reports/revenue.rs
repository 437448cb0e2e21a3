//! Where the money comes from. Two views of a period, day by day for a month or less and month
//! by month beyond: the money taken in by method (the takings: every payment by cash, card,
//! transfer or other, top-ups included, refunds taken off), and what the club earned by
//! category. Earned is counted when it is paid for — a booking or a pass when paid (from the
//! account too, never again when a pass is used), a group visit or a fee when charged to the
//! member's account; money put on an account is not earned until spent.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::bookings::model::Kind;
use crate::payments::model::{Method, Purpose};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    CourtRent,
    Lessons,
    Groups,
    Passes,
    Fees,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::CourtRent, Category::Lessons, Category::Groups, Category::Passes, Category::Fees];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::CourtRent => "court_rent",
            Category::Lessons => "lessons",
            Category::Groups => "groups",
            Category::Passes => "passes",
            Category::Fees => "fees",
        }
    }
}

/// One movement of money the report counts, as the store reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A payment (or a refund, negative); `booking` is the kind of booking paid for and
    /// whether it is a group's session.
    Payment { at: Timestamp, method: Method, purpose: Purpose, amount: i64, booking: Option<(Kind, bool)> },
    /// A charge on a member's account (negative) or its return (positive): `ledger_kind` is
    /// `fee`, `waiver`, `group_fee` or `group_fee_back`.
    Charge { at: Timestamp, ledger_kind: String, amount: i64 },
}

impl Entry {
    fn at(&self) -> Timestamp {
        match self {
            Entry::Payment { at, .. } | Entry::Charge { at, .. } => *at,
        }
    }

    /// What it earned, and in which category.
    fn earned(&self) -> Option<(Category, i64)> {
        match self {
            Entry::Payment { method: Method::Pass, .. } | Entry::Payment { purpose: Purpose::TopUp, .. } => None,
            Entry::Payment { purpose: Purpose::Pass, amount, .. } => Some((Category::Passes, *amount)),
            Entry::Payment { amount, booking, .. } => Some(match booking {
                Some((_, true)) => (Category::Groups, *amount),
                Some((Kind::Lesson, false)) => (Category::Lessons, *amount),
                _ => (Category::CourtRent, *amount),
            }),
            Entry::Charge { ledger_kind, amount, .. } => match ledger_kind.as_str() {
                "fee" | "waiver" => Some((Category::Fees, -amount)),
                "group_fee" | "group_fee_back" => Some((Category::Groups, -amount)),
                _ => None,
            },
        }
    }
}

/// A period split into days or months.
#[derive(Debug, Clone, PartialEq)]
pub struct Buckets {
    /// The first day of each bucket.
    pub starts: Vec<Date>,
    pub monthly: bool,
}

impl Buckets {
    /// Days for a period of up to 31 days, else calendar months.
    pub fn of(first: Date, last: Date) -> Buckets {
        let monthly = (last - first).get_days() >= 31;
        let mut starts = vec![if monthly { first.first_of_month() } else { first }];
        loop {
            let prev = *starts.last().unwrap_or(&first);
            let next = if monthly { prev.checked_add(1.month()) } else { prev.checked_add(1.day()) };
            match next {
                Ok(d) if d <= last => starts.push(d),
                _ => break,
            }
        }
        if monthly {
            starts[0] = first;
        }
        Buckets { starts, monthly }
    }

    /// The bucket `day` falls in.
    pub fn index(&self, day: Date) -> Option<usize> {
        self.starts.iter().rposition(|s| *s <= day)
    }
}

#[derive(Debug)]
pub struct Revenue {
    pub buckets: Buckets,
    /// Money in by cash, card, transfer and other, one figure per bucket.
    pub by_method: Vec<(Method, Vec<i64>)>,
    pub by_category: Vec<(Category, Vec<i64>)>,
}

impl Revenue {
    pub fn money_in(&self) -> i64 {
        self.by_method.iter().flat_map(|(_, v)| v).sum()
    }

    pub fn earned(&self) -> i64 {
        self.by_category.iter().flat_map(|(_, v)| v).sum()
    }
}

pub fn revenue(buckets: Buckets, entries: &[Entry], tz: &TimeZone) -> Revenue {
    let zero = vec![0; buckets.starts.len()];
    let mut by_method: Vec<(Method, Vec<i64>)> = Method::TAKEN.into_iter().map(|m| (m, zero.clone())).collect();
    let mut by_category: Vec<(Category, Vec<i64>)> = Category::ALL.into_iter().map(|c| (c, zero.clone())).collect();
    // Each bucket's first instant: entries are placed by comparing times, not by their local day
    // (a year holds tens of thousands).
    let firsts: Vec<Timestamp> = buckets
        .starts
        .iter()
        .map(|d| d.to_zoned_datetime(tz.clone()).map_or(Timestamp::MIN, |z| z.timestamp()))
        .collect();
    for e in entries {
        let Some(i) = firsts.partition_point(|first| *first <= e.at()).checked_sub(1) else { continue };
        if let Entry::Payment { method, amount, .. } = e
            && let Some((_, v)) = by_method.iter_mut().find(|(m, _)| m == method)
        {
            v[i] += amount;
        }
        if let Some((category, amount)) = e.earned()
            && let Some((_, v)) = by_category.iter_mut().find(|(c, _)| *c == category)
        {
            v[i] += amount;
        }
    }
    Revenue { buckets, by_method, by_category }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_long_period_goes_by_month_and_a_short_one_by_day() {
        let b = Buckets::of(date(2026, 10, 15), date(2026, 12, 6));
        assert_eq!(b.starts, [date(2026, 10, 15), date(2026, 11, 1), date(2026, 12, 1)]);
        assert!(b.monthly);
        let b = Buckets::of(date(2026, 11, 30), date(2026, 12, 2));
        assert_eq!(b.starts, [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]);
        assert!(!b.monthly);
    }

    #[test]
    fn money_in_is_by_method_and_earnings_by_what_they_paid_for() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let at: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let pay = |method, purpose, amount, booking| Entry::Payment { at, method, purpose, amount, booking };
        let charge = |kind: &str, amount| Entry::Charge { at, ledger_kind: kind.into(), amount };
        let entries = [
            pay(Method::Cash, Purpose::Booking, 1000, Some((Kind::Play, false))),
            pay(Method::Cash, Purpose::Booking, -400, Some((Kind::Play, false))),
            pay(Method::Card, Purpose::Booking, 1500, Some((Kind::Lesson, false))),
            pay(Method::Wallet, Purpose::Booking, 700, Some((Kind::Lesson, true))),
            pay(Method::Pass, Purpose::Booking, 1000, Some((Kind::Play, false))),
            pay(Method::Transfer, Purpose::Pass, 5000, None),
            pay(Method::Card, Purpose::TopUp, 2000, None),
            charge("fee", -300),
            charge("waiver", 100),
            charge("group_fee", -500),
            charge("group_fee_back", 500),
            charge("payment", 2000),
        ];
        let r = revenue(Buckets::of(date(2026, 12, 1), date(2026, 12, 1)), &entries, &tz);
        let methods: Vec<(Method, i64)> = r.by_method.iter().map(|(m, v)| (*m, v[0])).collect();
        assert_eq!(methods, [(Method::Cash, 600), (Method::Card, 3500), (Method::Transfer, 5000), (Method::Other, 0)]);
        let earned: Vec<i64> = r.by_category.iter().map(|(_, v)| v[0]).collect();
        assert_eq!(earned, [600, 1500, 700, 5000, 200], "rent, lessons, groups, passes, fees");
        assert_eq!((r.money_in(), r.earned()), (9100, 8000));
    }
}
