//! Cancellations and no-shows: of the bookings in a period, how many were cancelled (and what
//! the late ones cost in fees) and how many players did not come, by the hour the booking
//! started and by member. The dates a series edit replaced or its end let go, group sessions
//! (the club cancels those) and blocks are not a player's doing, so they are left out.

use std::collections::HashMap;

use crate::bookings::model::Status;

/// One booking as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// The member who booked; none for a guest.
    pub booker: Option<&'a str>,
    /// The hour of the day it started, club time.
    pub hour: usize,
    pub status: Status,
    /// Late-cancellation and no-show fees charged on it, less any waived.
    pub fees: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub booked: i64,
    pub cancelled: i64,
    pub no_shows: i64,
    pub fees: i64,
}

impl Counts {
    fn add(&mut self, r: &Row<'_>) {
        self.booked += 1;
        self.cancelled += i64::from(r.status == Status::Cancelled);
        self.no_shows += i64::from(r.status == Status::NoShow);
        self.fees += r.fees;
    }

    /// Cancelled or missed, as a share of those booked.
    pub fn lost(&self) -> Option<f64> {
        (self.booked > 0).then(|| (self.cancelled + self.no_shows) as f64 / self.booked as f64)
    }

    fn lost_count(&self) -> i64 {
        self.cancelled + self.no_shows
    }
}

#[derive(Debug, Default)]
pub struct Cancellations {
    pub by_hour: [Counts; 24],
    /// Members with a cancellation or a no-show, most first.
    pub by_member: Vec<(String, String, Counts)>,
    pub total: Counts,
}

/// The report added up one booking at a time, as they are read (a year holds tens of
/// thousands: none is kept).
#[derive(Debug, Default)]
pub struct Tally {
    report: Cancellations,
    members: HashMap<String, Counts>,
}

impl Tally {
    pub fn add(&mut self, r: Row<'_>) {
        self.report.total.add(&r);
        if let Some(c) = self.report.by_hour.get_mut(r.hour) {
            c.add(&r);
        }
        if let Some(id) = r.booker {
            match self.members.get_mut(id) {
                Some(c) => c.add(&r),
                None => self.members.entry(id.to_owned()).or_default().add(&r),
            }
        }
    }

    /// The members who cancelled or missed a booking: only their names are looked up.
    pub fn who_lost(&self) -> Vec<String> {
        let mut ids: Vec<String> =
            self.members.iter().filter(|(_, c)| c.lost_count() > 0).map(|(id, _)| id.clone()).collect();
        ids.sort_unstable();
        ids
    }

    /// The report; `names` are the names of `who_lost()` by id.
    pub fn finish(self, names: &HashMap<String, String>) -> Cancellations {
        let mut out = self.report;
        out.by_member = self
            .members
            .into_iter()
            .filter(|(_, c)| c.lost_count() > 0)
            .map(|(id, c)| {
                let name = names.get(&id).cloned().unwrap_or_default();
                (id, name, c)
            })
            .collect();
        out.by_member.sort_by(|a, b| {
            let lost = |c: &Counts| c.lost_count();
            lost(&b.2).cmp(&lost(&a.2)).then_with(|| b.2.fees.cmp(&a.2.fees)).then_with(|| a.1.cmp(&b.1))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(who: Option<&'static str>, hour: usize, status: Status, fees: i64) -> Row<'static> {
        Row { booker: who, hour, status, fees }
    }

    #[test]
    fn who_cancels_and_when_most_first() {
        let rows = [
            row(Some("id-Anna"), 18, Status::Cancelled, 500),
            row(Some("id-Anna"), 18, Status::NoShow, 1000),
            row(Some("id-Anna"), 19, Status::CheckedIn, 0),
            row(Some("id-Boris"), 18, Status::Cancelled, 0),
            row(Some("id-Clara"), 10, Status::Booked, 0),
            row(None, 10, Status::NoShow, 0),
        ];
        let mut tally = Tally::default();
        rows.into_iter().for_each(|r| tally.add(r));
        let lost = tally.who_lost();
        assert_eq!(lost, ["id-Anna", "id-Boris"], "Clara never missed; the guest has no card");
        let names = lost.iter().map(|id| (id.to_string(), id.trim_start_matches("id-").to_owned())).collect();
        let c = tally.finish(&names);
        assert_eq!(c.total, Counts { booked: 6, cancelled: 2, no_shows: 2, fees: 1500 });
        assert_eq!(c.by_hour[18], Counts { booked: 3, cancelled: 2, no_shows: 1, fees: 1500 });
        assert_eq!(c.by_hour[10].lost(), Some(0.5));
        let names: Vec<&str> = c.by_member.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["Anna", "Boris"]);
        assert_eq!(c.by_member[0].2, Counts { booked: 3, cancelled: 1, no_shows: 1, fees: 1500 });
    }
}
