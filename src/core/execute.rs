use anyhow::Context;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::store::{self, StoredOutcome};
use super::{Command, CommandError, Ctx, Envelope, Rejection};
use crate::db::{self, Conn};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The command's writes are committed; `txn_seq` is the hub transaction that carries them
    /// (None when the command changed nothing that replicates).
    Applied {
        txn_seq: Option<i64>,
    },
    Rejected(Rejection),
}

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

/// Runs one command exactly once: validate and write in a single `BEGIN IMMEDIATE` transaction,
/// record the outcome, and return it. Running the same command id again returns the first
/// outcome and writes nothing. An `Err` means nothing was written or recorded (a fault, not a
/// decision), so the caller may retry with the same id.
pub fn execute<C: Command>(conn: &mut Conn, env: &Envelope<C>, now: Timestamp) -> anyhow::Result<Executed> {
    let payload = serde_json::to_string(&env.command).context("cannot serialise the command")?;
    let hash = payload_hash(&payload);
    let id = env.id.to_string();
    let mut tx = db::immediate(conn)?;

    if let Some(previous) = store::outcome_of(&tx, &id)? {
        if previous.payload_hash != hash {
            anyhow::bail!("command id {id} was reused for a different command");
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
                let mut h = Sha256::new();
                h.update(prev.as_bytes());
                h.update(txn_seq.to_be_bytes());
                for row in &changes {
                    h.update(row.as_bytes());
                    h.update([0u8]);
                }
                let hash = hex(&h.finalize());
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
        &StoredOutcome { outcome: outcome.clone(), payload_hash: hash.clone() },
    )?;
    tx.commit()?;
    Ok(Executed { outcome, first_time: true })
}
