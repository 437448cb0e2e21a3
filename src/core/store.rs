//! SQL of the write path: the command record, the change-log head, the transaction chain.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Envelope, Origin, Outcome, PAYLOAD_VERSION, Rejection};

pub(super) struct StoredOutcome {
    pub outcome: Outcome,
    /// What the command id was sent with (older rows: the payload's hash).
    pub request_hash: String,
}

/// The columns `row_to_outcome` reads, in order.
const OUTCOME_COLS: &str = "status, reject_code, reject_field, reject_args, txn_seq";

/// Reads an outcome from the five `OUTCOME_COLS` starting at column `at`.
fn row_to_outcome(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Outcome> {
    let status: String = r.get(at)?;
    if status == "applied" {
        return Ok(Outcome::Applied { txn_seq: r.get(at + 4)? });
    }
    let args: Option<String> = r.get(at + 3)?;
    Ok(Outcome::Rejected(Rejection {
        code: r.get(at + 1)?,
        field: r.get(at + 2)?,
        args: args.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default(),
    }))
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub(super) fn outcome_of(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredOutcome>> {
    conn.prepare_cached(&format!(
        "SELECT {OUTCOME_COLS}, coalesce(request_hash, payload_hash) FROM commands WHERE id = ?1"
    ))?
    .query_row([id], |r| Ok(StoredOutcome { outcome: row_to_outcome(r, 0)?, request_hash: r.get(5)? }))
    .optional()
}

/// The outcome recorded for a command id, if it was decided here.
pub fn decided(conn: &Connection, id: &str) -> rusqlite::Result<Option<Outcome>> {
    Ok(outcome_of(conn, id)?.map(|s| s.outcome))
}

/// The last number of `desk_id`'s commands decided here (0 before its first).
pub fn last_desk_seq(conn: &Connection, desk_id: &str) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(desk_seq), 0) FROM commands WHERE desk_id = ?1", [desk_id], |r| r.get(0))
}

/// `desk_id`'s commands decided here after its number `after`, in order: (id, desk_seq, outcome).
pub fn desk_decisions(
    conn: &Connection,
    desk_id: &str,
    after: i64,
    limit: i64,
) -> rusqlite::Result<Vec<(String, i64, Outcome)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, desk_seq, {OUTCOME_COLS} FROM commands WHERE desk_id = ?1 AND desk_seq > ?2 \
         ORDER BY desk_seq LIMIT ?3"
    ))?;
    stmt.query_map(params![desk_id, after, limit], |r| Ok((r.get(0)?, r.get(1)?, row_to_outcome(r, 2)?)))?.collect()
}

pub fn head_txn_seq(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(crate::db::changelog::head(conn)?.0)
}

pub(super) fn record_command<C>(
    conn: &Connection,
    id: &str,
    kind: &str,
    payload: &str,
    payload_hash: &str,
    env: &Envelope<C>,
    now: Timestamp,
    stored: &StoredOutcome,
) -> rusqlite::Result<()> {
    let (status, code, field, args, txn_seq) = match &stored.outcome {
        Outcome::Applied { txn_seq } => ("applied", None, None, None, *txn_seq),
        Outcome::Rejected(r) => {
            ("rejected", Some(r.code.clone()), r.field.clone(), serde_json::to_string(&r.args).ok(), None)
        }
    };
    crate::db::exec(
        conn,
        "INSERT INTO commands (id, kind, payload, payload_hash, actor_id, actor_name, origin, issued_at, executed_at, \
         status, reject_code, reject_field, reject_args, txn_seq, request_hash, desk_id, desk_seq, payload_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            id,
            kind,
            payload,
            payload_hash,
            env.actor.user_id(),
            env.actor.display_name(),
            env.origin.to_string(),
            ms(env.issued_at),
            ms(now),
            status,
            code,
            field,
            args,
            txn_seq,
            stored.request_hash,
            match &env.origin {
                Origin::Desk(desk) => Some(desk.as_str()),
                Origin::Hub => None,
            },
            env.desk_seq,
            PAYLOAD_VERSION
        ],
    )?;
    Ok(())
}

/// One line of the audit page.
#[derive(Debug, Clone)]
pub struct CommandRecord {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub actor_name: String,
    pub origin: String,
    pub executed_at: Timestamp,
    pub outcome: Outcome,
}

impl CommandRecord {
    pub fn is_applied(&self) -> bool {
        matches!(self.outcome, Outcome::Applied { .. })
    }
}

#[derive(Debug, Clone, Default)]
pub struct CommandFilter {
    /// Any of these names (one person's username and display name: older records hold the
    /// username).
    pub actor: Vec<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Only commands that came from desks.
    pub from_desks: bool,
    /// Kinds left out (the SMS sender's routine steps, unless asked for).
    pub except_kinds: Vec<&'static str>,
    pub limit: i64,
    pub offset: i64,
}

fn filter_sql(f: &CommandFilter) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut values = Vec::new();
    if !f.actor.is_empty() {
        clauses.push(format!("actor_name IN ({})", vec!["?"; f.actor.len()].join(", ")));
        values.extend(f.actor.iter().map(|a| Value::Text(a.clone())));
    }
    if let Some(k) = &f.kind {
        clauses.push("kind = ?".into());
        values.push(Value::Text(k.clone()));
    }
    if let Some(s) = &f.status {
        clauses.push("status = ?".into());
        values.push(Value::Text(s.clone()));
    }
    if let Some(t) = f.since {
        clauses.push("executed_at >= ?".into());
        values.push(Value::Integer(ms(t)));
    }
    if let Some(t) = f.until {
        clauses.push("executed_at < ?".into());
        values.push(Value::Integer(ms(t)));
    }
    if f.from_desks {
        clauses.push("desk_id IS NOT NULL".into());
    }
    if !f.except_kinds.is_empty() {
        clauses.push(format!("kind NOT IN ({})", vec!["?"; f.except_kinds.len()].join(", ")));
        values.extend(f.except_kinds.iter().map(|k| Value::Text((*k).to_owned())));
    }
    (clauses.join(" AND "), values)
}

fn row_to_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<CommandRecord> {
    Ok(CommandRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        payload: r.get(2)?,
        actor_name: r.get(3)?,
        origin: r.get(4)?,
        executed_at: Timestamp::from_millisecond(r.get(5)?).unwrap_or_default(),
        outcome: row_to_outcome(r, 6)?,
    })
}

pub fn list_commands(conn: &Connection, f: &CommandFilter) -> rusqlite::Result<Vec<CommandRecord>> {
    let (where_sql, mut values) = filter_sql(f);
    values.push(rusqlite::types::Value::Integer(f.limit));
    values.push(rusqlite::types::Value::Integer(f.offset));
    let sql = format!(
        "SELECT id, kind, payload, actor_name, origin, executed_at, {OUTCOME_COLS} \
         FROM commands WHERE {where_sql} ORDER BY executed_at DESC, id DESC LIMIT ? OFFSET ?"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values), row_to_record)?;
    rows.collect()
}

/// The command recorded under `id`, if any.
pub fn command_record(conn: &Connection, id: &str) -> rusqlite::Result<Option<CommandRecord>> {
    conn.prepare_cached(&format!(
        "SELECT id, kind, payload, actor_name, origin, executed_at, {OUTCOME_COLS} FROM commands WHERE id = ?1"
    ))?
    .query_row([id], row_to_record)
    .optional()
}

/// The commands whose payload names `id` (an entity's history), newest first, a page at a time.
pub fn commands_mentioning(
    conn: &Connection,
    id: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<CommandRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, kind, payload, actor_name, origin, c.executed_at, {OUTCOME_COLS} FROM command_mentions m \
         JOIN commands c ON c.id = m.command_id WHERE m.subject = ?1 \
         ORDER BY m.executed_at DESC, m.command_id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    stmt.query_map(params![id, limit, offset], row_to_record)?.collect()
}

pub fn command_count(conn: &Connection, f: &CommandFilter) -> rusqlite::Result<i64> {
    let (where_sql, values) = filter_sql(f);
    conn.query_row(
        &format!("SELECT count(*) FROM commands WHERE {where_sql}"),
        rusqlite::params_from_iter(values),
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestDb, slot};

    fn kinds(db: &TestDb, id: &str) -> Vec<String> {
        super::commands_mentioning(&db.conn, id, 10, 0).unwrap().into_iter().map(|r| r.kind).collect()
    }

    #[test]
    fn an_entity_history_lists_the_commands_naming_it_newest_first_and_forgets_removed_ones() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna", "+79161234567");
        let boris = db.member("Boris", "+79161234568");
        let booking = db.book(&court, &anna, slot("2026-12-10", "10:00", 60)).unwrap();
        assert_eq!(kinds(&db, &anna), ["create_booking", "create_member"]);
        assert_eq!(kinds(&db, &booking), ["create_booking"]);
        assert_eq!(kinds(&db, &boris), ["create_member"], "another member's booking is not in Boris's history");

        // A desk drops its own commands on a rebase; their mentions go with them.
        db.conn.execute("DELETE FROM commands WHERE kind = 'create_booking'", []).unwrap();
        assert_eq!(kinds(&db, &anna), ["create_member"]);
        let left: i64 = db
            .conn
            .query_row("SELECT count(*) FROM command_mentions WHERE subject = ?1", [&booking], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
