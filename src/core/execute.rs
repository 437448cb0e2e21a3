use anyhow::Context;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::store::{self, StoredOutcome};
use super::{Command, CommandError, Ctx, Envelope, Outcome};
use crate::db::{self, Conn};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    pub outcome: Outcome,
    /// False when this command id had been executed before and its first outcome is returned.
    pub first_time: bool,
}

fn payload_hash(payload: &str) -> String {
    hex(&Sha256::digest(payload.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A command id was sent again with something else than the first time: another body, caller
/// or route under the same Idempotency-Key or form id. Nothing is executed; the first outcome is
/// not handed out either, since it answered a different request.
#[derive(Debug, thiserror::Error)]
#[error("the command id {id} was already used for a different request")]
pub struct KeyReused {
    pub id: String,
}

/// Runs one command exactly once: validate and write in a single `BEGIN IMMEDIATE` transaction,
/// record the outcome, and return it. Running the same command id again returns the first
/// outcome and writes nothing. An `Err` means nothing was written or recorded (a fault, not a
/// decision), so the caller may retry with the same id.
///
/// `fingerprint` identifies what the caller sent under this id (see `Submission`); commands
/// that come whole (desks, the console, jobs) are identified by their own payload.
pub fn execute<C: Command>(conn: &mut Conn, env: &Envelope<C>, now: Timestamp) -> anyhow::Result<Executed> {
    execute_submitted(conn, env, None, now)
}

/// `execute` for a command built from a request: a repeat is recognised by the request's
/// `fingerprint`, since a rebuilt command may differ (fresh ids, a new password salt).
pub fn execute_submitted<C: Command>(
    conn: &mut Conn,
    env: &Envelope<C>,
    fingerprint: Option<&str>,
    now: Timestamp,
) -> anyhow::Result<Executed> {
    let payload = serde_json::to_string(&env.command).context("cannot serialise the command")?;
    let hash = payload_hash(&payload);
    let request_hash = fingerprint.unwrap_or(&hash);
    let id = env.id.to_string();
    let mut tx = db::immediate(conn)?;

    if let Some(previous) = store::outcome_of(&tx, &id)? {
        if previous.request_hash != request_hash {
            return Err(KeyReused { id }.into());
        }
        return Ok(Executed { outcome: previous.outcome, first_time: false });
    }

    let txn_seq = store::head_txn_seq(&tx)? + 1;
    store::open_write_context(&tx, txn_seq, &id)?;
    let decision = {
        let sp = tx.savepoint()?;
        let ctx = Ctx { tx: &sp, actor: &env.actor, now, command_id: env.id };
        match env.command.apply(&ctx) {
            Ok(()) => {
                sp.commit()?;
                Ok(())
            }
            // Dropping the savepoint rolls back every write the command made.
            Err(CommandError::Rejected(r)) => Err(r),
            Err(CommandError::Failed(e)) => return Err(e.context(format!("command {} failed", env.command.kind()))),
        }
    };
    store::close_write_context(&tx)?;

    let outcome = match decision {
        Ok(()) => {
            let changes = store::change_rows(&tx, txn_seq)?;
            let carried = if changes.is_empty() {
                None
            } else {
                let prev = store::head_hash(&tx)?;
                let hash = db::changelog::txn_hash(&prev, txn_seq, &changes);
                store::record_txn(&tx, txn_seq, now, &id, &env.origin.to_string(), env.actor.user_id(), &prev, &hash)?;
                Some(txn_seq)
            };
            Outcome::Applied { txn_seq: carried }
        }
        Err(rejection) => Outcome::Rejected(rejection),
    };
    store::record_command(
        &tx,
        &id,
        env.command.kind(),
        &payload,
        &hash,
        env,
        now,
        &StoredOutcome { outcome: outcome.clone(), request_hash: request_hash.to_owned() },
    )?;
    tx.commit()?;
    Ok(Executed { outcome, first_time: true })
}
