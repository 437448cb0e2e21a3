//! The price list: which rule prices each part of a booking, the floodlight surcharge and the
//! guest fee. Plain values in, a quote out, so the rules can be tested as a table.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::bookings::model::LocalSlot;
use crate::courts::model::DayMinute;

/// A price per hour for court time matching every condition given; empty lists and `None` mean
/// "any".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRule {
    pub name: String,
    pub court_ids: Vec<String>,
    #[serde(with = "crate::bookings::model::weekdays_serde")]
    pub weekdays: Vec<Weekday>,
    pub from: DayMinute,
    pub to: DayMinute,
    pub first_day: Option<Date>,
    pub last_day: Option<Date>,
    pub category_id: Option<String>,
    pub per_hour: i64,
    pub priority: i64,
    pub active: bool,
}

/// A stored rule: the draft plus what orders equal priorities (the later created wins).
#[derive(Debug, Clone)]
pub struct StoredRule {
    pub id: String,
    pub rule: PriceRule,
    pub created_at: Timestamp,
}

impl PriceRule {
    /// An active rule for every court and category on `weekdays` (all when empty), from `from`
    /// to `to`, with no first or last day.
    pub fn band(name: &str, weekdays: Vec<Weekday>, from: DayMinute, to: DayMinute, per_hour: i64) -> PriceRule {
        PriceRule {
            name: name.into(),
            court_ids: Vec::new(),
            weekdays,
            from,
            to,
            first_day: None,
            last_day: None,
            category_id: None,
            per_hour,
            priority: 0,
            active: true,
        }
    }

    fn covers(&self, court_id: &str, day: Date, minute: u16, category: Option<&str>) -> bool {
        self.active
            && (self.court_ids.is_empty() || self.court_ids.iter().any(|c| c == court_id))
            && (self.weekdays.is_empty() || self.weekdays.contains(&day.weekday()))
            && self.from.minutes() <= minute
            && minute < self.to.minutes()
            && self.first_day.is_none_or(|f| f <= day)
            && self.last_day.is_none_or(|l| day <= l)
            && self.category_id.as_deref().is_none_or(|c| Some(c) == category)
    }

    /// Problems as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.name.trim().is_empty() {
            return Err(("name", "price-name-required"));
        }
        if self.to <= self.from {
            return Err(("to", "price-band-empty"));
        }
        if let (Some(f), Some(l)) = (self.first_day, self.last_day)
            && l < f
        {
            return Err(("last_day", "price-season-backwards"));
        }
        if self.per_hour < 0 {
            return Err(("per_hour", "amount-negative"));
        }
        Ok(())
    }
}

/// The floodlight surcharge and the guest fee, from the club's money policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extras {
    pub lights_from: Option<DayMinute>,
    pub lights_per_hour: i64,
    pub guest_fee: i64,
}

pub struct QuoteInput<'a> {
    pub court_id: &'a str,
    pub floodlights: bool,
    pub slot: LocalSlot,
    pub category_id: Option<&'a str>,
    pub guests: usize,
    pub step: u16,
}

/// One rule's share of a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteLine {
    pub rule: String,
    pub minutes: u32,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub lights_minutes: u32,
    pub lights: i64,
    pub guests: i64,
    /// Minutes no rule prices (shown to staff: the price list has a gap).
    pub unpriced_minutes: u32,
    pub total: i64,
}

fn share(per_hour: i64, minutes: u32) -> i64 {
    // Rounded to the nearest minor unit, once per rule rather than per slot.
    (per_hour * i64::from(minutes) + 30).div_euclid(60)
}

/// Prices a booking slot by slot: each slot takes the matching rule with the highest priority
/// (the later created on a tie); a booking across midnight is priced by the next day's rules.
pub fn quote(rules: &[StoredRule], extras: &Extras, q: &QuoteInput<'_>) -> Quote {
    let step = u32::from(q.step.max(1));
    let mut by_rule: Vec<(usize, u32)> = Vec::new();
    let mut out = Quote::default();
    let mut at = 0;
    while at < u32::from(q.slot.minutes) {
        let len = step.min(u32::from(q.slot.minutes) - at);
        let absolute = u32::from(q.slot.start.minutes()) + at;
        let day = q.slot.day.checked_add(jiff::Span::new().days(i64::from(absolute / 1440))).unwrap_or(q.slot.day);
        let minute = (absolute % 1440) as u16;
        let winner = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.rule.covers(q.court_id, day, minute, q.category_id))
            .max_by_key(|(_, r)| (r.rule.priority, r.created_at))
            .map(|(i, _)| i);
        match winner {
            Some(i) => match by_rule.iter_mut().find(|(r, _)| *r == i) {
                Some((_, m)) => *m += len,
                None => by_rule.push((i, len)),
            },
            None => out.unpriced_minutes += len,
        }
        if q.floodlights && extras.lights_from.is_some_and(|from| minute >= from.minutes()) {
            out.lights_minutes += len;
        }
        at += len;
    }
    out.lines = by_rule
        .into_iter()
        .map(|(i, minutes)| QuoteLine {
            rule: rules[i].rule.name.clone(),
            minutes,
            amount: share(rules[i].rule.per_hour, minutes),
        })
        .collect();
    out.lights = share(extras.lights_per_hour, out.lights_minutes);
    out.guests = extras.guest_fee * q.guests as i64;
    out.total = out.lines.iter().map(|l| l.amount).sum::<i64>() + out.lights + out.guests;
    out
}

// Amounts here are written major_minor (1600_00 is 1600.00), which reads better than 160_000.
#[cfg(test)]
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn hm(h: u16, m: u16) -> DayMinute {
        DayMinute::new(h * 60 + m).unwrap()
    }

    fn rule(name: &str, from: DayMinute, to: DayMinute, per_hour: i64) -> PriceRule {
        PriceRule::band(name, Vec::new(), from, to, per_hour)
    }

    fn stored(rules: Vec<PriceRule>) -> Vec<StoredRule> {
        rules
            .into_iter()
            .enumerate()
            .map(|(i, rule)| StoredRule {
                id: format!("r{i}"),
                rule,
                created_at: Timestamp::from_second(i as i64).unwrap(),
            })
            .collect()
    }

    /// Off-peak 1000/h all day, peak 1600/h weekdays 17–22, juniors 600/h, winter season
    /// prices, a priority-10 tournament price on court c2, lights 300/h from 18:00.
    fn club() -> (Vec<StoredRule>, Extras) {
        use Weekday::*;
        let weekdays = vec![Monday, Tuesday, Wednesday, Thursday, Friday];
        let rules = vec![
            rule("Off-peak", hm(0, 0), DayMinute::MIDNIGHT_END, 1000_00),
            PriceRule { weekdays: weekdays.clone(), priority: 1, ..rule("Peak", hm(17, 0), hm(22, 0), 1600_00) },
            PriceRule {
                category_id: Some("junior".into()),
                priority: 2,
                ..rule("Junior", hm(0, 0), hm(17, 0), 600_00)
            },
            PriceRule {
                first_day: Some(date(2026, 12, 1)),
                last_day: Some(date(2027, 2, 28)),
                weekdays,
                priority: 1,
                ..rule("Winter peak", hm(17, 0), hm(22, 0), 2000_00)
            },
            PriceRule {
                court_ids: vec!["c2".into()],
                priority: 10,
                ..rule("Centre court", hm(0, 0), hm(24, 0), 2500_00)
            },
            PriceRule { active: false, priority: 99, ..rule("Old", hm(0, 0), hm(24, 0), 1_00) },
        ];
        (stored(rules), Extras { lights_from: Some(hm(18, 0)), lights_per_hour: 300_00, guest_fee: 500_00 })
    }

    #[test]
    fn prices_at_band_season_and_priority_boundaries() {
        let (rules, extras) = club();
        // (court, lights, day, start, minutes, category, guests) -> total
        type Row<'a> = (&'a str, bool, Date, DayMinute, u16, Option<&'a str>, usize, i64);
        let table: [Row<'_>; 12] = [
            ("c1", false, date(2026, 11, 30), hm(10, 0), 60, None, 0, 1000_00), // Monday off-peak
            ("c1", false, date(2026, 11, 30), hm(16, 30), 60, None, 0, 500_00 + 800_00), // across 17:00
            ("c1", false, date(2026, 11, 30), hm(21, 30), 60, None, 0, 800_00 + 500_00), // across 22:00
            ("c1", false, date(2026, 11, 29), hm(18, 0), 60, None, 0, 1000_00), // Sunday: no peak
            ("c1", false, date(2026, 12, 1), hm(18, 0), 60, None, 0, 2000_00), // winter starts, later rule wins the tie
            ("c1", false, date(2027, 2, 28), hm(18, 0), 60, None, 0, 1000_00), // last day of winter is a Sunday
            ("c1", false, date(2027, 3, 1), hm(18, 0), 60, None, 0, 1600_00),  // winter is over
            ("c1", false, date(2026, 11, 30), hm(16, 0), 60, Some("junior"), 0, 600_00), // juniors before 17:00
            ("c1", false, date(2026, 11, 30), hm(17, 0), 60, Some("junior"), 0, 1600_00), // not at peak
            ("c2", false, date(2026, 11, 30), hm(18, 0), 90, None, 0, 3750_00), // priority 10 everywhere on c2
            ("c1", true, date(2026, 11, 30), hm(17, 30), 60, None, 0, 1600_00 + 150_00), // lights from 18:00
            ("c1", true, date(2026, 11, 30), hm(10, 0), 60, None, 2, 1000_00 + 2 * 500_00), // two guests
        ];
        for (court, lights, day, start, minutes, category, guests, want) in table {
            let q = QuoteInput {
                court_id: court,
                floodlights: lights,
                slot: LocalSlot { day, start, minutes },
                category_id: category,
                guests,
                step: 30,
            };
            assert_eq!(quote(&rules, &extras, &q).total, want, "{court} {day} {start} {minutes} {category:?}");
        }
    }

    #[test]
    fn gaps_in_the_price_list_are_reported_and_cross_midnight_uses_the_next_day() {
        use Weekday::*;
        let rules = stored(vec![
            PriceRule { weekdays: vec![Friday], ..rule("Friday late", hm(22, 0), DayMinute::MIDNIGHT_END, 1200_00) },
            PriceRule { weekdays: vec![Saturday], ..rule("Saturday night", hm(0, 0), hm(2, 0), 900_00) },
        ]);
        let q = QuoteInput {
            court_id: "c1",
            floodlights: false,
            slot: LocalSlot { day: date(2026, 12, 4), start: hm(23, 0), minutes: 120 },
            category_id: None,
            guests: 0,
            step: 30,
        };
        let got = quote(&rules, &Extras::default(), &q);
        assert_eq!(got.total, 1200_00 + 900_00);
        assert_eq!(got.unpriced_minutes, 0);
        let q = QuoteInput { slot: LocalSlot { day: date(2026, 12, 4), start: hm(21, 0), minutes: 90 }, ..q };
        let got = quote(&rules, &Extras::default(), &q);
        assert_eq!((got.unpriced_minutes, got.total), (60, 600_00));
    }

    #[test]
    fn odd_prices_round_once_per_rule() {
        let rules = stored(vec![rule("Odd", hm(0, 0), hm(24, 0), 1001)]);
        let q = QuoteInput {
            court_id: "c1",
            floodlights: false,
            slot: LocalSlot { day: date(2026, 12, 4), start: hm(10, 0), minutes: 90 },
            category_id: None,
            guests: 0,
            step: 15,
        };
        assert_eq!(quote(&rules, &Extras::default(), &q).total, 1502, "1001 × 1.5 = 1501.5 → 1502");
    }
}
