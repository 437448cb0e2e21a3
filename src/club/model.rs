//! What valid club settings are.

use crate::i18n::Locale;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClubSettings {
    pub name: String,
    /// IANA zone name, e.g. "Europe/Moscow".
    pub time_zone: String,
    pub locale: Locale,
    /// ISO 4217 code; money is kept in this currency's minor units.
    pub currency: String,
    /// ISO 3166 country whose numbering is assumed for phones written without +country.
    pub phone_region: String,
}

/// The years club business (bookings, series, closures) may fall in: a typo such as year 0000
/// or 20026 is refused rather than stored.
pub fn in_club_years(day: jiff::civil::Date) -> bool {
    (2000..=2099).contains(&day.year())
}

/// Field name and message id of each problem found.
pub type Problems = Vec<(&'static str, &'static str)>;

impl ClubSettings {
    pub fn validate(&self) -> Result<(), Problems> {
        let mut problems = Vec::new();
        let name_len = self.name.trim().chars().count();
        if name_len == 0 {
            problems.push(("name", "club-name-required"));
        } else if name_len > 80 {
            problems.push(("name", "club-name-too-long"));
        }
        if !is_time_zone(&self.time_zone) {
            problems.push(("time_zone", "time-zone-unknown"));
        }
        if !is_currency(&self.currency) {
            problems.push(("currency", "currency-unknown"));
        }
        if crate::members::model::parse_region(&self.phone_region).is_none() {
            problems.push(("phone_region", "phone-region-unknown"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

pub fn is_time_zone(name: &str) -> bool {
    !name.is_empty() && jiff::tz::TimeZone::get(name).is_ok()
}

pub fn is_currency(code: &str) -> bool {
    iso_currency::Currency::from_code(code).is_some()
}

/// The instant that reads in zone `to` as `at` read in zone `from`: 19:00 stays 19:00 when the
/// club's zone is corrected. A wall time the new zone skips (a spring-forward gap) moves on by
/// the gap, as clocks do.
pub fn same_wall_clock(at: jiff::Timestamp, from: &jiff::tz::TimeZone, to: &jiff::tz::TimeZone) -> jiff::Timestamp {
    let wall = at.to_zoned_datetime(from.clone()).datetime();
    to.to_ambiguous_timestamp(wall).compatible().unwrap_or(at)
}

/// The machine's own IANA zone, or UTC when it cannot be told.
pub fn system_time_zone() -> String {
    jiff::tz::TimeZone::try_system()
        .ok()
        .and_then(|tz| tz.iana_name().map(str::to_owned))
        .unwrap_or_else(|| "UTC".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ClubSettings {
        ClubSettings {
            name: "Spartak".into(),
            time_zone: "Europe/Moscow".into(),
            locale: Locale::Ru,
            currency: "RUB".into(),
            phone_region: "RU".into(),
        }
    }

    #[test]
    fn a_wall_clock_time_is_kept_across_zones() {
        let utc = jiff::tz::TimeZone::UTC;
        let moscow = jiff::tz::TimeZone::get("Europe/Moscow").unwrap();
        let at: jiff::Timestamp = "2026-12-10T19:00:00Z".parse().unwrap();
        assert_eq!(same_wall_clock(at, &utc, &moscow), "2026-12-10T16:00:00Z".parse().unwrap());
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        // 01:30 on 29 March 2026 does not exist in London: the clocks jump from 01:00 to 02:00.
        let gap: jiff::Timestamp = "2026-03-29T01:30:00Z".parse().unwrap();
        assert_eq!(same_wall_clock(gap, &utc, &london), "2026-03-29T01:30:00Z".parse().unwrap());
    }

    #[test]
    fn valid_settings_pass() {
        assert_eq!(settings().validate(), Ok(()));
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad =
            ClubSettings { name: " ".into(), time_zone: "Mars/Olympus".into(), currency: "RUR".into(), ..settings() };
        assert_eq!(
            bad.validate(),
            Err(vec![
                ("name", "club-name-required"),
                ("time_zone", "time-zone-unknown"),
                ("currency", "currency-unknown")
            ])
        );
    }
}
