//! SQL for the waiting list.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::WaitStatus;

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub court_id: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub member_id: String,
    pub member_name: String,
    pub status: WaitStatus,
    pub offer_until: Option<Timestamp>,
    pub booking_id: Option<String>,
    pub created_at: Timestamp,
}

const COLS: &str = "w.id, w.court_id, w.starts_at, w.ends_at, w.member_id, m.full_name, w.status, w.offer_until, \
                    w.booking_id, w.created_at";
const FROM: &str = "FROM waitlist w JOIN members m ON m.id = w.member_id";

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

fn row_to_entry(r: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        court_id: r.get(1)?,
        starts_at: ts(r.get(2)?),
        ends_at: ts(r.get(3)?),
        member_id: r.get(4)?,
        member_name: r.get(5)?,
        status: WaitStatus::parse(&r.get::<_, String>(6)?).unwrap_or(WaitStatus::Left),
        offer_until: r.get::<_, Option<i64>>(7)?.map(ts),
        booking_id: r.get(8)?,
        created_at: ts(r.get(9)?),
    })
}

pub fn entry(conn: &Connection, id: &str) -> rusqlite::Result<Option<Entry>> {
    conn.prepare_cached(&format!("SELECT {COLS} {FROM} WHERE w.id = ?1"))?.query_row([id], row_to_entry).optional()
}

pub struct NewEntry<'a> {
    pub id: &'a str,
    pub court_id: &'a str,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub member_id: &'a str,
}

pub fn insert(conn: &Connection, e: &NewEntry<'_>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO waitlist (id, court_id, starts_at, ends_at, member_id, status, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'waiting', ?6, ?6)",
        params![
            e.id,
            e.court_id,
            e.starts_at.as_millisecond(),
            e.ends_at.as_millisecond(),
            e.member_id,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

/// Live entries (waiting or offered) on `court_id` overlapping [from, to), first in line first.
/// (No booking lasts a day, which keeps this on the court index.)
pub fn live_overlapping(
    conn: &Connection,
    court_id: &str,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE w.court_id = ?1 AND w.starts_at > ?2 - 86400000 AND w.starts_at < ?3 \
         AND ?2 < w.ends_at AND w.status IN ('waiting', 'offered') ORDER BY w.created_at, w.id"
    ))?
    .query_map(params![court_id, from.as_millisecond(), to.as_millisecond()], row_to_entry)?
    .collect()
}

/// Live entries of the day [from, to) on every court, for the grid and booking pages.
pub fn live_between(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE w.status IN ('waiting', 'offered') \
         AND w.starts_at > ?1 - 86400000 AND w.starts_at < ?2 AND ?1 < w.ends_at ORDER BY w.created_at, w.id"
    ))?
    .query_map(params![from.as_millisecond(), to.as_millisecond()], row_to_entry)?
    .collect()
}

/// A member's live entries not yet begun at `now`, soonest first.
pub fn live_of_member(conn: &Connection, member_id: &str, now: Timestamp) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE w.member_id = ?1 AND w.starts_at > ?2 AND w.status IN ('waiting', 'offered') \
         ORDER BY w.starts_at LIMIT 50"
    ))?
    .query_map(params![member_id, now.as_millisecond()], row_to_entry)?
    .collect()
}

/// Offers whose hold ran out by `now`.
pub fn lapsed_offers(conn: &Connection, now: Timestamp) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE w.status = 'offered' AND w.offer_until <= ?1 ORDER BY w.offer_until"
    ))?
    .query_map([now.as_millisecond()], row_to_entry)?
    .collect()
}

pub fn offer(conn: &Connection, id: &str, until: Timestamp, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE waitlist SET status = 'offered', offered_at = ?2, offer_until = ?3, updated_at = ?2 WHERE id = ?1",
        params![id, now.as_millisecond(), until.as_millisecond()],
    )?;
    Ok(())
}

pub fn set_status(
    conn: &Connection,
    id: &str,
    status: WaitStatus,
    booking_id: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE waitlist SET status = ?2, booking_id = coalesce(?3, booking_id), updated_at = ?4 WHERE id = ?1",
        params![id, status.as_str(), booking_id, now.as_millisecond()],
    )?;
    Ok(())
}
