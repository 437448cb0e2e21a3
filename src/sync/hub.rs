//! The hub's side of a desk's link, without the transport: whether a desk may follow the log from
//! where it stands, and the decision on the commands it pushes: once each (by command id), in the
//! desk's order (by `desk_seq`), re-authorised against the hub's staff list, and for facts whose
//! object was lost, compensated rather than dropped.

use jiff::Timestamp;
use uuid::Uuid;

use super::protocol::{Decision, PROTO, SnapshotReason, Verdict};
use crate::commands::{AnyCommand, Class};
use crate::core::{self, Actor, Envelope, Origin, Outcome, Rejection, Site};
use crate::db::{self, Conn};

/// What a hub says to a desk's hello.
#[derive(Debug, PartialEq, Eq)]
pub enum Greeting {
    /// Follow the log from the desk's position. `desk_seq` is the desk's last command this hub
    /// has decided (lower than the desk knows after a restore: it sends the rest again);
    /// `decisions` are those it had not heard of.
    Welcome {
        log_id: String,
        head: i64,
        desk_seq: i64,
        decisions: Vec<Decision>,
    },
    Snapshot(SnapshotReason),
    Upgrade {
        hub_schema_fp: String,
    },
}

/// What the desk said about itself in its hello.
#[derive(Debug, Clone)]
pub struct DeskPosition {
    pub proto: u32,
    pub schema_fp: String,
    pub log_id: Option<String>,
    pub applied: i64,
    pub applied_hash: String,
    pub decided_upto: i64,
}

/// How many decisions a welcome carries at most; the rest follow after the next push.
const DECISIONS_PER_WELCOME: i64 = 1000;

/// A desk more transactions behind than this takes a snapshot instead of the log (research/sync.md
/// §7.7): a snapshot costs what the club's size costs, the log what the distance costs (12-06, dist
/// build: 65,789 transactions behind, 4.9 s by the log, 3.2 s by a snapshot).
const FAR_BEHIND: i64 = 100_000;

/// Decides, in the research's order, whether the desk can follow this log from where it is.
pub fn greet(conn: &Conn, desk_id: &str, desk: &DeskPosition) -> anyhow::Result<Greeting> {
    greet_within(conn, desk_id, desk, FAR_BEHIND)
}

fn greet_within(conn: &Conn, desk_id: &str, desk: &DeskPosition, far_behind: i64) -> anyhow::Result<Greeting> {
    let hub_fp = crate::db::changelog::stored_schema_fingerprint(conn)?.unwrap_or_default();
    if desk.proto != PROTO || desk.schema_fp != hub_fp {
        return Ok(Greeting::Upgrade { hub_schema_fp: hub_fp });
    }
    let log_id = super::store::log_id(conn)?;
    let (head, _) = super::store::head(conn)?;
    let reason = match &desk.log_id {
        None => Some(SnapshotReason::NewDesk),
        Some(theirs) if *theirs != log_id => Some(SnapshotReason::LogChanged),
        Some(_) if desk.applied > head => Some(SnapshotReason::AheadOfHub),
        Some(_) if desk.applied < crate::db::changelog::retention_floor(conn)? => Some(SnapshotReason::BehindRetention),
        Some(_) if head - desk.applied > far_behind => Some(SnapshotReason::FarBehind),
        Some(_) if super::store::link_at(conn, desk.applied)? != desk.applied_hash => {
            Some(SnapshotReason::HashMismatch)
        }
        Some(_) => None,
    };
    if let Some(reason) = reason {
        return Ok(Greeting::Snapshot(reason));
    }
    let decisions = decisions_after(conn, desk_id, desk.decided_upto, DECISIONS_PER_WELCOME)?;
    let desk_seq = core::last_desk_seq(conn, desk_id)?;
    Ok(Greeting::Welcome { log_id, head, desk_seq, decisions })
}

/// `desk_id`'s decided commands after its number `after`.
pub fn decisions_after(conn: &Conn, desk_id: &str, after: i64, limit: i64) -> anyhow::Result<Vec<Decision>> {
    let mut out = Vec::new();
    for (id, desk_seq, outcome) in core::desk_decisions(conn, desk_id, after, limit)? {
        let command_id: Uuid = id.parse()?;
        out.push(Decision { command_id, desk_seq, verdict: verdict(conn, command_id, &outcome)? });
    }
    Ok(out)
}

/// The verdict on a decided command: its outcome, or the compensation made for it.
fn verdict(conn: &Conn, command_id: Uuid, outcome: &Outcome) -> anyhow::Result<Verdict> {
    if let Outcome::Rejected(rejection) = outcome {
        let by = compensation_id(command_id);
        if let Some(Outcome::Applied { txn_seq }) = core::decided(conn, &by.to_string())? {
            return Ok(Verdict::Compensated { rejection: rejection.clone(), by, txn_seq });
        }
    }
    Ok(Verdict::of(outcome))
}

/// What a push came to: a decision for each command taken, in order, and, when the desk skipped a
/// number, the one it must send next.
#[derive(Debug, Default)]
pub struct Pushed {
    pub decisions: Vec<Decision>,
    pub expected: Option<i64>,
}

/// A desk broke the protocol: the link is closed with this reason.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("command {0} has no desk number")]
    NoNumber(Uuid),
    #[error("command {id} reuses the desk number {desk_seq}, already taken by another command")]
    NumberReused { id: Uuid, desk_seq: i64 },
    #[error(transparent)]
    KeyReused(#[from] core::KeyReused),
}

/// Decides `cmds` from `desk_id` in one transaction (one commit for the lot). A command decided
/// before is answered as it was; a new one must carry the desk's next number. An `Err` leaves
/// nothing written: the desk sends the same commands again.
pub fn push(
    conn: &mut Conn,
    desk_id: &str,
    cmds: &[Envelope<AnyCommand>],
    now: Timestamp,
) -> anyhow::Result<Result<Pushed, PushError>> {
    let mut tx = db::immediate(conn)?;
    let mut pushed = Pushed::default();
    for sent in cmds {
        let Some(desk_seq) = sent.desk_seq else { return Ok(Err(PushError::NoNumber(sent.id))) };
        let id = sent.id.to_string();
        let known = core::decided(&tx, &id)?.is_some();
        if !known {
            let expected = core::last_desk_seq(&tx, desk_id)? + 1;
            if desk_seq < expected {
                return Ok(Err(PushError::NumberReused { id: sent.id, desk_seq }));
            }
            if desk_seq > expected {
                pushed.expected = Some(expected);
                break;
            }
        }
        let verdict = decide(&mut tx, desk_id, sent, now)?;
        match verdict {
            Ok(verdict) => pushed.decisions.push(Decision { command_id: sent.id, desk_seq, verdict }),
            Err(e) => return Ok(Err(e)),
        }
    }
    crate::pause::at("hub-deciding");
    tx.commit()?;
    Ok(Ok(pushed))
}

fn decide(
    tx: &mut db::Transaction<'_>,
    desk_id: &str,
    sent: &Envelope<AnyCommand>,
    now: Timestamp,
) -> anyhow::Result<Result<Verdict, PushError>> {
    let class = sent.command.class();
    let mut env = sent.clone();
    // Who the desk is comes from its credential; who acted is checked against the hub's staff.
    env.origin = Origin::Desk(desk_id.to_owned());
    let id = sent.id.to_string();
    let done_before = core::decided(tx, &id)?.is_none() && super::store::txn_of_command(tx, &id)?.is_some();
    let decided = match actor_on_hub(tx, &sent.actor, class)? {
        // Its effects are in this log already (decided by the hub this one was promoted from).
        _ if done_before => core::acknowledge_in(tx, &env, now)?,
        Ok(actor) => {
            env.actor = actor;
            core::execute_in(tx, &env, None, Site::Hub, now)?
        }
        Err(refusal) => core::refuse_in(tx, &env, refusal, now)?,
    };
    let outcome = match decided {
        Ok(executed) => executed.outcome,
        Err(e) => return Ok(Err(PushError::KeyReused(e))),
    };
    let compensate = match &outcome {
        Outcome::Rejected(rejection) if class == Class::Fact => compensation(&env.command).map(|c| (rejection, c)),
        _ => None,
    };
    let Some((rejection, credit)) = compensate else { return Ok(Ok(Verdict::of(&outcome))) };
    let by = compensation_id(env.id);
    let credit_env = Envelope { id: by, desk_seq: None, command: credit, ..env.clone() };
    let credited = match core::execute_in(tx, &credit_env, None, Site::Hub, now)? {
        Ok(done) => done,
        Err(e) => return Ok(Err(PushError::KeyReused(e))),
    };
    match credited.outcome {
        Outcome::Applied { txn_seq } => {
            if credited.first_time {
                tracing::warn!(desk = desk_id, command = %env.id, reason = %rejection.code,
                    "a desk's payment for what the hub refused was credited to the member's account");
            }
            Ok(Ok(Verdict::Compensated { rejection: rejection.clone(), by, txn_seq }))
        }
        Outcome::Rejected(_) => Ok(Ok(Verdict::of(&outcome))),
    }
}

/// The actor a desk's command runs as on the hub: the staff member as the hub knows them now. A
/// member of staff who was disabled while the desk was offline still records facts (the money was
/// taken), but their claims are refused.
fn actor_on_hub(conn: &Conn, actor: &Actor, class: Class) -> anyhow::Result<Result<Actor, Rejection>> {
    let Actor::Staff { id, .. } = actor else { return Ok(Err(Rejection::new("not-allowed"))) };
    let Some(user) = crate::auth::store::user_by_id(conn, id)? else {
        return Ok(Err(Rejection::new("staff-not-active")));
    };
    if !user.active && class != Class::Fact {
        return Ok(Err(Rejection::new("staff-not-active")));
    }
    Ok(Ok(Actor::Staff { id: user.id, name: user.display_name, role: user.role }))
}

/// The id of the command that compensates `command_id`: derived, so a resend finds it.
pub fn compensation_id(command_id: Uuid) -> Uuid {
    Uuid::new_v5(&command_id, b"compensation")
}

/// How a refused fact is recorded instead: money taken for a booking that is gone goes to the
/// member's account. Anything else (a guest's payment, a pass sale) stays refused, on the review
/// list of the desk and the hub.
fn compensation(command: &AnyCommand) -> Option<AnyCommand> {
    use crate::payments::model::{Method, Purpose};
    let AnyCommand::TakePayment(paid) = command else { return None };
    let member = paid.member_id.clone()?;
    if paid.purpose != Purpose::Booking || matches!(paid.method, Method::Wallet | Method::Pass) {
        return None;
    }
    let mut credit = paid.clone();
    credit.payment_id = Uuid::new_v5(&paid.payment_id.parse().ok()?, b"credit").to_string();
    credit.member_id = Some(member);
    credit.booking_id = None;
    credit.purpose = Purpose::TopUp;
    Some(AnyCommand::TakePayment(credit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    fn position(db: &TestDb) -> DeskPosition {
        let (applied, applied_hash) = crate::sync::store::head(&db.conn).unwrap();
        DeskPosition {
            proto: PROTO,
            schema_fp: crate::db::changelog::stored_schema_fingerprint(&db.conn).unwrap().unwrap(),
            log_id: Some(crate::sync::store::log_id(&db.conn).unwrap()),
            applied,
            applied_hash,
            decided_upto: 0,
        }
    }

    #[test]
    fn a_desk_follows_only_from_a_position_on_this_history_and_version() {
        let mut db = TestDb::new();
        db.court("Court 1");
        let at_head = position(&db);
        assert!(matches!(greet(&db.conn, "d", &at_head).unwrap(), Greeting::Welcome { .. }));

        let cases = [
            (DeskPosition { proto: PROTO + 1, ..at_head.clone() }, "upgrade"),
            (DeskPosition { schema_fp: "0123".into(), ..at_head.clone() }, "upgrade"),
            (DeskPosition { log_id: None, ..at_head.clone() }, "new_desk"),
            (DeskPosition { log_id: Some("another".into()), ..at_head.clone() }, "log_changed"),
            (DeskPosition { applied: at_head.applied + 1, ..at_head.clone() }, "ahead_of_hub"),
            (DeskPosition { applied_hash: "00".into(), ..at_head.clone() }, "hash_mismatch"),
        ];
        for (desk, expected) in cases {
            let said = match greet(&db.conn, "d", &desk).unwrap() {
                Greeting::Upgrade { .. } => "upgrade".to_owned(),
                Greeting::Snapshot(reason) => serde_json::to_value(reason).unwrap().as_str().unwrap().to_owned(),
                Greeting::Welcome { .. } => "welcome".to_owned(),
            };
            assert_eq!(said, expected, "{desk:?}");
        }
    }

    #[test]
    fn a_desk_far_behind_takes_a_snapshot_rather_than_the_log() {
        let mut db = TestDb::new();
        let behind = position(&db);
        for n in 1..=3 {
            db.court(&format!("Court {n}"));
        }
        let greeted = |far_behind| greet_within(&db.conn, "d", &behind, far_behind).unwrap();
        assert!(matches!(greeted(3), Greeting::Welcome { .. }), "three behind is near enough at 3");
        assert_eq!(greeted(2), Greeting::Snapshot(SnapshotReason::FarBehind));
    }

    #[test]
    fn a_desk_command_is_decided_once_in_its_order_and_a_lost_payment_is_credited() {
        use crate::payments::commands::TakePayment;
        use crate::payments::model::{Method, Purpose};
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "+7 916 123-45-67");
        db.applied(AnyCommand::CreateStaffUser(crate::auth::commands::CreateStaffUser {
            user_id: "desk".into(),
            username: "rita".into(),
            display_name: "Rita".into(),
            role: crate::core::Role::Reception,
            locale: None,
            password_hash: "x".into(),
            must_change_password: false,
        }));
        let taken = db.book(&court, &anna, crate::testing::slot("2026-12-01", "10:00", 60)).unwrap();
        let from_desk = |seq: i64, command: AnyCommand| {
            let mut env = Envelope::new(crate::testing::reception(), command, db.now);
            env.desk_seq = Some(seq);
            env
        };
        let lost = crate::testing::id();
        let pay = from_desk(
            2,
            AnyCommand::TakePayment(TakePayment {
                payment_id: crate::testing::id(),
                member_id: Some(anna.clone()),
                booking_id: Some(lost),
                purpose: Purpose::Booking,
                method: Method::Card,
                amount: 500,
                payer_name: String::new(),
                note: String::new(),
            }),
        );
        let cancel = from_desk(
            1,
            AnyCommand::CancelBooking(crate::bookings::commands::CancelBooking {
                booking_id: taken,
                reason: "rain".into(),
                money_back: false,
            }),
        );

        // Number 2 before number 1: the hub asks for 1 first and decides nothing.
        let early = push(&mut db.conn, "d", std::slice::from_ref(&pay), db.now).unwrap().unwrap();
        assert_eq!((early.decisions.len(), early.expected), (0, Some(1)));
        let both = push(&mut db.conn, "d", &[cancel.clone(), pay.clone()], db.now).unwrap().unwrap();
        assert!(matches!(both.decisions[0].verdict, Verdict::Applied { txn_seq: Some(_) }));
        let Verdict::Compensated { rejection, .. } = &both.decisions[1].verdict else { panic!("{both:?}") };
        assert_eq!(rejection.code, "booking-not-found");

        // Sent again (a lost answer): the same verdicts, nothing done twice.
        let head = crate::sync::store::head(&db.conn).unwrap().0;
        let again = push(&mut db.conn, "d", &[cancel, pay], db.now).unwrap().unwrap();
        assert_eq!(again.decisions, both.decisions);
        assert_eq!(crate::sync::store::head(&db.conn).unwrap().0, head);
        let welcome = greet(&db.conn, "d", &DeskPosition { decided_upto: 0, ..position(&db) }).unwrap();
        let Greeting::Welcome { desk_seq, decisions, .. } = welcome else { panic!() };
        assert_eq!((desk_seq, decisions), (2, both.decisions));

        // A reused number with a new command breaks the protocol.
        let other = from_desk(
            2,
            AnyCommand::CancelBooking(crate::bookings::commands::CancelBooking {
                booking_id: crate::testing::id(),
                reason: "x".into(),
                money_back: false,
            }),
        );
        assert!(matches!(push(&mut db.conn, "d", &[other], db.now).unwrap(), Err(PushError::NumberReused { .. })));
    }
}
