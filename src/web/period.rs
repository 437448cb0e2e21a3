//! The `?from=&to=` of a report page and its CSV: days in the club's time zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use rocket::form::FromForm;

/// What the address asked for; a day that does not parse counts as not given.
#[derive(FromForm, Default, Debug)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Days from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
    /// Why these are not the days the address asked for (a message id), if they are not.
    pub changed: Option<&'static str>,
}

impl PeriodQuery {
    /// The period asked for. Without a `from` it starts `default_days` before its end; without a
    /// `to` it runs `default_days` from `from` but not past today. It never ends before it starts and
    /// spans a year at most: a report page lists every row.
    /// Each change to what was asked is said (`changed`), for the page to show.
    pub fn period(&self, today: Date, default_days: i64) -> Period {
        let day = |raw: &Option<String>| raw.as_deref().and_then(|d| d.trim().parse::<Date>().ok());
        let unreadable =
            |raw: &Option<String>| raw.as_deref().is_some_and(|d| !d.trim().is_empty()) && day(raw).is_none();
        let back = |d: Date| d.saturating_sub(Span::new().days(default_days));
        let (first, last) = match (day(&self.from), day(&self.to)) {
            (Some(first), Some(last)) => (first, last),
            (Some(first), None) => (first, first.saturating_add(Span::new().days(default_days)).min(today)),
            (None, Some(last)) => (back(last), last),
            (None, None) => (back(today), today),
        };
        let mut changed = (unreadable(&self.from) || unreadable(&self.to)).then_some("report-period-unreadable");
        if last < first {
            changed = Some("report-period-reversed");
        }
        let last = last.max(first);
        let year_on = first.saturating_add(Span::new().days(366));
        if last > year_on {
            changed = Some("report-period-year");
        }
        Period { first, last: last.min(year_on), changed }
    }
}

impl Period {
    /// From the first day's start to the start of the day after the last, in club time.
    pub fn instants(&self, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let start = |d: Date| d.to_zoned_datetime(tz.clone()).map(|z| z.timestamp());
        let from = start(self.first).unwrap_or(Timestamp::MIN);
        let to = self.last.tomorrow().ok().and_then(|d| start(d).ok()).unwrap_or(Timestamp::MAX);
        (from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: Option<&str>, to: Option<&str>, default_days: i64) -> Period {
        let query = PeriodQuery { from: from.map(str::to_owned), to: to.map(str::to_owned) };
        query.period("2026-12-02".parse().unwrap(), default_days)
    }

    fn asked(from: Option<&str>, to: Option<&str>, default_days: i64) -> (String, String) {
        let p = period(from, to, default_days);
        (p.first.to_string(), p.last.to_string())
    }

    fn days(first: &str, last: &str) -> (String, String) {
        (first.to_owned(), last.to_owned())
    }

    #[test]
    fn a_report_shows_the_days_asked_for_or_a_sensible_default() {
        assert_eq!(asked(None, None, 0), days("2026-12-02", "2026-12-02"), "today's takings");
        assert_eq!(asked(None, None, 30), days("2026-11-02", "2026-12-02"), "the last 30 days");
        assert_eq!(asked(Some("2026-11-29"), None, 0), days("2026-11-29", "2026-11-29"));
        assert_eq!(asked(Some("2026-11-29"), None, 30), days("2026-11-29", "2026-12-02"), "not past today");
        assert_eq!(asked(None, Some("2026-11-10"), 30), days("2026-10-11", "2026-11-10"));
        assert_eq!(
            asked(Some("2026-12-05"), Some("2026-12-01"), 0),
            days("2026-12-05", "2026-12-05"),
            "never backwards"
        );
        assert_eq!(
            asked(Some("2020-01-01"), Some("2026-12-01"), 0),
            days("2020-01-01", "2021-01-01"),
            "a year at most"
        );
        assert_eq!(asked(Some("tomorrow"), Some(" 2026-11-30 "), 0), days("2026-11-30", "2026-11-30"));
    }

    #[test]
    fn a_period_other_than_the_one_asked_for_says_why() {
        assert_eq!(period(None, None, 30).changed, None);
        assert_eq!(period(Some(""), Some("2026-11-10"), 30).changed, None, "an empty field is not a mistake");
        assert_eq!(period(Some("2026-11-01"), Some("2026-11-30"), 30).changed, None);
        assert_eq!(period(Some("garbage"), Some("2026-11-30"), 30).changed, Some("report-period-unreadable"));
        assert_eq!(period(Some("2026-11-30"), Some("2026-11-01"), 30).changed, Some("report-period-reversed"));
        assert_eq!(period(Some("2020-01-01"), Some("2026-12-01"), 30).changed, Some("report-period-year"));
    }

    #[test]
    fn a_period_runs_from_midnight_to_midnight_in_club_time() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let p = Period { first: "2026-12-01".parse().unwrap(), last: "2026-12-02".parse().unwrap(), changed: None };
        let (from, to) = p.instants(&tz);
        assert_eq!(from.to_string(), "2026-11-30T21:00:00Z");
        assert_eq!(to.to_string(), "2026-12-02T21:00:00Z");
    }
}
