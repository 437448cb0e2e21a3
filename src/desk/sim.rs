//! A model-based test of the hub's and desks' sync cores: one hub and three desks, each with real
//! SQLite files, joined by an in-memory network the test controls. Random steps take commands at
//! desks and at the hub (contended court slots, cancellations, card payments), deliver messages,
//! cut and restore links (dropping what was in flight), send pushes twice, and crash desks (their
//! files survive, nothing in memory does). After every step the logs verify and each desk's
//! confirmed replica is a prefix of the hub's history; after healing, every desk has drained its
//! journal, every command it took was decided once, money was recorded once (or credited), every
//! refusal is a conflict on its desk, and all replicas hold exactly the hub's club data.
//!
//! `SYNC_SIM_CASES` sets the number of cases (500 by default; docs/sync-protocol.md gives the long
//! run), `SYNC_SIM_SEED` replays one seed.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::engine::Engine;
use super::store::replica;
use crate::commands::AnyCommand;
use crate::core::{self, Envelope};
use crate::db::{self, Conn, snapshot};
use crate::sync::protocol::{self, ToDesk, ToHub};
use crate::sync::{chain, hub, store as log};
use crate::testing::{self, TestDb};

const DESKS: usize = 3;
const STEPS: usize = 40;

struct Link {
    up: bool,
    to_hub: VecDeque<ToHub>,
    to_desk: VecDeque<ToDesk>,
    /// The hub's cursor: the last transaction sent on this link.
    sent: i64,
    hub_welcomed: bool,
    desk_welcomed: bool,
    pushing: bool,
    last_push: Option<ToHub>,
}

impl Link {
    fn down() -> Link {
        Link {
            up: false,
            to_hub: VecDeque::new(),
            to_desk: VecDeque::new(),
            sent: 0,
            hub_welcomed: false,
            desk_welcomed: false,
            pushing: false,
            last_push: None,
        }
    }
}

struct Desk {
    id: String,
    dir: PathBuf,
    replica: Conn,
    engine: Engine,
    link: Link,
    /// Commands this desk took (kept in its journal), with the payment each one records, if any.
    taken: Vec<(Uuid, Option<String>)>,
    /// Pushes sent on links that were cut: the hub may still read them late, answering no one.
    stale: Vec<ToHub>,
}

impl Desk {
    fn replica_path(dir: &Path) -> PathBuf {
        dir.join("replica.db")
    }

    fn open(id: &str, dir: &Path) -> Desk {
        let replica = db::open_connection(&Self::replica_path(dir), Default::default()).unwrap();
        let engine = Engine::open(id, &dir.join("desk.db"), &replica).unwrap();
        Desk {
            id: id.into(),
            dir: dir.into(),
            replica,
            engine,
            link: Link::down(),
            taken: Vec::new(),
            stale: Vec::new(),
        }
    }
}

struct Sim {
    rng: fastrand::Rng,
    _tmp: tempfile::TempDir,
    hub: Conn,
    hub_path: PathBuf,
    snapshots: PathBuf,
    /// A copy of the hub taken earlier, to restore it from.
    backup: Option<PathBuf>,
    desks: Vec<Desk>,
    courts: Vec<String>,
    members: Vec<String>,
    /// Bookings anyone asked for, with their member (some were refused: cancelling or paying
    /// for those is refused in turn).
    bookings: Vec<(String, String)>,
    now: Timestamp,
    trace: Vec<String>,
}

/// The club every case starts from: two courts, three members, a price, the receptionist.
fn template() -> &'static (PathBuf, Vec<String>, Vec<String>) {
    static TEMPLATE: OnceLock<(PathBuf, Vec<String>, Vec<String>)> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let mut db = TestDb::new();
        let courts = vec![db.court("Court 1"), db.court("Court 2")];
        let members = vec![
            db.member("Anna Smith", "+7 916 123-45-67"),
            db.member("Boris Ivanov", "+7 916 123-45-68"),
            db.member("Chloe Brown", "+7 916 123-45-69"),
        ];
        db.price_per_hour(1000);
        db.applied(AnyCommand::CreateStaffUser(crate::auth::commands::CreateStaffUser {
            user_id: "desk".into(),
            username: "rita".into(),
            display_name: "Rita".into(),
            role: core::Role::Reception,
            locale: None,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
            must_change_password: false,
        }));
        let dir = std::env::temp_dir().join(format!("courtside-sim-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("template.db");
        db::backup::copy_to(&db.conn, &path).unwrap();
        (path, courts, members)
    })
}

impl Sim {
    fn new(seed: u64) -> Sim {
        let (template, courts, members) = template();
        // Memory-backed where the system has it: the cases are about logic, not the disk's speed.
        let shm = Path::new("/dev/shm");
        let tmp = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.unwrap();
        let hub_path = tmp.path().join("hub.db");
        std::fs::copy(template, &hub_path).unwrap();
        let hub = db::open_connection(&hub_path, Default::default()).unwrap();
        let snapshots = tmp.path().join("snapshots");
        let made = snapshot::build(&hub, &snapshots).unwrap();
        let mut desks = Vec::new();
        for n in 0..DESKS {
            let dir = tmp.path().join(format!("desk-{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            snapshot::install(&made.path, &made.info, &Desk::replica_path(&dir)).unwrap();
            desks.push(Desk::open(&format!("desk-{n}"), &dir));
        }
        Sim {
            rng: fastrand::Rng::with_seed(seed),
            _tmp: tmp,
            hub,
            hub_path,
            snapshots,
            backup: None,
            desks,
            courts: courts.clone(),
            members: members.clone(),
            bookings: Vec::new(),
            now: "2026-11-29T09:00:00Z".parse().unwrap(),
            trace: Vec::new(),
        }
    }

    /// A command someone at a desk or at the hub might give now.
    fn some_command(&mut self) -> (AnyCommand, Option<String>) {
        use crate::bookings::commands::{CancelBooking, CreateBooking};
        use crate::bookings::model::{Kind, Source};
        use crate::payments::commands::TakePayment;
        use crate::payments::model::{Method, Purpose};
        let roll = self.rng.u8(0..10);
        if roll == 0 {
            // Someone corrects a member's name: an update of a row every replica holds.
            let n = self.rng.usize(..self.members.len());
            let names =
                [["Anna Smith", "Anna Smit"], ["Boris Ivanov", "Boris Ivanoff"], ["Chloe Brown", "Chloe Browne"]];
            let name = names[n][self.rng.usize(..2)];
            let member = testing::member_draft(name, &format!("+7 916 123-45-6{}", 7 + n));
            let cmd = crate::members::commands::UpdateMember { member_id: self.members[n].clone(), member };
            return (AnyCommand::UpdateMember(cmd), None);
        }
        if roll < 5 || self.bookings.is_empty() {
            let member = self.members[self.rng.usize(..self.members.len())].clone();
            let booking_id = testing::id();
            let start = ["10:00", "11:00", "12:00"][self.rng.usize(..3)];
            self.bookings.push((booking_id.clone(), member.clone()));
            let cmd = CreateBooking {
                booking_id,
                court_id: self.courts[self.rng.usize(..self.courts.len())].clone(),
                slot: testing::slot("2026-12-01", start, 60),
                kind: Kind::Play,
                booker_id: Some(member),
                players: Vec::new(),
                note: String::new(),
                source: Source::Desk,
                pass_id: None,
                coach_id: None,
            };
            return (AnyCommand::CreateBooking(cmd), None);
        }
        if roll < 7 {
            // Any booking, old ones included: most cancellations change a row the hub confirmed.
            let (booking_id, _) = self.bookings[self.rng.usize(..self.bookings.len())].clone();
            return (
                AnyCommand::CancelBooking(CancelBooking { booking_id, reason: "rain".into(), money_back: false }),
                None,
            );
        }
        // Mostly the latest bookings: the ones a receptionist is still dealing with.
        let recent = self.bookings.len().saturating_sub(4);
        let (booking_id, member) = self.bookings[self.rng.usize(recent..self.bookings.len())].clone();
        let payment_id = testing::id();
        let cmd = TakePayment {
            payment_id: payment_id.clone(),
            member_id: Some(member),
            booking_id: Some(booking_id),
            purpose: Purpose::Booking,
            method: Method::Card,
            amount: 400,
            payer_name: String::new(),
            note: String::new(),
        };
        (AnyCommand::TakePayment(cmd), Some(payment_id))
    }

    fn step(&mut self) {
        self.now += SignedDuration::from_secs(1);
        let d = self.rng.usize(..DESKS);
        match self.rng.u8(0..100) {
            0..35 => {
                let (cmd, payment) = self.some_command();
                let env = Envelope::new(testing::reception(), cmd, self.now);
                let desk = &mut self.desks[d];
                let issued = desk.engine.issue(&mut desk.replica, env.clone(), self.now).unwrap();
                self.trace.push(format!("desk {d} takes {}: {issued:?}", core::Command::summary(&env.command)));
                if let super::engine::Issued::Pending { command_id } = issued {
                    desk.taken.push((command_id, payment));
                    self.push(d);
                }
            }
            35..45 => {
                let (cmd, _) = self.some_command();
                let env = Envelope::new(testing::reception(), cmd, self.now);
                let done = core::execute(&mut self.hub, &env, self.now).unwrap();
                self.trace.push(format!("hub takes {}: {:?}", core::Command::summary(&env.command), done.outcome));
                self.pump_all();
            }
            45..61 => self.deliver_to_hub(d),
            61 => {
                // Retention with nothing kept: desks behind the hub's floor start again from a
                // snapshot, and a desk's undo finds no confirmed image in its own log.
                let (side, conn) = match self.rng.bool() {
                    true => ("hub".to_owned(), &mut self.hub),
                    false => (format!("desk {d}"), &mut self.desks[d].replica),
                };
                let done = super::retention::compact(conn, self.now, 0, |_| {}).unwrap();
                self.trace.push(format!("{side} trims its log to {}", done.floor));
            }
            62..80 => self.deliver_to_desk(d),
            80..84 => {
                self.trace.push(format!("link {d} cut"));
                let desk = &mut self.desks[d];
                let in_flight = std::mem::replace(&mut desk.link, Link::down()).to_hub;
                desk.stale.extend(in_flight.into_iter().filter(|m| matches!(m, ToHub::Push { .. })));
            }
            84..86 => {
                let desk_id = self.desks[d].id.clone();
                if let Some(ToHub::Push { cmds }) = self.desks[d].stale.pop() {
                    self.trace.push(format!("the hub reads a push from desk {d}'s cut link"));
                    hub::push(&mut self.hub, &desk_id, &cmds, self.now).unwrap().unwrap();
                    self.pump_all();
                }
            }
            86..94 => self.connect(d),
            94..96 => {
                self.trace.push(format!("desk {d} crashes"));
                let dir = self.desks[d].dir.clone();
                let id = self.desks[d].id.clone();
                let taken = std::mem::take(&mut self.desks[d].taken);
                self.desks[d] = Desk::open(&id, &dir);
                self.desks[d].taken = taken;
            }
            96..98 if self.backup.is_none() => {
                let path = self.hub_path.with_extension("backup");
                db::backup::copy_to(&self.hub, &path).unwrap();
                self.trace.push("hub backed up".into());
                self.backup = Some(path);
            }
            96..98 => self.restore_hub(),
            _ => {
                let link = &mut self.desks[d].link;
                if link.up
                    && let Some(push) = link.last_push.clone()
                {
                    self.trace.push(format!("desk {d} sends its last push again"));
                    link.to_hub.push_back(push);
                }
            }
        }
    }

    /// The hub is restored from its backup: a new history, every link dropped.
    fn restore_hub(&mut self) {
        let backup = self.backup.take().expect("a backup");
        self.trace.push("hub restored from its backup".into());
        self.hub = Conn::open_in_memory().unwrap();
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", self.hub_path.display()));
        }
        std::fs::rename(&backup, &self.hub_path).unwrap();
        self.hub = db::open_connection(&self.hub_path, Default::default()).unwrap();
        db::changelog::rotate_log_id(&self.hub).unwrap();
        for desk in &mut self.desks {
            desk.link = Link::down();
        }
    }

    fn connect(&mut self, d: usize) {
        let desk = &mut self.desks[d];
        if desk.link.up {
            return;
        }
        self.trace.push(format!("link {d} up"));
        desk.link = Link { up: true, ..Link::down() };
        let hello = desk.engine.hello(&desk.replica).unwrap();
        desk.link.to_hub.push_back(hello);
    }

    fn push(&mut self, d: usize) {
        let desk = &mut self.desks[d];
        if !desk.link.up || !desk.link.desk_welcomed || desk.link.pushing {
            return;
        }
        let cmds = desk.engine.to_push().unwrap();
        if cmds.is_empty() {
            return;
        }
        let push = ToHub::Push { cmds };
        desk.link.pushing = true;
        desk.link.last_push = Some(push.clone());
        desk.link.to_hub.push_back(push);
    }

    /// Sends every welcomed link the transactions after its cursor.
    fn pump_all(&mut self) {
        for d in 0..DESKS {
            self.pump(d);
        }
    }

    fn pump(&mut self, d: usize) {
        let link = &mut self.desks[d].link;
        if !link.up || !link.hub_welcomed {
            return;
        }
        let txns =
            log::txns_after(&self.hub, link.sent, protocol::TXNS_PER_MESSAGE, protocol::MESSAGE_ROW_BYTES).unwrap();
        if let Some(last) = txns.last() {
            link.sent = last.txn_seq;
            link.to_desk.push_back(ToDesk::Txns { txns });
        }
    }

    fn deliver_to_hub(&mut self, d: usize) {
        let Some(msg) = self.desks[d].link.to_hub.pop_front() else { return };
        let desk_id = self.desks[d].id.clone();
        match msg {
            ToHub::Hello { proto, schema_fp, log_id, applied, applied_hash, decided_upto, .. } => {
                let position = hub::DeskPosition { proto, schema_fp, log_id, applied, applied_hash, decided_upto };
                let link = &mut self.desks[d].link;
                match hub::greet(&self.hub, &desk_id, &position).unwrap() {
                    hub::Greeting::Welcome { log_id, head, desk_seq, decisions } => {
                        link.to_desk.push_back(ToDesk::Welcome { log_id, head, hub_ts: 0, desk_seq, decisions });
                        link.sent = applied;
                        link.hub_welcomed = true;
                        self.pump(d);
                    }
                    hub::Greeting::Snapshot(reason) => {
                        let made = snapshot::build(&self.hub, &self.snapshots).unwrap();
                        link.to_desk.push_back(ToDesk::Snapshot { reason, info: made.info });
                    }
                    other => panic!("a desk of this hub was not welcomed: {other:?}"),
                }
            }
            ToHub::Push { cmds } => {
                let pushed = hub::push(&mut self.hub, &desk_id, &cmds, self.now).unwrap();
                let pushed = pushed.unwrap_or_else(|e| panic!("desk {d} broke the protocol: {e}"));
                self.pump_all();
                let link = &mut self.desks[d].link;
                link.to_desk.push_back(ToDesk::Decided { decisions: pushed.decisions });
                if let Some(expected) = pushed.expected {
                    link.to_desk.push_back(ToDesk::PushNack { expected });
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    fn deliver_to_desk(&mut self, d: usize) {
        let Some(msg) = self.desks[d].link.to_desk.pop_front() else { return };
        let now = self.now;
        let desk = &mut self.desks[d];
        match msg {
            ToDesk::Welcome { desk_seq, decisions, .. } => {
                desk.engine.hub_knows_upto(desk_seq).unwrap();
                desk.engine.decided(&mut desk.replica, &decisions, &|_| false, now).unwrap();
                desk.link.desk_welcomed = true;
                self.push(d);
            }
            ToDesk::Txns { txns } => {
                let (first, last) = (txns[0].txn_seq, txns[txns.len() - 1].txn_seq);
                if let Err(e) = desk.engine.rebase(&mut desk.replica, &txns, now) {
                    panic!("desk {d} could not apply {first}..={last}: {e}");
                }
            }
            ToDesk::Decided { decisions } => {
                desk.engine.decided(&mut desk.replica, &decisions, &|_| false, now).unwrap();
                desk.link.pushing = false;
                self.push(d);
            }
            ToDesk::Snapshot { info, .. } => {
                self.trace.push(format!("desk {d} installs a snapshot at {}", info.txn_seq));
                // Every connection to the replica is closed before the file is replaced.
                drop(std::mem::replace(&mut desk.replica, Conn::open_in_memory().unwrap()));
                let path = Desk::replica_path(&desk.dir);
                // A newer snapshot may have replaced this one on the hub: the link starts again.
                let installed = snapshot::install(&self.snapshots.join(&info.name), &info, &path);
                desk.replica = db::open_connection(&path, Default::default()).unwrap();
                if installed.is_err() {
                    self.trace.push(format!("desk {d}'s snapshot is gone: link cut"));
                    desk.link = Link::down();
                    return;
                }
                desk.engine.replica_replaced(&mut desk.replica, now).unwrap();
                let hello = desk.engine.hello(&desk.replica).unwrap();
                desk.link.to_hub.push_back(hello);
            }
            ToDesk::PushNack { .. } => {
                desk.link.pushing = false;
                self.push(d);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    /// After every step: the hub's log verifies, and each desk's confirmed part is a prefix of it.
    fn check_step(&self) {
        chain::verify(&self.hub).unwrap_or_else(|e| panic!("hub log: {e}"));
        let hub_log = log::log_id(&self.hub).unwrap();
        for desk in &self.desks {
            chain::verify(&desk.replica).unwrap_or_else(|e| panic!("{} log: {e}", desk.id));
            if log::log_id(&desk.replica).unwrap() != hub_log {
                continue; // it follows the history before a restore until it reconnects
            }
            let (confirmed, hash) = replica::confirmed(&desk.replica).unwrap();
            if confirmed < db::changelog::retention_floor(&self.hub).unwrap() {
                continue; // the hub no longer holds that part: the desk takes a snapshot when it connects
            }
            assert_eq!(log::link_at(&self.hub, confirmed).unwrap(), hash, "{} left the hub's history", desk.id);
        }
    }

    /// Every link up, every message delivered, until nothing moves.
    fn heal(&mut self) {
        for _ in 0..10_000 {
            for d in 0..DESKS {
                self.connect(d);
            }
            let busy = self.desks.iter().any(|k| !k.link.to_hub.is_empty() || !k.link.to_desk.is_empty());
            if !busy {
                return;
            }
            for d in 0..DESKS {
                self.deliver_to_hub(d);
                self.deliver_to_desk(d);
            }
        }
        panic!("the network never went quiet");
    }

    fn check_end(&self) {
        let hub_digest = log::tables_digest(&self.hub).unwrap();
        let off_ledger = |c| crate::payments::store::balances_off_ledger(c).unwrap();
        assert_eq!(off_ledger(&self.hub), [], "the hub's balances are its ledger's");
        let off_revenue = |c| crate::reports::store::revenue_items_off_tables(c).unwrap();
        assert_eq!(off_revenue(&self.hub), Vec::<String>::new(), "the hub's revenue rows are its payments'");
        let off_visits = |c| crate::reports::store::member_visits_off_tables(c).unwrap();
        assert_eq!(off_visits(&self.hub), Vec::<String>::new(), "the hub's visits are its bookings'");
        for desk in &self.desks {
            assert_eq!(desk.engine.pending_count().unwrap(), 0, "{}'s journal drained", desk.id);
            assert_eq!(log::tables_digest(&desk.replica).unwrap(), hub_digest, "{} holds the hub's data", desk.id);
            assert_eq!(off_ledger(&desk.replica), [], "{}'s balances are its ledger's, after undoing", desk.id);
            let off = off_revenue(&desk.replica);
            assert_eq!(off, Vec::<String>::new(), "{}'s revenue rows are its payments', after undoing", desk.id);
            let off = off_visits(&desk.replica);
            assert_eq!(off, Vec::<String>::new(), "{}'s visits are its bookings', after undoing", desk.id);
            let conflicts: Vec<Uuid> = desk.engine.conflicts().unwrap().iter().map(|c| c.envelope.id).collect();
            for (id, payment) in &desk.taken {
                let state = desk.engine.state_of(*id).unwrap().expect("journaled");
                let decided = core::decided(&self.hub, &id.to_string()).unwrap();
                assert!(decided.is_some(), "{id} from {} was decided on the hub", desk.id);
                assert_eq!(conflicts.contains(id), state != "applied", "{id} ({state}) is a conflict iff refused");
                let Some(payment) = payment else { continue };
                let paid = crate::payments::store::payment(&self.hub, payment).unwrap().is_some();
                let credit = Uuid::new_v5(&payment.parse().unwrap(), b"credit").to_string();
                let credited = crate::payments::store::payment(&self.hub, &credit).unwrap().is_some();
                match state.as_str() {
                    "applied" => assert!(paid && !credited, "payment {payment} recorded once"),
                    "compensated" => assert!(!paid && credited, "payment {payment} credited once"),
                    _ => assert!(!paid && !credited, "refused payment {payment} left no money"),
                }
            }
        }
    }
}

/// What a run went through, so a run that passes can be seen to have tried something.
#[derive(Default, Debug)]
struct Tally {
    taken: usize,
    applied: usize,
    refused: usize,
    compensated: usize,
    restores: usize,
    crashes: usize,
    snapshots: usize,
}

fn run_case(seed: u64, tally: &mut Tally) {
    let mut sim = Sim::new(seed);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for _ in 0..STEPS {
            sim.step();
            sim.check_step();
        }
        sim.heal();
        sim.check_step();
        sim.check_end();
        for desk in &sim.desks {
            for (id, _) in &desk.taken {
                tally.taken += 1;
                match desk.engine.state_of(*id).unwrap().as_deref() {
                    Some("applied") => tally.applied += 1,
                    Some("compensated") => tally.compensated += 1,
                    _ => tally.refused += 1,
                }
            }
        }
        tally.restores += sim.trace.iter().filter(|t| t.contains("restored")).count();
        tally.crashes += sim.trace.iter().filter(|t| t.contains("crashes")).count();
        tally.snapshots += sim.trace.iter().filter(|t| t.contains("installs a snapshot")).count();
        if std::env::var("SYNC_SIM_TRACE").is_ok() {
            eprintln!("{}", sim.trace.join("\n"));
            for desk in &sim.desks {
                for (id, _) in &desk.taken {
                    eprintln!("{} {id} {:?}", desk.id, desk.engine.state_of(*id).unwrap());
                }
            }
        }
    }));
    if let Err(e) = outcome {
        eprintln!("seed {seed} failed after:\n  {}", sim.trace.join("\n  "));
        std::panic::resume_unwind(e);
    }
}

#[test]
fn hub_and_desks_converge_through_cuts_duplicates_and_crashes() {
    let mut tally = Tally::default();
    if let Ok(seed) = std::env::var("SYNC_SIM_SEED") {
        return run_case(seed.parse().expect("SYNC_SIM_SEED is a number"), &mut tally);
    }
    let cases: u64 = std::env::var("SYNC_SIM_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(500);
    let first = fastrand::u64(..);
    for n in 0..cases {
        run_case(first.wrapping_add(n), &mut tally);
    }
    eprintln!("{cases} cases from seed {first}: {tally:?}");
    if cases >= 100 {
        assert!(
            tally.compensated > 0 && tally.restores > 0 && tally.snapshots > 0,
            "the cases tried little: {tally:?}"
        );
    }
}
