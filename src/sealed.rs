//! Small secrets kept in the database (the SMS provider's credential), sealed with AES-256-GCM
//! under a key derived from the data folder's `secret.key`. The command log's payloads and every
//! backup hold only the sealed form, useless without that file; a club restored onto a machine
//! with a different `secret.key` enters the credential again.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;

use crate::core::hex;

const PREFIX: &str = "sealed:v1:";

pub struct Sealer {
    cipher: Aes256Gcm,
}

/// The sealed text was made with another key (or is damaged).
#[derive(Debug, thiserror::Error)]
#[error("a stored secret cannot be opened with this data folder's secret.key")]
pub struct Unreadable;

impl Sealer {
    pub fn new(secret_key: &[u8]) -> Sealer {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"courtside"), secret_key)
            .expand(b"sealed secrets v1", &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Sealer { cipher: Aes256Gcm::new(&key.into()) }
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).expect("the operating system's random source failed");
        let sealed = self.cipher.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).expect("AES-GCM sealing");
        format!("{PREFIX}{}{}", hex(&nonce), hex(&sealed))
    }

    /// The plain text of a sealed secret.
    pub fn open(&self, sealed: &str) -> Result<String, Unreadable> {
        let bytes = unhex(sealed.strip_prefix(PREFIX).ok_or(Unreadable)?).ok_or(Unreadable)?;
        if bytes.len() < 12 {
            return Err(Unreadable);
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).map_err(|_| Unreadable)?;
        String::from_utf8(plain).map_err(|_| Unreadable)
    }
}

/// Whether `text` is in the sealed form (older databases hold the credential in plain text).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(PREFIX)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_same_key() {
        let sealer = Sealer::new(&[7u8; 64]);
        let sealed = sealer.seal("api-id-1234");
        assert!(is_sealed(&sealed) && !sealed.contains("api-id-1234"));
        assert_ne!(sealed, sealer.seal("api-id-1234"), "a fresh nonce each time");
        assert_eq!(sealer.open(&sealed).unwrap(), "api-id-1234");
        assert!(Sealer::new(&[8u8; 64]).open(&sealed).is_err(), "another data folder's key");
        assert!(sealer.open("api-id-1234").is_err() && sealer.open("sealed:v1:zz").is_err());
        let mut damaged = sealed.clone();
        damaged.replace_range(damaged.len() - 2.., "00");
        assert!(sealer.open(&damaged).is_err());
    }
}
