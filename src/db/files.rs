//! The data folder's files as files: created private to the service user, the database file's
//! identity (so a deleted or replaced file is noticed), and the signs that a club lived here.

use std::fs;
use std::path::{Path, PathBuf};

/// Creates `dir` (and its parents) readable by this user only, where the system allows modes.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file that only this user can read (mode 0600); fails if it exists.
pub fn create_private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Which file a path names: device and inode where the system has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

pub fn file_id(path: &Path) -> std::io::Result<Option<FileId>> {
    let meta = fs::metadata(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(Some(FileId(meta.dev(), meta.ino())))
    }
    #[cfg(not(unix))]
    {
        // Windows refuses to delete or replace a file that is open, which is what this guards.
        let _ = meta;
        Ok(None)
    }
}

/// The database file is no longer the one opened at start.
#[derive(Debug, thiserror::Error)]
#[error(
    "the database file {} was {what} while Courtside was running, so nothing more is written. \
     Fix: stop Courtside, put the database file back or restore a backup (`courtside restore FILE`), then start it again.",
    path.display()
)]
pub struct FileChanged {
    pub path: PathBuf,
    pub what: &'static str,
}

/// Checks that `path` still names the file that was opened as `opened`.
pub fn still_the_same(path: &Path, opened: Option<FileId>) -> Result<(), FileChanged> {
    match file_id(path) {
        Ok(now) if now == opened => Ok(()),
        Ok(_) => Err(FileChanged { path: path.to_owned(), what: "replaced" }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(FileChanged { path: path.to_owned(), what: "deleted or moved" })
        }
        // Any other error (a flaky disk) shows in the database operation itself.
        Err(_) => Ok(()),
    }
}

/// What in the data folder shows that a club's database lived here, if anything.
pub fn earlier_club(data: &Path, backup_dir: &Path, db_file: &str) -> Option<String> {
    let restoring = data.join(format!("{db_file}.restoring"));
    if restoring.exists() {
        return Some(format!("an interrupted restore left {}", restoring.display()));
    }
    let kept = fs::read_dir(data)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(&format!("{db_file}.before-restore-")));
    if let Some(kept) = kept {
        return Some(format!("a restore kept the earlier database as {}", kept.path().display()));
    }
    let wal = data.join(format!("{db_file}-wal"));
    if wal.exists() {
        return Some(format!("its write-ahead log {} is there", wal.display()));
    }
    let key = crate::config::secret_key_path(data);
    if key.exists() {
        return Some(format!("its secret key {} is there", key.display()));
    }
    let backup = fs::read_dir(backup_dir).ok().and_then(|entries| {
        entries.filter_map(Result::ok).find(|e| e.file_name().to_string_lossy().ends_with(".sqlite3"))
    });
    backup.map(|b| format!("it holds the backup {}", b.path().display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_or_replaced_file_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        fs::write(&path, b"one").unwrap();
        let opened = file_id(&path).unwrap();
        assert!(still_the_same(&path, opened).is_ok());
        #[cfg(unix)]
        {
            // Made while the first still exists, so it cannot reuse its inode number.
            let other = dir.path().join("b.db");
            fs::write(&other, b"two").unwrap();
            let first = dir.path().join("a.db.old");
            fs::hard_link(&path, &first).unwrap();
            fs::rename(&other, &path).unwrap();
            assert_eq!(still_the_same(&path, opened).unwrap_err().what, "replaced");
        }
        fs::remove_file(&path).unwrap();
        assert_eq!(still_the_same(&path, opened).unwrap_err().what, "deleted or moved");
    }

    #[test]
    fn signs_of_an_earlier_club_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        assert_eq!(earlier_club(dir.path(), &backups, "courtside.db"), None);
        create_private_dir(&backups).unwrap();
        fs::write(backups.join("nightly-20261201T030000Z.sqlite3"), b"x").unwrap();
        assert!(earlier_club(dir.path(), &backups, "courtside.db").unwrap().contains("nightly-"));
        fs::write(dir.path().join("secret.key"), [0u8; 64]).unwrap();
        assert!(earlier_club(dir.path(), &backups, "courtside.db").unwrap().contains("secret key"));
        fs::write(dir.path().join("courtside.db.restoring"), b"x").unwrap();
        assert!(earlier_club(dir.path(), &backups, "courtside.db").unwrap().contains("interrupted restore"));
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders_have_private_modes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        create_private_dir(&sub).unwrap();
        assert_eq!(fs::metadata(&sub).unwrap().permissions().mode() & 0o777, 0o700);
        create_private_file(&sub.join("f")).unwrap();
        assert_eq!(fs::metadata(sub.join("f")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
