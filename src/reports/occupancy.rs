//! How full the courts were: booked minutes against open minutes, by weekday and hour (the
//! heatmap), by court and by month. Play, lessons, group sessions and tournaments count; a
//! cancelled booking and a court blocked out of use do not. Only open hours count: a booking
//! running past closing adds only the minutes the court was open.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::bookings::model::LocalSlot;
use crate::courts::model::{Closure, Week, hours_on};

/// Minutes booked out of minutes open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Share {
    pub booked: i64,
    pub open: i64,
}

impl Share {
    /// The share booked, or `None` when nothing was open.
    pub fn ratio(self) -> Option<f64> {
        (self.open > 0).then(|| self.booked as f64 / self.open as f64)
    }

    fn add(&mut self, booked: i64, open: i64) {
        self.booked += booked;
        self.open += open;
    }
}

#[derive(Debug, Default)]
pub struct Occupancy {
    /// Monday first, hours 0–23.
    pub heat: [[Share; 24]; 7],
    /// Each court, in the order given.
    pub by_court: Vec<Share>,
    /// The first day of each month the period touches, and its share.
    pub by_month: Vec<(Date, Share)>,
    pub total: Share,
}

fn overlap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

/// The occupancy of `courts` (ids) over the days `first..=last`, from the club's week, its
/// closures and the bookings that hold a court (`slots`: court id and the booking's local slot).
pub fn occupancy(
    first: Date,
    last: Date,
    courts: &[String],
    week: &Week,
    closures: &[Closure],
    slots: &[(String, LocalSlot)],
) -> Occupancy {
    let mut on_day: HashMap<(&str, Date), Vec<(i64, i64)>> = HashMap::new();
    for (court, slot) in slots {
        let start = i64::from(slot.start.minutes());
        on_day.entry((court.as_str(), slot.day)).or_default().push((start, start + i64::from(slot.minutes)));
    }
    let mut out = Occupancy { by_court: vec![Share::default(); courts.len()], ..Default::default() };
    let mut day = first;
    while day <= last {
        let month = day.first_of_month();
        if out.by_month.last().is_none_or(|(m, _)| *m != month) {
            out.by_month.push((month, Share::default()));
        }
        let weekday = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
        for (c, court) in courts.iter().enumerate() {
            let Some(hours) = hours_on(day, court, week, closures) else { continue };
            let open = (i64::from(hours.opens.minutes()), i64::from(hours.closes.minutes()));
            let booked = on_day.get(&(court.as_str(), day)).map(Vec::as_slice).unwrap_or_default();
            for (hour, cell) in out.heat[weekday].iter_mut().enumerate() {
                let hour = hour as i64 * 60;
                let open_here = (open.0.max(hour), open.1.min(hour + 60));
                let open_minutes = (open_here.1 - open_here.0).max(0);
                if open_minutes == 0 {
                    continue;
                }
                let booked_minutes = booked.iter().map(|b| overlap(*b, open_here)).sum::<i64>().min(open_minutes);
                cell.add(booked_minutes, open_minutes);
                out.by_court[c].add(booked_minutes, open_minutes);
                if let Some((_, m)) = out.by_month.last_mut() {
                    m.add(booked_minutes, open_minutes);
                }
                out.total.add(booked_minutes, open_minutes);
            }
        }
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::courts::model::{DayMinute, Hours};
    use jiff::civil::date;

    fn hours(opens: &str, closes: &str) -> Option<Hours> {
        Hours::new(DayMinute::parse(opens).unwrap(), DayMinute::parse(closes).unwrap())
    }

    fn slot(day: Date, start: &str, minutes: u16) -> LocalSlot {
        LocalSlot { day, start: DayMinute::parse(start).unwrap(), minutes }
    }

    #[test]
    fn booked_minutes_count_against_open_minutes_by_hour_court_and_month() {
        // Open 8:00–22:00 every day; court 2 is closed on 1 December.
        let week = Week([hours("08:00", "22:00"); 7]);
        let closure = Closure {
            id: "x".into(),
            first_day: date(2026, 12, 1),
            last_day: date(2026, 12, 1),
            court_id: Some("c2".into()),
            hours: None,
            reason: "Repairs".into(),
        };
        let courts = vec!["c1".to_owned(), "c2".to_owned()];
        let (mon, tue) = (date(2026, 11, 30), date(2026, 12, 1));
        let slots = vec![
            ("c1".to_owned(), slot(mon, "18:00", 90)),
            ("c2".to_owned(), slot(mon, "18:00", 60)),
            ("c1".to_owned(), slot(tue, "21:30", 60)), // runs 30 minutes past closing
        ];
        let o = occupancy(mon, tue, &courts, &week, &[closure], &slots);
        assert_eq!(o.heat[0][18], Share { booked: 120, open: 120 }, "Monday 18:00, both courts full");
        assert_eq!(o.heat[0][19], Share { booked: 30, open: 120 });
        assert_eq!(o.heat[0][7], Share::default(), "closed before 8:00");
        assert_eq!(o.heat[1][21], Share { booked: 30, open: 60 }, "only court 1 opened on Tuesday");
        assert_eq!(o.by_court, [Share { booked: 120, open: 28 * 60 }, Share { booked: 60, open: 14 * 60 }]);
        let months: Vec<(Date, i64)> = o.by_month.iter().map(|(m, s)| (*m, s.booked)).collect();
        assert_eq!(months, [(date(2026, 11, 1), 150), (date(2026, 12, 1), 30)]);
        assert_eq!(o.total, Share { booked: 180, open: 42 * 60 });
        assert_eq!(Share::default().ratio(), None);
    }
}
