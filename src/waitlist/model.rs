//! The waiting list's states. No I/O.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitStatus {
    /// In line for the time.
    Waiting,
    /// Offered the freed time, held until `offer_until`.
    Offered,
    /// Booked through the offer.
    Booked,
    /// The offer ran out, or the time began before it came free.
    Expired,
    /// The player (or the desk for them) left the list.
    Left,
}

impl WaitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitStatus::Waiting => "waiting",
            WaitStatus::Offered => "offered",
            WaitStatus::Booked => "booked",
            WaitStatus::Expired => "expired",
            WaitStatus::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<WaitStatus> {
        [WaitStatus::Waiting, WaitStatus::Offered, WaitStatus::Booked, WaitStatus::Expired, WaitStatus::Left]
            .into_iter()
            .find(|w| w.as_str() == s)
    }

    /// Still in line or holding an offer.
    pub fn is_live(self) -> bool {
        matches!(self, WaitStatus::Waiting | WaitStatus::Offered)
    }
}
