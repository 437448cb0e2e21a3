//! A group to test with, made through the commands.

use super::commands::{CreateGroup, Schedule};
use super::model::{GroupDraft, PriceModel};
use crate::commands::AnyCommand;
use crate::testing::{TestDb, id};

/// The terms of a group of `capacity` on `court` with `coach`, 500 a visit.
pub fn draft(court: &str, coach: &str, capacity: i64) -> GroupDraft {
    GroupDraft {
        name: "Juniors 8–10".into(),
        coach_id: coach.into(),
        court_id: court.into(),
        capacity,
        minimum: 1,
        price_model: PriceModel::Visit,
        price: 500,
        product_id: None,
        charge_absent: true,
        active: true,
    }
}

/// Tuesdays and Thursdays 17:00–18:00 through December 2026.
pub fn schedule() -> Schedule {
    Schedule {
        weekdays: vec![jiff::civil::Weekday::Tuesday, jiff::civil::Weekday::Thursday],
        start: crate::courts::model::DayMinute::parse("17:00").expect("a time"),
        minutes: 60,
        first_day: "2026-12-01".parse().expect("a day"),
        last_day: "2026-12-31".parse().expect("a day"),
    }
}

/// Makes group `d` on the usual schedule; its id.
pub fn group(db: &mut TestDb, d: GroupDraft) -> String {
    let group_id = id();
    let cmd =
        CreateGroup { group_id: group_id.clone(), series_id: id(), group: d, schedule: schedule(), skip: Vec::new() };
    db.applied(AnyCommand::CreateGroup(cmd));
    group_id
}

/// Group `group_id`'s sessions, earliest first.
pub fn sessions(db: &TestDb, group_id: &str) -> Vec<crate::bookings::store::Booking> {
    let (from, to) = ("2026-01-01T00:00:00Z".parse().expect("a time"), "2028-01-01T00:00:00Z".parse().expect("a time"));
    crate::bookings::store::of_group(&db.conn, group_id, from, to).expect("sessions")
}
