//! When the club's time zone is corrected, its bookings keep their wall-clock times: "19:00 on
//! Court 2" is what staff typed and players were told, so each booking is re-anchored to the
//! instant that reads 19:00 in the new zone instead of silently reading 22:00.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::store::{self, Placed};
use crate::club::model::same_wall_clock;
use crate::core::{CommandError, Ctx, Rejection};
use crate::sms::reminders as sms;

/// Re-anchors every booking from zone `from` to zone `to`; the number moved. Refused when two
/// bookings of a court would overlap in the new zone (only possible around a clock change).
pub fn keep_wall_clock(ctx: &Ctx<'_>, from: &TimeZone, to: &TimeZone) -> Result<usize, CommandError> {
    let placed = store::all_placed(ctx.tx)?;
    let moved: Vec<(Placed, Placed)> = placed
        .into_iter()
        .map(|p| {
            let to = Placed {
                id: p.id.clone(),
                court_id: p.court_id.clone(),
                starts_at: same_wall_clock(p.starts_at, from, to),
                ends_at: same_wall_clock(p.ends_at, from, to),
                active: p.active,
            };
            (p, to)
        })
        .collect();
    if let Some(day) = first_clash(moved.iter().map(|(_, new)| new), to) {
        return Err(Rejection::new("time-zone-bookings-clash").on("time_zone").arg("day", day).into());
    }
    let mut moved: Vec<(Placed, Placed)> =
        moved.into_iter().filter(|(old, new)| old.starts_at != new.starts_at || old.ends_at != new.ends_at).collect();
    // The overlap triggers check every single update, so bookings move in an order that never
    // lands one on another still waiting its turn: the latest first when all move later, the
    // earliest first when all move earlier, and otherwise all out of the way and back.
    let later = moved.iter().all(|(old, new)| new.starts_at >= old.starts_at && new.ends_at >= old.ends_at);
    let earlier = moved.iter().all(|(old, new)| new.starts_at <= old.starts_at && new.ends_at <= old.ends_at);
    moved.sort_by_key(|(old, _)| old.starts_at);
    if later {
        moved.reverse();
    } else if !earlier {
        park(ctx, &moved)?;
    }
    for (_, new) in &moved {
        store::set_times(ctx.tx, &new.id, new.starts_at, new.ends_at, ctx.now)?;
    }
    // Reminders carry the time in their text and are due a set time before the start.
    for (_, new) in moved.iter().filter(|(_, new)| new.active && new.starts_at > ctx.now) {
        sms::follow(ctx, &new.id, sms::Event::Changed)?;
    }
    Ok(moved.len())
}

/// Moves the bookings about to be re-anchored past every booking there is, keeping their order.
fn park(ctx: &Ctx<'_>, moved: &[(Placed, Placed)]) -> Result<(), CommandError> {
    let (Some(first), Some(last)) =
        (moved.iter().map(|(o, _)| o.starts_at).min(), moved.iter().map(|(o, _)| o.ends_at).max())
    else {
        return Ok(());
    };
    let away = last.duration_since(first) + jiff::SignedDuration::from_hours(48);
    for (old, _) in moved.iter().rev() {
        store::set_times(ctx.tx, &old.id, old.starts_at + away, old.ends_at + away, ctx.now)?;
    }
    Ok(())
}

/// The first club day on which two active bookings of one court would overlap.
fn first_clash<'a>(placed: impl Iterator<Item = &'a Placed>, tz: &TimeZone) -> Option<jiff::civil::Date> {
    let mut active: Vec<&Placed> = placed.filter(|p| p.active).collect();
    active.sort_by(|a, b| (&a.court_id, a.starts_at).cmp(&(&b.court_id, b.starts_at)));
    let mut clash: Option<Timestamp> = None;
    for pair in active.windows(2) {
        if pair[0].court_id == pair[1].court_id && pair[1].starts_at < pair[0].ends_at {
            clash = Some(clash.map_or(pair[1].starts_at, |c| c.min(pair[1].starts_at)));
        }
    }
    clash.map(|at| at.to_zoned_datetime(tz.clone()).date())
}

#[cfg(test)]
mod tests {
    use crate::club::commands::UpdateClubSettings;
    use crate::commands::AnyCommand;
    use crate::i18n::Locale;
    use crate::testing::{TestDb, id, slot};

    fn zone(name: &str) -> AnyCommand {
        AnyCommand::UpdateClubSettings(UpdateClubSettings {
            settings_id: id(),
            name: "Test Club".into(),
            time_zone: name.into(),
            locale: Locale::En,
            currency: "RUB".into(),
            phone_region: "RU".into(),
        })
    }

    /// Each booking's court day and "HH:MM–HH:MM" in the club's zone, earliest first.
    fn wall_clock(db: &TestDb) -> Vec<String> {
        let tz = crate::club::store::time_zone(&db.conn).unwrap();
        let mut all: Vec<String> = crate::bookings::store::all_placed(&db.conn)
            .unwrap()
            .into_iter()
            .map(|p| {
                let (s, e) = (p.starts_at.to_zoned_datetime(tz.clone()), p.ends_at.to_zoned_datetime(tz.clone()));
                format!("{} {} {}–{}", p.court_id, s.date(), s.time(), e.time())
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn correcting_the_zone_keeps_every_bookings_wall_clock_time() {
        let mut db = TestDb::new();
        db.applied(zone("UTC"));
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        // Back to back, so a careless order of updates would trip the overlap guard.
        for start in ["17:00", "18:00", "19:00", "20:00"] {
            db.book(&court, &anna, slot("2026-12-10", start, 60)).unwrap();
        }
        db.book(&court, &anna, slot("2026-07-01", "09:00", 90)).unwrap();
        let before = wall_clock(&db);
        db.applied(zone("Europe/Moscow"));
        assert_eq!(wall_clock(&db), before, "the same times on the grid after the change");
        db.applied(zone("America/New_York"));
        assert_eq!(wall_clock(&db), before, "and back the other way");
        // The slot 19:00 Moscow time is still taken in the new zone.
        db.applied(zone("Europe/Moscow"));
        let boris = db.member("Boris Petrov", "");
        assert_eq!(db.book(&court, &boris, slot("2026-12-10", "19:30", 60)).unwrap_err().code, "slot-taken");
    }

    #[test]
    fn bookings_moving_both_ways_are_all_placed() {
        // Santiago is UTC-3 in December and UTC-4 in July, Halifax the other way round: some
        // bookings move an hour earlier, others an hour later.
        let mut db = TestDb::new();
        db.applied(zone("America/Santiago"));
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        for (day, start) in
            [("2026-12-10", "18:00"), ("2026-12-10", "19:00"), ("2027-07-01", "18:00"), ("2027-07-01", "19:00")]
        {
            db.book(&court, &anna, slot(day, start, 60)).unwrap();
        }
        let before = wall_clock(&db);
        db.applied(zone("America/Halifax"));
        assert_eq!(wall_clock(&db), before);
    }

    #[test]
    fn a_reminder_keeps_the_booking_time_in_its_text_and_moves_with_it() {
        let mut db = TestDb::new();
        db.applied(zone("UTC"));
        let sms = crate::sms::store::Settings { reminder_hours: 2, ..Default::default() };
        db.applied(AnyCommand::SaveSmsSettings(crate::sms::commands::SaveSmsSettings {
            settings_id: id(),
            settings: sms,
        }));
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "+79161234567");
        let booking = db.book(&court, &anna, slot("2026-12-10", "19:00", 60)).unwrap();
        db.applied(zone("Europe/Moscow"));
        let reminder = crate::sms::store::booking_message(&db.conn, &booking, crate::sms::model::Kind::Reminder)
            .unwrap()
            .expect("a reminder");
        assert!(reminder.body.contains("19:00"), "{}", reminder.body);
        assert_eq!(reminder.not_before, "2026-12-10T14:00:00Z".parse().unwrap(), "two hours before 19:00 Moscow");
    }
}
