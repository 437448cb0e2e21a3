//! Rocket's cookie-encryption key: 64 random bytes, generated on first start and kept in the
//! data folder, readable by the service user only.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

pub fn load_or_create(path: &Path) -> anyhow::Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) if bytes.len() == 64 => return Ok(bytes),
        Ok(_) => bail!(
            "the secret key {} is damaged. Fix: delete it; a new one is made at the next start (everyone logs in again).",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read the secret key {}", path.display())),
    }
    let mut key = vec![0u8; 64];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("the operating system's random source failed: {e}"))?;
    let mut file = crate::db::files::create_private_file(path)
        .with_context(|| format!("cannot create the secret key {}", path.display()))?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_once_then_reused_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let first = super::load_or_create(&path).unwrap();
        assert_eq!(first, super::load_or_create(&path).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
