//! The coaches table, and a coach's lessons.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{CoachDraft, LessonRow, PayModel};
use crate::bookings::model::{Conditions, Status, court_ids_from_text, weekdays_from_text, weekdays_to_text};
use crate::courts::model::DayMinute;

#[derive(Debug, Clone)]
pub struct Coach {
    /// The coach's staff account.
    pub id: String,
    pub username: String,
    pub draft: CoachDraft,
}

const COLS: &str = "c.id, u.username, c.name, c.colour, c.lesson_fee, c.pay_per_hour, c.active, c.pay_model, \
                    c.group_rate, c.court_ids, c.weekdays, c.from_min, c.to_min";
const FROM: &str = "FROM coaches c JOIN staff_users u ON u.id = c.id";

fn row_to_coach(r: &Row<'_>) -> rusqlite::Result<Coach> {
    Ok(Coach {
        id: r.get(0)?,
        username: r.get(1)?,
        draft: CoachDraft {
            name: r.get(2)?,
            colour: r.get(3)?,
            lesson_fee: r.get(4)?,
            pay_per_hour: r.get(5)?,
            pay_model: PayModel::parse(&r.get::<_, String>(7)?).unwrap_or_default(),
            group_rate: r.get(8)?,
            works: Conditions {
                court_ids: court_ids_from_text(&r.get::<_, String>(9)?),
                weekdays: weekdays_from_text(&r.get::<_, String>(10)?),
                from: DayMinute::new(r.get(11)?).unwrap_or(Conditions::default().from),
                to: DayMinute::new(r.get(12)?).unwrap_or(DayMinute::MIDNIGHT_END),
            },
            active: r.get(6)?,
        },
    })
}

pub fn coaches(conn: &Connection) -> rusqlite::Result<Vec<Coach>> {
    conn.prepare_cached(&format!("SELECT {COLS} {FROM} ORDER BY c.active DESC, c.name COLLATE NOCASE"))?
        .query_map([], row_to_coach)?
        .collect()
}

pub fn coach(conn: &Connection, id: &str) -> rusqlite::Result<Option<Coach>> {
    conn.prepare_cached(&format!("SELECT {COLS} {FROM} WHERE c.id = ?1"))?.query_row([id], row_to_coach).optional()
}

pub fn put_coach(conn: &Connection, id: &str, d: &CoachDraft, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO coaches (id, name, colour, lesson_fee, pay_per_hour, pay_model, active, created_at, updated_at, \
         group_rate, court_ids, weekdays, from_min, to_min) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, colour = excluded.colour, \
         lesson_fee = excluded.lesson_fee, pay_per_hour = excluded.pay_per_hour, pay_model = excluded.pay_model, \
         active = excluded.active, updated_at = excluded.updated_at, group_rate = excluded.group_rate, \
         court_ids = excluded.court_ids, weekdays = excluded.weekdays, from_min = excluded.from_min, \
         to_min = excluded.to_min",
        params![
            id,
            d.name,
            d.colour,
            d.lesson_fee,
            d.pay_per_hour,
            d.pay_model.as_str(),
            d.active,
            now.as_millisecond(),
            d.group_rate,
            d.works.court_ids.join(","),
            weekdays_to_text(&d.works.weekdays),
            d.works.from.minutes(),
            d.works.to.minutes()
        ],
    )?;
    Ok(())
}

/// Live lessons of coach `coach_id` overlapping [from, to), but `except`: the first, if any.
pub fn busy(
    conn: &Connection,
    coach_id: &str,
    from: Timestamp,
    to: Timestamp,
    except: &str,
) -> rusqlite::Result<Option<(Timestamp, Timestamp)>> {
    conn.prepare_cached(
        "SELECT starts_at, ends_at FROM bookings WHERE coach_id = ?1 AND starts_at > ?2 - 86400000 \
         AND starts_at < ?3 AND ?2 < ends_at AND status <> 'cancelled' AND id <> ?4 ORDER BY starts_at LIMIT 1",
    )?
    .query_row(params![coach_id, from.as_millisecond(), to.as_millisecond(), except], |r| {
        Ok((
            Timestamp::from_millisecond(r.get(0)?).unwrap_or_default(),
            Timestamp::from_millisecond(r.get(1)?).unwrap_or_default(),
        ))
    })
    .optional()
}

/// Lessons and group sessions with a coach starting in [from, to), not cancelled, as the pay
/// report counts them (`over` by `now`).
pub fn lessons_between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<Vec<LessonRow>> {
    conn.prepare_cached(
        "SELECT b.coach_id, b.status, (b.ends_at - b.starts_at) / 60000, b.ends_at <= ?3, \
         CASE WHEN b.group_id IS NOT NULL THEN (SELECT count(*) FROM group_visits v \
         WHERE v.booking_id = b.id AND v.status IN ('present', 'trial')) END, \
         CASE WHEN b.group_id IS NOT NULL THEN (SELECT coalesce(sum(v.charge), 0) FROM group_visits v WHERE v.booking_id = b.id) \
         ELSE (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.booking_id = b.id AND p.method <> 'pass') END \
         FROM bookings b \
         WHERE b.coach_id IS NOT NULL AND b.kind = 'lesson' AND b.status <> 'cancelled' \
         AND b.starts_at >= ?1 AND b.starts_at < ?2",
    )?
    .query_map(params![from.as_millisecond(), to.as_millisecond(), now.as_millisecond()], |r| {
        let status: String = r.get(1)?;
        Ok(LessonRow {
            coach_id: r.get(0)?,
            status: Status::parse(&status).unwrap_or(Status::Booked),
            minutes: r.get(2)?,
            over: r.get(3)?,
            group_came: r.get(4)?,
            revenue: r.get(5)?,
        })
    })?
    .collect()
}

/// A coach's pay approved for a period, as it was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: String,
    pub coach_id: String,
    pub first_day: Date,
    pub last_day: Date,
    pub held: i64,
    pub minutes: i64,
    pub sessions: i64,
    pub attendees: i64,
    pub amount: i64,
    pub approved_by: String,
    pub approved_at: Timestamp,
}

const APPROVAL_COLS: &str =
    "id, coach_id, first_day, last_day, held, minutes, sessions, attendees, amount, approved_by, approved_at";

fn row_to_approval(r: &Row<'_>) -> rusqlite::Result<Approval> {
    let day = |i: usize| -> rusqlite::Result<Date> {
        let text: String = r.get(i)?;
        text.parse().map_err(|e: jiff::Error| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
        })
    };
    Ok(Approval {
        id: r.get(0)?,
        coach_id: r.get(1)?,
        first_day: day(2)?,
        last_day: day(3)?,
        held: r.get(4)?,
        minutes: r.get(5)?,
        sessions: r.get(6)?,
        attendees: r.get(7)?,
        amount: r.get(8)?,
        approved_by: r.get(9)?,
        approved_at: Timestamp::from_millisecond(r.get(10)?).unwrap_or(Timestamp::UNIX_EPOCH),
    })
}

/// Live approvals (not withdrawn) overlapping the days `first..=last`, of every coach.
pub fn approvals_overlapping(conn: &Connection, first: Date, last: Date) -> rusqlite::Result<Vec<Approval>> {
    conn.prepare_cached(&format!(
        "SELECT {APPROVAL_COLS} FROM coach_pay_approvals \
         WHERE withdrawn_at IS NULL AND first_day <= ?2 AND last_day >= ?1 ORDER BY first_day"
    ))?
    .query_map(params![first.to_string(), last.to_string()], row_to_approval)?
    .collect()
}

pub fn approval(conn: &Connection, id: &str) -> rusqlite::Result<Option<Approval>> {
    conn.prepare_cached(&format!(
        "SELECT {APPROVAL_COLS} FROM coach_pay_approvals WHERE id = ?1 AND withdrawn_at IS NULL"
    ))?
    .query_row([id], row_to_approval)
    .optional()
}

pub fn insert_approval(conn: &Connection, a: &Approval) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO coach_pay_approvals (id, coach_id, first_day, last_day, held, minutes, sessions, attendees, \
         amount, approved_by, approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            a.id,
            a.coach_id,
            a.first_day.to_string(),
            a.last_day.to_string(),
            a.held,
            a.minutes,
            a.sessions,
            a.attendees,
            a.amount,
            a.approved_by,
            a.approved_at.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn withdraw_approval(conn: &Connection, id: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE coach_pay_approvals SET withdrawn_at = ?2 WHERE id = ?1",
        params![id, now.as_millisecond()],
    )?;
    Ok(())
}
