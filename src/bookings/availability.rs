//! Free court time of a day, as players and the club's web site see it: per court, each start
//! where a booking of the club's shortest length fits, and how long one may run from there.
//! Never who booked.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::model::{LocalSlot, Status, day_bounds};
use super::store::{self, Booking};
use crate::courts::model::{BookingRules, Closure, DayMinute, Week, hours_on};
use crate::courts::store::{self as courts, Court};
use crate::db::Conn;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeStart {
    pub start: DayMinute,
    /// Minutes free from `start`, up to the club's longest booking.
    pub longest: u16,
}

#[derive(Debug, Clone)]
pub struct CourtDay {
    pub court_id: String,
    pub name: String,
    pub free: Vec<FreeStart>,
    /// The times bookings hold this day, as (start, minutes): taken, never by whom.
    pub taken: Vec<(DayMinute, u16)>,
}

/// The minutes of `day` (from its midnight) that the active bookings on each court take.
fn taken_on(day: Date, tz: &TimeZone, bookings: &[Booking], court_id: &str) -> Vec<(u32, u32)> {
    bookings
        .iter()
        .filter(|b| b.court_id == court_id && b.status != Status::Cancelled)
        .map(|b| {
            let s = LocalSlot::from_instants(b.starts_at, b.ends_at, tz);
            let start = if s.day == day { u32::from(s.start.minutes()) } else { 0 };
            let end = if s.day == day { s.end_minute() } else { s.end_minute().saturating_sub(1440) };
            (start, end)
        })
        .collect()
}

/// What is free on `day` on each active court, from its bookings (any that touch the day).
pub fn free_of_day(
    day: Date,
    tz: &TimeZone,
    courts: &[Court],
    rules: BookingRules,
    (week, closures): (&Week, &[Closure]),
    bookings: &[Booking],
) -> Vec<CourtDay> {
    let step = rules.slot_minutes.max(1);
    courts
        .iter()
        .filter(|c| c.draft.active)
        .map(|c| {
            let mut free = Vec::new();
            let taken = taken_on(day, tz, bookings, &c.id);
            if let Some(h) = hours_on(day, &c.id, week, closures) {
                let closes = u32::from(h.closes.minutes());
                let mut start = u32::from(h.opens.minutes());
                while start + u32::from(rules.min_minutes) <= closes {
                    let next_taken = taken.iter().filter(|(_, end)| *end > start).map(|(s, _)| *s).min();
                    let until = next_taken.map_or(closes, |s| s.min(closes));
                    if until >= start + u32::from(rules.min_minutes)
                        && let Some(at) = DayMinute::new(start as u16)
                    {
                        let longest = (until - start).min(u32::from(rules.max_minutes)) as u16;
                        free.push(FreeStart { start: at, longest: longest - longest % step });
                    }
                    start += u32::from(step);
                }
            }
            let mut held: Vec<(DayMinute, u16)> = taken
                .iter()
                .filter(|&&(s, e)| e.min(1440) > s)
                .filter_map(|&(s, e)| Some((DayMinute::new(s as u16)?, (e.min(1440) - s) as u16)))
                .collect();
            held.sort();
            CourtDay { court_id: c.id.clone(), name: c.draft.name.clone(), free, taken: held }
        })
        .collect()
}

/// The free court time of `day`, read in one go.
pub fn of_day(conn: &Conn, tz: &TimeZone, day: Date) -> anyhow::Result<Vec<CourtDay>> {
    let Some((from, to)) = day_bounds(day, tz) else { return Ok(Vec::new()) };
    let bookings = store::between(conn, from, to)?;
    let (list, rules, week) = (courts::courts(conn)?, courts::rules(conn)?, courts::week(conn)?);
    let closures = courts::closures_from(conn, day)?;
    Ok(free_of_day(day, tz, &list, rules, (&week, &closures), &bookings))
}

/// The free court time of `days` days from `first`, read in one go (the widget's week).
pub fn of_days(conn: &Conn, tz: &TimeZone, first: Date, days: u16) -> anyhow::Result<Vec<(Date, Vec<CourtDay>)>> {
    let dates: Vec<Date> =
        (0..i64::from(days)).filter_map(|n| first.checked_add(jiff::Span::new().days(n)).ok()).collect();
    let (Some(&start), Some(&end)) = (dates.first(), dates.last()) else { return Ok(Vec::new()) };
    let (Some((from, _)), Some((_, to))) = (day_bounds(start, tz), day_bounds(end, tz)) else { return Ok(Vec::new()) };
    let bookings = store::between(conn, from, to)?;
    let (list, rules, week) = (courts::courts(conn)?, courts::rules(conn)?, courts::week(conn)?);
    let closures = courts::closures_from(conn, start)?;
    Ok(dates.into_iter().map(|day| (day, free_of_day(day, tz, &list, rules, (&week, &closures), &bookings))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::commands::CancelBooking;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, reception, slot};

    /// Court 1 open 07:00–23:00, 30-minute steps, 60 to 180 minutes; booked 18:00–19:30 and from
    /// 21:00, and a cancelled 08:00 that frees its time again.
    #[test]
    fn free_starts_stop_where_a_booking_begins_and_never_name_it() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna", "");
        db.book(&court, &anna, slot("2026-12-01", "18:00", 90)).unwrap();
        db.book(&court, &anna, slot("2026-12-01", "21:00", 120)).unwrap();
        let gone = db.book(&court, &anna, slot("2026-12-01", "08:00", 60)).unwrap();
        let cancel = CancelBooking { booking_id: gone, reason: "Ill".into(), money_back: false };
        db.applied_as(&reception(), AnyCommand::CancelBooking(cancel));
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let day = of_day(&db.conn, &tz, "2026-12-01".parse().unwrap()).unwrap();
        assert_eq!(day.len(), 1);
        let at = |t: &str| day[0].free.iter().find(|f| f.start == DayMinute::parse(t).unwrap()).map(|f| f.longest);
        assert_eq!(at("07:00"), Some(180), "capped at the longest booking");
        assert_eq!(at("08:00"), Some(180), "a cancelled booking frees its time");
        assert_eq!(at("16:30"), Some(90), "until 18:00");
        assert_eq!(at("17:00"), Some(60));
        assert_eq!(at("17:30"), None, "30 minutes is shorter than the shortest booking");
        assert_eq!(at("18:00"), None, "taken");
        assert_eq!(at("19:30"), Some(90), "free again from 19:30 until 21:00");
        assert_eq!(at("20:00"), Some(60));
        assert_eq!(at("21:00"), None);
        assert_eq!(day[0].free.last().map(|f| f.start), DayMinute::parse("20:00"), "nothing after 21:00 fits");
    }
}
