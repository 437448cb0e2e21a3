//! The one write path. Every change to club data is a `Command` wrapped in an `Envelope`
//! (id, actor, origin, issue time) and run by `execute`, which validates and writes in one
//! transaction, records the outcome, and lets the generated triggers fill the change log.
//! Nothing here knows about HTTP or HTML.

mod actor;
mod execute;
mod store;

pub use actor::{Actor, MAIN_TILL, Origin, Role};
pub(crate) use execute::hex;
pub use execute::{
    Batch, Executed, KeyReused, acknowledge_in, execute, execute_batch, execute_in, execute_submitted, refuse_in,
};
pub use store::{
    CommandFilter, CommandRecord, command_count, command_record, commands_mentioning, decided, desk_decisions,
    head_txn_seq, last_desk_seq, list_commands,
};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The shape of recorded command payloads; a desk sends it with every command, and a change that
/// old payloads would not read back the same bumps it.
pub const PAYLOAD_VERSION: i64 = 1;

/// A command with everything needed to execute it exactly once and to audit it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<C> {
    pub id: Uuid,
    pub actor: Actor,
    pub origin: Origin,
    pub issued_at: Timestamp,
    /// A desk's own count of the commands it has issued (with `Origin::Desk`), gapless from 1.
    #[serde(default)]
    pub desk_seq: Option<i64>,
    pub command: C,
}

impl<C> Envelope<C> {
    /// A new command issued now on the hub, with a fresh UUIDv7 id.
    pub fn new(actor: Actor, command: C, now: Timestamp) -> Self {
        Self::with_id(Uuid::now_v7(), actor, command, now)
    }

    /// A command whose id was chosen earlier (a form's hidden id, an API Idempotency-Key), so a
    /// retry of the same submission is recognised.
    pub fn with_id(id: Uuid, actor: Actor, command: C, now: Timestamp) -> Self {
        Self { id, actor, origin: Origin::Hub, issued_at: now, desk_seq: None, command }
    }
}

/// What a command does, written in one place per area. `apply` validates against the current
/// state and writes through its area's store; returning a rejection rolls every write back.
pub trait Command: Serialize {
    /// Stable name recorded in the audit log (`create_staff_user`).
    fn kind(&self) -> &'static str;
    /// A short, secret-free description for the audit page.
    fn summary(&self) -> String;
    fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError>;
}

/// One request that asks for a command: the command id its key names (a form's hidden id, an
/// API Idempotency-Key scoped to the caller and route) and a fingerprint of what was sent (who,
/// where, with what body). The same id with the same fingerprint is a retry and gets the first
/// outcome; the same id with another fingerprint is refused (`KeyReused`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: Uuid,
    pub fingerprint: String,
}

impl Submission {
    /// Hashes the parts that make a request what it is into a fingerprint.
    pub fn new(id: Uuid, parts: &[&[u8]]) -> Submission {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        Submission { id, fingerprint: execute::hex(&h.finalize()) }
    }
}

/// Where a command runs: on the hub, which decides, or on a desk as a tentative run over its
/// replica until the hub's decision arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Hub,
    Desk,
}

/// How long after it was issued a desk's command may still be judged at the time it was issued,
/// and how far ahead of the hub a desk's clock may run.
const DESK_DELAY: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);
const DESK_CLOCK_AHEAD: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);

/// What a command sees while it runs.
pub struct Ctx<'a> {
    pub tx: &'a crate::db::Conn,
    pub actor: &'a Actor,
    /// The hub's clock now: what instants stored in rows record.
    pub now: Timestamp,
    pub command_id: Uuid,
    /// When the command was issued, by the clock of the machine that issued it.
    pub issued_at: Timestamp,
    pub origin: &'a Origin,
    pub site: Site,
}

impl Ctx<'_> {
    /// Whether this run decides: only the hub writes its own tables (the SMS outbox, sessions,
    /// tokens, the provider row), and only once a command is decided there.
    pub fn on_hub(&self) -> bool {
        self.site == Site::Hub
    }

    /// When the act happened, for the rules that depend on the time of day: a cancellation's
    /// fee window, the check-in window, whether a pass was valid. On the hub that is now; for a
    /// desk's command it is when the desk issued it, so a check-in done at the desk while the
    /// network was down is judged when it happened, unless the desk's clock is not believable
    /// (ahead of the hub, or more than a week behind).
    pub fn acted_at(&self) -> Timestamp {
        let believable = self.now - DESK_DELAY <= self.issued_at && self.issued_at <= self.now + DESK_CLOCK_AHEAD;
        match self.origin {
            Origin::Desk(_) if believable => self.issued_at,
            _ => self.now,
        }
    }
}

/// What became of a command: applied, or refused with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The command's writes are committed; `txn_seq` is the hub transaction that carries them
    /// (None when the command changed nothing that replicates).
    Applied {
        txn_seq: Option<i64>,
    },
    Rejected(Rejection),
}

/// Why a command was refused, as a message id (translated when shown) with arguments and,
/// when it is about one form field, that field's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: String,
    pub field: Option<String>,
    pub args: Vec<(String, String)>,
}

impl Rejection {
    pub fn new(code: &str) -> Self {
        Self { code: code.to_owned(), field: None, args: Vec::new() }
    }

    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("rejected: {}", .0.code)]
    Rejected(Rejection),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<Rejection> for CommandError {
    fn from(r: Rejection) -> Self {
        CommandError::Rejected(r)
    }
}

impl From<crate::db::SqlError> for CommandError {
    fn from(e: crate::db::SqlError) -> Self {
        CommandError::Failed(e.into())
    }
}

/// Runs a command's decision without writing anything, as `actor` at `now` over the current
/// state: what a preview shows (which dates of a series can be booked). `conn` is a read
/// connection, so any write would be refused by the change-log triggers. A refusal is a
/// decision (`Ok(Err)`); only a fault is an `Err`.
pub fn dry_run<T>(
    conn: &crate::db::Conn,
    actor: &Actor,
    now: Timestamp,
    decide: impl FnOnce(&Ctx<'_>) -> Result<T, CommandError>,
) -> anyhow::Result<Result<T, Rejection>> {
    let ctx =
        Ctx { tx: conn, actor, now, command_id: Uuid::nil(), issued_at: now, origin: &Origin::Hub, site: Site::Hub };
    match decide(&ctx) {
        Ok(value) => Ok(Ok(value)),
        Err(CommandError::Rejected(r)) => Ok(Err(r)),
        Err(CommandError::Failed(e)) => Err(e),
    }
}

/// Refuses to create an entity under an id that is already taken (`existing` is what a store
/// found under it): a command id reused for another command's entity, never silently merged.
pub fn id_is_new<T>(existing: Option<T>) -> Result<(), Rejection> {
    match existing {
        Some(_) => Err(Rejection::new("id-taken")),
        None => Ok(()),
    }
}

/// Shorthand for "refuse unless the actor holds at least `role`".
pub fn require(actor: &Actor, role: Role) -> Result<(), Rejection> {
    if actor.at_least(role) { Ok(()) } else { Err(Rejection::new("not-allowed")) }
}
