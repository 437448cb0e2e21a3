//! SQL for the categories' booking limits and the member's bookings they count.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Limits, UNCATEGORISED, Usage};
use crate::courts::model::DayMinute;

const COLS: &str = "days_ahead, max_active, week_minutes, lengths, court_ids, from_min, to_min, book_before_minutes, \
                    cancel_hours";

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The limits in `COLS`, read from column `at` on.
fn row_to_limits(r: &Row<'_>, at: usize) -> rusqlite::Result<Limits> {
    Ok(Limits {
        days_ahead: r.get(at)?,
        max_active: r.get(at + 1)?,
        week_minutes: r.get(at + 2)?,
        lengths: list(&r.get::<_, String>(at + 3)?).filter_map(|m| m.parse().ok()).collect(),
        court_ids: list(&r.get::<_, String>(at + 4)?).map(str::to_owned).collect(),
        from: r.get::<_, Option<u16>>(at + 5)?.and_then(DayMinute::new),
        to: r.get::<_, Option<u16>>(at + 6)?.and_then(DayMinute::new),
        book_before_minutes: r.get(at + 7)?,
        cancel_hours: r.get(at + 8)?,
    })
}

/// The limits kept under `key` (a category's id, or `UNCATEGORISED`); none set is no limit.
pub fn limits(conn: &Connection, key: &str) -> rusqlite::Result<Limits> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} FROM category_limits WHERE id = ?1"))?
        .query_row([key], |r| row_to_limits(r, 0))
        .optional()?
        .unwrap_or_default())
}

/// Every key that has limits, with them.
pub fn all_limits(conn: &Connection) -> rusqlite::Result<Vec<(String, Limits)>> {
    let mut stmt = conn.prepare(&format!("SELECT id, {COLS} FROM category_limits ORDER BY id"))?;
    stmt.query_map([], |r| Ok((r.get(0)?, row_to_limits(r, 1)?)))?.collect()
}

pub fn put_limits(conn: &Connection, key: &str, l: &Limits, now: Timestamp) -> rusqlite::Result<()> {
    let join = |items: Vec<String>| items.join(",");
    crate::db::exec(
        conn,
        "INSERT INTO category_limits (id, days_ahead, max_active, week_minutes, lengths, court_ids, from_min, to_min, \
         book_before_minutes, cancel_hours, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
         ON CONFLICT (id) DO UPDATE SET days_ahead = excluded.days_ahead, max_active = excluded.max_active, \
         week_minutes = excluded.week_minutes, lengths = excluded.lengths, court_ids = excluded.court_ids, \
         from_min = excluded.from_min, to_min = excluded.to_min, book_before_minutes = excluded.book_before_minutes, \
         cancel_hours = excluded.cancel_hours, updated_at = excluded.updated_at",
        params![
            key,
            l.days_ahead,
            l.max_active,
            l.week_minutes,
            join(l.lengths.iter().map(u16::to_string).collect()),
            join(l.court_ids.clone()),
            l.from.map(DayMinute::minutes),
            l.to.map(DayMinute::minutes),
            l.book_before_minutes,
            l.cancel_hours,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

/// The key of member `member_id`'s limits and the name of their category (`None`: no category).
pub fn key_of_member(conn: &Connection, member_id: &str) -> rusqlite::Result<(String, Option<String>)> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.name FROM members m LEFT JOIN member_categories c ON c.id = m.category_id WHERE m.id = ?1",
        )?
        .query_row([member_id], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?)))
        .optional()?
        .and_then(|(id, name)| id.map(|id| (id, name)))
        .unwrap_or_else(|| (UNCATEGORISED.to_owned(), None)))
}

/// The limits that apply to member `member_id`, and their category's name.
pub fn limits_of_member(conn: &Connection, member_id: &str) -> rusqlite::Result<(Limits, Option<String>)> {
    let (key, name) = key_of_member(conn, member_id)?;
    Ok((limits(conn, &key)?, name))
}

/// What member `member_id` has booked besides booking `except`: the bookings not over at `now`,
/// and the minutes booked in `[week_from, week_to)`. (No booking lasts a day, which keeps both
/// counts on the booker index.)
pub fn usage(
    conn: &Connection,
    member_id: &str,
    except: &str,
    now: Timestamp,
    (week_from, week_to): (Timestamp, Timestamp),
) -> rusqlite::Result<Usage> {
    let active = conn
        .prepare_cached(
            "SELECT count(*) FROM bookings WHERE booker_id = ?1 AND starts_at > ?2 - 86400000 AND ends_at > ?2 \
         AND status IN ('booked', 'checked_in') AND id <> ?3",
        )?
        .query_row(params![member_id, now.as_millisecond(), except], |r| r.get(0))?;
    let week_minutes = conn
        .prepare_cached(
            "SELECT coalesce(sum(ends_at - starts_at), 0) / 60000 FROM bookings WHERE booker_id = ?1 \
             AND starts_at >= ?2 AND starts_at < ?3 AND status <> 'cancelled' AND id <> ?4",
        )?
        .query_row(params![member_id, week_from.as_millisecond(), week_to.as_millisecond(), except], |r| r.get(0))?;
    Ok(Usage { active, week_minutes })
}
