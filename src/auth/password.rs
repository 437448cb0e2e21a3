//! Password hashing with argon2id. Each hash holds `M_COST` KiB for its whole run, so hashes
//! made for requests go through `gate::HashGate`, which bounds how many run at once.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use super::gate::{Busy, HashGate};

/// OWASP's argon2id option for small machines: 9 MiB and 4 passes, as strong as the crate's
/// default (19 MiB, 2 passes) against guessing, at half the memory a Pi holds per hash.
const M_COST_KIB: u32 = 9 * 1024;
const T_COST: u32 = 4;

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Checks `password` against a stored hash, with the parameters that hash was made with.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Hashes a new password for a request from `client`, through the gate.
pub async fn hash_gated(gate: &HashGate, client: &str, password: String) -> anyhow::Result<String> {
    gate.run(client, move || hash(&password)).await?
}

/// Checks a password typed in a request from `client`, through the gate. Without a stored hash
/// (no such account) it spends the same time and answers false.
pub async fn verify_gated(
    gate: &HashGate,
    client: &str,
    password: String,
    stored: Option<String>,
) -> Result<bool, Busy> {
    gate.run(client, move || match stored {
        Some(stored) => verify(&password, &stored),
        None => {
            verify_nothing(&password);
            false
        }
    })
    .await
}

/// Spends the same time as a real check, so a login for an unknown user is not faster.
fn verify_nothing(password: &str) {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("courtside-timing-equaliser").expect("hash"));
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_argon2id_with_small_machine_parameters_and_verify() {
        let h = super::hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=9216,t=4,p=1$"), "{h}");
        assert!(super::verify("correct horse battery", &h));
        assert!(!super::verify("Correct horse battery", &h));
        assert!(!super::verify("x", "not a hash"));
    }

    #[test]
    fn hashes_made_with_the_earlier_parameters_still_verify() {
        let old = argon2::Argon2::default();
        let h = argon2::password_hash::PasswordHasher::hash_password(&old, b"an older password").unwrap().to_string();
        assert!(h.contains("m=19456,t=2"), "{h}");
        assert!(super::verify("an older password", &h));
        assert!(!super::verify("another password", &h));
    }
}
