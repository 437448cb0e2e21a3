//! Setting a category's booking limits, and checking a booking against the limits of its booker.

use crate::db::{Conn, SqlError};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::model::{Attempt, Breach, Limits, UNCATEGORISED, check};
use super::store;
use crate::bookings::model::{LocalSlot, day_bounds};
use crate::core::{CommandError, Ctx, Rejection, Role, require};

/// Replaces the limits of a category (`key` is its id), or of members without one
/// (`UNCATEGORISED`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetCategoryLimits {
    pub key: String,
    pub limits: Limits,
}

impl SetCategoryLimits {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if self.key != UNCATEGORISED && !crate::members::store::category_exists(ctx.tx, &self.key)? {
            return Err(Rejection::new("category-not-found").into());
        }
        let limits = self.limits.clone().tidy();
        limits.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
        for court in &limits.court_ids {
            if crate::courts::store::court(ctx.tx, court)?.is_none() {
                return Err(Rejection::new("court-not-found").on("court_ids").into());
            }
        }
        store::put_limits(ctx.tx, &self.key, &limits, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let l = &self.limits;
        let or_any = |v: Option<u16>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
        format!(
            "{}: {} days ahead, {} at once, {} min a week",
            self.key,
            or_any(l.days_ahead),
            or_any(l.max_active),
            or_any(l.week_minutes)
        )
    }
}

/// What booking `slot` on `court_id` for `member_id` at `now` breaks of the member's limits
/// (their other bookings counted, `except` not), and the name of their category.
pub fn breaches(
    conn: &Conn,
    tz: &TimeZone,
    member_id: &str,
    (court_id, slot): (&str, LocalSlot),
    except: &str,
    now: Timestamp,
) -> anyhow::Result<(Option<String>, Vec<Breach>)> {
    let (limits, category) = store::limits_of_member(conn, member_id)?;
    if limits.is_open() {
        return Ok((category, Vec::new()));
    }
    let Some((starts_at, _)) = slot.instants(tz) else { return Ok((category, Vec::new())) };
    let monday = slot.day - i64::from(slot.day.weekday().to_monday_zero_offset()).days();
    let week = match (day_bounds(monday, tz), day_bounds(monday + 6.days(), tz)) {
        (Some((from, _)), Some((_, to))) => (from, to),
        _ => return Ok((category, Vec::new())),
    };
    let usage = store::usage(conn, member_id, except, now, week)?;
    let today = now.to_zoned_datetime(tz.clone()).date();
    let attempt = Attempt { court_id, slot, starts_at, now, today };
    Ok((category, check(&limits, &attempt, usage)))
}

/// The free-cancellation window of booker `member_id`'s category, if it has its own.
pub fn cancel_hours(conn: &Conn, member_id: Option<&str>) -> Result<Option<u16>, SqlError> {
    match member_id {
        Some(id) => Ok(store::limits_of_member(conn, id)?.0.cancel_hours),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;
    use crate::commands::AnyCommand;
    use crate::courts::model::DayMinute;
    use crate::members::commands::{CreateCategory, CreateMember};
    use crate::testing::{TestDb, id, member_draft, reception, slot};

    /// A club on 29 November 2026 at 12:00 (Moscow) with a Juniors category, Kolya in it, Anna
    /// without one, and one court.
    fn club() -> (TestDb, String, String, String, String) {
        let mut db = TestDb::new();
        let juniors = id();
        db.applied(AnyCommand::CreateCategory(CreateCategory { category_id: juniors.clone(), name: "Juniors".into() }));
        let kolya = id();
        let draft =
            crate::members::model::MemberDraft { category_id: Some(juniors.clone()), ..member_draft("Kolya", "") };
        db.applied(AnyCommand::CreateMember(CreateMember { member_id: kolya.clone(), member: draft }));
        let anna = db.member("Anna", "");
        let court = db.court("Court 1");
        (db, juniors, kolya, anna, court)
    }

    fn set(db: &mut TestDb, key: &str, limits: Limits) {
        db.applied(AnyCommand::SetCategoryLimits(SetCategoryLimits { key: key.into(), limits }));
    }

    fn broken(db: &TestDb, member: &str, court: &str, day: &str, start: &str, except: &str) -> Vec<&'static str> {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let (_, found) = breaches(&db.conn, &tz, member, (court, slot(day, start, 60)), except, db.now).unwrap();
        found.iter().map(Breach::message).collect()
    }

    /// Two at a time and two hours a week (Monday to Sunday): the member's other bookings count,
    /// the one being changed and cancelled ones do not.
    #[test]
    fn the_limits_count_the_members_other_bookings() {
        let (mut db, juniors, kolya, anna, court) = club();
        set(&mut db, &juniors, Limits { max_active: Some(2), week_minutes: Some(120), ..Limits::default() });
        let monday = db.book(&court, &kolya, slot("2026-11-30", "18:00", 60)).unwrap();
        assert_eq!(broken(&db, &kolya, &court, "2026-12-01", "18:00", ""), Vec::<&str>::new());
        db.book(&court, &kolya, slot("2026-12-01", "18:00", 60)).unwrap();
        assert_eq!(broken(&db, &kolya, &court, "2026-12-02", "18:00", ""), ["limits-too-many", "limits-week-hours"]);
        assert_eq!(broken(&db, &kolya, &court, "2026-11-30", "19:00", &monday), Vec::<&str>::new(), "a move");
        assert_eq!(broken(&db, &kolya, &court, "2026-12-07", "18:00", ""), ["limits-too-many"], "the next week");
        let cancel =
            crate::bookings::commands::CancelBooking { booking_id: monday, reason: "Ill".into(), money_back: false };
        db.applied_as(&reception(), AnyCommand::CancelBooking(cancel));
        assert_eq!(broken(&db, &kolya, &court, "2026-12-02", "18:00", ""), Vec::<&str>::new());
        assert_eq!(broken(&db, &anna, &court, "2026-12-02", "18:00", ""), Vec::<&str>::new(), "no category");
        set(&mut db, UNCATEGORISED, Limits { days_ahead: Some(2), ..Limits::default() });
        assert_eq!(broken(&db, &anna, &court, "2026-12-02", "18:00", ""), ["limits-too-far-ahead"]);
        assert_eq!(broken(&db, &anna, &court, "2026-12-01", "18:00", ""), Vec::<&str>::new());
    }

    #[test]
    fn only_managers_set_limits_and_only_for_real_categories_and_courts() {
        let (mut db, juniors, ..) = club();
        let cmd = |key: &str, courts: Vec<String>| {
            let limits = Limits { court_ids: courts, ..Limits::default() };
            AnyCommand::SetCategoryLimits(SetCategoryLimits { key: key.into(), limits })
        };
        let by_desk = db.run_as(&reception(), cmd(&juniors, Vec::new()));
        assert!(matches!(by_desk, crate::core::Outcome::Rejected(r) if r.code == "not-allowed"));
        assert_eq!(db.refused(cmd("no-such-category", Vec::new())).code, "category-not-found");
        assert_eq!(db.refused(cmd(&juniors, vec!["no-such-court".into()])).code, "court-not-found");
        let bad = Limits { from: DayMinute::parse("18:00"), to: DayMinute::parse("08:00"), ..Limits::default() };
        let r = db.refused(AnyCommand::SetCategoryLimits(SetCategoryLimits { key: juniors, limits: bad }));
        assert_eq!((r.code.as_str(), r.field.as_deref()), ("limits-hours-order", Some("to")));
    }

    /// Juniors cancel free until 48 hours before; everyone else as the club says (24 hours).
    #[test]
    fn a_category_with_its_own_cancel_window_pays_the_fee_earlier() {
        let (mut db, juniors, kolya, anna, court) = club();
        set(&mut db, &juniors, Limits { cancel_hours: Some(48), ..Limits::default() });
        db.price_per_hour(100_000);
        let late = |db: &TestDb, booking: &str| {
            let b = crate::bookings::store::booking(&db.conn, booking).unwrap().unwrap();
            crate::core::dry_run(&db.conn, &reception(), db.now, |ctx| {
                crate::payments::fees::cancel_money(ctx, &b, db.now)
            })
            .unwrap()
            .unwrap()
            .late
        };
        let kolyas = db.book(&court, &kolya, slot("2026-11-30", "18:00", 60)).unwrap();
        let annas = db.book(&court, &anna, slot("2026-11-30", "19:00", 60)).unwrap();
        assert!(late(&db, &kolyas), "30 hours before is inside Juniors' 48");
        assert!(!late(&db, &annas), "and outside the club's 24");
    }
}
