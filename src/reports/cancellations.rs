//! Cancellations and no-shows: of the bookings in a period, how many were cancelled (and what
//! the late ones cost in fees) and how many players did not come, by the hour the booking
//! started and by member. The dates a series edit replaced or its end let go, group sessions
//! (the club cancels those) and blocks are not a player's doing, so they are left out.

use std::collections::HashMap;

use crate::bookings::model::Status;

/// One booking as the report reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The member who booked; none for a guest.
    pub booker: Option<String>,
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
    fn add(&mut self, r: &Row) {
        self.booked += 1;
        self.cancelled += i64::from(r.status == Status::Cancelled);
        self.no_shows += i64::from(r.status == Status::NoShow);
        self.fees += r.fees;
    }

    /// Cancelled or missed, as a share of those booked.
    pub fn lost(&self) -> Option<f64> {
        (self.booked > 0).then(|| (self.cancelled + self.no_shows) as f64 / self.booked as f64)
    }
}

#[derive(Debug, Default)]
pub struct Cancellations {
    pub by_hour: [Counts; 24],
    /// Members with a cancellation or a no-show, most first.
    pub by_member: Vec<(String, String, Counts)>,
    pub total: Counts,
}

/// The members who cancelled or missed a booking in `rows`: only their names are looked up.
pub fn who_lost(rows: &[Row]) -> Vec<&str> {
    let lost = rows.iter().filter(|r| matches!(r.status, Status::Cancelled | Status::NoShow));
    let mut ids: Vec<&str> = lost.filter_map(|r| r.booker.as_deref()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The report of `rows`; `names` are the names of `who_lost(rows)` by id.
pub fn cancellations(rows: &[Row], names: &HashMap<String, String>) -> Cancellations {
    let mut out = Cancellations::default();
    let mut members: HashMap<&str, Counts> = HashMap::new();
    for r in rows {
        out.total.add(r);
        if let Some(c) = out.by_hour.get_mut(r.hour) {
            c.add(r);
        }
        if let Some(id) = &r.booker {
            members.entry(id).or_default().add(r);
        }
    }
    out.by_member = members
        .into_iter()
        .filter(|(_, c)| c.cancelled + c.no_shows > 0)
        .map(|(id, c)| (id.to_owned(), names.get(id).cloned().unwrap_or_default(), c))
        .collect();
    out.by_member.sort_by(|a, b| {
        let lost = |c: &Counts| c.cancelled + c.no_shows;
        lost(&b.2).cmp(&lost(&a.2)).then_with(|| b.2.fees.cmp(&a.2.fees)).then_with(|| a.1.cmp(&b.1))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(who: Option<&str>, hour: usize, status: Status, fees: i64) -> Row {
        Row { booker: who.map(|w| format!("id-{w}")), hour, status, fees }
    }

    #[test]
    fn who_cancels_and_when_most_first() {
        let rows = [
            row(Some("Anna"), 18, Status::Cancelled, 500),
            row(Some("Anna"), 18, Status::NoShow, 1000),
            row(Some("Anna"), 19, Status::CheckedIn, 0),
            row(Some("Boris"), 18, Status::Cancelled, 0),
            row(Some("Clara"), 10, Status::Booked, 0),
            row(None, 10, Status::NoShow, 0),
        ];
        let lost = who_lost(&rows);
        assert_eq!(lost, ["id-Anna", "id-Boris"], "Clara never missed; the guest has no card");
        let names = lost.iter().map(|id| (id.to_string(), id.trim_start_matches("id-").to_owned())).collect();
        let c = cancellations(&rows, &names);
        assert_eq!(c.total, Counts { booked: 6, cancelled: 2, no_shows: 2, fees: 1500 });
        assert_eq!(c.by_hour[18], Counts { booked: 3, cancelled: 2, no_shows: 1, fees: 1500 });
        assert_eq!(c.by_hour[10].lost(), Some(0.5));
        let names: Vec<&str> = c.by_member.iter().map(|(_, n, _)| n.as_str()).collect();
        assert_eq!(names, ["Anna", "Boris"]);
        assert_eq!(c.by_member[0].2, Counts { booked: 3, cancelled: 1, no_shows: 1, fees: 1500 });
    }
}
