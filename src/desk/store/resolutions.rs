//! SQL of conflict resolutions (how staff dealt with a desk's command the hub refused), and of
//! the hub's inbox of refusals nobody has dealt with yet.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

pub fn insert(conn: &Connection, command_id: &str, resolution: &str, by: &str, now: Timestamp) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO conflict_resolutions (id, resolution, resolved_by, resolved_at) VALUES (?1, ?2, ?3, ?4)",
        params![command_id, resolution, by, now.as_millisecond()],
    )?;
    Ok(())
}

/// How a conflict was resolved: (resolution, by whom, when).
pub fn resolution(conn: &Connection, command_id: &str) -> rusqlite::Result<Option<(String, String, Timestamp)>> {
    conn.prepare_cached("SELECT resolution, resolved_by, resolved_at FROM conflict_resolutions WHERE id = ?1")?
        .query_row([command_id], |r| {
            Ok((r.get(0)?, r.get(1)?, Timestamp::from_millisecond(r.get(2)?).unwrap_or_default()))
        })
        .optional()
}

const OPEN_REFUSALS: &str = "FROM commands c WHERE c.desk_id IS NOT NULL AND c.status = 'rejected' \
     AND NOT EXISTS (SELECT 1 FROM conflict_resolutions r WHERE r.id = c.id)";

/// On the hub: the ids of desk commands it refused that are still open, oldest first.
pub fn open_refusals(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT c.id {OPEN_REFUSALS} ORDER BY c.executed_at LIMIT ?1"))?;
    stmt.query_map([limit], |r| r.get(0))?.collect()
}

pub fn open_refusal_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!("SELECT count(*) {OPEN_REFUSALS}"))?.query_row([], |r| r.get(0))
}
