//! Booking rules: slot alignment, opening hours, overlaps, weekly series expansion. No I/O.
//! Times are asked for in club-local wall time and stored as UTC instants.

use jiff::civil::{Date, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::courts::model::{BookingRules, DayMinute, Hours};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Play,
    Lesson,
    Tournament,
    /// Maintenance or closure block: occupies the court, no players.
    Block,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Play, Kind::Lesson, Kind::Tournament, Kind::Block];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Play => "play",
            Kind::Lesson => "lesson",
            Kind::Tournament => "tournament",
            Kind::Block => "block",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Booked,
    CheckedIn,
    NoShow,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::CheckedIn => "checked_in",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Booked, Status::CheckedIn, Status::NoShow, Status::Cancelled].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Desk,
    Portal,
    Api,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Desk => "desk",
            Source::Portal => "portal",
            Source::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        [Source::Desk, Source::Portal, Source::Api].into_iter().find(|k| k.as_str() == s)
    }
}

/// A player besides the booker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Player {
    Member(String),
    Guest(String),
}

pub const MAX_EXTRA_PLAYERS: usize = 3;

/// A booking time as staff ask for it: a club-local day, a start and a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalSlot {
    pub day: Date,
    pub start: DayMinute,
    pub minutes: u16,
}

/// Why a time cannot be booked: (form field, message id).
pub type SlotProblem = (&'static str, &'static str);

impl LocalSlot {
    pub fn end_minute(&self) -> u32 {
        u32::from(self.start.minutes()) + u32::from(self.minutes)
    }

    /// Checks the slot against the club's step and limits and the court's hours that day.
    pub fn check(&self, rules: &BookingRules, hours: Option<Hours>) -> Result<(), SlotProblem> {
        if !crate::club::model::in_club_years(self.day) {
            return Err(("date", "date-out-of-range"));
        }
        let step = rules.slot_minutes;
        if !self.start.is_aligned(step) {
            return Err(("start", "slot-start-misaligned"));
        }
        if self.minutes == 0 || !self.minutes.is_multiple_of(step) {
            return Err(("minutes", "slot-length-misaligned"));
        }
        if self.minutes < rules.min_minutes {
            return Err(("minutes", "slot-too-short"));
        }
        if self.minutes > rules.max_minutes {
            return Err(("minutes", "slot-too-long"));
        }
        let Some(h) = hours else { return Err(("start", "court-closed-that-day")) };
        if self.start < h.opens || self.end_minute() > u32::from(h.closes.minutes()) {
            return Err(("start", "outside-opening-hours"));
        }
        Ok(())
    }

    /// The UTC instants of this slot: the start is the wall-clock time in `tz` (so a weekly
    /// booking stays at 19:00 across DST changes); the end is the length later. A start the
    /// clocks skip (spring forward) does not exist: `None`. A start the clocks pass twice (the
    /// hour they go back) is the first of the two; `span` then shows which.
    pub fn instants(&self, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        let m = self.start.minutes();
        let start = if m == 1440 {
            self.day.tomorrow().ok()?.at(0, 0, 0, 0)
        } else {
            self.day.at((m / 60) as i8, (m % 60) as i8, 0, 0)
        };
        let start = tz.to_ambiguous_timestamp(start);
        if matches!(start.offset(), AmbiguousOffset::Gap { .. }) {
            return None;
        }
        let start = start.earlier().ok()?;
        let end = start.checked_add(SignedDuration::from_mins(i64::from(self.minutes))).ok()?;
        Some((start, end))
    }

    /// The slot a stored booking occupies, seen in `tz`.
    pub fn from_instants(start: Timestamp, end: Timestamp, tz: &TimeZone) -> LocalSlot {
        let z = tz.to_datetime(start);
        let minutes = (end.duration_since(start).as_mins()).clamp(0, i64::from(u16::MAX)) as u16;
        let start_min = u16::try_from(i32::from(z.hour()) * 60 + i32::from(z.minute())).unwrap_or(0);
        LocalSlot { day: z.date(), start: DayMinute::new(start_min).unwrap_or(DayMinute::MIDNIGHT_END), minutes }
    }
}

/// Where and when something applies (a pass may be used, a coach works); empty lists mean
/// "any".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    pub court_ids: Vec<String>,
    #[serde(with = "weekdays_serde")]
    pub weekdays: Vec<Weekday>,
    pub from: DayMinute,
    pub to: DayMinute,
}

/// Which of the conditions a booking is outside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    Court,
    Day,
    Time,
}

impl Default for Conditions {
    /// Any court, any day, all day.
    fn default() -> Self {
        Conditions {
            court_ids: Vec::new(),
            weekdays: Vec::new(),
            from: DayMinute::new(0).unwrap_or(DayMinute::MIDNIGHT_END),
            to: DayMinute::MIDNIGHT_END,
        }
    }
}

impl Conditions {
    /// The booking lies wholly inside the time band, on an allowed day and court.
    pub fn allow(&self, court_id: &str, slot: LocalSlot) -> Result<(), Outside> {
        if !(self.court_ids.is_empty() || self.court_ids.iter().any(|c| c == court_id)) {
            return Err(Outside::Court);
        }
        if !(self.weekdays.is_empty() || self.weekdays.contains(&slot.day.weekday())) {
            return Err(Outside::Day);
        }
        let start = u32::from(self.from.minutes());
        if u32::from(slot.start.minutes()) < start || slot.end_minute() > u32::from(self.to.minutes()) {
            return Err(Outside::Time);
        }
        Ok(())
    }
}

/// How long before its start a booking can be checked in.
pub const CHECK_IN_FROM: SignedDuration = SignedDuration::from_hours(1);

/// Whether a booking in `status` starting at `starts_at` can be checked in at `now`.
pub fn can_check_in(status: Status, starts_at: Timestamp, now: Timestamp) -> bool {
    status == Status::Booked && now >= starts_at - CHECK_IN_FROM
}

/// Whether it can be marked a no-show: only once it has started.
pub fn can_mark_no_show(status: Status, starts_at: Timestamp, now: Timestamp) -> bool {
    status == Status::Booked && now >= starts_at
}

/// "18:00–19:00" for a booking's instants in `tz` (see `clock_span`).
pub fn span(start: Timestamp, end: Timestamp, tz: &TimeZone) -> String {
    let (from, to) = clock_span(start, end, tz);
    format!("{from}–{to}")
}

/// The wall-clock start and end of a booking's instants in `tz`: the UTC offset is added to a
/// time that happens twice that night (clocks going back), and an end at midnight is 24:00.
pub fn clock_span(start: Timestamp, end: Timestamp, tz: &TimeZone) -> (String, String) {
    let at = |t: Timestamp, is_end: bool| {
        let z = t.to_zoned_datetime(tz.clone());
        let midnight =
            is_end && z.hour() == 0 && z.minute() == 0 && z.date() > start.to_zoned_datetime(tz.clone()).date();
        let text = if midnight { "24:00".to_owned() } else { z.strftime("%H:%M").to_string() };
        if tz.to_ambiguous_timestamp(z.datetime()).is_ambiguous() {
            format!("{text} ({})", z.strftime("UTC%:z"))
        } else {
            text
        }
    };
    (at(start, false), at(end, true))
}

/// The start and end of a club-local day as instants (23 or 25 hours long on DST days).
pub fn day_bounds(day: Date, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let start = day.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    let end = day.tomorrow().ok()?.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    Some((start, end))
}

pub fn overlaps(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Every date from `first` to `last` (inclusive) that falls on one of `weekdays`.
pub fn series_dates(weekdays: &[Weekday], first: Date, last: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        if weekdays.contains(&day.weekday()) {
            out.push(day);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    out
}

/// The id of a series' occurrence on `day`: the same on every desk and on the hub, so an
/// occurrence made offline and its confirmed version are one row.
pub fn occurrence_id(series_id: &str, day: Date) -> String {
    let digest = Sha256::digest(format!("{series_id}/{day}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// "1,3,6" ↔ Monday, Wednesday, Saturday.
pub fn weekdays_to_text(days: &[Weekday]) -> String {
    days.iter().map(|d| d.to_monday_one_offset().to_string()).collect::<Vec<_>>().join(",")
}

/// "id1,id2" ↔ the court ids of a `Conditions`.
pub fn court_ids_from_text(s: &str) -> Vec<String> {
    s.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

pub fn weekdays_from_text(s: &str) -> Vec<Weekday> {
    s.split(',')
        .filter_map(|p| p.trim().parse::<i8>().ok())
        .filter_map(|n| Weekday::from_monday_one_offset(n).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn hm(s: &str) -> DayMinute {
        DayMinute::parse(s).unwrap()
    }

    fn slot(start: &str, minutes: u16) -> LocalSlot {
        LocalSlot { day: date(2026, 12, 1), start: hm(start), minutes }
    }

    #[test]
    fn slots_must_fit_the_step_the_limits_and_the_hours() {
        let rules = BookingRules { slot_minutes: 30, min_minutes: 60, max_minutes: 180 };
        let hours = Hours::new(hm("07:00"), hm("23:00"));
        let table = [
            ("18:00", 60, Ok(())),
            ("07:00", 180, Ok(())),
            ("22:00", 60, Ok(())),
            ("18:15", 60, Err(("start", "slot-start-misaligned"))),
            ("18:00", 45, Err(("minutes", "slot-length-misaligned"))),
            ("18:00", 30, Err(("minutes", "slot-too-short"))),
            ("18:00", 210, Err(("minutes", "slot-too-long"))),
            ("06:30", 60, Err(("start", "outside-opening-hours"))),
            ("22:30", 60, Err(("start", "outside-opening-hours"))),
        ];
        for (start, minutes, expected) in table {
            assert_eq!(slot(start, minutes).check(&rules, hours), expected, "{start} for {minutes}");
        }
        assert_eq!(slot("18:00", 60).check(&rules, None), Err(("start", "court-closed-that-day")));
        let midnight = Hours::new(hm("07:00"), DayMinute::MIDNIGHT_END);
        assert_eq!(slot("23:00", 60).check(&rules, midnight), Ok(()));
    }

    #[test]
    fn overlaps_are_half_open() {
        let t = |h: i64| Timestamp::from_second(1_800_000_000 + h * 3600).unwrap();
        let table = [
            ((10, 11), (11, 12), false),
            ((10, 12), (11, 13), true),
            ((10, 13), (11, 12), true),
            ((11, 12), (10, 13), true),
            ((12, 13), (10, 12), false),
            ((10, 11), (10, 11), true),
        ];
        for ((a0, a1), (b0, b1), expected) in table {
            assert_eq!(overlaps((t(a0), t(a1)), (t(b0), t(b1))), expected, "{a0}-{a1} vs {b0}-{b1}");
        }
    }

    /// A weekly 19:00 booking stays at 19:00 local time across the DST change, so its UTC
    /// instant moves by an hour.
    #[test]
    fn series_keep_wall_clock_time_across_dst() {
        for (zone, before, after, utc_before, utc_after) in [
            ("Europe/Berlin", date(2026, 3, 23), date(2026, 3, 30), "18:00", "17:00"),
            ("Europe/Berlin", date(2026, 10, 19), date(2026, 10, 26), "17:00", "18:00"),
            ("America/New_York", date(2026, 3, 2), date(2026, 3, 9), "00:00", "23:00"),
            ("America/New_York", date(2026, 10, 26), date(2026, 11, 2), "23:00", "00:00"),
        ] {
            let tz = TimeZone::get(zone).unwrap();
            let days = series_dates(&[Weekday::Monday], before, after);
            assert_eq!(days, vec![before, after], "{zone}");
            for (day, utc) in [(before, utc_before), (after, utc_after)] {
                let s = LocalSlot { day, start: hm("19:00"), minutes: 60 };
                let (start, end) = s.instants(&tz).unwrap();
                assert_eq!(start.to_zoned_datetime(tz.clone()).strftime("%H:%M").to_string(), "19:00", "{zone} {day}");
                assert_eq!(start.strftime("%H:%M").to_string(), utc, "{zone} {day} in UTC");
                assert_eq!(end.duration_since(start), SignedDuration::from_hours(1));
                assert_eq!(LocalSlot::from_instants(start, end, &tz), s);
            }
        }
    }

    #[test]
    fn series_dates_pick_the_weekdays_in_range() {
        let days = series_dates(&[Weekday::Tuesday, Weekday::Thursday], date(2026, 12, 1), date(2026, 12, 14));
        assert_eq!(days, vec![date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 8), date(2026, 12, 10)]);
        assert!(series_dates(&[Weekday::Monday], date(2026, 12, 2), date(2026, 12, 1)).is_empty());
        assert_eq!(
            weekdays_from_text(&weekdays_to_text(&[Weekday::Monday, Weekday::Sunday])),
            vec![Weekday::Monday, Weekday::Sunday]
        );
    }

    #[test]
    fn occurrence_ids_are_stable() {
        let a = occurrence_id("s1", date(2026, 12, 1));
        assert_eq!(a, occurrence_id("s1", date(2026, 12, 1)));
        assert_ne!(a, occurrence_id("s1", date(2026, 12, 8)));
        assert_ne!(a, occurrence_id("s2", date(2026, 12, 1)));
    }

    #[test]
    fn a_dst_day_has_its_real_length() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let (s, e) = day_bounds(date(2026, 3, 29), &tz).unwrap();
        assert_eq!(e.duration_since(s), SignedDuration::from_hours(23));
    }

    fn at(day: Date, hour: u16, minute: u16, minutes: u16) -> LocalSlot {
        LocalSlot { day, start: DayMinute::new(hour * 60 + minute).unwrap(), minutes }
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused_and_one_they_pass_twice_is_shown_with_its_offset() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        // 29 March 2026: 02:00 becomes 03:00, so 02:30 never happens.
        assert_eq!(at(date(2026, 3, 29), 2, 30, 60).instants(&tz), None);
        let (s, e) = at(date(2026, 3, 29), 1, 30, 120).instants(&tz).unwrap();
        assert_eq!(span(s, e, &tz), "01:30–04:30", "two hours from 01:30 end at 04:30 that night");
        // 25 October 2026: 03:00 becomes 02:00 again; 02:30 is the first 02:30 (summer time).
        let (s, e) = at(date(2026, 10, 25), 2, 30, 60).instants(&tz).unwrap();
        assert_eq!(s.to_string(), "2026-10-25T00:30:00Z");
        assert_eq!(span(s, e, &tz), "02:30 (UTC+02:00)–02:30 (UTC+01:00)");
        let (s, e) = at(date(2026, 10, 25), 18, 0, 60).instants(&tz).unwrap();
        assert_eq!(span(s, e, &tz), "18:00–19:00");
        let (s, e) = at(date(2026, 10, 25), 23, 0, 60).instants(&tz).unwrap();
        assert_eq!(span(s, e, &tz), "23:00–24:00");
    }

    #[test]
    fn dates_outside_the_club_years_are_refused() {
        let rules = BookingRules { slot_minutes: 30, min_minutes: 30, max_minutes: 240 };
        let hours = Some(Hours { opens: DayMinute::new(0).unwrap(), closes: DayMinute::MIDNIGHT_END });
        assert_eq!(at(date(0, 1, 3), 10, 0, 60).check(&rules, hours), Err(("date", "date-out-of-range")));
        assert_eq!(at(date(2100, 1, 3), 10, 0, 60).check(&rules, hours), Err(("date", "date-out-of-range")));
        assert_eq!(at(date(2026, 1, 3), 10, 0, 60).check(&rules, hours), Ok(()));
    }
}

/// Serde for weekday lists as ISO numbers (1 = Monday), the form commands are stored in.
pub mod weekdays_serde {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| d.to_monday_one_offset()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        let numbers = Vec::<i8>::deserialize(d)?;
        numbers.into_iter().map(|n| Weekday::from_monday_one_offset(n).map_err(serde::de::Error::custom)).collect()
    }
}
