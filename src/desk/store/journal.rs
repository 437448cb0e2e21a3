//! The desk's own file (`desk.db`, beside the replica): every command this desk issued, in its
//! order, with the hub's verdict once known, and the conflicts staff still have to look at. It is
//! a file of its own so that a new snapshot of the replica never touches pending work.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use uuid::Uuid;

use crate::commands::AnyCommand;
use crate::core::Envelope;
use crate::sync::protocol::Verdict;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS journal (
    command_id  TEXT PRIMARY KEY,
    desk_seq    INTEGER NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    envelope    TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'refused', 'compensated')),
    txn_seq     INTEGER,
    verdict     TEXT,
    decided_at  INTEGER,
    -- A refusal no one saw when it was made (the command was taken offline): staff must look.
    conflict    INTEGER NOT NULL DEFAULT 0,
    resolved_at INTEGER,
    resolved_by TEXT,
    resolution  TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS journal_pending ON journal (state, desk_seq);
CREATE TABLE IF NOT EXISTS desk_identity (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    desk_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    hub_url      TEXT NOT NULL,
    hub_cert_sha256 TEXT NOT NULL,
    secret       TEXT NOT NULL,
    paired_at    INTEGER NOT NULL
) STRICT;
";

/// Opens (creating if needed) the journal file.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = crate::db::open_connection(path, OpenFlags::default())?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// The number the next command of this desk takes.
pub fn next_desk_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(desk_seq), 0) + 1 FROM journal", [], |r| r.get(0))
}

/// Records a command before anything of it is sent: from here it will reach the hub.
pub fn insert(conn: &Connection, env: &Envelope<AnyCommand>) -> anyhow::Result<()> {
    use crate::core::Command;
    conn.execute(
        "INSERT INTO journal (command_id, desk_seq, kind, envelope, issued_at, state) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
        params![
            env.id.to_string(),
            env.desk_seq,
            env.command.kind(),
            serde_json::to_string(env)?,
            env.issued_at.as_millisecond()
        ],
    )?;
    Ok(())
}

/// One journal entry as the engine needs it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub envelope: Envelope<AnyCommand>,
    pub state: String,
    pub txn_seq: Option<i64>,
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let text: String = r.get(0)?;
    let envelope = serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Entry { envelope, state: r.get(1)?, txn_seq: r.get(2)? })
}

/// The commands whose effect the confirmed replica does not hold yet: undecided ones, and those
/// applied by the hub in a transaction after `confirmed`. In the desk's order.
pub fn unconfirmed(conn: &Connection, confirmed: i64) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT envelope, state, txn_seq FROM journal \
         WHERE state = 'pending' OR (state = 'applied' AND txn_seq > ?1) ORDER BY desk_seq",
    )?;
    stmt.query_map([confirmed], entry)?.collect()
}

/// Up to `limit` undecided commands, in order: what the next push sends.
pub fn pending(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<Envelope<AnyCommand>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT envelope, state, txn_seq FROM journal WHERE state = 'pending' ORDER BY desk_seq LIMIT ?1",
    )?;
    stmt.query_map([limit as i64], entry)?.map(|e| e.map(|e| e.envelope)).collect()
}

pub fn pending_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM journal WHERE state = 'pending'", [], |r| r.get(0))
}

/// The desk's commands are all decided up to this number.
pub fn decided_upto(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce((SELECT min(desk_seq) - 1 FROM journal WHERE state = 'pending'), \
         (SELECT coalesce(max(desk_seq), 0) FROM journal))",
        [],
        |r| r.get(0),
    )
}

/// Records the hub's verdict on a command. `conflict` marks a refusal (or a compensation) no one
/// was shown when it was made. Returns false when the command is not in the journal.
pub fn record_verdict(
    conn: &Connection,
    command_id: Uuid,
    verdict: &Verdict,
    conflict: bool,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let state = match verdict {
        Verdict::Applied { .. } => "applied",
        Verdict::Refused { .. } => "refused",
        Verdict::Compensated { .. } => "compensated",
    };
    let changed = conn.execute(
        "UPDATE journal SET state = ?2, txn_seq = ?3, verdict = ?4, decided_at = ?5, \
         conflict = max(conflict, ?6) WHERE command_id = ?1",
        params![
            command_id.to_string(),
            state,
            verdict.txn_seq(),
            serde_json::to_string(verdict)?,
            now.as_millisecond(),
            conflict
        ],
    )?;
    Ok(changed == 1)
}

/// The command's state and the hub's verdict, if the journal holds it.
pub fn verdict_of(conn: &Connection, command_id: Uuid) -> anyhow::Result<Option<(String, Option<Verdict>)>> {
    let row: Option<(String, Option<String>)> = conn
        .query_row("SELECT state, verdict FROM journal WHERE command_id = ?1", [command_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((state, verdict)) = row else { return Ok(None) };
    Ok(Some((state, verdict.map(|v| serde_json::from_str(&v)).transpose()?)))
}

/// Whether the journal holds the command and its state.
pub fn state_of(conn: &Connection, command_id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT state FROM journal WHERE command_id = ?1", [command_id.to_string()], |r| r.get(0)).optional()
}

/// After a hub was restored from a backup, it knows this desk's commands only up to `desk_seq`:
/// the later ones are sent again (the hub dedupes by command id what it still has).
pub fn resend_after(conn: &Connection, desk_seq: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE journal SET state = 'pending', txn_seq = NULL, \
         conflict = CASE WHEN resolved_at IS NULL THEN 0 ELSE conflict END \
         WHERE desk_seq > ?1 AND state <> 'pending'",
        [desk_seq],
    )
}

/// A conflict for staff: a command the hub refused, or whose money it recorded another way.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub envelope: Envelope<AnyCommand>,
    pub verdict: Verdict,
    pub decided_at: Timestamp,
}

pub fn open_conflict_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM journal WHERE conflict = 1 AND resolved_at IS NULL", [], |r| r.get(0))
}

/// The command ids of conflicts not yet resolved.
pub fn open_conflict_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT command_id FROM journal WHERE conflict = 1 AND resolved_at IS NULL")?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

/// Conflicts not yet resolved, oldest first.
pub fn open_conflicts(conn: &Connection) -> anyhow::Result<Vec<Conflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT envelope, verdict, decided_at FROM journal WHERE conflict = 1 AND resolved_at IS NULL ORDER BY desk_seq",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<i64>>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (envelope, verdict, at) = row?;
        let Some(verdict) = verdict else { continue };
        out.push(Conflict {
            envelope: serde_json::from_str(&envelope)?,
            verdict: serde_json::from_str(&verdict)?,
            decided_at: Timestamp::from_millisecond(at.unwrap_or(0)).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Marks a conflict as dealt with, by whom and how.
pub fn resolve(
    conn: &Connection,
    command_id: Uuid,
    by: &str,
    resolution: &str,
    now: Timestamp,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE journal SET resolved_at = ?2, resolved_by = ?3, resolution = ?4 \
         WHERE command_id = ?1 AND conflict = 1 AND resolved_at IS NULL",
        params![command_id.to_string(), now.as_millisecond(), by, resolution],
    )?;
    Ok(changed == 1)
}

/// How this desk reaches and proves itself to its hub, from pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub desk_id: String,
    pub name: String,
    /// `host:port` of the hub's desk link.
    pub hub: String,
    pub hub_cert_sha256: String,
    pub secret: String,
}

pub fn identity(conn: &Connection) -> rusqlite::Result<Option<Identity>> {
    conn.query_row("SELECT desk_id, name, hub_url, hub_cert_sha256, secret FROM desk_identity WHERE id = 1", [], |r| {
        Ok(Identity {
            desk_id: r.get(0)?,
            name: r.get(1)?,
            hub: r.get(2)?,
            hub_cert_sha256: r.get(3)?,
            secret: r.get(4)?,
        })
    })
    .optional()
}

/// Keeps the identity a pairing gave (replacing an earlier one: a desk paired again).
pub fn save_identity(conn: &Connection, id: &Identity, now: Timestamp) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO desk_identity (id, desk_id, name, hub_url, hub_cert_sha256, secret, paired_at) \
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET desk_id = excluded.desk_id, \
         name = excluded.name, hub_url = excluded.hub_url, hub_cert_sha256 = excluded.hub_cert_sha256, \
         secret = excluded.secret, paired_at = excluded.paired_at",
        params![id.desk_id, id.name, id.hub, id.hub_cert_sha256, id.secret, now.as_millisecond()],
    )?;
    Ok(())
}
