//! Embedded migrations: numbered SQL files, each applied in its own transaction together with
//! the `user_version` bump. A database newer than this binary is refused, never touched.

use std::path::Path;

use rusqlite::Connection;

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
    ("0008_sms", include_str!("../../migrations/0008_sms.sql")),
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
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
pub fn run(conn: &mut Connection) -> rusqlite::Result<usize> {
    let current = schema_version(conn)?;
    let mut applied = 0;
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = super::immediate(conn)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        applied += 1;
    }
    let tx = super::immediate(conn)?;
    changelog::install_triggers(&tx)?;
    changelog::ensure_log_id(&tx)?;
    tx.commit()?;
    Ok(applied)
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
        assert_eq!(run(&mut conn).unwrap(), MIGRATIONS.len());
        let schema_cookie =
            |c: &Connection| -> i64 { c.pragma_query_value(None, "schema_version", |r| r.get(0)).unwrap() };
        let before = schema_cookie(&conn);
        assert_eq!(run(&mut conn).unwrap(), 0);
        assert_eq!(schema_version(&conn).unwrap(), latest());
        assert_eq!(schema_cookie(&conn), before, "an ordinary start rewrites no trigger");
    }
}
