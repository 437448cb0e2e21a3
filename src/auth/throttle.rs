//! Login throttling: too many failures for one account, or from one address, within a window
//! lock further attempts for a while. Kept in memory: a restart forgives, which is acceptable
//! for a LAN appliance and keeps failed logins from writing to the database.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_account: usize,
    pub per_ip: usize,
    pub window: SignedDuration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { per_account: 5, per_ip: 20, window: SignedDuration::from_mins(15) }
    }
}

#[derive(Default)]
pub struct Throttle {
    limits: Limits,
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
}

fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Throttle { limits, failures: Mutex::default() }
    }

    /// `Err(wait)` when this attempt must be refused, with how long until one is allowed.
    pub fn check(&self, username: &str, ip: &str, now: Timestamp) -> Result<(), SignedDuration> {
        let mut map = self.failures.lock().expect("throttle lock");
        let mut wait = SignedDuration::ZERO;
        for (key, limit) in [(account_key(username), self.limits.per_account), (ip_key(ip), self.limits.per_ip)] {
            if let Some(times) = map.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < self.limits.window);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    wait = wait.max(self.limits.window - now.duration_since(oldest));
                }
            }
        }
        if wait > SignedDuration::ZERO { Err(wait) } else { Ok(()) }
    }

    pub fn failed(&self, username: &str, ip: &str, now: Timestamp) {
        let mut map = self.failures.lock().expect("throttle lock");
        for key in [account_key(username), ip_key(ip)] {
            map.entry(key).or_default().push(now);
        }
        // Keep memory bounded against a flood of made-up usernames.
        if map.len() > 10_000 {
            let window = self.limits.window;
            map.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < window));
        }
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn succeeded(&self, username: &str) {
        self.failures.lock().expect("throttle lock").remove(&account_key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + min * 60).unwrap()
    }

    #[test]
    fn five_failures_lock_the_account_for_the_rest_of_the_window() {
        let t = Throttle::default();
        for m in 0..5 {
            assert!(t.check("anna", "10.0.0.1", at(m)).is_ok());
            t.failed("Anna", "10.0.0.1", at(m));
        }
        let wait = t.check("anna", "10.0.0.2", at(5)).unwrap_err();
        assert_eq!(wait, SignedDuration::from_mins(10));
        assert!(t.check("boris", "10.0.0.2", at(5)).is_ok(), "other accounts are not affected");
        assert!(t.check("anna", "10.0.0.1", at(15)).is_ok(), "the oldest failure has left the window");
    }

    #[test]
    fn one_address_trying_many_accounts_is_stopped() {
        let t = Throttle::default();
        for n in 0..20 {
            t.failed(&format!("user{n}"), "10.0.0.9", at(0));
        }
        assert!(t.check("someone-new", "10.0.0.9", at(1)).is_err());
        assert!(t.check("someone-new", "10.0.0.8", at(1)).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let t = Throttle::default();
        for _ in 0..4 {
            t.failed("anna", "ip", at(0));
        }
        t.succeeded("anna");
        t.failed("anna", "ip", at(1));
        assert!(t.check("anna", "ip", at(1)).is_ok());
    }
}
