//! SQL for courts, opening hours, closures and booking rules.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{BookingRules, Closure, CourtDraft, DayMinute, Hours, Surface, Week};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Court {
    pub id: String,
    pub draft: CourtDraft,
}

const COURT_COLS: &str = "id, name, surface, indoor, floodlights, court_group, display_order, active";

fn row_to_court(r: &Row<'_>) -> rusqlite::Result<Court> {
    let surface: String = r.get(2)?;
    Ok(Court {
        id: r.get(0)?,
        draft: CourtDraft {
            name: r.get(1)?,
            surface: Surface::parse(&surface).unwrap_or(Surface::Hard),
            indoor: r.get(3)?,
            floodlights: r.get(4)?,
            group: r.get(5)?,
            display_order: r.get(6)?,
            active: r.get(7)?,
        },
    })
}

/// Every court in display order (group, then order, then name); inactive ones last.
pub fn courts(conn: &Connection) -> rusqlite::Result<Vec<Court>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COURT_COLS} FROM courts ORDER BY active DESC, display_order, court_group, lower(name)"
    ))?;
    stmt.query_map([], row_to_court)?.collect()
}

pub fn court(conn: &Connection, id: &str) -> rusqlite::Result<Option<Court>> {
    conn.prepare_cached(&format!("SELECT {COURT_COLS} FROM courts WHERE id = ?1"))?
        .query_row([id], row_to_court)
        .optional()
}

pub fn court_by_name(conn: &Connection, name: &str) -> rusqlite::Result<Option<Court>> {
    conn.query_row(&format!("SELECT {COURT_COLS} FROM courts WHERE lower(name) = lower(?1)"), [name], row_to_court)
        .optional()
}

pub fn next_display_order(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(display_order), 0) + 1 FROM courts", [], |r| r.get(0))
}

pub fn insert_court(conn: &Connection, id: &str, d: &CourtDraft, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO courts (id, name, surface, indoor, floodlights, court_group, display_order, active, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            id,
            d.name,
            d.surface.as_str(),
            d.indoor,
            d.floodlights,
            d.group,
            d.display_order,
            d.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn update_court(conn: &Connection, id: &str, d: &CourtDraft, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE courts SET name = ?2, surface = ?3, indoor = ?4, floodlights = ?5, court_group = ?6, display_order = ?7, \
         active = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            d.name,
            d.surface.as_str(),
            d.indoor,
            d.floodlights,
            d.group,
            d.display_order,
            d.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

fn minute(v: Option<i64>) -> Option<DayMinute> {
    v.and_then(|m| u16::try_from(m).ok()).and_then(DayMinute::new)
}

fn hours(opens: Option<i64>, closes: Option<i64>) -> Option<Hours> {
    Hours::new(minute(opens)?, minute(closes)?)
}

/// The club's week: stored weekdays, the default for the others.
pub fn week(conn: &Connection) -> rusqlite::Result<Week> {
    let mut week = Week::default();
    let mut stmt = conn.prepare_cached("SELECT weekday, opens, closes FROM opening_hours")?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?)))?;
    for row in rows {
        let (weekday, opens, closes) = row?;
        if let Some(slot) = usize::try_from(weekday - 1).ok().filter(|i| *i < 7) {
            week.0[slot] = hours(opens, closes);
        }
    }
    Ok(week)
}

/// Stores one weekday's hours (1 = Monday), creating its row with `new_id` the first time.
pub fn set_day(conn: &Connection, weekday: i64, h: Option<Hours>, new_id: &str) -> rusqlite::Result<()> {
    let (opens, closes) = (h.map(|h| h.opens.minutes()), h.map(|h| h.closes.minutes()));
    crate::db::exec(
        conn,
        "INSERT INTO opening_hours (id, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (weekday) DO UPDATE SET opens = excluded.opens, closes = excluded.closes \
         WHERE opens IS NOT excluded.opens OR closes IS NOT excluded.closes",
        params![new_id, weekday, opens, closes],
    )?;
    Ok(())
}

pub fn rules(conn: &Connection) -> rusqlite::Result<BookingRules> {
    Ok(conn
        .prepare_cached("SELECT slot_minutes, min_minutes, max_minutes FROM booking_rules LIMIT 1")?
        .query_row([], |r| Ok(BookingRules { slot_minutes: r.get(0)?, min_minutes: r.get(1)?, max_minutes: r.get(2)? }))
        .optional()?
        .unwrap_or_default())
}

pub fn set_rules(conn: &Connection, rules: &BookingRules, new_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    let existing: Option<String> =
        conn.query_row("SELECT id FROM booking_rules LIMIT 1", [], |r| r.get(0)).optional()?;
    let id = existing.unwrap_or_else(|| new_id.to_owned());
    crate::db::exec(
        conn,
        "INSERT INTO booking_rules (id, slot_minutes, min_minutes, max_minutes, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (id) DO UPDATE SET slot_minutes = excluded.slot_minutes, min_minutes = excluded.min_minutes, \
         max_minutes = excluded.max_minutes, updated_at = excluded.updated_at",
        params![id, rules.slot_minutes, rules.min_minutes, rules.max_minutes, now.as_millisecond()],
    )?;
    Ok(())
}

const CLOSURE_COLS: &str = "id, first_day, last_day, court_id, opens, closes, reason";

fn row_to_closure(r: &Row<'_>) -> rusqlite::Result<Closure> {
    let day = |i: usize| -> rusqlite::Result<Date> {
        let s: String = r.get(i)?;
        s.parse().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
    };
    Ok(Closure {
        id: r.get(0)?,
        first_day: day(1)?,
        last_day: day(2)?,
        court_id: r.get(3)?,
        hours: hours(r.get(4)?, r.get(5)?),
        reason: r.get(6)?,
    })
}

/// Closures that end on or after `from` (the ones that still matter), soonest first.
pub fn closures_from(conn: &Connection, from: Date) -> rusqlite::Result<Vec<Closure>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CLOSURE_COLS} FROM closures WHERE last_day >= ?1 ORDER BY first_day, last_day"
    ))?;
    stmt.query_map([from.to_string()], row_to_closure)?.collect()
}

pub fn insert_closure(conn: &Connection, c: &Closure, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO closures (id, first_day, last_day, court_id, opens, closes, reason, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            c.id,
            c.first_day.to_string(),
            c.last_day.to_string(),
            c.court_id,
            c.hours.map(|h| h.opens.minutes()),
            c.hours.map(|h| h.closes.minutes()),
            c.reason,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn delete_closure(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    crate::db::exec(conn, "DELETE FROM closures WHERE id = ?1", [id])
}
