//! Calendar feeds (RFC 5545): a member's bookings, or a court's taken times, as a calendar app
//! subscribes to them. Each booking keeps its UID for life and its SEQUENCE grows with each
//! change, so a moved booking moves in the app and a cancelled one is marked cancelled. No I/O.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use jiff::Timestamp;

/// One booking as a calendar event.
pub struct FeedEvent {
    pub booking_id: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub cancelled: bool,
    pub summary: String,
    pub location: String,
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The revision number of an event: seconds from its creation to its last change, so every
/// later change (at least a second on) numbers higher, with no counter to keep.
fn sequence(e: &FeedEvent) -> u32 {
    u32::try_from(e.updated_at.duration_since(e.created_at).as_secs().max(0)).unwrap_or(u32::MAX)
}

/// The feed called `name` holding `events`, stamped `now`; `host` makes UIDs unique worldwide.
pub fn feed(name: &str, host: &str, events: &[FeedEvent], now: Timestamp) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for e in events {
        let mut event = Event::new();
        event
            .uid(&format!("{}@{host}", e.booking_id))
            .add_property("DTSTAMP", utc(now))
            .add_property("DTSTART", utc(e.starts_at))
            .add_property("DTEND", utc(e.ends_at))
            .add_property("LAST-MODIFIED", utc(e.updated_at))
            .sequence(sequence(e))
            .summary(&e.summary)
            .location(&e.location)
            .status(if e.cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
        cal.push(event.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    fn event(updated: &str, cancelled: bool) -> FeedEvent {
        FeedEvent {
            booking_id: "b1".into(),
            starts_at: "2026-11-30T16:00:00Z".parse().unwrap(),
            ends_at: "2026-11-30T17:00:00Z".parse().unwrap(),
            created_at: "2026-11-29T09:00:00Z".parse().unwrap(),
            updated_at: updated.parse().unwrap(),
            cancelled,
            summary: "Tennis: Court 1".into(),
            location: "Tennis Club".into(),
        }
    }

    /// What an app reads back: (uid, sequence, status, start).
    fn read(text: &str) -> Vec<(String, u32, Option<EventStatus>, Option<DatePerhapsTime>)> {
        let cal: Calendar = text.parse().expect("a calendar an app can read");
        cal.components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => {
                    Some((e.get_uid()?.to_owned(), e.get_sequence()?, e.get_status(), e.get_start()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_changed_booking_keeps_its_uid_with_a_higher_sequence() {
        let now = "2026-11-29T10:00:00Z".parse().unwrap();
        let before = read(&feed("Anna", "club.example", &[event("2026-11-29T09:00:00Z", false)], now));
        let after = read(&feed("Anna", "club.example", &[event("2026-11-29T09:30:00Z", true)], now));
        assert_eq!(before[0].0, "b1@club.example");
        assert_eq!(before[0].0, after[0].0, "the same event");
        assert!(after[0].1 > before[0].1, "{} > {}", after[0].1, before[0].1);
        assert_eq!(after[0].2, Some(EventStatus::Cancelled));
        assert_eq!(before[0].2, Some(EventStatus::Confirmed));
        assert!(before[0].3.is_some());
    }
}
