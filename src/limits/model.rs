//! What a member category may book by itself: how far ahead, how many bookings at once, how many
//! hours a week, which lengths, courts and hours, and until when before the start a booking can
//! be made and cancelled without a fee. One engine for both sides: the portal refuses a booking
//! that breaks them, the desk shows the same breaches to staff as warnings. No I/O.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::bookings::model::LocalSlot;
use crate::courts::model::DayMinute;

/// The key of the limits for members without a category.
pub const UNCATEGORISED: &str = "none";

/// A category's limits; `None` or an empty list is no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Book at most this many days after today (0: today only).
    pub days_ahead: Option<u16>,
    /// Bookings not yet over, at once.
    pub max_active: Option<u16>,
    /// Minutes of play per week (Monday to Sunday), this booking included.
    pub week_minutes: Option<u16>,
    /// Lengths a booking may have, in minutes.
    pub lengths: Vec<u16>,
    pub court_ids: Vec<String>,
    /// The part of the day a booking must lie within (e.g. juniors not in the evening peak).
    pub from: Option<DayMinute>,
    pub to: Option<DayMinute>,
    /// Booking closes this many minutes before the start.
    pub book_before_minutes: u16,
    /// Cancelling is free until this many hours before the start; `None`: the club's policy.
    pub cancel_hours: Option<u16>,
}

/// Why a draft of limits cannot be saved: (form field, message id).
pub type Problem = (&'static str, &'static str);

impl Limits {
    pub fn tidy(mut self) -> Self {
        self.lengths.sort_unstable();
        self.lengths.dedup();
        self.court_ids.sort();
        self.court_ids.dedup();
        self
    }

    pub fn validate(&self) -> Result<(), Problem> {
        let out_of = |v: Option<u16>, max: u16| v.is_some_and(|v| v > max);
        if out_of(self.days_ahead, 366) {
            return Err(("days_ahead", "limits-days-range"));
        }
        if self.max_active == Some(0) || out_of(self.max_active, 100) {
            return Err(("max_active", "limits-active-range"));
        }
        if self.week_minutes == Some(0) || out_of(self.week_minutes, 7 * 24 * 60) {
            return Err(("week_hours", "limits-week-range"));
        }
        if self.lengths.iter().any(|&m| m == 0 || m > 24 * 60) {
            return Err(("lengths", "limits-lengths-invalid"));
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return Err(("to", "limits-hours-order"));
        }
        if self.book_before_minutes > 7 * 24 * 60 {
            return Err(("book_before_minutes", "limits-before-range"));
        }
        if out_of(self.cancel_hours, 336) {
            return Err(("cancel_hours", "policy-window-range"));
        }
        Ok(())
    }

    /// No limit set at all.
    pub fn is_open(&self) -> bool {
        *self == Limits::default()
    }
}

/// The booking asked for, and when.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub court_id: &'a str,
    pub slot: LocalSlot,
    pub starts_at: Timestamp,
    pub now: Timestamp,
    /// The club's date at `now`.
    pub today: Date,
}

/// The member's other bookings (never the one being checked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Not cancelled and not over yet.
    pub active: u32,
    /// Minutes booked in the week of the attempt's day.
    pub week_minutes: u32,
}

/// One limit a booking breaks, with what the limit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    TooFarAhead { days: u16 },
    TooMany { max: u16 },
    WeekHours { minutes: u16 },
    Length { allowed: Vec<u16> },
    Court,
    Hours { from: DayMinute, to: DayMinute },
    TooLate { minutes: u16 },
}

impl Breach {
    /// The message id that explains it.
    pub fn message(&self) -> &'static str {
        match self {
            Breach::TooFarAhead { .. } => "limits-too-far-ahead",
            Breach::TooMany { .. } => "limits-too-many",
            Breach::WeekHours { .. } => "limits-week-hours",
            Breach::Length { .. } => "limits-length",
            Breach::Court => "limits-court",
            Breach::Hours { .. } => "limits-hours",
            Breach::TooLate { .. } => "limits-too-late",
        }
    }

    /// The message's arguments.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Breach::TooFarAhead { days } => vec![("days", days.to_string())],
            Breach::TooMany { max } => vec![("max", max.to_string())],
            Breach::WeekHours { minutes } => vec![("hours", hours_text(*minutes))],
            Breach::Length { allowed } => {
                vec![("lengths", allowed.iter().map(u16::to_string).collect::<Vec<_>>().join(", "))]
            }
            Breach::Court => Vec::new(),
            Breach::Hours { from, to } => vec![("from", from.to_string()), ("to", to.to_string())],
            Breach::TooLate { minutes } => vec![("minutes", minutes.to_string())],
        }
    }
}

/// 90 → "1.5", 120 → "2".
pub fn hours_text(minutes: u16) -> String {
    if minutes.is_multiple_of(60) { (minutes / 60).to_string() } else { format!("{:.1}", f64::from(minutes) / 60.0) }
}

/// Every limit of `limits` that booking `a` would break, given the member's other bookings.
pub fn check(limits: &Limits, a: &Attempt<'_>, usage: Usage) -> Vec<Breach> {
    let mut out = Vec::new();
    if let Some(days) = limits.days_ahead
        && a.today.until(a.slot.day).map(|span| span.get_days()).unwrap_or(i32::MAX) > i32::from(days)
    {
        out.push(Breach::TooFarAhead { days });
    }
    if let Some(max) = limits.max_active
        && usage.active >= u32::from(max)
    {
        out.push(Breach::TooMany { max });
    }
    if let Some(week) = limits.week_minutes
        && usage.week_minutes + u32::from(a.slot.minutes) > u32::from(week)
    {
        out.push(Breach::WeekHours { minutes: week });
    }
    if !limits.lengths.is_empty() && !limits.lengths.contains(&a.slot.minutes) {
        out.push(Breach::Length { allowed: limits.lengths.clone() });
    }
    if !limits.court_ids.is_empty() && !limits.court_ids.iter().any(|c| c == a.court_id) {
        out.push(Breach::Court);
    }
    if limits.from.is_some() || limits.to.is_some() {
        let from = limits.from.unwrap_or(DayMinute::new(0).expect("midnight"));
        let to = limits.to.unwrap_or(DayMinute::MIDNIGHT_END);
        if a.slot.start < from || a.slot.end_minute() > u32::from(to.minutes()) {
            out.push(Breach::Hours { from, to });
        }
    }
    let before = limits.book_before_minutes;
    if before > 0 && a.now > a.starts_at - SignedDuration::from_mins(i64::from(before)) {
        out.push(Breach::TooLate { minutes: before });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn hm(s: &str) -> DayMinute {
        DayMinute::parse(s).unwrap()
    }

    /// Today is 1 December 2026, 12:00 UTC; the attempt is for court "c1" on `day` at `start`.
    fn attempt(day: Date, start: &str, minutes: u16) -> Attempt<'static> {
        let slot = LocalSlot { day, start: hm(start), minutes };
        let midnight = day.to_zoned_datetime(jiff::tz::TimeZone::UTC).unwrap().timestamp();
        let starts_at = midnight + SignedDuration::from_mins(i64::from(slot.start.minutes()));
        Attempt {
            court_id: "c1",
            slot,
            starts_at,
            now: "2026-12-01T12:00:00Z".parse().unwrap(),
            today: date(2026, 12, 1),
        }
    }

    fn breaches(limits: &Limits, a: Attempt<'_>, usage: Usage) -> Vec<&'static str> {
        check(limits, &a, usage).iter().map(Breach::message).collect()
    }

    #[test]
    fn no_limits_allow_anything() {
        let a = attempt(date(2027, 6, 1), "06:00", 240);
        assert!(check(&Limits::default(), &a, Usage { active: 99, week_minutes: 9_999 }).is_empty());
        assert!(Limits::default().is_open());
    }

    /// Each limit at its edge: the last allowed value passes, one more breaks it.
    #[test]
    fn each_limit_holds_up_to_its_edge() {
        let d = date(2026, 12, 1);
        let none = Usage::default();
        let ahead = Limits { days_ahead: Some(7), ..Limits::default() };
        let active = Limits { max_active: Some(2), ..Limits::default() };
        let week = Limits { week_minutes: Some(180), ..Limits::default() };
        let lengths = Limits { lengths: vec![60, 90], ..Limits::default() };
        let courts = Limits { court_ids: vec!["c2".into(), "c1".into()], ..Limits::default() };
        let only_c2 = Limits { court_ids: vec!["c2".into()], ..Limits::default() };
        let hours = Limits { from: Some(hm("08:00")), to: Some(hm("17:00")), ..Limits::default() };
        let until = Limits { to: Some(hm("17:00")), ..Limits::default() };
        let before = Limits { book_before_minutes: 120, ..Limits::default() };
        let table: Vec<(&str, &Limits, Attempt<'_>, Usage, Vec<&str>)> = vec![
            ("today", &ahead, attempt(d, "18:00", 60), none, vec![]),
            ("the 7th day ahead", &ahead, attempt(date(2026, 12, 8), "18:00", 60), none, vec![]),
            ("the 8th day ahead", &ahead, attempt(date(2026, 12, 9), "18:00", 60), none, vec!["limits-too-far-ahead"]),
            ("a year ahead", &ahead, attempt(date(2027, 12, 1), "18:00", 60), none, vec!["limits-too-far-ahead"]),
            ("1 of 2 active", &active, attempt(d, "18:00", 60), Usage { active: 1, week_minutes: 0 }, vec![]),
            ("2 of 2 active", &active, attempt(d, "18:00", 60), Usage { active: 2, ..none }, vec!["limits-too-many"]),
            ("week 120 + 60", &week, attempt(d, "18:00", 60), Usage { week_minutes: 120, ..none }, vec![]),
            (
                "week 150 + 60",
                &week,
                attempt(d, "18:00", 60),
                Usage { week_minutes: 150, ..none },
                vec!["limits-week-hours"],
            ),
            ("week 0 + 240", &week, attempt(d, "14:00", 240), none, vec!["limits-week-hours"]),
            ("length 90", &lengths, attempt(d, "18:00", 90), none, vec![]),
            ("length 120", &lengths, attempt(d, "18:00", 120), none, vec!["limits-length"]),
            ("listed court", &courts, attempt(d, "18:00", 60), none, vec![]),
            ("other court", &only_c2, attempt(d, "18:00", 60), none, vec!["limits-court"]),
            ("from 08:00", &hours, attempt(d, "08:00", 60), none, vec![]),
            ("ends 17:00", &hours, attempt(d, "16:00", 60), none, vec![]),
            ("starts 07:30", &hours, attempt(d, "07:30", 60), none, vec!["limits-hours"]),
            ("ends 17:30", &hours, attempt(d, "16:30", 60), none, vec!["limits-hours"]),
            ("evening peak", &until, attempt(d, "18:00", 60), none, vec!["limits-hours"]),
            ("morning, no start limit", &until, attempt(d, "07:00", 60), none, vec![]),
            ("2 h before", &before, attempt(d, "14:00", 60), none, vec![]),
            ("1 h 59 before", &before, attempt(d, "13:59", 60), none, vec!["limits-too-late"]),
            ("already started", &before, attempt(d, "11:00", 60), none, vec!["limits-too-late"]),
        ];
        for (what, limits, a, usage, expected) in table {
            assert_eq!(breaches(limits, a, usage), expected, "{what}");
        }
    }

    #[test]
    fn every_breach_is_reported_at_once() {
        let all = Limits {
            days_ahead: Some(0),
            max_active: Some(1),
            week_minutes: Some(60),
            lengths: vec![60],
            court_ids: vec!["c9".into()],
            from: Some(hm("08:00")),
            to: Some(hm("12:00")),
            book_before_minutes: 60,
            cancel_hours: None,
        };
        let found = check(&all, &attempt(date(2026, 12, 2), "19:00", 90), Usage { active: 1, week_minutes: 0 });
        assert_eq!(found.len(), 6, "{found:?}");
        assert_eq!(found[3], Breach::Length { allowed: vec![60] });
        assert_eq!(found[3].args(), vec![("lengths", "60".to_owned())]);
    }

    #[test]
    fn impossible_limits_are_refused() {
        let table = [
            (Limits { days_ahead: Some(367), ..Limits::default() }, "days_ahead"),
            (Limits { max_active: Some(0), ..Limits::default() }, "max_active"),
            (Limits { week_minutes: Some(0), ..Limits::default() }, "week_hours"),
            (Limits { lengths: vec![0], ..Limits::default() }, "lengths"),
            (Limits { from: Some(hm("18:00")), to: Some(hm("18:00")), ..Limits::default() }, "to"),
            (Limits { book_before_minutes: 10_081, ..Limits::default() }, "book_before_minutes"),
            (Limits { cancel_hours: Some(337), ..Limits::default() }, "cancel_hours"),
        ];
        for (limits, field) in table {
            assert_eq!(limits.validate().map_err(|e| e.0), Err(field));
        }
        assert_eq!(Limits { days_ahead: Some(0), cancel_hours: Some(0), ..Limits::default() }.validate(), Ok(()));
        assert_eq!(hours_text(90), "1.5");
        assert_eq!(hours_text(120), "2");
    }
}
