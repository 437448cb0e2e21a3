//! Consistent online copies of the database (`VACUUM INTO`), the nightly schedule with
//! retention, and restore with verification.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use jiff::{Timestamp, tz::TimeZone};
use rusqlite::{Connection, OpenFlags};

use super::{APPLICATION_ID, DB_FILE, changelog, files, migrate, open_connection};

const NIGHTLY_PREFIX: &str = "nightly-";
const EXT: &str = ".sqlite3";

fn stamp(now: Timestamp) -> String {
    now.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Writes a consistent copy of the live database to `target` (which must not exist yet),
/// readable by this user only: a backup holds the whole club.
pub fn copy_to(conn: &Connection, target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        bail!("{} already exists. Fix: choose another file name.", target.display());
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        files::create_private_dir(parent)
            .with_context(|| format!("cannot create the backup folder {}", parent.display()))?;
    }
    let target_str = target.to_str().context("the backup path is not valid UTF-8")?;
    // VACUUM INTO takes an empty file, and keeps the mode it was created with.
    files::create_private_file(target).with_context(|| format!("cannot create the backup {}", target.display()))?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target_str]) {
        let _ = fs::remove_file(target);
        return Err(e).with_context(|| format!("cannot write the backup {}", target.display()));
    }
    Ok(())
}

pub fn pre_migration(conn: &Connection, dir: &Path, from: i64, now: Timestamp) -> anyhow::Result<PathBuf> {
    let file = dir.join(format!("pre-migrate-v{from}-{}{EXT}", stamp(now)));
    copy_to(conn, &file)?;
    Ok(file)
}

pub fn manual(conn: &Connection, dir: &Path, now: Timestamp) -> anyhow::Result<PathBuf> {
    let file = dir.join(format!("manual-{}{EXT}", stamp(now)));
    copy_to(conn, &file)?;
    Ok(file)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub name: String,
    pub path: PathBuf,
    pub bytes: u64,
    pub taken_at: Option<Timestamp>,
}

fn parse_taken_at(name: &str) -> Option<Timestamp> {
    let stem = name.strip_suffix(EXT)?;
    let raw = stem.rsplit('-').next()?;
    let civil = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", raw).ok()?.to_datetime().ok()?;
    Some(civil.to_zoned_datetime(TimeZone::UTC).ok()?.timestamp())
}

/// Every backup in `dir`, newest first.
pub fn list(dir: &Path) -> anyhow::Result<Vec<BackupFile>> {
    let mut files = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(e).with_context(|| format!("cannot read the backup folder {}", dir.display())),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(EXT) {
            continue;
        }
        let bytes = entry.metadata()?.len();
        files.push(BackupFile { taken_at: parse_taken_at(&name), name, path: entry.path(), bytes });
    }
    files.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.name.cmp(&a.name)));
    Ok(files)
}

#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Club-local hour of day after which the nightly backup is taken.
    pub hour: i8,
    pub keep_daily: usize,
    pub keep_weekly: usize,
}

/// Takes tonight's backup if it is due: after `hour` club time and none taken yet today.
/// Returns the new file, if one was written. Old nightly backups are pruned afterwards.
pub fn nightly_if_due(
    conn: &Connection,
    dir: &Path,
    now: Timestamp,
    tz: &TimeZone,
    schedule: Schedule,
) -> anyhow::Result<Option<PathBuf>> {
    let local = now.to_zoned_datetime(tz.clone());
    if local.hour() < schedule.hour {
        return Ok(None);
    }
    let today = local.date();
    let taken_today = list(dir)?.iter().any(|b| {
        b.name.starts_with(NIGHTLY_PREFIX)
            && b.taken_at.is_some_and(|t| t.to_zoned_datetime(tz.clone()).date() == today)
    });
    if taken_today {
        return Ok(None);
    }
    let file = dir.join(format!("{NIGHTLY_PREFIX}{}{EXT}", stamp(now)));
    copy_to(conn, &file)?;
    prune(dir, tz, schedule)?;
    Ok(Some(file))
}

/// Keeps the newest nightly backup of each of the last `keep_daily` days and of each of the last
/// `keep_weekly` ISO weeks; deletes the other nightly backups. Manual and pre-migration copies stay.
pub fn prune(dir: &Path, tz: &TimeZone, schedule: Schedule) -> anyhow::Result<Vec<PathBuf>> {
    let nightly: Vec<BackupFile> =
        list(dir)?.into_iter().filter(|b| b.name.starts_with(NIGHTLY_PREFIX) && b.taken_at.is_some()).collect();
    let keep = kept(&nightly, tz, schedule);
    let mut removed = Vec::new();
    for b in nightly.iter().filter(|b| !keep.contains(&b.name)) {
        fs::remove_file(&b.path).with_context(|| format!("cannot remove the old backup {}", b.path.display()))?;
        removed.push(b.path.clone());
    }
    Ok(removed)
}

fn kept(newest_first: &[BackupFile], tz: &TimeZone, schedule: Schedule) -> BTreeSet<String> {
    let mut keep = BTreeSet::new();
    let mut days = BTreeSet::new();
    let mut weeks = BTreeSet::new();
    for b in newest_first {
        let date = b.taken_at.expect("filtered").to_zoned_datetime(tz.clone()).date();
        if days.len() < schedule.keep_daily && days.insert(date) {
            keep.insert(b.name.clone());
        }
        let week = date.iso_week_date();
        if weeks.len() < schedule.keep_weekly && weeks.insert((week.year(), week.week())) {
            keep.insert(b.name.clone());
        }
    }
    keep
}

/// Checks that `file` is an intact Courtside database this binary can open; returns its schema version.
pub fn verify(file: &Path) -> anyhow::Result<i64> {
    if !file.is_file() {
        bail!("{} does not exist. Fix: give the path of a backup file.", file.display());
    }
    let conn = open_connection(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("{} cannot be opened as a database", file.display()))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .with_context(|| format!("{} is not a readable database", file.display()))?;
    if check != "ok" {
        bail!("{} is damaged ({check}). Fix: pick an older backup.", file.display());
    }
    let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != APPLICATION_ID {
        bail!("{} is not a Courtside backup. Fix: pick a file from the backups folder.", file.display());
    }
    let version = migrate::schema_version(&conn)?;
    if version > migrate::latest() {
        bail!(
            "{} comes from a newer Courtside (schema {version}, this program knows up to {}). Fix: install that version first.",
            file.display(),
            migrate::latest()
        );
    }
    Ok(version)
}

/// Copies `from` to a new private file `to` and flushes it to disk.
fn copy_synced(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = fs::File::open(from)?;
    let mut target = files::create_private_file(to)?;
    std::io::copy(&mut source, &mut target)?;
    target.sync_all()
}

/// Flushes a folder's entries (a rename in it) to disk, where the system allows it.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A restored club goes back to a point that desks and open pages may have followed past: it
/// gets a new `log_id`, so they start again from a copy instead of mixing two histories.
fn begin_new_history(file: &Path) -> anyhow::Result<()> {
    let conn = open_connection(file, OpenFlags::default())?;
    changelog::rotate_log_id(&conn).context("cannot give the restored copy a new log id")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    fs::File::open(file)?.sync_all().with_context(|| format!("cannot flush {}", file.display()))
}

/// Replaces the database in `data` with `file` after verifying it, so that at every moment
/// `courtside.db` is either the old database or the restored one: the backup is first copied
/// and flushed beside it (a full disk stops there, nothing replaced), the current database is
/// kept as `courtside.db.before-restore-<time>` (a hard link, so it costs no space), and only
/// then does a rename swap the copy in. Returns the kept file's path.
pub fn restore(data: &Path, file: &Path, now: Timestamp) -> anyhow::Result<Option<PathBuf>> {
    verify(file)?;
    let live = data.join(DB_FILE);
    let staging = data.join(format!("{DB_FILE}.restoring"));
    let _ = fs::remove_file(&staging);
    let copied = copy_synced(file, &staging)
        .with_context(|| format!("cannot copy {} into {} (is the disk full?)", file.display(), data.display()))
        .and_then(|()| verify(&staging).map(|_| ()))
        .and_then(|()| begin_new_history(&staging));
    if let Err(e) = copied {
        let _ = fs::remove_file(&staging);
        return Err(e.context("nothing was replaced: the current database is as it was"));
    }
    let mut kept = None;
    if live.exists() {
        // Fold the WAL into the main file so the kept file is complete on its own.
        let conn = open_connection(&live, OpenFlags::default())?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        drop(conn);
        let old = data.join(format!("{DB_FILE}.before-restore-{}", stamp(now)));
        if fs::hard_link(&live, &old).is_err() {
            copy_synced(&live, &old).with_context(|| {
                let _ = fs::remove_file(&old);
                let _ = fs::remove_file(&staging);
                format!("cannot keep a copy of {} (is the disk full?); nothing was replaced", live.display())
            })?;
        }
        for suffix in ["-wal", "-shm"] {
            let side = data.join(format!("{DB_FILE}{suffix}"));
            if side.exists() {
                fs::remove_file(&side).with_context(|| format!("cannot remove {}", side.display()))?;
            }
        }
        kept = Some(old);
    }
    fs::rename(&staging, &live)
        .with_context(|| format!("cannot put the restored database in place as {}", live.display()))?;
    sync_dir(data).with_context(|| format!("cannot flush the folder {}", data.display()))?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn file(at: &str) -> BackupFile {
        let t = ts(at);
        let name = format!("{NIGHTLY_PREFIX}{}{EXT}", stamp(t));
        BackupFile { path: PathBuf::from(&name), name, bytes: 1, taken_at: Some(t) }
    }

    #[test]
    fn names_round_trip_to_their_time() {
        let t = ts("2026-11-29T03:00:05Z");
        assert_eq!(parse_taken_at(&format!("nightly-{}.sqlite3", stamp(t))), Some(t));
        assert_eq!(parse_taken_at("notes.txt"), None);
    }

    #[test]
    fn retention_keeps_seven_days_and_four_weeks() {
        // 40 nightly backups, one a day, newest first.
        let start = ts("2026-11-29T03:00:00Z");
        let files: Vec<BackupFile> =
            (0..40).map(|d| file(&(start - jiff::SignedDuration::from_hours(24 * d)).to_string())).collect();
        let schedule = Schedule { hour: 3, keep_daily: 7, keep_weekly: 4 };
        let keep = kept(&files, &TimeZone::UTC, schedule);
        // The 7 newest days, plus the newest of each of 4 ISO weeks (the first overlaps the dailies).
        for f in &files[..7] {
            assert!(keep.contains(&f.name));
        }
        assert!(keep.len() >= 7 + 2 && keep.len() <= 7 + 4, "kept {}", keep.len());
        assert!(!keep.contains(&files[39].name));
    }
}
