//! Where the money comes from. Two views of a period, day by day for a month or less and month
//! by month beyond: the money taken in by method (the takings: every payment by cash, card,
//! transfer or other, top-ups included, refunds taken off), and what the club earned by
//! category. Earned is counted when it is paid for — a booking or a pass when paid (from the
//! account too, never again when a pass is used), a group visit or a fee when charged to the
//! member's account; money put on an account is not earned until spent.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::payments::model::Method;

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

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

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

/// One row the report counts, as the store reads it (`revenue_items`, kept as the money is
/// written): a payment, with its method (a refund is negative), or a charge on a member's
/// account, without; and what it earned in which category — none for a top-up or a booking
/// paid from a pass. The rule that decides is migration 0033's `revenue_of_payments`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: Timestamp,
    pub method: Option<Method>,
    pub category: Option<Category>,
    pub amount: i64,
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
        let Some(i) = firsts.partition_point(|first| *first <= e.at).checked_sub(1) else { continue };
        if let Some((_, v)) = by_method.iter_mut().find(|(m, _)| Some(*m) == e.method) {
            v[i] += e.amount;
        }
        if let Some((_, v)) = by_category.iter_mut().find(|(c, _)| Some(*c) == e.category) {
            v[i] += e.amount;
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
    fn money_in_is_by_method_and_earnings_by_category_in_their_buckets() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let at = |s: &str| -> Timestamp { s.parse().unwrap() };
        let entry = |when: &str, method, category, amount| Entry { at: at(when), method, category, amount };
        let entries = [
            entry("2026-12-01T10:00:00Z", Some(Method::Cash), Some(Category::CourtRent), 1000),
            entry("2026-12-01T11:00:00Z", Some(Method::Cash), Some(Category::CourtRent), -400),
            entry("2026-12-01T12:00:00Z", Some(Method::Card), None, 2000),
            entry("2026-12-01T13:00:00Z", Some(Method::Wallet), Some(Category::Lessons), 700),
            entry("2026-12-01T14:00:00Z", None, Some(Category::Fees), 300),
            // 00:30 on the 2nd in Moscow: the second day's.
            entry("2026-12-01T21:30:00Z", Some(Method::Transfer), Some(Category::Passes), 5000),
            // Before the period: not counted.
            entry("2026-11-30T20:59:00Z", Some(Method::Cash), Some(Category::CourtRent), 9999),
        ];
        let r = revenue(Buckets::of(date(2026, 12, 1), date(2026, 12, 2)), &entries, &tz);
        let methods: Vec<(Method, Vec<i64>)> = r.by_method.clone();
        assert_eq!(
            methods,
            [
                (Method::Cash, vec![600, 0]),
                (Method::Card, vec![2000, 0]),
                (Method::Transfer, vec![0, 5000]),
                (Method::Other, vec![0, 0])
            ]
        );
        let earned: Vec<Vec<i64>> = r.by_category.iter().map(|(_, v)| v.clone()).collect();
        assert_eq!(earned, [vec![600, 0], vec![700, 0], vec![0, 0], vec![0, 5000], vec![300, 0]]);
        assert_eq!((r.money_in(), r.earned()), (7600, 6600));
    }
}
