//! The change log's write side: one list of replicated tables, and triggers generated from it so
//! that no insert, update or delete of club data can happen without a change-log row, and none can
//! happen outside a command (the triggers abort when no `write_context` row is present).

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Club data that desks replicate. Every one has a UUIDv7 text primary key named `id`.
pub const REPLICATED_TABLES: &[&str] = &[
    "staff_users",
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
];

/// Tables that stay on this machine: the logs themselves, API tokens, sessions, the SMS
/// provider's credentials, outbox and events (only the hub talks to providers), and the row
/// /health writes to prove the database takes writes.
pub const LOCAL_TABLES: &[&str] = &[
    "sync_meta",
    "sync_txn",
    "change_log",
    "write_context",
    "commands",
    "api_tokens",
    "sessions",
    "sms_provider",
    "sms_messages",
    "sms_events",
    "health_probe",
];

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = stmt.query_map([table], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(cols)
}

fn row_image(cols: &[String], alias: &str) -> String {
    let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', {alias}.\"{c}\"")).collect();
    format!("json_object({})", pairs.join(", "))
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
    vec![
        (
            format!("{table}_log_insert"),
            format!(
                "CREATE TRIGGER {table}_log_insert AFTER INSERT ON {table} BEGIN {guard} {} END",
                append("NEW", "put", &new_image, "1")
            ),
        ),
        (
            format!("{table}_log_update"),
            // A changed primary key is a delete of the old row plus a put of the new one.
            format!(
                "CREATE TRIGGER {table}_log_update AFTER UPDATE ON {table} BEGIN {guard} {} {} END",
                append("OLD", "del", "NULL", "OLD.id IS NOT NEW.id"),
                append("NEW", "put", &new_image, "1")
            ),
        ),
        (
            format!("{table}_log_delete"),
            format!(
                "CREATE TRIGGER {table}_log_delete AFTER DELETE ON {table} BEGIN {guard} {} END",
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
    conn.execute(
        "INSERT OR IGNORE INTO sync_meta (k, v) VALUES ('log_id', ?1), ('head_txn_seq', '0'), ('head_hash', '')",
        [uuid::Uuid::now_v7().to_string()],
    )?;
    Ok(())
}

/// One change row as it is hashed and sent: `tbl|pk|op|row` (an empty row for a delete).
pub fn row_text(tbl: &str, pk: &str, op: &str, row: Option<&str>) -> String {
    format!("{tbl}|{pk}|{op}|{}", row.unwrap_or(""))
}

/// The chain link of transaction `txn_seq`: SHA-256 over the previous link, the sequence number
/// and the transaction's change rows (`row_text`, in order), in hex. Equal logs give equal links,
/// so a desk that computes the head's link from what it received knows it holds the same history.
pub fn txn_hash(prev_hash: &str, txn_seq: i64, rows: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(txn_seq.to_be_bytes());
    for row in rows {
        h.update(row.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
