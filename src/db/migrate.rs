//! Embedded migrations: numbered SQL files, each applied in its own transaction together with
//! the `user_version` bump. A database newer than this binary is refused, never touched.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};

use super::{APPLICATION_ID, OpenError, changelog};

/// Every migration, in order. A test checks this list against migrations/ on disk.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_foundation", include_str!("../../migrations/0001_foundation.sql")),
    ("0002_courts", include_str!("../../migrations/0002_courts.sql")),
    ("0003_members", include_str!("../../migrations/0003_members.sql")),
    ("0004_bookings", include_str!("../../migrations/0004_bookings.sql")),
    ("0005_money", include_str!("../../migrations/0005_money.sql")),
    ("0006_payments", include_str!("../../migrations/0006_payments.sql")),
    ("0007_fees", include_str!("../../migrations/0007_fees.sql")),
    ("0008_passes", include_str!("../../migrations/0008_passes.sql")),
    ("0009_sms", include_str!("../../migrations/0009_sms.sql")),
    ("0010_hardening", include_str!("../../migrations/0010_hardening.sql")),
    ("0011_desks", include_str!("../../migrations/0011_desks.sql")),
    ("0012_desk_links", include_str!("../../migrations/0012_desk_links.sql")),
    ("0013_command_effects", include_str!("../../migrations/0013_command_effects.sql")),
    ("0014_replay_context", include_str!("../../migrations/0014_replay_context.sql")),
    ("0015_conflict_resolutions", include_str!("../../migrations/0015_conflict_resolutions.sql")),
    ("0016_replay_skips_overlap", include_str!("../../migrations/0016_replay_skips_overlap.sql")),
    ("0017_desk_positions", include_str!("../../migrations/0017_desk_positions.sql")),
    ("0018_command_mentions", include_str!("../../migrations/0018_command_mentions.sql")),
    ("0019_category_limits", include_str!("../../migrations/0019_category_limits.sql")),
    ("0020_portal", include_str!("../../migrations/0020_portal.sql")),
    ("0021_waitlist", include_str!("../../migrations/0021_waitlist.sql")),
    ("0022_calendar", include_str!("../../migrations/0022_calendar.sql")),
    ("0023_widget", include_str!("../../migrations/0023_widget.sql")),
    ("0024_portal_more", include_str!("../../migrations/0024_portal_more.sql")),
    ("0025_coaches", include_str!("../../migrations/0025_coaches.sql")),
    ("0026_groups", include_str!("../../migrations/0026_groups.sql")),
    ("0027_report_indexes", include_str!("../../migrations/0027_report_indexes.sql")),
    ("0028_coach_pay_models", include_str!("../../migrations/0028_coach_pay_models.sql")),
    ("0029_coach_pay_approvals", include_str!("../../migrations/0029_coach_pay_approvals.sql")),
    ("0030_coach_rates_and_hours", include_str!("../../migrations/0030_coach_rates_and_hours.sql")),
    ("0031_bookings_by_time_covering", include_str!("../../migrations/0031_bookings_by_time_covering.sql")),
    ("0032_member_balances", include_str!("../../migrations/0032_member_balances.sql")),
    ("0033_revenue_items", include_str!("../../migrations/0033_revenue_items.sql")),
    ("0034_report_reads", include_str!("../../migrations/0034_report_reads.sql")),
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of the database file at `path`, opened read-only.
pub fn version_of_file(path: &std::path::Path) -> rusqlite::Result<i64> {
    schema_version(&super::open_connection(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?)
}

pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

fn application_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "application_id", |r| r.get(0))
}

/// Refuses databases from a newer Courtside and SQLite files that are not Courtside's.
pub fn check_compatible(conn: &Connection, path: &Path) -> Result<(), OpenError> {
    let sqlite_err = |source| OpenError::Sqlite { path: path.to_owned(), source };
    let version = schema_version(conn).map_err(sqlite_err)?;
    let app_id = application_id(conn).map_err(sqlite_err)?;
    let is_empty: bool =
        conn.query_row("SELECT count(*) = 0 FROM sqlite_schema", [], |r| r.get(0)).map_err(sqlite_err)?;
    if !is_empty && app_id != APPLICATION_ID {
        return Err(OpenError::Foreign { path: path.to_owned() });
    }
    if version > latest() {
        return Err(OpenError::Newer { path: path.to_owned(), found: version, known: latest() });
    }
    Ok(())
}

/// True when an existing club database is about to be migrated (a fresh one needs no backup).
pub fn needs_backup_first(conn: &Connection) -> rusqlite::Result<bool> {
    let version = schema_version(conn)?;
    Ok(version > 0 && version < latest())
}

/// Applies every pending migration; returns how many ran. Triggers are regenerated afterwards
/// so they always match the current columns of the replicated tables.
pub fn run(conn: &mut Connection, now: Timestamp) -> rusqlite::Result<usize> {
    run_list(conn, MIGRATIONS, now)
}

/// `run` over a given list (tests add migrations of their own to the real ones).
///
/// Foreign keys are off while migrations run, as SQLite's procedure for rebuilding a table asks
/// (dropping a referenced table would otherwise count its rows as violations); each migration
/// checks them itself before it commits.
fn run_list(conn: &mut Connection, migrations: &[(&str, &str)], now: Timestamp) -> rusqlite::Result<usize> {
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply_pending(conn, migrations, now);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    let applied = applied?;
    let tx = super::immediate(conn)?;
    changelog::install_triggers(&tx)?;
    changelog::ensure_log_id(&tx)?;
    changelog::record_schema_fingerprint(&tx)?;
    tx.commit()?;
    Ok(applied)
}

fn apply_pending(conn: &mut Connection, migrations: &[(&str, &str)], now: Timestamp) -> rusqlite::Result<usize> {
    let current = schema_version(conn)?;
    // An existing club's database has its guard triggers: a migration that changes club data
    // does it as a transaction of the log of its own, so desks and open pages hear of it.
    let logged = current > 0;
    let mut applied = 0;
    for (index, (name, sql)) in migrations.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = super::immediate(conn)?;
        let command_id = format!("migration/{name}");
        let before = if logged {
            let txn_seq = changelog::head(&tx)?.0 + 1;
            changelog::open_write_context(&tx, txn_seq, &command_id)?;
            Some((txn_seq, stored_tables(&tx)?))
        } else {
            None
        };
        tx.execute_batch(sql)?;
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!("migration {name} left {broken} broken references")),
            ));
        }
        if let Some((txn_seq, before)) = before {
            changelog::close_write_context(&tx)?;
            changelog::seal_txn(&tx, txn_seq, now, &command_id, "hub", None)?;
            let after = stored_tables(&tx)?;
            let rebuilt =
                before.iter().filter(|(t, root, rows)| *rows > 0 && after.iter().all(|a| a.0 != *t || a.1 != *root));
            if let Some((table, ..)) = rebuilt.into_iter().next() {
                let log_id = changelog::rotate_log_id(&tx)?;
                tracing::info!(
                    migration = name,
                    table,
                    log_id,
                    "a migration rebuilt club data outside the log; the log starts anew"
                );
            }
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        applied += 1;
    }
    Ok(applied)
}

/// Every replicated table that exists, with where its rows are stored and how many there are.
/// A table rebuilt under the same name (SQLite's way to change a column) gets a new root page,
/// and the rows it was filled with never passed the triggers.
fn stored_tables(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    let mut out = Vec::new();
    for table in changelog::REPLICATED_TABLES {
        let root: Option<i64> = conn
            .query_row("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .optional()?;
        if let Some(root) = root {
            let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0))?;
            out.push(((*table).to_owned(), root, rows));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_the_files_on_disk() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".sql"))
            .map(|n| n.trim_end_matches(".sql").to_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = MIGRATIONS.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(on_disk, embedded);
        for (i, name) in embedded.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name} is out of sequence");
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(run(&mut conn, Timestamp::UNIX_EPOCH).unwrap(), MIGRATIONS.len());
        let schema_cookie =
            |c: &Connection| -> i64 { c.pragma_query_value(None, "schema_version", |r| r.get(0)).unwrap() };
        let before = schema_cookie(&conn);
        assert_eq!(run(&mut conn, Timestamp::UNIX_EPOCH).unwrap(), 0);
        assert_eq!(schema_version(&conn).unwrap(), latest());
        assert_eq!(schema_cookie(&conn), before, "an ordinary start rewrites no trigger");
    }

    /// A change row written before a column existed leaves that column out, and replaying it
    /// (`sync::apply`) gives the column its default: so a column added to a replicated table that
    /// already has rows must default to a constant, the value every old row got when it was added.
    #[test]
    fn columns_added_to_replicated_tables_default_to_a_constant() {
        use std::collections::HashMap;
        let columns = |c: &Connection, t: &str| -> Vec<(String, bool, Option<String>)> {
            let mut s = c.prepare("SELECT name, \"notnull\", dflt_value FROM pragma_table_info(?1)").unwrap();
            s.query_map([t], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
        };
        let constant = |d: &str| {
            d.parse::<f64>().is_ok()
                || (d.starts_with('\'') && d.ends_with('\'') && !d[1..d.len() - 1].contains('\''))
                || ["NULL", "TRUE", "FALSE"].contains(&d.to_uppercase().as_str())
        };
        let mut conn = Connection::open_in_memory().unwrap();
        let mut before: HashMap<&str, Vec<String>> = HashMap::new();
        for (version, (name, sql)) in MIGRATIONS.iter().enumerate() {
            let tx = conn.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", version as i64 + 1).unwrap();
            tx.commit().unwrap();
            for table in changelog::REPLICATED_TABLES {
                let now = columns(&conn, table);
                if let Some(old) = before.get(table) {
                    for (column, not_null, default) in now.iter().filter(|(c, ..)| !old.contains(c)) {
                        match default {
                            Some(d) => assert!(constant(d), "{name}: {table}.{column} defaults to {d}, not a constant"),
                            None => assert!(!not_null, "{name}: {table}.{column} is NOT NULL without a default"),
                        }
                    }
                }
                if !now.is_empty() {
                    before.insert(table, now.into_iter().map(|(c, ..)| c).collect());
                }
            }
        }
    }

    /// 0010 takes the SMS credential out of the command log of an older club.
    #[test]
    fn the_sms_credential_leaves_the_command_log() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (version, (_, sql)) in MIGRATIONS[..9].iter().enumerate() {
            let tx = conn.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", version as i64 + 1).unwrap();
            tx.commit().unwrap();
        }
        conn.execute_batch(
            r#"INSERT INTO commands (id, kind, payload, payload_hash, actor_name, origin, issued_at, executed_at, status)
               VALUES ('c1', 'save_sms_provider', '{"type":"save_sms_provider","kind":"smsru","secret":"api-123"}', 'h', 'olga', 'hub', 0, 0, 'applied'),
                      ('c2', 'create_court', '{"type":"create_court","secret":"not a credential"}', 'h', 'olga', 'hub', 0, 0, 'applied');"#,
        )
        .unwrap();
        run(&mut conn, Timestamp::UNIX_EPOCH).unwrap();
        let payload = |id: &str| -> String {
            conn.query_row("SELECT payload FROM commands WHERE id = ?1", [id], |r| r.get(0)).unwrap()
        };
        assert_eq!(payload("c1"), r#"{"type":"save_sms_provider","kind":"smsru","secret":null}"#);
        assert!(payload("c2").contains("not a credential"), "other commands are left alone");
    }

    /// 0008 rebuilds the payments table: every payment, refund link and ledger reference of a
    /// version-7 database survives, and payments stay append-only.
    #[test]
    fn rebuilding_payments_keeps_every_payment() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        for (version, (_, sql)) in MIGRATIONS[..7].iter().enumerate() {
            let tx = conn.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", version as i64 + 1).unwrap();
            tx.commit().unwrap();
        }
        conn.execute_batch(
            "INSERT INTO members (id, card_no, full_name, search_name, created_at, updated_at) VALUES ('m', 1, 'Anna', 'anna', 0, 0);
             INSERT INTO shifts (id, opened_at, opened_by, float) VALUES ('s', 0, 'olga', 0);
             INSERT INTO payments (id, receipt_no, at, member_id, purpose, method, amount, shift_id, taken_by)
                 VALUES ('p', 1, 1, 'm', 'top_up', 'cash', 1000, 's', 'olga');
             INSERT INTO payments (id, receipt_no, at, member_id, purpose, method, amount, refund_of, shift_id, taken_by)
                 VALUES ('r', 2, 2, 'm', 'top_up', 'cash', -300, 'p', 's', 'olga');
             INSERT INTO ledger (id, member_id, at, kind, amount, payment_id) VALUES ('p/in', 'm', 1, 'payment', 1000, 'p');
             INSERT INTO ledger (id, member_id, at, kind, amount, payment_id) VALUES ('r/out', 'm', 2, 'payout', -300, 'r');",
        )
        .unwrap();
        assert_eq!(run(&mut conn, Timestamp::UNIX_EPOCH).unwrap(), MIGRATIONS.len() - 7);
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM payments"), 2);
        assert_eq!(count("SELECT sum(amount) FROM payments WHERE refund_of = 'p'"), -300);
        assert_eq!(count("SELECT count(*) FROM ledger JOIN payments p ON p.id = ledger.payment_id"), 2);
        assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
        let update = conn.execute("UPDATE payments SET amount = 5 WHERE id = 'p'", []);
        assert!(update.unwrap_err().to_string().contains("never changed"));
    }

    fn log_id(conn: &Connection) -> String {
        conn.query_row("SELECT v FROM sync_meta WHERE k = 'log_id'", [], |r| r.get(0)).unwrap()
    }

    /// A migration that changes the data of a club in use runs with the guard triggers in place:
    /// its writes are a transaction of the log, the chain still verifies, the history is the same.
    #[test]
    fn a_data_migration_of_a_club_in_use_goes_through_the_log() {
        let mut db = crate::testing::TestDb::new();
        let anna = db.member("Anna Petrova", "+7 916 123-45-67");
        let (head, _) = changelog::head(&db.conn).unwrap();
        let id = log_id(&db.conn);
        let mut list = MIGRATIONS.to_vec();
        list.push(("0099_upper_names", "UPDATE members SET full_name = upper(full_name);"));
        assert_eq!(run_list(&mut db.conn, &list, db.now).unwrap(), 1);

        assert_eq!(changelog::head(&db.conn).unwrap().0, head + 1);
        let (command, row): (String, String) = db
            .conn
            .query_row(
                "SELECT command_id, row FROM change_log WHERE txn_seq = ?1 AND pk = ?2",
                (head + 1, &anna),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(command, "migration/0099_upper_names");
        assert!(row.contains("ANNA PETROVA"), "{row}");
        assert_eq!(crate::sync::chain::verify(&db.conn).unwrap(), head + 1);
        assert_eq!(log_id(&db.conn), id, "the log told everything: the same history goes on");
    }

    /// A table rebuilt under its own name is filled without the triggers: the log cannot say
    /// what changed, so the history starts anew (desks and pages take a fresh copy).
    #[test]
    fn a_migration_that_rebuilds_club_data_starts_a_new_history() {
        let mut db = crate::testing::TestDb::new();
        db.court("Court 1");
        let id = log_id(&db.conn);
        let fingerprint = changelog::stored_schema_fingerprint(&db.conn).unwrap().unwrap();
        let create: String =
            db.conn.query_row("SELECT sql FROM sqlite_schema WHERE name = 'courts'", [], |r| r.get(0)).unwrap();
        let rebuild = format!(
            "{}; INSERT INTO courts_new SELECT * FROM courts; DROP TABLE courts; ALTER TABLE courts_new RENAME TO courts;",
            create.replacen("courts", "courts_new", 1)
        );
        let mut list = MIGRATIONS.to_vec();
        list.push(("0099_rebuild_courts", &rebuild));
        assert_eq!(run_list(&mut db.conn, &list, db.now).unwrap(), 1);
        assert_ne!(log_id(&db.conn), id);
        assert_eq!(db.conn.query_row("SELECT count(*) FROM courts", [], |r| r.get::<_, i64>(0)).unwrap(), 1);
        assert_eq!(changelog::stored_schema_fingerprint(&db.conn).unwrap().unwrap(), fingerprint, "same columns");

        // Adding a column changes the shape, and the fingerprint says so; adding a table of
        // its own to the list would too.
        list.push(("0100_court_colour", "ALTER TABLE courts ADD COLUMN colour TEXT;"));
        run_list(&mut db.conn, &list, db.now).unwrap();
        assert_ne!(changelog::stored_schema_fingerprint(&db.conn).unwrap().unwrap(), fingerprint);
    }
}
