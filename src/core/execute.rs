use anyhow::Context;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::store::{self, StoredOutcome};
use super::{Command, CommandError, Ctx, Envelope, Outcome, Rejection, Site};
use crate::db::{self, Conn, Transaction, changelog};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    pub outcome: Outcome,
    /// False when this command id had been executed before and its first outcome is returned.
    pub first_time: bool,
}

fn payload_hash(payload: &str) -> String {
    hex(&Sha256::digest(payload.as_bytes()))
}

/// Lower-case hex of `bytes` (hashes, tokens, fingerprints). Written digit by digit: a desk
/// catching up makes one for every transaction it receives.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
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
/// outcome and writes nothing. An `Err` means nothing was written or recorded (a fault of the
/// disk or the database, not a decision), so the caller may retry with the same id.
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
    let mut tx = db::immediate(conn)?;
    let executed = execute_in(&mut tx, env, fingerprint, Site::Hub, now)??;
    tx.commit()?;
    Ok(executed)
}

/// What became of a batch: the commands decided, in order, and why it stopped early if it did
/// (a fault such as a full disk: the commands after the last decided one were not looked at and
/// can be sent again).
pub struct Batch {
    pub decided: Vec<Result<Executed, KeyReused>>,
    pub interrupted: Option<anyhow::Error>,
}

/// Runs `envs` in order in one `BEGIN IMMEDIATE` transaction, each in its own hub transaction
/// of the log, as a desk's pushed commands are run: one commit for the lot.
pub fn execute_batch<C: Command>(conn: &mut Conn, envs: &[Envelope<C>], now: Timestamp) -> anyhow::Result<Batch> {
    let mut tx = db::immediate(conn)?;
    let mut batch = Batch { decided: Vec::with_capacity(envs.len()), interrupted: None };
    for env in envs {
        match execute_in(&mut tx, env, None, Site::Hub, now) {
            Ok(result) => batch.decided.push(result),
            Err(e) => {
                batch.interrupted = Some(e);
                break;
            }
        }
    }
    tx.commit()?;
    Ok(batch)
}

/// Runs one command inside the caller's transaction `tx`, in a savepoint of its own: decided
/// (applied or refused) and recorded, or, on an `Err`, left without a trace. On `Site::Desk` it
/// is a desk's tentative run: the same decision over the replica, without the hub's own tables.
///
/// A command that breaks a constraint the schema holds (the overlap trigger, a unique index) or
/// fails for any other reason than the disk's or the database's state is refused and the refusal
/// recorded, so the same command sent again gets the same answer rather than failing forever.
pub fn execute_in<C: Command>(
    tx: &mut Transaction<'_>,
    env: &Envelope<C>,
    fingerprint: Option<&str>,
    site: Site,
    now: Timestamp,
) -> anyhow::Result<Result<Executed, KeyReused>> {
    decide_in(tx, env, fingerprint, site, now, |ctx| env.command.apply(ctx))
}

/// Records `rejection` as the decision on `env` without running it (a desk's command whose actor
/// the hub no longer accepts), so that sending it again gets the same answer.
pub fn refuse_in<C: Command>(
    tx: &mut Transaction<'_>,
    env: &Envelope<C>,
    rejection: Rejection,
    now: Timestamp,
) -> anyhow::Result<Result<Executed, KeyReused>> {
    decide_in(tx, env, None, Site::Hub, now, |_| Err(rejection.into()))
}

/// Records `env` as applied without running it: its effects are already in the log (a hub
/// promoted from a desk holds the old hub's transactions but not its command records).
pub fn acknowledge_in<C: Command>(
    tx: &mut Transaction<'_>,
    env: &Envelope<C>,
    now: Timestamp,
) -> anyhow::Result<Result<Executed, KeyReused>> {
    decide_in(tx, env, None, Site::Hub, now, |_| Ok(()))
}

fn decide_in<C: Command>(
    tx: &mut Transaction<'_>,
    env: &Envelope<C>,
    fingerprint: Option<&str>,
    site: Site,
    now: Timestamp,
    run: impl FnOnce(&Ctx<'_>) -> Result<(), CommandError>,
) -> anyhow::Result<Result<Executed, KeyReused>> {
    let payload = serde_json::to_string(&env.command).context("cannot serialise the command")?;
    let hash = payload_hash(&payload);
    let request_hash = fingerprint.unwrap_or(&hash);
    let id = env.id.to_string();
    let mut command = tx.savepoint()?;

    if let Some(previous) = store::outcome_of(&command, &id)? {
        if previous.request_hash != request_hash {
            return Ok(Err(KeyReused { id }));
        }
        return Ok(Ok(Executed { outcome: previous.outcome, first_time: false }));
    }

    let txn_seq = changelog::head(&command)?.0 + 1;
    changelog::open_write_context(&command, txn_seq, &id)?;
    let decision = {
        let sp = command.savepoint()?;
        let ctx = Ctx {
            tx: &sp,
            actor: &env.actor,
            now,
            command_id: env.id,
            issued_at: env.issued_at,
            origin: &env.origin,
            site,
        };
        match run(&ctx) {
            Ok(()) => {
                sp.commit()?;
                Ok(())
            }
            // Dropping the savepoint rolls back every write the command made.
            Err(CommandError::Rejected(r)) => Err(r),
            Err(CommandError::Failed(e)) if db::trouble(&e).is_some() || db::is_busy(&e) => {
                return Err(e.context(format!("command {} failed", env.command.kind())));
            }
            Err(CommandError::Failed(e)) => Err(refusal_of_failure(env.command.kind(), &id, &e)),
        }
    };
    changelog::close_write_context(&command)?;

    let outcome = match decision {
        Ok(()) => {
            let sealed =
                changelog::seal_txn(&command, txn_seq, now, &id, &env.origin.to_string(), env.actor.user_id())?;
            let carried = sealed.then_some(txn_seq);
            Outcome::Applied { txn_seq: carried }
        }
        Err(rejection) => Outcome::Rejected(rejection),
    };
    let stored = StoredOutcome { outcome: outcome.clone(), request_hash: request_hash.to_owned() };
    store::record_command(&command, &id, env.command.kind(), &payload, &hash, env, now, &stored)?;
    command.commit()?;
    Ok(Ok(Executed { outcome, first_time: true }))
}

/// The refusal recorded for a command that failed for a reason of its own: a constraint the
/// schema holds (which the command's own checks should have caught first), or a bug. Either
/// would fail the same way every time it is sent, so it is decided, not left to be retried.
fn refusal_of_failure(kind: &str, id: &str, e: &anyhow::Error) -> Rejection {
    match db::broken_constraint(e) {
        Some(detail) => {
            tracing::warn!(command = kind, id, detail, "command refused by a constraint of the schema");
            Rejection::new("constraint-violated").arg("detail", detail.trim_start_matches("courtside: "))
        }
        None => {
            tracing::error!(command = kind, id, error = %format!("{e:#}"), "command failed; recorded as refused");
            Rejection::new("command-failed")
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::core::Actor;
    use crate::testing::{TestDb, court_draft};

    /// A command whose own checks let it through but whose writes break the schema's rule: the
    /// second court under the same id. `busy` makes it fail as a locked database would instead.
    #[derive(Serialize)]
    struct Clash {
        court_id: String,
        busy: bool,
    }

    impl Command for Clash {
        fn kind(&self) -> &'static str {
            "clash"
        }

        fn summary(&self) -> String {
            self.court_id.clone()
        }

        fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
            if self.busy {
                let busy = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY);
                return Err(CommandError::Failed(rusqlite::Error::SqliteFailure(busy, None).into()));
            }
            crate::courts::store::insert_court(ctx.tx, &self.court_id, &court_draft("Court 1"), ctx.now)?;
            crate::courts::store::insert_court(ctx.tx, &self.court_id, &court_draft("Court 2"), ctx.now)?;
            Ok(())
        }
    }

    fn count(db: &TestDb, sql: &str) -> i64 {
        db.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn clash(busy: bool) -> Envelope<Clash> {
        Envelope::new(
            Actor::Console,
            Clash { court_id: crate::testing::id(), busy },
            "2026-11-29T09:00:00Z".parse().unwrap(),
        )
    }

    #[test]
    fn a_command_that_breaks_a_constraint_is_refused_once_and_answered_the_same_again() {
        let mut db = TestDb::new();
        let env = clash(false);
        let (head, commands) = (head_txn_seq(&db.conn), count(&db, "SELECT count(*) FROM commands"));
        let first = execute(&mut db.conn, &env, db.now).unwrap();
        let again = execute(&mut db.conn, &env, db.now).unwrap();
        let Outcome::Rejected(r) = &first.outcome else { panic!("{first:?}") };
        assert_eq!(r.code, "constraint-violated");
        assert!(r.args[0].1.contains("UNIQUE"), "{r:?}");
        assert_eq!((first.first_time, again.first_time), (true, false));
        assert_eq!(first.outcome, again.outcome, "the same answer both times");
        assert_eq!(count(&db, "SELECT count(*) FROM commands"), commands + 1, "one recorded refusal");
        assert_eq!(count(&db, "SELECT count(*) FROM courts"), 0, "nothing written");
        assert_eq!(head_txn_seq(&db.conn), head, "nothing in the log");
    }

    fn head_txn_seq(conn: &Conn) -> i64 {
        store::head_txn_seq(conn).unwrap()
    }

    #[test]
    fn a_busy_database_is_a_fault_to_retry_and_leaves_no_record() {
        let mut db = TestDb::new();
        let commands = count(&db, "SELECT count(*) FROM commands");
        let err = execute(&mut db.conn, &clash(true), db.now).unwrap_err();
        assert!(db::is_busy(&err), "{err:#}");
        assert_eq!(count(&db, "SELECT count(*) FROM commands"), commands);
        assert_eq!(count(&db, "SELECT count(*) FROM write_context"), 0);
    }

    #[test]
    fn a_batch_runs_each_command_in_its_own_log_transaction_and_stops_at_a_fault() {
        use crate::commands::AnyCommand;
        use crate::courts::commands::CreateCourt;
        let mut db = TestDb::new();
        let court = |name: &str| {
            let cmd = CreateCourt { court_id: crate::testing::id(), court: court_draft(name) };
            Envelope::new(crate::testing::owner(), AnyCommand::CreateCourt(cmd), db.now)
        };
        let head = head_txn_seq(&db.conn);
        let envs = vec![court("Court 1"), court("court 1"), court("Court 2")];
        let batch = execute_batch(&mut db.conn, &envs, db.now).unwrap();
        assert!(batch.interrupted.is_none());
        let outcomes: Vec<Outcome> = batch.decided.into_iter().map(|d| d.unwrap().outcome).collect();
        assert_eq!(outcomes[0], Outcome::Applied { txn_seq: Some(head + 1) });
        assert!(matches!(&outcomes[1], Outcome::Rejected(r) if r.code == "court-name-taken"));
        assert_eq!(outcomes[2], Outcome::Applied { txn_seq: Some(head + 2) }, "a refusal takes no place in the log");
        assert_eq!(crate::sync::chain::verify(&db.conn).unwrap(), head + 2);

        // A fault stops the batch after what was decided; that part is kept.
        let mixed = [clash(false), clash(true), clash(false)];
        let batch = execute_batch(&mut db.conn, &mixed, db.now).unwrap();
        assert_eq!(batch.decided.len(), 1, "the busy command and the one after it are left to resend");
        assert!(db::is_busy(batch.interrupted.as_ref().unwrap()));
        assert_eq!(count(&db, "SELECT count(*) FROM commands WHERE kind = 'clash'"), 1);
        assert_eq!(count(&db, "SELECT count(*) FROM write_context"), 0);
    }

    /// A desk's tentative run decides like the hub but leaves the hub's own tables alone: the
    /// confirmation SMS is queued when the hub decides the booking, not before.
    #[test]
    fn a_tentative_run_on_a_desk_queues_no_message() {
        use crate::commands::AnyCommand;
        use crate::sms::commands::SaveSmsSettings;
        let mut db = TestDb::new();
        let settings = crate::sms::store::Settings { confirmations: true, ..Default::default() };
        db.applied(AnyCommand::SaveSmsSettings(SaveSmsSettings { settings_id: crate::testing::id(), settings }));
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "+7 916 123-45-67");
        let booking = |booking_id: &str, start: &str| {
            let cmd = crate::bookings::commands::CreateBooking {
                booking_id: booking_id.into(),
                court_id: court.clone(),
                slot: crate::testing::slot("2026-12-01", start, 60),
                kind: crate::bookings::model::Kind::Play,
                booker_id: Some(anna.clone()),
                players: Vec::new(),
                note: String::new(),
                source: crate::bookings::model::Source::Desk,
                pass_id: None,
                coach_id: None,
            };
            Envelope::new(crate::testing::reception(), AnyCommand::CreateBooking(cmd), db.now)
        };
        let on_hub = crate::testing::id();
        let (tentative, decided) = (booking(&crate::testing::id(), "10:00"), booking(&on_hub, "12:00"));
        for (env, site) in [(&tentative, Site::Desk), (&decided, Site::Hub)] {
            let mut tx = db::immediate(&mut db.conn).unwrap();
            let done = execute_in(&mut tx, env, None, site, db.now).unwrap().unwrap();
            assert!(matches!(done.outcome, Outcome::Applied { .. }));
            tx.commit().unwrap();
        }
        assert_eq!(count(&db, "SELECT count(*) FROM bookings"), 2);
        let queued: Vec<String> = {
            let mut stmt = db.conn.prepare("SELECT booking_id FROM sms_messages").unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(queued, vec![on_hub], "only the booking the hub decided has its confirmation queued");
    }

    /// A desk's command is recorded with the desk and its place in the desk's count, which no
    /// other command can take.
    #[test]
    fn a_desk_command_keeps_its_desk_and_number_and_the_number_is_its_own() {
        use crate::commands::AnyCommand;
        use crate::courts::commands::CreateCourt;
        let mut db = TestDb::new();
        let from_desk = |name: &str| {
            let cmd = CreateCourt { court_id: crate::testing::id(), court: court_draft(name) };
            let mut env = Envelope::new(crate::testing::owner(), AnyCommand::CreateCourt(cmd), db.now);
            (env.origin, env.desk_seq) = (crate::core::Origin::Desk("desk-2".into()), Some(1));
            env
        };
        let first = from_desk("Court 1");
        execute(&mut db.conn, &first, db.now).unwrap();
        let recorded: (String, i64, i64, String) = db
            .conn
            .query_row(
                "SELECT desk_id, desk_seq, payload_version, origin FROM commands WHERE id = ?1",
                [first.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(recorded, ("desk-2".into(), 1, crate::core::PAYLOAD_VERSION, "desk:desk-2".into()));
        let commands = count(&db, "SELECT count(*) FROM commands");
        assert!(execute(&mut db.conn, &from_desk("Court 2"), db.now).is_err(), "desk-2's number 1 is taken");
        assert_eq!(count(&db, "SELECT count(*) FROM commands"), commands);
        assert_eq!(count(&db, "SELECT count(*) FROM courts"), 1);
    }
}
