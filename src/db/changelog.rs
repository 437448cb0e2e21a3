//! The change log's write side: one list of replicated tables, and triggers generated from it so
//! that no insert, update or delete of club data can happen without a change-log row, and none can
//! happen outside a command (the triggers abort when no `write_context` row is present).

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// Club data that desks replicate. Every one has a UUIDv7 text primary key named `id`.
pub const REPLICATED_TABLES: &[&str] = &[
    "staff_users",
    "coaches",
    "training_groups",
    "club_settings",
    "courts",
    "opening_hours",
    "closures",
    "booking_rules",
    "member_categories",
    "members",
    "member_links",
    "series",
    "bookings",
    "booking_players",
    "group_members",
    "group_visits",
    "price_rules",
    "money_policy",
    "shifts",
    "payments",
    "cash_movements",
    "ledger",
    "pass_products",
    "member_passes",
    "pass_uses",
    "sms_settings",
    "sms_optouts",
    "sms_campaigns",
    "conflict_resolutions",
    "category_limits",
    "portal_settings",
    "waitlist",
    "coach_pay_approvals",
];

/// Tables that stay on this machine: the logs themselves, API tokens, sessions, the SMS
/// provider's credentials, outbox and events (only the hub talks to providers), the row
/// /health writes to prove the database takes writes, the hub's paired desks and codes, and the
/// portal's sign-in codes, players' sessions, passwords and calendar feed secrets, and its logo.
pub const LOCAL_TABLES: &[&str] = &[
    "sync_meta",
    "sync_txn",
    "change_log",
    "write_context",
    "commands",
    "command_mentions",
    "api_tokens",
    "sessions",
    "sms_provider",
    "sms_messages",
    "sms_events",
    "health_probe",
    "desks",
    "desk_codes",
    "portal_codes",
    "portal_sessions",
    "portal_feeds",
    "portal_passwords",
    "portal_logo",
];

/// Tables every machine keeps from its own replicated rows by triggers (each member's balance,
/// from the ledger; the revenue report's rows, from payments, the ledger and bookings; the
/// members report's visits, from bookings, their players and the groups' journal): a snapshot
/// carries them with the rows they are made from; never logged.
pub const DERIVED_TABLES: &[&str] = &["member_balances", "revenue_items", "member_visits"];

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(cols)
}

fn row_image(cols: &[String], alias: &str) -> String {
    let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', {alias}.\"{c}\"")).collect();
    format!("json_object({})", pairs.join(", "))
}

/// The `json_object(..)` expression of `table`'s row `alias` (`NEW` or `OLD`) with its current
/// columns: the image the change log holds of it.
pub fn image_sql(conn: &Connection, table: &str, alias: &str) -> rusqlite::Result<String> {
    Ok(row_image(&columns(conn, table)?, alias))
}

/// The three change-log triggers of `table` as (name, CREATE statement).
fn trigger_sql(table: &str, cols: &[String]) -> Vec<(String, String)> {
    let guard = format!(
        "SELECT RAISE(ABORT, 'courtside: {table} can only be changed by a command') \
         WHERE NOT EXISTS (SELECT 1 FROM write_context);"
    );
    let append = |alias: &str, op: &str, image: &str, only_if: &str| {
        format!(
            "INSERT INTO change_log (txn_seq, idx, tbl, pk, op, row, command_id) \
             SELECT w.txn_seq, (SELECT count(*) FROM change_log c WHERE c.txn_seq = w.txn_seq), \
             '{table}', {alias}.id, '{op}', {image}, w.command_id FROM write_context w WHERE {only_if};"
        )
    };
    let new_image = row_image(cols, "NEW");
    // A replaying context (`open_replay_context`) skips the body: it is let through, and its
    // rows are in the log already.
    let unless_replay = "WHEN NOT EXISTS (SELECT 1 FROM write_context WHERE replay = 1)";
    vec![
        (
            format!("{table}_log_insert"),
            format!(
                "CREATE TRIGGER {table}_log_insert AFTER INSERT ON {table} {unless_replay} BEGIN {guard} {} END",
                append("NEW", "put", &new_image, "1")
            ),
        ),
        (
            format!("{table}_log_update"),
            // A changed primary key is a delete of the old row plus a put of the new one.
            format!(
                "CREATE TRIGGER {table}_log_update AFTER UPDATE ON {table} {unless_replay} BEGIN {guard} {} {} END",
                append("OLD", "del", "NULL", "OLD.id IS NOT NEW.id"),
                append("NEW", "put", &new_image, "1")
            ),
        ),
        (
            format!("{table}_log_delete"),
            format!(
                "CREATE TRIGGER {table}_log_delete AFTER DELETE ON {table} {unless_replay} BEGIN {guard} {} END",
                append("OLD", "del", "NULL", "1")
            ),
        ),
    ]
}

/// Makes the change-log triggers of every replicated table match its current columns,
/// re-creating only those that differ (so an ordinary start writes nothing).
pub fn install_triggers(conn: &Connection) -> rusqlite::Result<()> {
    for table in REPLICATED_TABLES {
        let cols = columns(conn, table)?;
        for (name, sql) in trigger_sql(table, &cols) {
            let existing: Option<String> = conn
                .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [&name], |r| r.get(0))
                .optional()?;
            if existing.as_deref() != Some(sql.as_str()) {
                conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}; {sql};"))?;
            }
        }
    }
    Ok(())
}

/// Gives this hub's history its identity the first time the database is created.
pub fn ensure_log_id(conn: &Connection) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT OR IGNORE INTO sync_meta (k, v) VALUES ('log_id', ?1), ('head_txn_seq', '0'), ('head_hash', '')",
        [uuid::Uuid::now_v7().to_string()],
    )?;
    Ok(())
}

/// Starts a new history: whoever followed the old one (a desk, an open page) holds positions
/// that no longer mean the same rows, and must start again from a copy of the data. Used when
/// the data changes without the log saying how (a restore, a migration that rebuilds a table).
pub fn rotate_log_id(conn: &Connection) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    crate::db::exec(conn, "UPDATE sync_meta SET v = ?1 WHERE k = 'log_id'", [&id])?;
    Ok(id)
}

/// The shape of the replicated tables: SHA-256 over every table's name and its columns' names
/// and declared types, in order (hex, first 16 characters). Two databases with the same
/// fingerprint read each other's row images the same way.
pub fn schema_fingerprint(conn: &Connection) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    let mut stmt = conn.prepare_cached("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")?;
    for table in REPLICATED_TABLES {
        h.update(table.as_bytes());
        h.update([0u8]);
        let mut rows = stmt.query([table])?;
        while let Some(r) = rows.next()? {
            let (name, ty): (String, String) = (r.get(0)?, r.get(1)?);
            h.update(format!("{name} {ty}").as_bytes());
            h.update([1u8]);
        }
    }
    Ok(crate::core::hex(&h.finalize()[..8]))
}

/// Keeps `schema_fingerprint` in `sync_meta` up to date (written only when it changed).
pub fn record_schema_fingerprint(conn: &Connection) -> rusqlite::Result<()> {
    let now = schema_fingerprint(conn)?;
    crate::db::exec(
        conn,
        "INSERT INTO sync_meta (k, v) VALUES ('schema_fingerprint', ?1) ON CONFLICT (k) DO UPDATE SET v = excluded.v \
         WHERE v IS NOT excluded.v",
        [now],
    )?;
    Ok(())
}

/// The stored fingerprint (None before the first migration run that wrote it).
pub fn stored_schema_fingerprint(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT v FROM sync_meta WHERE k = 'schema_fingerprint'", [], |r| r.get(0)).optional()
}

/// The head of the log: the last transaction's number and link.
pub fn head(conn: &Connection) -> rusqlite::Result<(i64, String)> {
    let mut stmt = conn.prepare_cached("SELECT k, v FROM sync_meta WHERE k IN ('head_txn_seq', 'head_hash')")?;
    let mut head = (0, String::new());
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (k, v): (String, String) = (r.get(0)?, r.get(1)?);
        match k.as_str() {
            "head_txn_seq" => head.0 = v.parse().unwrap_or(0),
            _ => head.1 = v,
        }
    }
    Ok(head)
}

/// The oldest transaction the log still holds in full is the one after this: retention removed
/// the rows of every one up to it (0 when nothing was removed). Its link is kept, so the history
/// from there on can still be checked.
pub fn retention_floor(conn: &Connection) -> rusqlite::Result<i64> {
    let v: Option<String> = conn
        .prepare_cached("SELECT v FROM sync_meta WHERE k = 'retention_floor'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Lets writes to replicated tables through, logged as transaction `txn_seq` of `command_id`.
pub fn open_write_context(conn: &Connection, txn_seq: i64, command_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO write_context (id, txn_seq, command_id) VALUES (1, ?1, ?2)")?
        .execute(params![txn_seq, command_id])?;
    Ok(())
}

/// Lets writes through that put back rows the log already holds: nothing is appended to it.
pub fn open_replay_context(conn: &Connection, txn_seq: i64, command_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO write_context (id, txn_seq, command_id, replay) VALUES (1, ?1, ?2, 1)")?
        .execute(params![txn_seq, command_id])?;
    Ok(())
}

pub fn close_write_context(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM write_context")?.execute([])?;
    Ok(())
}

/// Closes transaction `txn_seq` of the log: if the writes since `open_write_context` appended
/// change rows, records the transaction with its chain link and moves the head to it. Returns
/// whether there was anything to record (a command that changed nothing takes no number).
pub fn seal_txn(
    conn: &Connection,
    txn_seq: i64,
    now: jiff::Timestamp,
    command_id: &str,
    origin: &str,
    actor_id: Option<&str>,
) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT tbl, pk, op, row FROM change_log WHERE txn_seq = ?1 ORDER BY idx")?;
    let rows = stmt
        .query_map([txn_seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<(String, String, String, Option<String>)>>>()?;
    if rows.is_empty() {
        return Ok(false);
    }
    let (head, prev_hash) = head(conn)?;
    // The gapless rule is what lets a desk detect a missing transaction: make a bug loud.
    assert_eq!(txn_seq, head + 1, "txn_seq must follow the head without a gap");
    let hash = txn_hash(
        &prev_hash,
        txn_seq,
        rows.iter().map(|(t, p, o, r)| (t.as_str(), p.as_str(), o.as_str(), r.as_deref())),
    );
    crate::db::exec(
        conn,
        "INSERT INTO sync_txn (txn_seq, hub_ts, command_id, origin, actor_id, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![txn_seq, now.as_millisecond(), command_id, origin, actor_id, prev_hash, hash],
    )?;
    set_head(conn, txn_seq, &hash)?;
    Ok(true)
}

/// Moves the head to transaction `txn_seq` with link `hash`.
pub fn set_head(conn: &Connection, txn_seq: i64, hash: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sync_meta SET v = ?1 WHERE k = 'head_txn_seq'")?.execute([txn_seq.to_string()])?;
    conn.prepare_cached("UPDATE sync_meta SET v = ?1 WHERE k = 'head_hash'")?.execute([hash])?;
    Ok(())
}

/// One change row as the chain hashes it: table, id, operation and image.
pub type RowParts<'a> = (&'a str, &'a str, &'a str, Option<&'a str>);

/// The chain link of transaction `txn_seq`: SHA-256 over the previous link, the sequence number
/// and the transaction's change rows in order (each as `tbl|pk|op|row` and a zero byte), in hex.
/// Equal logs give equal links, so a desk that computes the head's link from what it received
/// knows it holds the same history. The rows are fed to the hash as they are, not copied.
pub fn txn_hash<'a>(prev_hash: &str, txn_seq: i64, rows: impl IntoIterator<Item = RowParts<'a>>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(txn_seq.to_be_bytes());
    for (tbl, pk, op, row) in rows {
        for part in [tbl, "|", pk, "|", op, "|", row.unwrap_or("")] {
            h.update(part.as_bytes());
        }
        h.update([0u8]);
    }
    crate::core::hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    /// Links already in clubs' logs must still hold: the link is SHA-256 over the previous link,
    /// the number (8 bytes, big-endian) and each row as `tbl|pk|op|row` with a zero byte, in hex.
    #[test]
    fn a_link_is_the_hash_of_the_previous_link_and_the_rows_as_written() {
        let rows = [("members", "m1", "put", Some(r#"{"id":"m1"}"#)), ("bookings", "b1", "del", None)];
        let mut bytes = b"prev".to_vec();
        bytes.extend(7i64.to_be_bytes());
        bytes.extend(b"members|m1|put|{\"id\":\"m1\"}\0bookings|b1|del|\0");
        let expected: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::txn_hash("prev", 7, rows), expected);
    }
}
