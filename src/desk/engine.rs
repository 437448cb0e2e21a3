//! A desk's side of sync, without the transport: commands taken at this desk (journaled first,
//! then run tentatively over the replica), the hub's transactions applied under them (undo the
//! tentative work, apply, run again what is still undecided: one SQLite transaction, so pages
//! never see the state in between), and the hub's verdicts recorded, with the refusals no one saw
//! kept as conflicts for staff.
//!
//! The tentative layer is always derived from the journal: whatever happens to the replica (a
//! crash, a new snapshot), undoing and running the unconfirmed commands again rebuilds it.

use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use uuid::Uuid;

use super::store::{journal, replica, resolutions};
use crate::commands::{AnyCommand, Class};
use crate::core::{self, Envelope, Origin, Outcome, Rejection, Site};
use crate::db::{self, Conn, changelog};
use crate::sync::apply::{Applier, ApplyError};
use crate::sync::protocol::{COMMANDS_PER_PUSH, Decision, PROTO, ToHub, Verdict};
use crate::sync::{LogTxn, store as log};

/// SQLite's cache while the hub's log is applied (negative: in KiB).
const CATCH_UP_CACHE: i64 = -32_000;

/// Pages of write-ahead log after which SQLite copies it into the database while the hub's log
/// is applied (its default, used otherwise, is 1,000).
const CATCH_UP_CHECKPOINT: i64 = 10_000;

/// What became of a command taken at the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issued {
    /// Refused here, before anything was kept or sent (the replica says no).
    Refused(Rejection),
    /// Kept in the journal and shown tentatively: the hub decides when it hears of it.
    Pending { command_id: Uuid },
}

/// What applying the hub's transactions did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rebased {
    /// Whether tentative work was taken off and done again (rows open pages show may differ at
    /// the same log position: they start again).
    pub undone: bool,
    /// Undecided commands that no longer pass over the new state: the hub will most likely
    /// refuse them.
    pub likely_refused: usize,
}

pub struct Engine {
    pub desk_id: String,
    /// Knows the replica's columns; made again when a new snapshot replaces the replica.
    applier: std::sync::RwLock<Applier>,
    journal: Mutex<Conn>,
    /// The schema this program's code expects: what it tells the hub in its hello.
    schema_fp: String,
}

impl Engine {
    /// Opens the desk's journal and readies its replica for tentative work.
    pub fn open(desk_id: &str, journal_path: &Path, replica: &Conn) -> anyhow::Result<Engine> {
        replica::prepare(replica)?;
        Ok(Engine {
            desk_id: desk_id.to_owned(),
            applier: std::sync::RwLock::new(Applier::new(replica)?),
            journal: Mutex::new(journal::open(journal_path)?),
            schema_fp: own_schema_fingerprint()?,
        })
    }

    /// After a new replica file took the old one's place.
    pub fn replica_replaced(&self, replica: &mut Conn, now: Timestamp) -> anyhow::Result<()> {
        replica::prepare(replica)?;
        *self.applier.write().expect("applier") = Applier::new(replica)?;
        self.rebase(replica, &[], now)?;
        Ok(())
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Conn> {
        self.journal.lock().expect("desk journal")
    }

    /// Takes a command at this desk: refused at once if the replica says no; otherwise journaled
    /// (durably, before anything is sent) and run tentatively.
    pub fn issue(&self, replica: &mut Conn, mut env: Envelope<AnyCommand>, now: Timestamp) -> anyhow::Result<Issued> {
        if env.command.class() == Class::HubOnly {
            return Ok(Issued::Refused(Rejection::new("desk-hub-only")));
        }
        let journal = self.journal();
        // A form sent twice (a double click, a retry after a timeout) is the same command.
        if let Some((state, verdict)) = journal::verdict_of(&journal, env.id)? {
            return Ok(match (state.as_str(), verdict) {
                ("refused", Some(Verdict::Refused { rejection })) => Issued::Refused(rejection),
                _ => Issued::Pending { command_id: env.id },
            });
        }
        env.origin = Origin::Desk(self.desk_id.clone());
        env.desk_seq = Some(journal::next_desk_seq(&journal)?);
        let mut tx = db::immediate(replica)?;
        match core::execute_in(&mut tx, &env, None, Site::Desk, now)? {
            Err(reused) => Err(reused.into()),
            // Dropping the transaction leaves the replica as it was; nothing was journaled.
            Ok(done) => match done.outcome {
                Outcome::Rejected(r) => Ok(Issued::Refused(r)),
                Outcome::Applied { .. } => {
                    journal::insert(&journal, &env)?;
                    crate::pause::at("desk-journaled");
                    tx.commit()?;
                    Ok(Issued::Pending { command_id: env.id })
                }
            },
        }
    }

    /// Applies the hub's transactions `incoming` (consecutive, from the confirmed position) under
    /// this desk's tentative work. A transaction that does not follow (a gap, another history, a
    /// broken link) stops it with nothing applied: the link must start again from the confirmed
    /// position, or from a snapshot.
    pub fn rebase(&self, replica: &mut Conn, incoming: &[LogTxn], now: Timestamp) -> Result<Rebased, RebaseError> {
        let journal = self.journal();
        // A batch of the hub's log touches more pages than the usual cache holds; a larger one
        // while it is applied saves reading and spilling them again and again. No sync to disk
        // at its commit: whatever a power cut takes from the replica comes again from the hub,
        // and the desk's own commands were made durable in the journal before they ran. And the
        // write-ahead log is copied into the database less often (every 40 MB, not 4 MB): a
        // desk catching up rewrites the same pages batch after batch.
        replica.execute_batch(&format!(
            "PRAGMA cache_size = {CATCH_UP_CACHE}; PRAGMA synchronous = NORMAL; \
             PRAGMA wal_autocheckpoint = {CATCH_UP_CHECKPOINT};"
        ))?;
        let rebased = self.rebase_in(replica, &journal, incoming, now);
        // Whatever became of it: the connection goes back to the pool as it came.
        replica.execute_batch(&format!(
            "PRAGMA cache_size = {}; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; \
             PRAGMA ignore_check_constraints = OFF;",
            db::CACHE_SIZE
        ))?;
        rebased
    }

    fn rebase_in(
        &self,
        replica: &mut Conn,
        journal: &Conn,
        incoming: &[LogTxn],
        now: Timestamp,
    ) -> Result<Rebased, RebaseError> {
        let mut tx = db::immediate(replica)?;
        // What is undone and applied are rows the hub's checks passed (the chain vouches for
        // them): SQLite's CHECKs need not run again, and their `IN` lists cost a temporary
        // index on every row. The desk's own commands, run again below, are checked.
        tx.pragma_update(None, "ignore_check_constraints", true)?;
        let (confirmed, hash) = replica::confirmed(&tx)?;
        let undone = self.undo(&tx, confirmed, &hash)?;
        let applier = self.applier.read().expect("applier");
        let fresh = incoming.iter().position(|t| t.txn_seq > confirmed).unwrap_or(incoming.len());
        applier.apply(&tx, &incoming[fresh..])?;
        tx.pragma_update(None, "ignore_check_constraints", false)?;
        if fresh < incoming.len() {
            crate::pause::at("desk-applying");
        }
        drop(applier);
        let (head, head_hash) = changelog::head(&tx)?;
        replica::set_confirmed(&tx, head, &head_hash)?;
        let mut rebased = Rebased { undone, ..Rebased::default() };
        for entry in journal::unconfirmed(journal, head)? {
            let id = entry.envelope.id.to_string();
            if replica::confirmed_in_log(&tx, &id, head)? {
                continue;
            }
            match core::execute_in(&mut tx, &entry.envelope, None, Site::Desk, now)? {
                Ok(done) if matches!(done.outcome, Outcome::Rejected(_)) => rebased.likely_refused += 1,
                Ok(_) => {}
                Err(reused) => tracing::error!(error = %reused, "a journaled command no longer matches its record"),
            }
        }
        tx.commit()?;
        take_resolutions(replica, journal)?;
        Ok(rebased)
    }

    /// Puts every row tentative work changed back to its confirmed image, and the log back to the
    /// confirmed position. Rows are removed first and put back after, so every state in between
    /// is a part of the confirmed one and no rule of the schema (no overlap, unique names) trips.
    fn undo(&self, tx: &Conn, confirmed: i64, hash: &str) -> Result<bool, RebaseError> {
        let rows = replica::tentative_rows(tx, confirmed)?;
        if rows.is_empty() && changelog::head(tx)?.0 == confirmed {
            return Ok(false);
        }
        replica::begin_undo(tx, confirmed)?;
        for (tbl, pk) in &rows {
            replica::remove_row(tx, tbl, pk)?;
        }
        for (tbl, pk) in &rows {
            if let Some(image) = replica::confirmed_image(tx, tbl, pk, confirmed)? {
                self.applier.read().expect("applier").put_image(tx, tbl, pk, &image)?;
            }
        }
        replica::end_undo(tx, confirmed, hash)?;
        Ok(true)
    }

    /// Records the hub's verdicts. A refusal is a conflict for staff unless `shown` says someone
    /// saw it as it was made (a receptionist waiting for the hub's answer); a compensation always
    /// is. Refused work is then taken off the replica.
    pub fn decided(
        &self,
        replica: &mut Conn,
        decisions: &[Decision],
        shown: &dyn Fn(Uuid) -> bool,
        now: Timestamp,
    ) -> Result<Rebased, RebaseError> {
        let mut undo = false;
        {
            let journal = self.journal();
            for d in decisions {
                let conflict = match &d.verdict {
                    Verdict::Applied { .. } => false,
                    Verdict::Refused { .. } => !shown(d.command_id),
                    Verdict::Compensated { .. } => true,
                };
                undo |= !matches!(d.verdict, Verdict::Applied { .. });
                if !journal::record_verdict(&journal, d.command_id, &d.verdict, conflict, now)? {
                    tracing::warn!(command = %d.command_id, "the hub decided a command this desk has no record of");
                }
            }
        }
        if undo {
            return self.rebase(replica, &[], now);
        }
        Ok(Rebased::default())
    }

    /// Makes this desk's replica the club's new hub database (the hub PC died for good): the
    /// tentative work is undone, the replica becomes a hub's database with a new history, and every
    /// command of the journal the old hub's log does not show is decided here, in order, as the
    /// hub would. Returns how many were applied and refused.
    pub fn promote(&self, replica: &mut Conn, now: Timestamp) -> anyhow::Result<(usize, usize)> {
        let journal = self.journal();
        let confirmed = {
            let tx = db::immediate(replica)?;
            let (confirmed, hash) = replica::confirmed(&tx)?;
            self.undo(&tx, confirmed, &hash)?;
            replica::unprepare(&tx)?;
            changelog::rotate_log_id(&tx)?;
            tx.commit()?;
            confirmed
        };
        let (mut applied, mut refused) = (0, 0);
        for entry in journal::unconfirmed(&journal, confirmed)? {
            let id = entry.envelope.id;
            let executed = core::execute(replica, &entry.envelope, now)?;
            let verdict = Verdict::of(&executed.outcome);
            let lost = matches!(verdict, Verdict::Refused { .. });
            (applied, refused) = if lost { (applied, refused + 1) } else { (applied + 1, refused) };
            journal::record_verdict(&journal, id, &verdict, lost, now)?;
        }
        Ok((applied, refused))
    }

    /// The hub knows this desk's commands up to `desk_seq` only (it was restored from a backup):
    /// the later ones go to it again.
    pub fn hub_knows_upto(&self, desk_seq: i64) -> anyhow::Result<usize> {
        Ok(journal::resend_after(&self.journal(), desk_seq)?)
    }

    /// The first message of a link.
    pub fn hello(&self, replica: &Conn) -> anyhow::Result<ToHub> {
        let journal = self.journal();
        let bootstrapped = changelog::stored_schema_fingerprint(replica)?.is_some();
        let (applied, applied_hash) = replica::confirmed(replica)?;
        Ok(ToHub::Hello {
            proto: PROTO,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_fp: self.schema_fp.clone(),
            log_id: if bootstrapped { Some(log::log_id(replica)?) } else { None },
            applied,
            applied_hash,
            decided_upto: journal::decided_upto(&journal)?,
            pending: journal::pending_count(&journal)?,
        })
    }

    /// The next push: undecided commands in order.
    pub fn to_push(&self) -> anyhow::Result<Vec<Envelope<AnyCommand>>> {
        Ok(journal::pending(&self.journal(), COMMANDS_PER_PUSH)?)
    }

    pub fn pending_count(&self) -> anyhow::Result<i64> {
        Ok(journal::pending_count(&self.journal())?)
    }

    /// The journal's state of a command ("pending", "applied", "refused", "compensated").
    pub fn state_of(&self, command_id: Uuid) -> anyhow::Result<Option<String>> {
        Ok(journal::state_of(&self.journal(), command_id)?)
    }

    pub fn conflict_count(&self) -> anyhow::Result<i64> {
        Ok(journal::open_conflict_count(&self.journal())?)
    }

    pub fn conflicts(&self) -> anyhow::Result<Vec<journal::Conflict>> {
        journal::open_conflicts(&self.journal())
    }

    pub fn resolve(&self, command_id: Uuid, by: &str, resolution: &str, now: Timestamp) -> anyhow::Result<bool> {
        Ok(journal::resolve(&self.journal(), command_id, by, resolution, now)?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RebaseError {
    /// The hub's transactions cannot be placed here: start again from the confirmed position or a
    /// snapshot, never skip.
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error(transparent)]
    Sql(#[from] db::SqlError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Conflicts resolved elsewhere (at the hub) leave this desk's inbox too.
fn take_resolutions(replica: &Conn, journal: &Conn) -> anyhow::Result<()> {
    for id in journal::open_conflict_ids(journal)? {
        if let (Some((how, by, at)), Ok(uuid)) = (resolutions::resolution(replica, &id)?, id.parse()) {
            journal::resolve(journal, uuid, &by, &how, at)?;
        }
    }
    Ok(())
}

/// The fingerprint of the schema this program migrates to.
pub fn own_schema_fingerprint() -> anyhow::Result<String> {
    static FP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(fp) = FP.get() {
        return Ok(fp.clone());
    }
    let mut conn = db::open_connection(Path::new(":memory:"), Default::default())?;
    db::migrate::run(&mut conn, Timestamp::UNIX_EPOCH)?;
    let fp = changelog::schema_fingerprint(&conn)?;
    Ok(FP.get_or_init(|| fp).clone())
}
