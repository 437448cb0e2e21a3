//! Court and schedule rules: valid courts, opening hours aligned to the slot step, closures,
//! and which hours a court is open on a given day. No I/O.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// Field name and message id of each problem found.
pub type Problems = Vec<(&'static str, &'static str)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    Hard,
    Clay,
    Grass,
    Carpet,
    ArtificialGrass,
}

impl Surface {
    pub const ALL: [Surface; 5] =
        [Surface::Hard, Surface::Clay, Surface::Grass, Surface::Carpet, Surface::ArtificialGrass];

    pub fn as_str(self) -> &'static str {
        match self {
            Surface::Hard => "hard",
            Surface::Clay => "clay",
            Surface::Grass => "grass",
            Surface::Carpet => "carpet",
            Surface::ArtificialGrass => "artificial_grass",
        }
    }

    pub fn parse(s: &str) -> Option<Surface> {
        Surface::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

/// What staff enter for a court.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtDraft {
    pub name: String,
    pub surface: Surface,
    pub indoor: bool,
    pub floodlights: bool,
    /// e.g. "Indoor hall"; courts of one group sit together on the grid.
    pub group: String,
    pub display_order: i64,
    pub active: bool,
}

impl CourtDraft {
    pub fn tidy(mut self) -> Self {
        self.name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.group = self.group.split_whitespace().collect::<Vec<_>>().join(" ");
        self
    }

    pub fn validate(&self) -> Result<(), Problems> {
        let mut problems = Vec::new();
        match self.name.chars().count() {
            0 => problems.push(("name", "court-name-required")),
            41.. => problems.push(("name", "court-name-too-long")),
            _ => {}
        }
        if self.group.chars().count() > 40 {
            problems.push(("group", "court-group-too-long"));
        }
        if !(0..=999).contains(&self.display_order) {
            problems.push(("display_order", "court-order-range"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// A time of day as minutes after midnight; 24:00 (1440) closes a day that ends at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayMinute(u16);

impl DayMinute {
    pub const MIDNIGHT_END: DayMinute = DayMinute(1440);

    pub fn new(minutes: u16) -> Option<DayMinute> {
        (minutes <= 1440).then_some(DayMinute(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    /// "7:00", "07:30", "24:00"; and as a 12-hour clock writes them, "7:00 PM", "7pm",
    /// "12:30 a.m." (the club's pages show the 24-hour form back).
    pub fn parse(s: &str) -> Option<DayMinute> {
        let s = s.trim().to_ascii_lowercase().replace('.', "");
        let (clock, half) = match (s.strip_suffix("pm"), s.strip_suffix("am")) {
            (Some(c), _) => (c.trim_end(), Some(12)),
            (_, Some(c)) => (c.trim_end(), Some(0)),
            _ => (s.as_str(), None),
        };
        let (h, m) = match (clock.split_once(':'), half) {
            (Some(parts), _) => parts,
            (None, Some(_)) => (clock, "0"),
            (None, None) => return None,
        };
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        let h = match half {
            Some(_) if !(1..=12).contains(&h) => return None,
            Some(add) => h % 12 + add,
            None => h,
        };
        if m >= 60 {
            return None;
        }
        DayMinute::new(h * 60 + m)
    }

    pub fn is_aligned(self, step: u16) -> bool {
        self.0.is_multiple_of(step)
    }
}

impl std::fmt::Display for DayMinute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // By hand, not `write!("{:02}:{:02}")`: the day grid writes three per free slot, and
        // the formatting machinery was 4 % of an uncached grid's CPU.
        let (h, m) = (self.0 / 60, self.0 % 60);
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let text = [digit(h / 10), digit(h), b':', digit(m / 10), digit(m)];
        f.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?)
    }
}

impl Serialize for DayMinute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for DayMinute {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DayMinute::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a time of day: {s}")))
    }
}

/// Open from `opens` until `closes` on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub opens: DayMinute,
    pub closes: DayMinute,
}

impl Hours {
    pub fn new(opens: DayMinute, closes: DayMinute) -> Option<Hours> {
        (opens < closes).then_some(Hours { opens, closes })
    }

    pub fn is_aligned(self, step: u16) -> bool {
        self.opens.is_aligned(step) && self.closes.is_aligned(step)
    }
}

pub const DEFAULT_HOURS: Hours = Hours { opens: DayMinute(7 * 60), closes: DayMinute(23 * 60) };

/// Opening hours for Monday..Sunday; `None` = closed that weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week(pub [Option<Hours>; 7]);

impl Default for Week {
    fn default() -> Self {
        Week([Some(DEFAULT_HOURS); 7])
    }
}

impl Week {
    pub fn on(&self, weekday: Weekday) -> Option<Hours> {
        self.0[usize::from(weekday.to_monday_one_offset().unsigned_abs()) - 1]
    }
}

/// The weekdays, Monday first, as stored (1..=7).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Slot step and booking-length limits, club-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    pub slot_minutes: u16,
    pub min_minutes: u16,
    pub max_minutes: u16,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules { slot_minutes: 30, min_minutes: 60, max_minutes: 180 }
    }
}

impl BookingRules {
    pub const STEPS: [u16; 3] = [15, 30, 60];

    pub fn validate(&self) -> Result<(), Problems> {
        let mut problems = Vec::new();
        let step = self.slot_minutes;
        if !Self::STEPS.contains(&step) {
            problems.push(("slot_minutes", "rules-step-invalid"));
            return Err(problems);
        }
        if self.min_minutes == 0 || !self.min_minutes.is_multiple_of(step) {
            problems.push(("min_minutes", "rules-not-multiple"));
        }
        if self.max_minutes == 0 || !self.max_minutes.is_multiple_of(step) || self.max_minutes > 720 {
            problems.push(("max_minutes", "rules-not-multiple"));
        } else if self.max_minutes < self.min_minutes {
            problems.push(("max_minutes", "rules-max-below-min"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// A closed period for the club or one court; with `hours`, special (holiday) hours instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub id: String,
    pub first_day: Date,
    pub last_day: Date,
    pub court_id: Option<String>,
    pub hours: Option<Hours>,
    pub reason: String,
}

impl Closure {
    pub fn validate(&self, step: u16) -> Result<(), Problems> {
        let mut problems = Vec::new();
        if !crate::club::model::in_club_years(self.first_day) {
            problems.push(("first_day", "date-out-of-range"));
        } else if !crate::club::model::in_club_years(self.last_day) {
            problems.push(("last_day", "date-out-of-range"));
        } else if self.last_day < self.first_day {
            problems.push(("last_day", "closure-dates-reversed"));
        } else if self.first_day.until(self.last_day).map_or(true, |span| span.get_days() > 366) {
            problems.push(("last_day", "closure-too-long"));
        }
        if self.hours.is_some_and(|h| !h.is_aligned(step)) {
            problems.push(("opens", "hours-not-aligned"));
        }
        if self.reason.chars().count() > 200 {
            problems.push(("reason", "closure-reason-too-long"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    pub fn covers(&self, day: Date, court_id: &str) -> bool {
        self.first_day <= day && day <= self.last_day && self.court_id.as_deref().is_none_or(|c| c == court_id)
    }
}

/// The hours `court_id` is open on `day`: the weekday's hours, unless a closure covering the
/// day closes it or sets holiday hours. A court's own closure beats a club-wide one.
pub fn hours_on(day: Date, court_id: &str, week: &Week, closures: &[Closure]) -> Option<Hours> {
    let covering: Vec<&Closure> = closures.iter().filter(|c| c.covers(day, court_id)).collect();
    let pick = covering.iter().find(|c| c.court_id.is_some()).or_else(|| covering.first());
    match pick {
        Some(c) => c.hours,
        None => week.on(day.weekday()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_either_clock_and_shown_in_the_24_hour_one() {
        let read = |s| DayMinute::parse(s).map(|t| t.to_string());
        assert_eq!(read("19:00").as_deref(), Some("19:00"));
        assert_eq!(read("7:00 PM").as_deref(), Some("19:00"));
        assert_eq!(read("7pm").as_deref(), Some("19:00"));
        assert_eq!(read("12:30 a.m.").as_deref(), Some("00:30"));
        assert_eq!(read("12 pm").as_deref(), Some("12:00"));
        assert_eq!(read("13:00 pm"), None);
        assert_eq!(read("7"), None, "an hour alone is ambiguous without am or pm");
    }
    use jiff::civil::date;

    fn hm(s: &str) -> DayMinute {
        DayMinute::parse(s).unwrap()
    }

    #[test]
    fn times_of_day_parse_and_print() {
        assert_eq!(hm("7:00").to_string(), "07:00");
        assert_eq!(hm("24:00"), DayMinute::MIDNIGHT_END);
        for bad in ["24:30", "7:60", "seven", "-1:00", ""] {
            assert_eq!(DayMinute::parse(bad), None, "{bad}");
        }
        assert!(hm("07:30").is_aligned(30) && !hm("07:30").is_aligned(60) && hm("07:45").is_aligned(15));
        assert_eq!(Hours::new(hm("10:00"), hm("10:00")), None);
    }

    #[test]
    fn booking_rules() {
        let table = [
            (30, 60, 180, Ok(())),
            (15, 45, 120, Ok(())),
            (60, 60, 60, Ok(())),
            (20, 60, 120, Err(vec![("slot_minutes", "rules-step-invalid")])),
            (30, 45, 120, Err(vec![("min_minutes", "rules-not-multiple")])),
            (30, 120, 60, Err(vec![("max_minutes", "rules-max-below-min")])),
            (60, 60, 780, Err(vec![("max_minutes", "rules-not-multiple")])),
        ];
        for (slot, min, max, expected) in table {
            let rules = BookingRules { slot_minutes: slot, min_minutes: min, max_minutes: max };
            assert_eq!(rules.validate(), expected, "{slot}/{min}/{max}");
        }
    }

    #[test]
    fn court_drafts() {
        let good = CourtDraft {
            name: "  Court   1 ".into(),
            surface: Surface::Clay,
            indoor: false,
            floodlights: true,
            group: "".into(),
            display_order: 1,
            active: true,
        }
        .tidy();
        assert_eq!(good.name, "Court 1");
        assert_eq!(good.validate(), Ok(()));
        let bad = CourtDraft { name: " ".into(), display_order: 1000, ..good }.tidy();
        assert_eq!(bad.validate(), Err(vec![("name", "court-name-required"), ("display_order", "court-order-range")]));
        assert_eq!(Surface::parse("artificial_grass"), Some(Surface::ArtificialGrass));
    }

    #[test]
    fn closures_and_holiday_hours_decide_the_day() {
        let mut week = Week::default();
        week.0[6] = None; // closed on Sundays
        let holiday = Closure {
            id: "h".into(),
            first_day: date(2026, 12, 31),
            last_day: date(2027, 1, 1),
            court_id: None,
            hours: Hours::new(hm("10:00"), hm("16:00")),
            reason: "New Year".into(),
        };
        let repair = Closure {
            id: "r".into(),
            first_day: date(2027, 1, 1),
            last_day: date(2027, 1, 1),
            court_id: Some("c2".into()),
            hours: None,
            reason: "Resurfacing".into(),
        };
        let closures = [holiday, repair];
        // Tuesday 2026-12-29: the week's hours.
        assert_eq!(hours_on(date(2026, 12, 29), "c1", &week, &closures), Some(DEFAULT_HOURS));
        // Sunday: closed by the week.
        assert_eq!(hours_on(date(2027, 1, 3), "c1", &week, &closures), None);
        // New Year's Eve: holiday hours for every court.
        assert_eq!(hours_on(date(2026, 12, 31), "c1", &week, &closures), Hours::new(hm("10:00"), hm("16:00")));
        // 1 January: court 2's own closure beats the club's holiday hours.
        assert_eq!(hours_on(date(2027, 1, 1), "c2", &week, &closures), None);
        assert_eq!(hours_on(date(2027, 1, 1), "c1", &week, &closures), Hours::new(hm("10:00"), hm("16:00")));
    }

    #[test]
    fn closure_validation() {
        let c = Closure {
            id: "x".into(),
            first_day: date(2027, 1, 2),
            last_day: date(2027, 1, 1),
            court_id: None,
            hours: Hours::new(hm("10:15"), hm("16:00")),
            reason: String::new(),
        };
        assert_eq!(c.validate(30), Err(vec![("last_day", "closure-dates-reversed"), ("opens", "hours-not-aligned")]));
    }
}
