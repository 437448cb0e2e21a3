//! Snapshots for desks: a consistent copy of the hub's database (`VACUUM INTO`) without what only
//! the hub keeps (sessions, API tokens, the SMS provider and outbox, desk credentials) and without
//! command payloads, compressed and named by its history, position and hash. A desk checks the
//! hash, unpacks it beside its replica and swaps it in with a rename, so its replica is at every
//! moment either the old file or the new one.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use super::{APPLICATION_ID, backup, changelog, files, open_connection};
use crate::sync::protocol::SnapshotInfo;

/// Local tables a snapshot keeps: the log itself and the command records (without payloads), which
/// let a desk recognise a command the hub decided before the copy was made.
const KEPT_LOCAL: &[&str] = &["sync_meta", "sync_txn", "change_log", "write_context", "commands"];

const EXT: &str = ".db.gz";

/// A snapshot file on the hub.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub info: SnapshotInfo,
    pub path: PathBuf,
}

/// Makes a snapshot of the database behind `conn` in `dir` (or returns the one already made at
/// the same position), and removes older ones.
pub fn build(conn: &Connection, dir: &Path) -> anyhow::Result<Snapshot> {
    files::create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let log_id: String = conn.query_row("SELECT v FROM sync_meta WHERE k = 'log_id'", [], |r| r.get(0))?;
    let head = changelog::head(conn)?.0;
    if let Some(made) = existing(dir, &log_id, head)? {
        return Ok(made);
    }
    let copy = dir.join(format!("building-{}.db", uuid::Uuid::now_v7()));
    let built = (|| {
        backup::copy_to(conn, &copy)?;
        let (log_id, head) = strip(&copy)?;
        pack(&copy, dir, &log_id, head)
    })();
    let _ = fs::remove_file(&copy);
    let made = built?;
    for old in list(dir)? {
        if old.path != made.path {
            let _ = fs::remove_file(&old.path);
        }
    }
    Ok(made)
}

/// Leaves out what only the hub keeps; returns the copy's own history and position.
fn strip(copy: &Path) -> anyhow::Result<(String, i64)> {
    let conn = open_connection(copy, OpenFlags::default())?;
    for table in changelog::LOCAL_TABLES.iter().filter(|t| !KEPT_LOCAL.contains(t)) {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    conn.execute("UPDATE commands SET payload = ''", [])?;
    conn.execute("DELETE FROM write_context", [])?;
    conn.execute_batch("VACUUM")?;
    let log_id: String = conn.query_row("SELECT v FROM sync_meta WHERE k = 'log_id'", [], |r| r.get(0))?;
    Ok((log_id, changelog::head(&conn)?.0))
}

fn name_of(log_id: &str, head: i64, sha256: &str) -> String {
    format!("{log_id}-{head}-{}{EXT}", &sha256[..16])
}

/// Compresses `copy` into `dir` under its final name, hashing what is written.
fn pack(copy: &Path, dir: &Path, log_id: &str, head: i64) -> anyhow::Result<Snapshot> {
    let part = dir.join(format!("packing-{}.part", uuid::Uuid::now_v7()));
    let packed = (|| {
        let mut source = fs::File::open(copy)?;
        let out = HashingWriter { inner: files::create_private_file(&part)?, hash: Sha256::new(), bytes: 0 };
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
        std::io::copy(&mut source, &mut gz)?;
        let out = gz.finish()?;
        out.inner.sync_all()?;
        let sha256 = crate::core::hex(&out.hash.finalize());
        let name = name_of(log_id, head, &sha256);
        let path = dir.join(&name);
        crate::pause::at("hub-snapshotting");
        fs::rename(&part, &path)?;
        let info = SnapshotInfo { name, log_id: log_id.to_owned(), txn_seq: head, bytes: out.bytes, sha256 };
        anyhow::Ok(Snapshot { info, path })
    })();
    if packed.is_err() {
        let _ = fs::remove_file(&part);
    }
    packed.context("cannot write the snapshot (is the disk full?)")
}

struct HashingWriter {
    inner: fs::File,
    hash: Sha256,
    bytes: u64,
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Removes what builds cut short left behind (a hub killed while making a snapshot): a copy the
/// size of the database and a part-packed file. Called when the hub starts, before any build.
pub fn remove_leftovers(dir: &Path) -> std::io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("building-") || name.starts_with("packing-") {
            fs::remove_file(dir.join(&name))?;
        }
    }
    Ok(())
}

fn list(dir: &Path) -> anyhow::Result<Vec<Snapshot>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(EXT) else { continue };
        // <log_id (a UUID, with dashes)>-<head>-<16 hex of the hash>
        let mut parts = stem.rsplitn(3, '-');
        let (Some(_), Some(head), Some(log_id)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(txn_seq) = head.parse() else { continue };
        let bytes = entry.metadata()?.len();
        let info =
            SnapshotInfo { name: name.clone(), log_id: log_id.to_owned(), txn_seq, bytes, sha256: String::new() };
        out.push(Snapshot { info, path: entry.path() });
    }
    Ok(out)
}

fn existing(dir: &Path, log_id: &str, head: i64) -> anyhow::Result<Option<Snapshot>> {
    let Some(mut made) = list(dir)?.into_iter().find(|s| s.info.log_id == log_id && s.info.txn_seq == head) else {
        return Ok(None);
    };
    made.info.sha256 = sha256_of(&made.path)?;
    Ok(Some(made))
}

/// The SHA-256 of a file, in hex.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(crate::core::hex(&hash.finalize()))
}

/// Checks the downloaded snapshot `packed` against `info` and puts it in place as `target`; every
/// connection to `target` must be closed. Nothing is replaced unless the copy is whole, intact,
/// and of the history and position it claims.
pub fn install(packed: &Path, info: &SnapshotInfo, target: &Path) -> anyhow::Result<()> {
    if sha256_of(packed)? != info.sha256 {
        bail!("the snapshot {} does not match its hash: it is downloaded again", info.name);
    }
    let unpacked = target.with_extension("db.new");
    let _ = fs::remove_file(&unpacked);
    let checked = (|| {
        let mut gz = flate2::read::GzDecoder::new(fs::File::open(packed)?);
        let mut out = files::create_private_file(&unpacked)?;
        std::io::copy(&mut gz, &mut out)?;
        out.sync_all()?;
        let conn = open_connection(&unpacked, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let log_id: String = conn.query_row("SELECT v FROM sync_meta WHERE k = 'log_id'", [], |r| r.get(0))?;
        let head = changelog::head(&conn)?.0;
        if check != "ok" || app_id != APPLICATION_ID || log_id != info.log_id || head != info.txn_seq {
            bail!("the snapshot {} is not what the hub announced ({check}, {log_id} at {head})", info.name);
        }
        anyhow::Ok(())
    })();
    if let Err(e) = checked {
        let _ = fs::remove_file(&unpacked);
        return Err(e);
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            fs::remove_file(&side).with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    crate::pause::at("desk-installing");
    fs::rename(&unpacked, target)
        .with_context(|| format!("cannot put the snapshot in place as {}", target.display()))?;
    if let Some(dir) = target.parent() {
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
    }
    crate::pause::at("desk-installed");
    Ok(())
}

/// Copies the database at `from` over the one `to` is connected to, in one step: every other
/// connection sees the old content or the new. (A desk takes a new snapshot while its pages run.)
pub fn copy_into(from: &Path, to: &mut Connection) -> anyhow::Result<()> {
    let source = open_connection(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let backup = rusqlite::backup::Backup::new(&source, to)?;
    // All pages in one step: one write transaction on the destination.
    backup.run_to_completion(i32::MAX, std::time::Duration::ZERO, None)?;
    Ok(())
}
