//! The database: one SQLite file in the data folder, a small pool, and the only two ways in:
//! `read` and `write`, both run on Tokio's blocking pool so no async worker ever waits on SQLite.

pub mod backup;
pub mod changelog;
pub mod files;
pub mod migrate;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};

pub use rusqlite::{Connection as Conn, Error as SqlError, OptionalExtension, Row, Transaction, params};

/// File name of the club database inside the data folder.
pub const DB_FILE: &str = "courtside.db";

/// Marks a Courtside database (`PRAGMA application_id`), so restore can tell it from any SQLite file.
pub const APPLICATION_ID: i64 = 0x4353_5444;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "the database {path} was written by a newer Courtside (schema {found}, this program knows up to {known}). \
         Fix: install the newer Courtside again, or restore a backup made by this version with `courtside restore FILE`."
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("{path} is not a Courtside database. Fix: point --data at the right folder.")]
    Foreign { path: PathBuf },
    #[error("cannot open the database {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the data folder {data} has no usable database ({}), but {sign}. It may have been deleted, emptied or moved. \
         Fix: restore the newest backup with `courtside restore FILE`, put courtside.db back, or start a new, empty \
         club here with --init.",
        if *.empty { "courtside.db is empty" } else { "courtside.db is missing" }
    )]
    EarlierClub { data: PathBuf, sign: String, empty: bool },
    #[error(
        "the database {path} is damaged ({detail}). Fix: stop here and restore the newest backup with \
         `courtside restore FILE` (the damaged file is kept beside it)."
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Clone)]
pub struct Db {
    pool: Pool<SqliteConnectionManager>,
    // One writer at a time: queue here (async) instead of spinning on SQLITE_BUSY in blocking threads.
    writer: Arc<tokio::sync::Mutex<()>>,
    path: PathBuf,
    /// The file opened at start: a write to a deleted or replaced file would be acknowledged and lost.
    file_id: Option<files::FileId>,
    /// Set when a write failed for a disk reason, until a write (or /health's probe) succeeds.
    write_trouble: Arc<AtomicBool>,
}

/// What kind of trouble the database is in, as far as a client should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// The disk is full: 507.
    Full,
    /// The database cannot be used (file gone, I/O error, read-only, damaged, no connection): 503.
    Unavailable,
}

/// Whether `e` comes from the database's disk or file rather than from a bug or a rule.
pub fn trouble(e: &anyhow::Error) -> Option<Trouble> {
    use rusqlite::ErrorCode;
    e.chain().find_map(|cause| {
        if cause.is::<files::FileChanged>() || cause.is::<r2d2::Error>() {
            return Some(Trouble::Unavailable);
        }
        match cause.downcast_ref::<rusqlite::Error>()? {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::DiskFull => Some(Trouble::Full),
                ErrorCode::SystemIoFailure
                | ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::NotADatabase
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::FileLockingProtocolFailed => Some(Trouble::Unavailable),
                _ => None,
            },
            _ => None,
        }
    })
}

/// Whether `e` is SQLite being busy or locked: the write can simply be tried again.
pub fn is_busy(e: &anyhow::Error) -> bool {
    use rusqlite::ErrorCode;
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(f, _)) if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    })
}

/// The message of the schema constraint `e` broke (a unique index, a check, a trigger's
/// RAISE), if that is what it is.
pub fn broken_constraint(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|cause| match cause.downcast_ref::<rusqlite::Error>()? {
        rusqlite::Error::SqliteFailure(f, message) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            Some(message.clone().unwrap_or_default())
        }
        _ => None,
    })
}

/// What /health reports about the database.
pub struct Health {
    pub schema_version: i64,
    /// The replicated tables' shape (`changelog::schema_fingerprint`): a desk syncs only with
    /// a hub whose fingerprint equals its own.
    pub schema_fingerprint: Option<String>,
}

/// Each connection's page cache (negative: in KiB; SQLite's default), kept small for the Pi.
pub const CACHE_SIZE: i64 = -1000;

/// How long a pooled connection beyond the first may sit unused before it is closed.
const IDLE_CONNECTION: Duration = Duration::from_secs(20);

fn init_connection(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // Every statement that fires the change-log triggers keeps a statement journal: in temporary
    // files, they made most of a desk's catch-up time system calls.
    // Commands and the applier use a few dozen statements, more than rusqlite's default 16: a
    // cache that small re-prepares them (triggers included) over and over. 128 or 256 measured
    // no faster than 64 for booking create or the day grid (12-05).
    conn.set_prepared_statement_cache_capacity(64);
    // Without the query planner stability guarantee, SQLite plans `LIMIT ?` (and LIKE ?) with the
    // bound value and recompiles the statement at every new binding: a cached statement with a
    // LIMIT parameter was compiled again on each run (a fifth of the member card's CPU, 12-05).
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // FULL on the hub: a power cut must never lose a transaction that was already acknowledged.
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = {CACHE_SIZE};"
    ))
}

/// Opens a connection outside the pool (CLI verbs, migrations, restore checks).
#[allow(clippy::disallowed_methods)] // the one place a connection is opened outside the pool
pub fn open_connection(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_with_flags(path, flags)?;
    init_connection(&mut conn)?;
    Ok(conn)
}

impl Db {
    /// Opens the database in `data`, backs it up if migrations are pending, migrates it, and
    /// returns the pool. A new database is created only in a folder with no sign of an earlier
    /// club, or when `init` says so. Blocking: call before the async runtime starts or inside
    /// `spawn_blocking`.
    pub fn open(data: &Path, backup_dir: &Path, now: jiff::Timestamp, init: bool) -> Result<Db, OpenError> {
        let path = data.join(DB_FILE);
        let sqlite_err = |source| OpenError::Sqlite { path: path.clone(), source };
        let size = std::fs::metadata(&path).ok().map(|m| m.len());
        let new = size.is_none_or(|len| len == 0);
        if new
            && !init
            && let Some(sign) = files::earlier_club(data, backup_dir, DB_FILE)
        {
            return Err(OpenError::EarlierClub { data: data.to_owned(), sign, empty: size == Some(0) });
        }
        if new {
            // Frames of an earlier database in a leftover WAL must never be replayed into a new one.
            for suffix in ["-wal", "-shm"] {
                let side = data.join(format!("{DB_FILE}{suffix}"));
                if side.exists() {
                    std::fs::remove_file(&side).with_context(|| format!("cannot remove {}", side.display()))?;
                }
            }
        }
        if size.is_none() {
            // SQLite gives its -wal and -shm files the mode of the database file.
            files::create_private_file(&path).with_context(|| format!("cannot create {}", path.display()))?;
        }
        // A damaged file may fail any first statement; say so rather than "cannot open".
        let damaged_or = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                OpenError::Damaged { path: path.clone(), detail: source.to_string() }
            }
            _ => OpenError::Sqlite { path: path.clone(), source },
        };
        let mut conn = open_connection(&path, OpenFlags::default()).map_err(damaged_or)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(damaged_or)?;
        if !new {
            let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(damaged_or)?;
            if check != "ok" {
                return Err(OpenError::Damaged { path: path.clone(), detail: check });
            }
        }
        migrate::check_compatible(&conn, &path)?;
        if migrate::needs_backup_first(&conn).map_err(sqlite_err)? {
            let from = migrate::schema_version(&conn).map_err(sqlite_err)?;
            let file = backup::pre_migration(&conn, backup_dir, from, now)?;
            tracing::info!(backup = %file.display(), from, "backed up the database before migrating");
        }
        let applied = migrate::run(&mut conn, now).map_err(sqlite_err)?;
        if applied > 0 {
            tracing::info!(applied, version = migrate::latest(), "database migrated");
        }
        drop(conn);
        let file_id = files::file_id(&path).with_context(|| format!("cannot read {}", path.display()))?;
        // Without SQLITE_OPEN_CREATE: a connection opened later never makes a new, empty club.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let manager = SqliteConnectionManager::file(&path).with_flags(flags).with_init(init_connection);
        // Each connection keeps its own page cache and prepared statements (the commands', with
        // their triggers compiled in: megabytes): four serve two to four cores, and a Pi's memory.
        // Once the desk goes quiet, all but one are closed, and what they held goes back (the
        // pool looks every 30 s; tests/cli/memory.rs measures the quiet minute).
        let pool = Pool::builder()
            .max_size(4)
            .min_idle(Some(1))
            .idle_timeout(Some(IDLE_CONNECTION))
            // r2d2's check on every checkout runs a statement: a connection to a local file does
            // not go stale the way a network one does, and the check cost 1–2 % of each request.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .context("cannot create the database connection pool")?;
        Ok(Db { pool, writer: Arc::new(tokio::sync::Mutex::new(())), path, file_id, write_trouble: Arc::default() })
    }

    /// Runs a write closure after checking the file is still the one opened, and remembers
    /// whether it failed for a disk reason.
    fn guarded_write<T>(&self, f: impl FnOnce(&mut Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        files::still_the_same(&self.path, self.file_id)?;
        let mut conn = self.pool.get().context("no database connection available")?;
        let result = f(&mut conn);
        match &result {
            Ok(_) => self.write_trouble.store(false, Ordering::Relaxed),
            Err(e) if trouble(e).is_some() => self.write_trouble.store(true, Ordering::Relaxed),
            Err(_) => {}
        }
        result
    }

    /// Whether the database can be read and written now: the file is the one opened, the schema
    /// reads, and after a write failed for a disk reason, a small write of its own succeeds.
    pub async fn health(&self, now: jiff::Timestamp) -> anyhow::Result<Health> {
        let db = self.clone();
        let (schema_version, schema_fingerprint) = run_blocking(move || {
            files::still_the_same(&db.path, db.file_id)?;
            let conn = db.pool.get().context("no database connection available")?;
            Ok((migrate::schema_version(&conn)?, changelog::stored_schema_fingerprint(&conn)?))
        })
        .await?;
        if self.write_trouble.load(Ordering::Relaxed) {
            self.write(move |c| {
                let tx = immediate(c)?;
                // Fresh random bytes, so every page of it really goes to disk; larger than a
                // booking's transaction, which would otherwise fit in the log's frames a failed
                // one had already written and so prove nothing.
                tx.execute(
                    "INSERT INTO health_probe (id, at, pad) VALUES (1, ?1, randomblob(262144)) \
                     ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad",
                    [now.as_millisecond()],
                )?;
                Ok(tx.commit()?)
            })
            .await
            .context("the database does not take writes")?;
        }
        Ok(Health { schema_version, schema_fingerprint })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a read-only query on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        run_blocking(move || {
            let conn = pool.get().context("no database connection available")?;
            f(&conn)
        })
        .await
    }

    /// Runs a write on the blocking pool, one writer at a time. The closure opens its own
    /// `BEGIN IMMEDIATE` transaction (see `immediate`), so `execute` can nest savepoints.
    pub async fn write<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let _turn = self.writer.clone().lock_owned().await;
        let db = self.clone();
        run_blocking(move || db.guarded_write(f)).await
    }

    /// The same as `read`, for code that is already on a blocking thread (CLI verbs).
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let conn = self.pool.get().context("no database connection available")?;
        f(&conn)
    }

    /// The same as `write`, for code that is already on a blocking thread (CLI verbs).
    pub fn write_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        self.guarded_write(f)
    }
}

/// Runs a write statement through the connection's statement cache. `Connection::execute`
/// compiles its SQL every time, and a write to a replicated table compiles every trigger on it
/// too: a quarter of a booking's CPU before this.
pub fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Rewrites the database without its free pages (after retention removed much of the log) and
/// empties the write-ahead log into it, so the file shrinks.
pub fn vacuum(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("VACUUM")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

/// Starts a write transaction that takes the write lock at once, so it never fails half-way
/// with SQLITE_BUSY after having read.
pub fn immediate(conn: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

async fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> anyhow::Result<T> + Send + 'static) -> anyhow::Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(anyhow::anyhow!("database task cancelled: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    #[test]
    fn a_cached_statement_with_a_limit_parameter_is_compiled_once() {
        let conn = super::open_connection(std::path::Path::new(":memory:"), Default::default()).unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);").unwrap();
        let sql = "SELECT n FROM t WHERE n > ?1 ORDER BY n LIMIT ?2";
        for limit in [1, 2, 3, 2] {
            let rows: Vec<i64> = conn
                .prepare_cached(sql)
                .unwrap()
                .query_map([0, limit], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(rows.len() as i64, limit);
        }
        assert_eq!(conn.prepare_cached(sql).unwrap().get_status(StatementStatus::RePrepare), 0);
    }
}
