//! Login throttling. Failures are counted per (account, address): after a few, each further try
//! from that address must wait twice as long as the last, up to a cap. A stranger on the LAN
//! therefore slows down only their own guessing, never the owner at the front desk. An address
//! that fails for many accounts is stopped for a while (password spraying).
//!
//! Failures are remembered together with a tag of the account's stored password hash, so a
//! password reset from the console (or by a manager) starts the account afresh on every address,
//! and a freshly reset account is let through an address that is stopped: the owner can always
//! log in with the password the console gave.
//! Kept in memory: a restart forgives, which is acceptable for a LAN appliance and keeps failed
//! logins from writing to the database.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures of one account from one address that cost nothing.
    pub free_failures: u32,
    /// The first wait after the free failures; it doubles with each further failure...
    pub first_wait: SignedDuration,
    /// ...up to this.
    pub max_wait: SignedDuration,
    /// Failures from one address (any accounts) within `window` that stop the address.
    pub per_address: usize,
    pub window: SignedDuration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            free_failures: 3,
            first_wait: SignedDuration::from_secs(2),
            max_wait: SignedDuration::from_mins(15),
            per_address: 30,
            window: SignedDuration::from_mins(15),
        }
    }
}

/// Failures of one account from one address, since its password last changed.
struct Pair {
    failures: u32,
    last: Timestamp,
    password_tag: u64,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, String), Pair>,
    /// When each address failed, newest last, within the window.
    addresses: HashMap<String, VecDeque<Timestamp>>,
}

/// Bounds memory against a flood of made-up usernames and addresses.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct Throttle {
    limits: Limits,
    state: Mutex<State>,
}

fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// A short tag of a stored password hash (0 for an unknown account): it changes when the
/// password does.
pub fn password_tag(stored_hash: Option<&str>) -> u64 {
    use sha2::{Digest, Sha256};
    stored_hash.map_or(0, |h| {
        let d = Sha256::digest(h.as_bytes());
        u64::from_be_bytes(d[..8].try_into().expect("8 bytes"))
    })
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Throttle { limits, state: Mutex::default() }
    }

    fn wait_after(&self, failures: u32) -> SignedDuration {
        let over = failures.saturating_sub(self.limits.free_failures);
        if over == 0 {
            return SignedDuration::ZERO;
        }
        let factor = 2i32.saturating_pow(over.min(20) - 1);
        self.limits.first_wait.checked_mul(factor).unwrap_or(self.limits.max_wait).min(self.limits.max_wait)
    }

    /// `Err(wait)` when this attempt must be refused, with how long until one is allowed.
    /// `fresh_reset`: the account's password was just set by someone else (console, manager).
    pub fn check(
        &self,
        username: &str,
        ip: &str,
        password_tag: u64,
        fresh_reset: bool,
        now: Timestamp,
    ) -> Result<(), SignedDuration> {
        let account = account_key(username);
        let state = self.state.lock().expect("throttle lock");
        let mut wait = SignedDuration::ZERO;
        if let Some(pair) = state.pairs.get(&(account.clone(), ip.to_owned()))
            && pair.password_tag == password_tag
        {
            wait = wait.max(self.wait_after(pair.failures) - now.duration_since(pair.last));
        }
        if let Some(failures) = state.addresses.get(ip).filter(|_| !fresh_reset) {
            let counted: Vec<&Timestamp> =
                failures.iter().filter(|at| now.duration_since(**at) < self.limits.window).collect();
            if counted.len() >= self.limits.per_address {
                let oldest = counted[counted.len() - self.limits.per_address];
                wait = wait.max(self.limits.window - now.duration_since(*oldest));
            }
        }
        if wait > SignedDuration::ZERO { Err(wait) } else { Ok(()) }
    }

    pub fn failed(&self, username: &str, ip: &str, password_tag: u64, now: Timestamp) {
        let account = account_key(username);
        let mut state = self.state.lock().expect("throttle lock");
        let pair = state.pairs.entry((account.clone(), ip.to_owned())).or_insert(Pair {
            failures: 0,
            last: now,
            password_tag,
        });
        if pair.password_tag != password_tag || now.duration_since(pair.last) > self.limits.max_wait * 4 {
            *pair = Pair { failures: 0, last: now, password_tag };
        }
        pair.failures = pair.failures.saturating_add(1);
        pair.last = now;
        let window = self.limits.window;
        let keep = self.limits.per_address * 2;
        let failures = state.addresses.entry(ip.to_owned()).or_default();
        failures.retain(|at| now.duration_since(*at) < window);
        failures.push_back(now);
        while failures.len() > keep {
            failures.pop_front();
        }
        if state.pairs.len() > MAX_ENTRIES || state.addresses.len() > MAX_ENTRIES {
            let forget = self.limits.max_wait * 4;
            state.pairs.retain(|_, p| now.duration_since(p.last) < forget);
            state.addresses.retain(|_, f| f.back().is_some_and(|at| now.duration_since(*at) < window));
        }
    }

    /// A successful login clears that account's failures from that address.
    pub fn succeeded(&self, username: &str, ip: &str) {
        let mut state = self.state.lock().expect("throttle lock");
        state.pairs.remove(&(account_key(username), ip.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(sec: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + sec).unwrap()
    }

    const TAG: u64 = 42;

    #[test]
    fn failures_from_one_address_back_off_twice_as_long_each_time() {
        let t = Throttle::default();
        for s in 0..3 {
            assert!(t.check("anna", "10.0.0.1", TAG, false, at(s)).is_ok());
            t.failed("Anna", "10.0.0.1", TAG, at(s));
        }
        // The fourth failure costs 2 s, the fifth 4 s, the sixth 8 s.
        assert!(t.check("anna", "10.0.0.1", TAG, false, at(3)).is_ok());
        t.failed("anna", "10.0.0.1", TAG, at(3));
        assert_eq!(t.check("anna", "10.0.0.1", TAG, false, at(4)), Err(SignedDuration::from_secs(1)));
        t.failed("anna", "10.0.0.1", TAG, at(5));
        assert_eq!(t.check("anna", "10.0.0.1", TAG, false, at(5)), Err(SignedDuration::from_secs(4)));
        assert!(t.check("anna", "10.0.0.1", TAG, false, at(9)).is_ok());
        t.failed("anna", "10.0.0.1", TAG, at(9));
        assert_eq!(t.check("anna", "10.0.0.1", TAG, false, at(9)), Err(SignedDuration::from_secs(8)));
    }

    #[test]
    fn a_stranger_never_locks_the_account_for_another_address() {
        let t = Throttle::default();
        for s in 0..25 {
            t.failed("owner", "10.0.0.66", TAG, at(s * 10));
        }
        assert!(t.check("owner", "10.0.0.66", TAG, false, at(250)).is_err());
        assert!(t.check("owner", "10.0.0.2", TAG, false, at(250)).is_ok());
    }

    #[test]
    fn the_wait_is_capped() {
        let t = Throttle::default();
        for _ in 0..40 {
            t.failed("anna", "ip", TAG, at(0));
        }
        assert_eq!(t.check("anna", "ip", TAG, false, at(0)), Err(SignedDuration::from_mins(15)));
    }

    #[test]
    fn one_address_trying_many_accounts_is_stopped() {
        let t = Throttle::default();
        for n in 0..30 {
            t.failed(&format!("user{n}"), "10.0.0.9", 0, at(0));
        }
        assert!(t.check("someone-new", "10.0.0.9", 0, false, at(1)).is_err());
        assert!(t.check("someone-new", "10.0.0.8", 0, false, at(1)).is_ok());
        assert!(t.check("someone-new", "10.0.0.9", 0, false, at(15 * 60)).is_ok(), "the window passes");
    }

    #[test]
    fn a_password_reset_starts_the_account_afresh() {
        let t = Throttle::default();
        for _ in 0..10 {
            t.failed("owner", "10.0.0.1", TAG, at(0));
        }
        assert!(t.check("owner", "10.0.0.1", TAG, false, at(1)).is_err());
        assert!(t.check("owner", "10.0.0.1", TAG + 1, false, at(1)).is_ok(), "new password, new count");
    }

    #[test]
    fn a_freshly_reset_account_passes_a_stopped_address() {
        let t = Throttle::default();
        for n in 0..30 {
            t.failed(&format!("user{n}"), "10.0.0.1", 0, at(0));
        }
        assert!(t.check("owner", "10.0.0.1", TAG, false, at(1)).is_err());
        assert!(t.check("owner", "10.0.0.1", TAG, true, at(1)).is_ok());
    }

    #[test]
    fn success_clears_the_pair() {
        let t = Throttle::default();
        for _ in 0..5 {
            t.failed("anna", "ip", TAG, at(0));
        }
        t.succeeded("anna", "ip");
        t.failed("anna", "ip", TAG, at(1));
        assert!(t.check("anna", "ip", TAG, false, at(1)).is_ok());
    }
}
