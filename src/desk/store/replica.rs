//! SQL of the desk's replica beyond what a hub database holds: the confirmed position (the hub's
//! last transaction applied; anything after it is this desk's tentative work), and what undoing
//! that work needs: the image each row had before tentative work first touched it, kept by
//! triggers of the desk's own (the log alone cannot say: retention removes its old rows).

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::changelog;

/// Makes a replica (fresh from a snapshot, or opened again) ready for tentative work. Idempotent.
pub fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS desk_undoing (id INTEGER PRIMARY KEY) STRICT;
         CREATE TABLE IF NOT EXISTS desk_before (
             tbl TEXT NOT NULL, pk TEXT NOT NULL, row TEXT NOT NULL, PRIMARY KEY (tbl, pk)
         ) STRICT, WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS desk_change_log_by_row ON change_log (tbl, pk, txn_seq);",
    )?;
    relax_never_removed(conn)?;
    keep_before_images(conn)?;
    let (head, hash) = changelog::head(conn)?;
    let floor: i64 = conn.query_row("SELECT coalesce(max(rowid), 0) FROM commands", [], |r| r.get(0))?;
    let mut insert = conn.prepare("INSERT INTO sync_meta (k, v) VALUES (?1, ?2) ON CONFLICT (k) DO NOTHING")?;
    insert.execute(params!["desk_confirmed_seq", head.to_string()])?;
    insert.execute(params!["desk_confirmed_hash", hash])?;
    // Command records above this row are the desk's tentative runs (the hub's records stop at the
    // snapshot: the command log is not replicated).
    insert.execute(params!["desk_commands_floor", floor.to_string()])?;
    Ok(())
}

/// Rows that must never be removed (payments, ledger entries, pass uses) are removed on a desk
/// when its tentative work is undone, and only then.
fn relax_never_removed(conn: &Connection) -> rusqlite::Result<()> {
    let guards: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%\\_never\\_removed' ESCAPE '\\'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, sql) in guards {
        if sql.contains("desk_undoing") {
            continue;
        }
        let Some(at) = sql.find("BEGIN") else { continue };
        let relaxed = format!("{} WHEN NOT EXISTS (SELECT 1 FROM desk_undoing) {}", sql[..at].trim_end(), &sql[at..]);
        conn.execute_batch(&format!("DROP TRIGGER {name}; {relaxed};"))?;
    }
    Ok(())
}

/// The desk's triggers that keep a row's image as it was before tentative work first changed or
/// removed it, as (name, CREATE statement). Rows the hub's log puts (a replaying context) and
/// rows tentative work made itself (they have a change row after the confirmed position) keep
/// none: undo removes those.
fn before_image_triggers(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for table in changelog::REPLICATED_TABLES {
        let image = changelog::image_sql(conn, table, "OLD")?;
        for event in ["UPDATE", "DELETE"] {
            let name = format!("{table}_desk_before_{}", event.to_lowercase());
            let sql = format!(
                "CREATE TRIGGER {name} BEFORE {event} ON {table} \
                 WHEN EXISTS (SELECT 1 FROM write_context WHERE replay = 0) BEGIN \
                 INSERT OR IGNORE INTO desk_before (tbl, pk, row) SELECT '{table}', OLD.id, {image} \
                 WHERE NOT EXISTS (SELECT 1 FROM change_log WHERE tbl = '{table}' AND pk = OLD.id AND txn_seq > \
                 (SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'desk_confirmed_seq')); END"
            );
            out.push((name, sql));
        }
    }
    Ok(out)
}

/// Makes the before-image triggers match the tables' current columns (a new version may add
/// some), re-creating only those that differ.
fn keep_before_images(conn: &Connection) -> rusqlite::Result<()> {
    for (name, sql) in before_image_triggers(conn)? {
        let existing: Option<String> = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [&name], |r| r.get(0))
            .optional()?;
        if existing.as_deref() != Some(sql.as_str()) {
            conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}; {sql};"))?;
        }
    }
    Ok(())
}

/// Makes a replica a hub's database again (a desk promoted to hub): the rows that are never
/// removed are never removed again, and the desk's own marks go.
pub fn unprepare(conn: &Connection) -> rusqlite::Result<()> {
    let relaxed: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%desk_undoing%'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, sql) in relaxed {
        let strict = sql.replace(" WHEN NOT EXISTS (SELECT 1 FROM desk_undoing)", "");
        conn.execute_batch(&format!("DROP TRIGGER {name}; {strict};"))?;
    }
    for (name, _) in before_image_triggers(conn)? {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
    }
    conn.execute_batch(
        "DROP TABLE IF EXISTS desk_undoing; DROP TABLE IF EXISTS desk_before;
         DROP INDEX IF EXISTS desk_change_log_by_row;
         DELETE FROM sync_meta WHERE k LIKE 'desk\\_%' ESCAPE '\\';",
    )?;
    Ok(())
}

/// The hub's last transaction this replica holds, and its link.
pub fn confirmed(conn: &Connection) -> rusqlite::Result<(i64, String)> {
    let get =
        |k: &str| conn.query_row("SELECT v FROM sync_meta WHERE k = ?1", [k], |r| r.get::<_, String>(0)).optional();
    match (get("desk_confirmed_seq")?, get("desk_confirmed_hash")?) {
        (Some(seq), Some(hash)) => Ok((seq.parse().unwrap_or(0), hash)),
        _ => changelog::head(conn),
    }
}

pub fn set_confirmed(conn: &Connection, txn_seq: i64, hash: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE sync_meta SET v = ?1 WHERE k = 'desk_confirmed_seq'", [txn_seq.to_string()])?;
    conn.execute("UPDATE sync_meta SET v = ?1 WHERE k = 'desk_confirmed_hash'", [hash])?;
    Ok(())
}

/// The rows tentative work changed (transactions after `confirmed`), as (table, id), in the
/// order they were first touched.
pub fn tentative_rows(conn: &Connection, confirmed: i64) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        // `+`: grouping by the columns themselves, SQLite would read the whole log through the
        // (tbl, pk) index rather than the few rows after the confirmed position.
        "SELECT tbl, pk FROM change_log WHERE txn_seq > ?1 GROUP BY +tbl, +pk \
         ORDER BY min(txn_seq * 1000000000 + idx)",
    )?;
    stmt.query_map([confirmed], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

/// The rows of `tbl` this desk's tentative work made or changed: their numbers (receipt, card)
/// are provisional until the hub decides, and the grid shows such bookings as not yet confirmed.
/// Empty on a hub, which has no confirmed position of this kind.
pub fn tentative_ids(conn: &Connection, tbl: &str) -> rusqlite::Result<std::collections::HashSet<String>> {
    conn.prepare_cached(
        // `+tbl`: the few rows after the confirmed position, not every change of the table.
        "SELECT DISTINCT pk FROM change_log WHERE +tbl = ?1 AND op = 'put' AND txn_seq > \
         (SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'desk_confirmed_seq')",
    )?
    .query_map([tbl], |r| r.get(0))?
    .collect()
}

/// Whether this desk's tentative work made the row `pk` of `tbl` (the hub has not seen it yet):
/// the number the desk gave it is provisional.
pub fn made_tentatively(conn: &Connection, tbl: &str, pk: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT coalesce(min(txn_seq) > (SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'desk_confirmed_seq'), 0) \
         FROM change_log WHERE tbl = ?1 AND pk = ?2",
    )?
    .query_row([tbl, pk], |r| r.get(0))
}

/// What a row was at `confirmed`: `Some(image)` if it existed, `None` if it did not.
pub fn confirmed_image(conn: &Connection, tbl: &str, pk: &str, confirmed: i64) -> rusqlite::Result<Option<String>> {
    let before: Option<String> = conn
        .prepare_cached("SELECT row FROM desk_before WHERE tbl = ?1 AND pk = ?2")?
        .query_row([tbl, pk], |r| r.get(0))
        .optional()?;
    if before.is_some() {
        return Ok(before);
    }
    // No before-image: the row was made tentatively, or changed by tentative work of a version
    // that kept none (its image is then the log's, which retention has not reached yet).
    let last: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT op, row FROM change_log WHERE tbl = ?1 AND pk = ?2 AND txn_seq <= ?3 \
             ORDER BY txn_seq DESC, idx DESC LIMIT 1",
        )?
        .query_row(params![tbl, pk, confirmed], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(last.and_then(|(op, row)| if op == "put" { row } else { None }))
}

/// Removes a row tentative work touched (it is put back from its confirmed image after).
pub fn remove_row(conn: &Connection, tbl: &str, pk: &str) -> rusqlite::Result<()> {
    // `tbl` comes from the replica's own change log, whose tables the applier checked.
    conn.prepare_cached(&format!("DELETE FROM \"{tbl}\" WHERE id = ?1"))?.execute([pk])?;
    Ok(())
}

/// Lets the removal of rows that are otherwise never removed through, while undoing.
pub fn begin_undo(conn: &Connection, confirmed: i64) -> rusqlite::Result<()> {
    // Rows are removed before their confirmed images are put back: references are checked once
    // everything is in place.
    conn.execute_batch("PRAGMA defer_foreign_keys = ON; INSERT INTO desk_undoing (id) VALUES (1);")?;
    changelog::open_replay_context(conn, confirmed + 1, "desk/undo")
}

/// Ends an undo: the tentative transactions, their change rows and their command records go, and
/// the head is the confirmed position again.
pub fn end_undo(conn: &Connection, confirmed: i64, hash: &str) -> rusqlite::Result<()> {
    changelog::close_write_context(conn)?;
    conn.execute("DELETE FROM desk_undoing", [])?;
    conn.execute("DELETE FROM desk_before", [])?;
    conn.execute("DELETE FROM change_log WHERE txn_seq > ?1", [confirmed])?;
    conn.execute("DELETE FROM sync_txn WHERE txn_seq > ?1", [confirmed])?;
    conn.execute(
        "DELETE FROM commands WHERE rowid > (SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'desk_commands_floor')",
        [],
    )?;
    changelog::set_head(conn, confirmed, hash)
}

/// Whether the hub's transaction carrying `command_id` is in the confirmed replica.
pub fn confirmed_in_log(conn: &Connection, command_id: &str, confirmed: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM sync_txn WHERE command_id = ?1 AND txn_seq <= ?2")?
        .exists(params![command_id, confirmed])
}
