//! The database: one SQLite file in the data folder, a small pool, and the only two ways in:
//! `read` and `write`, both run on Tokio's blocking pool so no async worker ever waits on SQLite.

pub mod backup;
pub mod changelog;
pub mod migrate;

use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Clone)]
pub struct Db {
    pool: Pool<SqliteConnectionManager>,
    // One writer at a time: queue here (async) instead of spinning on SQLITE_BUSY in blocking threads.
    writer: Arc<tokio::sync::Mutex<()>>,
    path: PathBuf,
}

fn init_connection(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // FULL on the hub: a power cut must never lose a transaction that was already acknowledged.
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
}

/// Opens a connection outside the pool (CLI verbs, migrations, restore checks).
#[allow(clippy::disallowed_methods)] // the one place a connection is opened outside the pool
pub fn open_connection(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_with_flags(path, flags)?;
    init_connection(&mut conn)?;
    Ok(conn)
}

impl Db {
    /// Opens (creating if needed) the database in `data`, backs it up if migrations are pending,
    /// migrates it, and returns the pool. Blocking: call before the async runtime starts or inside
    /// `spawn_blocking`.
    pub fn open(data: &Path, backup_dir: &Path, now: jiff::Timestamp) -> Result<Db, OpenError> {
        let path = data.join(DB_FILE);
        let sqlite_err = |source| OpenError::Sqlite { path: path.clone(), source };
        let mut conn = open_connection(&path, OpenFlags::default()).map_err(sqlite_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sqlite_err)?;
        migrate::check_compatible(&conn, &path)?;
        if migrate::needs_backup_first(&conn).map_err(sqlite_err)? {
            let from = migrate::schema_version(&conn).map_err(sqlite_err)?;
            let file = backup::pre_migration(&conn, backup_dir, from, now)?;
            tracing::info!(backup = %file.display(), from, "backed up the database before migrating");
        }
        let applied = migrate::run(&mut conn).map_err(sqlite_err)?;
        if applied > 0 {
            tracing::info!(applied, version = migrate::latest(), "database migrated");
        }
        drop(conn);
        let manager = SqliteConnectionManager::file(&path).with_init(init_connection);
        let pool = Pool::builder()
            .max_size(6)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .context("cannot create the database connection pool")?;
        Ok(Db { pool, writer: Arc::new(tokio::sync::Mutex::new(())), path })
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
        let pool = self.pool.clone();
        run_blocking(move || {
            let mut conn = pool.get().context("no database connection available")?;
            f(&mut conn)
        })
        .await
    }

    /// The same as `read`, for code that is already on a blocking thread (CLI verbs).
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let conn = self.pool.get().context("no database connection available")?;
        f(&conn)
    }

    /// The same as `write`, for code that is already on a blocking thread (CLI verbs).
    pub fn write_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let mut conn = self.pool.get().context("no database connection available")?;
        f(&mut conn)
    }
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
