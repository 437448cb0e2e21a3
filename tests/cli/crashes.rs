//! Hub and desk killed with -9 at the points research/sync.md §13.3 names, as real processes on
//! 127.0.0.1: each is started with `COURTSIDE_PAUSE_AT=<point>`, stops there, and is killed. After
//! a restart, nothing is lost or done twice: the command taken is on the hub exactly once, every
//! journal is drained, and the desk's club data equals the hub's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::desks::{Club, book, csrf, digest, enc, pair_and_start_via, query, start_hub, wait_for};
use super::live::log_in;
use super::{Server, courtside, free_port, http, json_id, run};

/// A courtside process whose output is watched, perhaps started to pause at a point; killed with
/// SIGKILL when dropped.
struct Proc {
    child: Child,
    out: Arc<Mutex<String>>,
}

impl Proc {
    fn start(data: &Path, args: &[&str], pause_at: Option<&str>) -> Proc {
        let mut cmd = courtside(data, args);
        if let Some(point) = pause_at {
            cmd.env("COURTSIDE_PAUSE_AT", point);
        }
        let stderr = std::env::var_os("COURTSIDE_TEST_LOGS").map_or(Stdio::null(), |_| Stdio::inherit());
        cmd.stdout(Stdio::piped()).stderr(stderr);
        let mut child = cmd.spawn().unwrap();
        let out = Arc::new(Mutex::new(String::new()));
        let sink = out.clone();
        let reader = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        Proc { child, out }
    }

    fn printed(&self, what: &str) -> bool {
        self.out.lock().unwrap().contains(what)
    }

    /// Waits for the banner of a server that has not paused yet.
    fn running(self, port: u16) -> Proc {
        wait_for("the server starts", Duration::from_secs(30), || {
            self.printed("is running") && TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        self
    }

    /// Waits until it stops at its point, then kills it with -9.
    fn kill_when_paused(mut self, point: &str) {
        wait_for(&format!("the process reaches {point}"), Duration::from_secs(30), || {
            self.printed(&format!("paused at {point}"))
        });
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn desk_args(port: u16) -> Vec<String> {
    vec!["desk".into(), "--bind".into(), format!("127.0.0.1:{port}")]
}

fn start_desk(data: &Path, port: u16) -> Server {
    let args = desk_args(port);
    Server::launch(courtside(data, &args.iter().map(String::as_str).collect::<Vec<_>>()), port)
}

fn desk_pausing(data: &Path, port: u16, pause_at: Option<&str>) -> Proc {
    let args = desk_args(port);
    Proc::start(data, &args.iter().map(String::as_str).collect::<Vec<_>>(), pause_at)
}

/// The hub of `club`, started again on its ports to pause at `point`.
fn hub_pausing(club: &Hub, point: &str) -> Proc {
    let (bind, sync) = (format!("127.0.0.1:{}", club.hub_port), format!("127.0.0.1:{}", club.sync));
    Proc::start(&club.hub_data, &["serve", "--bind", &bind, "--sync-bind", &sync], Some(point)).running(club.hub_port)
}

/// A club whose hub process the test stops and starts itself.
struct Hub {
    hub_data: PathBuf,
    hub_port: u16,
    sync: u16,
    token: String,
    court: String,
    member: String,
}

impl Hub {
    /// Starts a club (`desks::Club`) and stops its hub.
    fn stopped(dir: &Path) -> Hub {
        let Club { hub, hub_data, hub_port, sync, token, court, member } = Club::start(dir);
        hub.kill();
        Hub { hub_data, hub_port, sync, token, court, member }
    }

    fn start(&self) -> Server {
        start_hub(&self.hub_data, self.hub_port, self.sync)
    }

    fn book_by_api(&self) -> String {
        let body = format!(
            r#"{{"court_id":"{}","member_id":"{}","start":"2026-12-20T10:00","minutes":60}}"#,
            self.court, self.member
        );
        let (status, created) = http(self.hub_port, "POST", "/api/v1/bookings", &self.token, &body);
        assert_eq!(status, 201, "{created}");
        json_id(&created)
    }

    fn pair(&self, desk: &Path) {
        let code = String::from_utf8(run(&self.hub_data, &["desk-code", "create"], "").stdout).unwrap();
        let hub = format!("127.0.0.1:{}", self.sync);
        let paired = run(desk, &["desk", "pair", "--hub", &hub, "--code", code.trim(), "--name", "Desk 1"], "");
        assert!(paired.status.success());
    }
}

/// Sends the booking form of a slot at 10:00 on the 20th to a desk and does not wait for its
/// answer (the desk may be about to stop for good); returns the booking's id.
fn book_without_waiting(port: u16, cookie: &str, club: &Hub) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let form = format!(
        "csrf={}&command_id={id}&court_id={}&date=2026-12-20&start={}&minutes=60&kind=play&booker={}&booker_id={}",
        csrf(port, cookie),
        club.court,
        enc("10:00"),
        enc("Anna Smith"),
        club.member
    );
    let request = format!(
        "POST /bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    std::thread::spawn(move || {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.write_all(request.as_bytes());
            let _ = stream.read_to_end(&mut Vec::new());
        }
    });
    id
}

/// After the crash and the restart: the booking `id` is on the hub once, the desk's journal is
/// drained, and its club data equals the hub's.
fn agree(club: &Hub, desk: &Path, booking: &str) {
    let hub_db = club.hub_data.join("courtside.db");
    let on_hub = format!("SELECT count(*) FROM bookings WHERE id = '{booking}'");
    wait_for("the booking is on the hub and the desk's journal drained", Duration::from_secs(30), || {
        query(&hub_db, &on_hub) > 0
            && query(&desk.join("desk.db"), "SELECT count(*) FROM journal WHERE state = 'pending'") == 0
    });
    assert_eq!(query(&hub_db, &on_hub), 1, "booked once");
    assert_eq!(query(&hub_db, "SELECT count(*) FROM bookings WHERE status <> 'cancelled'"), 1, "and nothing else");
    wait_for("the desk's data equals the hub's", Duration::from_secs(15), || {
        digest(&desk.join("courtside.db")) == digest(&hub_db)
    });
}

/// A club with one desk that has taken its first snapshot; both stopped.
fn club_with_desk(dir: &Path) -> (Hub, PathBuf) {
    let club = Hub::stopped(dir);
    let desk = dir.join("desk");
    let hub = club.start();
    drop(pair_and_start_via(&club.hub_data, &desk, club.sync, "Desk 1"));
    drop(hub);
    (club, desk)
}

/// The desk dies while taking a booking: after journaling it, and after sending it.
#[test]
fn a_desk_killed_while_taking_a_command_sends_it_once_after_restart() {
    for point in ["desk-journaled", "desk-pushed"] {
        let dir = tempfile::tempdir().unwrap();
        let (club, desk) = club_with_desk(dir.path());
        let _hub = club.start();
        let port = free_port();
        let paused = desk_pausing(&desk, port, Some(point)).running(port);
        let cookie = log_in(port);
        let booking = book_without_waiting(port, &cookie, &club);
        paused.kill_when_paused(point);
        let _desk = start_desk(&desk, port);
        agree(&club, &desk, &booking);
    }
}

/// The desk dies while applying the hub's log.
#[test]
fn a_desk_killed_mid_apply_catches_up_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (club, desk) = club_with_desk(dir.path());
    let _hub = club.start();
    let port = free_port();
    let paused = desk_pausing(&desk, port, Some("desk-applying")).running(port);
    let booking = club.book_by_api();
    paused.kill_when_paused("desk-applying");
    let _desk = start_desk(&desk, port);
    agree(&club, &desk, &booking);
}

/// The desk dies installing its first snapshot: before and after putting it in place.
#[test]
fn a_desk_killed_installing_its_snapshot_starts_again() {
    for point in ["desk-installing", "desk-installed"] {
        let dir = tempfile::tempdir().unwrap();
        let club = Hub::stopped(dir.path());
        let _hub = club.start();
        let desk = dir.path().join("desk");
        club.pair(&desk);
        let port = free_port();
        desk_pausing(&desk, port, Some(point)).kill_when_paused(point);
        let _desk = start_desk(&desk, port);
        let booking = book(port, &log_in(port), &club.court, &club.member, "10:00");
        agree(&club, &desk, &booking);
    }
}

/// The hub dies deciding a desk's command: before its commit, and after it before answering.
#[test]
fn a_hub_killed_while_deciding_decides_once_after_restart() {
    for point in ["hub-deciding", "hub-decided"] {
        let dir = tempfile::tempdir().unwrap();
        let (club, desk) = club_with_desk(dir.path());
        let paused = hub_pausing(&club, point);
        let port = free_port();
        let _desk = start_desk(&desk, port);
        let cookie = log_in(port);
        let booking = book_without_waiting(port, &cookie, &club);
        paused.kill_when_paused(point);
        let _hub = club.start();
        agree(&club, &desk, &booking);
    }
}

/// The hub dies building a snapshot for a new desk, and while sending a desk its log.
#[test]
fn a_hub_killed_mid_snapshot_or_mid_log_leaves_desks_whole() {
    let dir = tempfile::tempdir().unwrap();
    let club = Hub::stopped(dir.path());
    let paused = hub_pausing(&club, "hub-snapshotting");
    let desk = dir.path().join("desk");
    club.pair(&desk);
    let port = free_port();
    let first_start = desk_pausing(&desk, port, None);
    paused.kill_when_paused("hub-snapshotting");
    let hub = club.start();
    drop(first_start.running(port));
    drop(hub);
    let left: Vec<_> =
        std::fs::read_dir(club.hub_data.join("snapshots")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.iter().all(|n| n.to_string_lossy().ends_with(".db.gz")), "the cut build left {left:?}");

    let paused = hub_pausing(&club, "hub-sending-log");
    let booking = club.book_by_api();
    let _desk = start_desk(&desk, port);
    paused.kill_when_paused("hub-sending-log");
    let _hub = club.start();
    agree(&club, &desk, &booking);
}
