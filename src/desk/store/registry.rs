//! The hub's record of its desks and of the codes that pair them (hub-only tables).

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

fn ts(ms: Option<i64>) -> Option<Timestamp> {
    ms.and_then(|m| Timestamp::from_millisecond(m).ok())
}

/// A paired desk as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRecord {
    pub id: String,
    pub name: String,
    pub secret_hash: String,
    pub paired_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub app_version: Option<String>,
}

const DESK_COLS: &str = "id, name, secret_hash, paired_at, revoked_at, last_seen, app_version";

fn desk(r: &Row<'_>) -> rusqlite::Result<DeskRecord> {
    Ok(DeskRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        secret_hash: r.get(2)?,
        paired_at: ts(r.get(3)?).unwrap_or_default(),
        revoked_at: ts(r.get(4)?),
        last_seen: ts(r.get(5)?),
        app_version: r.get(6)?,
    })
}

pub fn desk_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<DeskRecord>> {
    conn.query_row(&format!("SELECT {DESK_COLS} FROM desks WHERE id = ?1"), [id], desk).optional()
}

/// Every desk ever paired, newest first.
pub fn desks(conn: &Connection) -> rusqlite::Result<Vec<DeskRecord>> {
    conn.prepare(&format!("SELECT {DESK_COLS} FROM desks ORDER BY paired_at DESC"))?.query_map([], desk)?.collect()
}

pub fn desk_name_taken(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM desks WHERE lower(name) = lower(?1) AND revoked_at IS NULL")?.exists([name])
}

pub fn insert_desk(
    conn: &Connection,
    id: &str,
    name: &str,
    secret_hash: &str,
    code_id: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO desks (id, name, secret_hash, paired_at, paired_with) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, name, secret_hash, now.as_millisecond(), code_id],
    )?;
    Ok(())
}

pub fn revoke_desk(conn: &Connection, id: &str, by: &str, now: Timestamp) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE desks SET revoked_at = ?2, revoked_by = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now.as_millisecond(), by],
    )
}

/// A desk connected, running `app_version`, with the log applied up to `applied`.
pub fn desk_seen(conn: &Connection, id: &str, app_version: &str, applied: i64, now: Timestamp) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE desks SET last_seen = ?2, app_version = ?3, applied = ?4 WHERE id = ?1",
        params![id, now.as_millisecond(), app_version, applied],
    )?;
    Ok(())
}

/// The lowest position in the log of the desks still paired and seen since `seen_since`, if any.
pub fn lowest_desk_position(conn: &Connection, seen_since: Timestamp) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT min(applied) FROM desks WHERE revoked_at IS NULL AND applied IS NOT NULL AND last_seen >= ?1",
        [seen_since.as_millisecond()],
        |r| r.get(0),
    )
}

/// A pairing code not used yet, by the hash of its secret part: (id, expires_at).
pub fn open_code(conn: &Connection, code_hash: &str) -> rusqlite::Result<Option<(String, Timestamp)>> {
    conn.query_row("SELECT id, expires_at FROM desk_codes WHERE code_hash = ?1 AND used_at IS NULL", [code_hash], |r| {
        Ok((r.get(0)?, ts(r.get(1)?).unwrap_or_default()))
    })
    .optional()
}

pub fn insert_code(
    conn: &Connection,
    id: &str,
    code_hash: &str,
    expires_at: Timestamp,
    by: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO desk_codes (id, code_hash, created_at, expires_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, code_hash, now.as_millisecond(), expires_at.as_millisecond(), by],
    )?;
    Ok(())
}

pub fn use_code(conn: &Connection, id: &str, desk_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE desk_codes SET used_at = ?2, desk_id = ?3 WHERE id = ?1",
        params![id, now.as_millisecond(), desk_id],
    )?;
    Ok(())
}
