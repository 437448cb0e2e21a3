//! Where "now" comes from. Production uses the system clock; tests use a fixed one they can move.

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place the real time is read
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to.
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().expect("clock lock");
        *now = now.checked_add(by).expect("clock overflow");
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

/// The real time, unless turned back to a moment in the past: `courtside demo` writes a club's
/// history at the times it happened, then carries on in the present.
#[derive(Default)]
pub struct TurnedClock(Mutex<Option<Timestamp>>);

impl TurnedClock {
    /// Shows `at` from now on (never a time ahead of the real one).
    pub fn turn_to(&self, at: Timestamp) {
        *self.0.lock().expect("clock lock") = Some(at.min(SystemClock.now()));
    }

    /// Shows the real time again.
    pub fn resume(&self) {
        *self.0.lock().expect("clock lock") = None;
    }
}

impl Clock for TurnedClock {
    fn now(&self) -> Timestamp {
        self.0.lock().expect("clock lock").unwrap_or_else(|| SystemClock.now())
    }
}
