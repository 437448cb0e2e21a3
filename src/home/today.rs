//! What the front desk needs at a glance: each court now and next, who arrives within the hour,
//! today's bookings not paid for, and the courts free to book right now. Plain computation over
//! the day's bookings; the page reads them.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use crate::bookings::model::{Kind, Status};
use crate::bookings::store::Booking;

/// One court as the desk sees it now.
pub struct CourtNow<'a> {
    pub court_id: &'a str,
    pub name: &'a str,
    /// The booking being played now.
    pub now: Option<&'a Booking>,
    /// The next booking today after now.
    pub next: Option<&'a Booking>,
    /// Open and free now: the desk can book it on the spot.
    pub free: bool,
}

pub struct Today<'a> {
    pub courts: Vec<CourtNow<'a>>,
    /// Bookings starting within the hour, not checked in yet, earliest first.
    pub arrivals: Vec<&'a Booking>,
    /// Today's bookings (not cancelled, not blocks) with money still to pay: booking and what is left.
    pub unpaid: Vec<(&'a Booking, i64)>,
}

/// How far ahead the desk looks for arrivals.
pub const ARRIVALS_WITHIN: SignedDuration = SignedDuration::from_hours(1);

/// `courts` as (id, name, open now), in display order; `bookings` today's, any status.
pub fn today<'a>(
    now: Timestamp,
    courts: &'a [(String, String, bool)],
    bookings: &'a [Booking],
    paid: &HashMap<String, i64>,
) -> Today<'a> {
    let mut active: Vec<&Booking> = bookings.iter().filter(|b| b.status != Status::Cancelled).collect();
    active.sort_by_key(|b| b.starts_at);
    let courts = courts
        .iter()
        .map(|(id, name, open)| {
            let on_court = active.iter().copied().filter(|b| b.court_id == *id);
            let playing = on_court.clone().find(|b| b.starts_at <= now && now < b.ends_at);
            let next = on_court.clone().find(|b| b.starts_at > now);
            CourtNow { court_id: id, name, now: playing, next, free: *open && playing.is_none() }
        })
        .collect();
    let arrivals = active
        .iter()
        .copied()
        .filter(|b| b.status == Status::Booked && b.ends_at > now && b.starts_at <= now + ARRIVALS_WITHIN)
        .collect();
    let unpaid = active
        .iter()
        .copied()
        .filter(|b| b.status != Status::NoShow)
        .filter_map(|b| {
            let left = b.price - paid.get(&b.id).copied().unwrap_or(0);
            (left > 0).then_some((b, left))
        })
        .collect();
    Today { courts, arrivals, unpaid }
}

/// How much of the day's open court time is booked: (booked minutes, open minutes). `windows`
/// are each court's opening hours today as instants; a block (the court out of use) and a
/// cancelled booking are not play.
pub fn occupancy(windows: &[(String, Timestamp, Timestamp)], bookings: &[Booking]) -> (i64, i64) {
    let mut booked = 0;
    let mut open = 0;
    for (court, from, to) in windows {
        open += (*to - *from).as_mins();
        booked += bookings
            .iter()
            .filter(|b| b.court_id == *court && b.status != Status::Cancelled && b.kind != Kind::Block)
            .map(|b| (b.ends_at.min(*to) - b.starts_at.max(*from)).as_mins().max(0))
            .sum::<i64>();
    }
    (booked, open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::model::Source;

    fn booking(id: &str, court: &str, from: &str, to: &str, price: i64) -> Booking {
        Booking {
            id: id.into(),
            court_id: court.into(),
            starts_at: from.parse().unwrap(),
            ends_at: to.parse().unwrap(),
            kind: Kind::Play,
            status: Status::Booked,
            booker_id: None,
            booker_name: Some("Anna".into()),
            note: String::new(),
            source: Source::Desk,
            series_id: None,
            cancelled_at: None,
            cancel_reason: None,
            created_at: Timestamp::UNIX_EPOCH,
            price,
            price_note: String::new(),
            pass_id: None,
            updated_at: Timestamp::UNIX_EPOCH,
            coach_id: None,
            group_id: None,
        }
    }

    #[test]
    fn the_desk_sees_each_court_now_and_next_arrivals_and_what_is_unpaid() {
        let now: Timestamp = "2026-12-04T15:20:00Z".parse().unwrap();
        let courts = vec![("c1".into(), "Court 1".into(), true), ("c2".into(), "Court 2".into(), true)];
        let bookings = vec![
            booking("playing", "c1", "2026-12-04T15:00:00Z", "2026-12-04T16:00:00Z", 1000),
            booking("soon", "c2", "2026-12-04T16:00:00Z", "2026-12-04T17:00:00Z", 1000),
            booking("later", "c1", "2026-12-04T18:00:00Z", "2026-12-04T19:00:00Z", 1000),
        ];
        let paid = HashMap::from([("playing".to_string(), 1000)]);
        let t = today(now, &courts, &bookings, &paid);
        assert_eq!(t.courts[0].now.map(|b| b.id.as_str()), Some("playing"));
        assert_eq!(t.courts[0].next.map(|b| b.id.as_str()), Some("later"));
        assert!(!t.courts[0].free && t.courts[1].free, "court 2 is free until 16:00");
        let arriving: Vec<&str> = t.arrivals.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(arriving, ["playing", "soon"], "the 15:00 one has not checked in yet; 18:00 is not within the hour");
        let unpaid: Vec<(&str, i64)> = t.unpaid.iter().map(|(b, left)| (b.id.as_str(), *left)).collect();
        assert_eq!(unpaid, [("soon", 1000), ("later", 1000)]);
    }

    /// Booked time within the opening hours counts; a block, a cancellation, and time outside
    /// the hours do not.
    #[test]
    fn the_days_occupancy_is_booked_time_over_open_time() {
        let at = |t: &str| format!("2026-12-04T{t}:00Z").parse::<Timestamp>().unwrap();
        let windows = vec![("c1".to_string(), at("07:00"), at("23:00")), ("c2".to_string(), at("07:00"), at("23:00"))];
        let mut block = booking("block", "c2", "2026-12-04T10:00:00Z", "2026-12-04T12:00:00Z", 0);
        block.kind = Kind::Block;
        let mut cancelled = booking("gone", "c2", "2026-12-04T13:00:00Z", "2026-12-04T14:00:00Z", 0);
        cancelled.status = Status::Cancelled;
        let bookings = vec![
            booking("a", "c1", "2026-12-04T18:00:00Z", "2026-12-04T20:00:00Z", 0),
            booking("late", "c1", "2026-12-04T22:00:00Z", "2026-12-04T23:30:00Z", 0),
            block,
            cancelled,
        ];
        assert_eq!(occupancy(&windows, &bookings), (180, 32 * 60));
    }
}
