//! The messages hub and desks exchange on the sync link (docs/sync-protocol.md, "Desks"): JSON
//! objects tagged by `t`. A message this version does not know ends the link with a clear reason;
//! fields it does not know are ignored.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::LogTxn;
use crate::commands::AnyCommand;
use crate::core::{Envelope, Outcome, Rejection};

/// The protocol's version: hub and desk speak only the same one. 2: `behind_retention`; 3:
/// `far_behind`.
pub const PROTO: u32 = 3;

/// At most this many transactions go in one `txns` message (and one apply on the desk): a desk
/// catching up commits once a message, so fewer, larger ones are faster (about 2 MB of JSON for
/// the usual transactions of one to three rows).
pub const TXNS_PER_MESSAGE: i64 = 2000;

/// And no more once their row images pass this many bytes: a run of large transactions (a
/// season's weekly series is about 50 KB each) would otherwise make a message the desk refuses
/// (`MAX_MESSAGE`) and a desk that never catches up.
pub const MESSAGE_ROW_BYTES: usize = 4 << 20;

/// The largest message either side reads.
pub const MAX_MESSAGE: usize = 16 << 20;

/// At most this many commands go in one `push`.
pub const COMMANDS_PER_PUSH: usize = 100;

/// What the desk sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ToHub {
    /// The first message of every link: who the desk is comes from its credential, not from here.
    Hello {
        proto: u32,
        app_version: String,
        schema_fp: String,
        /// The history the desk's replica holds, and its confirmed position in it (none before
        /// the first snapshot).
        log_id: Option<String>,
        applied: i64,
        applied_hash: String,
        /// The desk's commands are known decided up to this `desk_seq`.
        decided_upto: i64,
        pending: i64,
    },
    /// Pending commands, in `desk_seq` order.
    Push {
        cmds: Vec<Envelope<AnyCommand>>,
    },
    /// Progress after applying: what the hub shows as the desk's lag and queue.
    Ack {
        applied: i64,
        pending: i64,
    },
    Ping {
        nonce: u64,
    },
    /// Asks for a snapshot file from `offset` (resuming a download that was cut); the hub sends
    /// the rest as binary frames.
    SnapshotPart {
        name: String,
        offset: u64,
    },
    /// A desk that is not paired yet shows its pairing code (the secret part) and its name.
    Pair {
        code: String,
        name: String,
    },
}

/// What the hub sends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ToDesk {
    /// The link is up; the decisions the desk had not heard of follow at once, then the log.
    /// `desk_seq`: the desk's last command the hub has decided.
    Welcome {
        log_id: String,
        head: i64,
        hub_ts: i64,
        desk_seq: i64,
        decisions: Vec<Decision>,
    },
    /// The desk's replica cannot follow this history from where it is: take this snapshot.
    Snapshot {
        reason: SnapshotReason,
        info: SnapshotInfo,
    },
    /// Hub and desk run different versions: nothing is exchanged until the desk is upgraded.
    Upgrade {
        hub_version: String,
        hub_proto: u32,
        hub_schema_fp: String,
    },
    /// Consecutive transactions of the log, each whole.
    Txns {
        txns: Vec<LogTxn>,
    },
    /// Everything up to `head` has been sent.
    CaughtUp {
        head: i64,
    },
    Decided {
        decisions: Vec<Decision>,
    },
    /// The push skipped a number: send again from `expected`.
    PushNack {
        expected: i64,
    },
    Pong {
        nonce: u64,
        head: i64,
        hub_ts: i64,
    },
    /// Paired: the desk's id and secret, shown only now.
    Paired {
        desk_id: String,
        secret: String,
        club: String,
    },
    /// The hub closes the link, and why.
    Bye {
        code: ByeCode,
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotReason {
    NewDesk,
    LogChanged,
    AheadOfHub,
    HashMismatch,
    /// The desk's position is older than the log the hub keeps (retention removed the rest).
    BehindRetention,
    /// The desk is so far behind that a snapshot is quicker than the log.
    FarBehind,
    /// The desk was told by its own checks that its replica is unusable.
    Asked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// The file's name on the hub: `log_id`, position and hash make it immutable.
    pub name: String,
    pub log_id: String,
    pub txn_seq: i64,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ByeCode {
    Revoked,
    ShuttingDown,
    Protocol,
    Unknown,
}

/// The hub's decision on one of a desk's commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub command_id: Uuid,
    pub desk_seq: i64,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    /// Done as asked; `txn_seq` carries its writes (none when it changed nothing).
    Applied { txn_seq: Option<i64> },
    /// Refused: a claim lost, or a fact that could not be recorded even as a credit.
    Refused { rejection: Rejection },
    /// A fact whose object was gone (a payment for a booking the desk lost): the money was
    /// recorded another way (credited to the member's account), by the command `by`.
    Compensated { rejection: Rejection, by: Uuid, txn_seq: Option<i64> },
}

impl Verdict {
    pub fn of(outcome: &Outcome) -> Verdict {
        match outcome {
            Outcome::Applied { txn_seq } => Verdict::Applied { txn_seq: *txn_seq },
            Outcome::Rejected(r) => Verdict::Refused { rejection: r.clone() },
        }
    }

    /// The transaction that carries the verdict's writes, if any.
    pub fn txn_seq(&self) -> Option<i64> {
        match self {
            Verdict::Applied { txn_seq } | Verdict::Compensated { txn_seq, .. } => *txn_seq,
            Verdict::Refused { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_json_and_read_back() {
        let msg = ToDesk::PushNack { expected: 7 };
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(text, r#"{"t":"push_nack","expected":7}"#);
        let verdict = Verdict::Refused { rejection: Rejection::new("booking-overlap") };
        let text = serde_json::to_string(&verdict).unwrap();
        assert!(text.starts_with(r#"{"status":"refused""#), "{text}");
        assert!(serde_json::from_str::<ToHub>(r#"{"t":"ping","nonce":1,"later":true}"#).is_ok());
        assert!(serde_json::from_str::<ToHub>(r#"{"t":"dance"}"#).is_err());
    }
}
