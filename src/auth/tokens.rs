//! Random secrets (session tokens, CSRF tokens, API tokens, the setup token) and how they are
//! stored: only a SHA-256 of each secret ever reaches the database.

use sha2::{Digest, Sha256};

use crate::core::hex;

/// 256 random bits as 64 hex characters.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    hex(&bytes)
}

pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// API tokens carry a recognisable prefix so a leaked one is easy to spot in a script or log.
pub const API_TOKEN_PREFIX: &str = "cst_";

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", new_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_hashed() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &new_secret()));
        assert!(new_api_token().starts_with(API_TOKEN_PREFIX));
    }
}
