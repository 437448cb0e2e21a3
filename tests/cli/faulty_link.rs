//! A desk reaching its hub through a TCP proxy of our own that misbehaves on command: it passes
//! bytes, holds the connection open while dropping everything (a half-open link), cuts every
//! connection, cuts one in the middle of a frame, or delays. The desk must notice a dead hub
//! within 10 s, keep working, survive a kill -9 with work pending, and send everything, once,
//! when the network heals. A first download cut part-way resumes where it stopped.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::desks::{Club, book, browse, pair_and_start_via, query, wait_for};
use super::live::log_in;
use super::{Server, courtside, free_port, http, json_id};

const PASS: u8 = 0;
const BLACK_HOLE: u8 = 1;
const CUT: u8 = 2;
const DELAY: u8 = 3;

/// The proxy: `mode` says how it behaves now; `cut_after` (bytes towards the desk, 0 for never)
/// ends a connection in the middle of whatever it is sending.
struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
    cut_after: Arc<AtomicU64>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mode, cut_after) = (Arc::new(AtomicU8::new(PASS)), Arc::new(AtomicU64::new(0)));
        let (m, c) = (mode.clone(), cut_after.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if m.load(Ordering::SeqCst) == CUT {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else { continue };
                let limit = c.swap(0, Ordering::SeqCst);
                pump(client.try_clone().unwrap(), server.try_clone().unwrap(), m.clone(), 0);
                pump(server, client, m.clone(), limit);
            }
        });
        Proxy { port, mode, cut_after }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` as the mode allows, in its own thread.
fn pump(mut from: TcpStream, mut to: TcpStream, mode: Arc<AtomicU8>, limit: u64) {
    std::thread::spawn(move || {
        from.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let mut buf = [0u8; 4096];
        let mut sent = 0u64;
        loop {
            let m = mode.load(Ordering::SeqCst);
            if m == CUT {
                break;
            }
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
                Err(_) => break,
            };
            match mode.load(Ordering::SeqCst) {
                BLACK_HOLE => continue,
                DELAY => std::thread::sleep(Duration::from_millis(150)),
                _ => {}
            }
            let n = if limit > 0 && sent + n as u64 > limit { (limit - sent) as usize } else { n };
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
            sent += n as u64;
            if limit > 0 && sent >= limit {
                break;
            }
        }
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    });
}

#[test]
fn a_desk_behind_a_faulty_network_notices_keeps_working_and_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let desk_data = dir.path().join("desk");
    let Club { hub: _hub, hub_data, hub_port, sync, token, court, member } = Club::start(dir.path());
    let token = token.as_str();
    let proxy = Proxy::start(sync);
    let desk = pair_and_start_via(&hub_data, &desk_data, proxy.port, "Desk 1");
    let cookie = log_in(desk.port);
    let hub_db = hub_data.join("courtside.db");
    let on_hub = |id: &str| query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{id}'")) == 1;

    let online = book(desk.port, &cookie, &court, &member, "09:00");
    assert!(on_hub(&online), "online, the hub decided before the page answered");

    // A half-open link: the connection stays, nothing arrives. The desk notices within 10 s.
    proxy.set(BLACK_HOLE);
    let noticed = wait_for("the desk notices the silent hub", Duration::from_secs(12), || {
        browse(desk.port, &cookie, "GET", "/", "").2.contains("desk-banner warn")
    });
    eprintln!("a black-holed hub was noticed after {noticed:?}");
    assert!(noticed <= Duration::from_secs(10), "noticed after {noticed:?}");
    let offline = book(desk.port, &cookie, &court, &member, "10:00");

    // Killed with work pending, the desk starts again with it.
    drop(desk);
    let port = free_port();
    let desk = Server::launch(courtside(&desk_data, &["desk", "--bind", &format!("127.0.0.1:{port}")]), port);
    let cookie = log_in(desk.port);
    assert!(browse(desk.port, &cookie, "GET", "/", "").2.contains("1 change waits for the hub"));

    // Healed: sent once, within a few seconds, with nothing typed.
    proxy.set(PASS);
    let healed = Instant::now();
    wait_for("the pending booking reaches the hub", Duration::from_secs(15), || on_hub(&offline));
    eprintln!("after the network healed, the pending booking reached the hub in {:?}", healed.elapsed());

    // A connection cut in the middle of a frame: the desk reconnects and misses nothing.
    proxy.cut_after.store(700, Ordering::SeqCst);
    proxy.set(CUT);
    std::thread::sleep(Duration::from_millis(300));
    proxy.set(PASS);
    let (_, hub_booking) = http(
        hub_port,
        "POST",
        "/api/v1/bookings",
        token,
        &format!(r#"{{"court_id":"{court}","member_id":"{member}","start":"2026-12-20T16:00","minutes":60}}"#),
    );
    let hub_booking = json_id(&hub_booking);
    wait_for("the desk gets the hub's booking after a cut mid-frame", Duration::from_secs(15), || {
        browse(desk.port, &cookie, "GET", "/grid?date=2026-12-20", "").2.contains(&hub_booking)
    });

    // A slow network: 150 ms a read each way; the page still gets the hub's answer.
    proxy.set(DELAY);
    let slow = book(desk.port, &cookie, &court, &member, "11:00");
    wait_for("a booking over a slow link", Duration::from_secs(5), || on_hub(&slow));
    proxy.set(PASS);
    assert_eq!(query(&desk_data.join("desk.db"), "SELECT count(*) FROM journal WHERE state <> 'applied'"), 0);
}

/// A desk's first download cut part-way: the desk keeps what arrived, asks for the rest, and
/// starts with the whole, checked copy.
#[test]
fn a_cut_snapshot_download_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let desk_data = dir.path().join("desk");
    // A club big enough for a snapshot of several frames (256 KB each).
    let hub_data = dir.path().join("hub");
    let made = super::run(&hub_data, &["demo", "--courts", "2", "--members", "300", "--days", "30"], "");
    assert!(made.status.success(), "{}", super::text(&made));
    let sync = free_port();
    let _hub = super::desks::start_hub(&hub_data, free_port(), sync);
    let proxy = Proxy::start(sync);
    let code = String::from_utf8(super::run(&hub_data, &["desk-code", "create"], "").stdout).unwrap();
    let hub = format!("127.0.0.1:{}", proxy.port);
    let paired = super::run(&desk_data, &["desk", "pair", "--hub", &hub, "--code", code.trim()], "");
    assert!(paired.status.success(), "{}", super::text(&paired));

    // The first connection carries 300 KB towards the desk, then ends in the middle of the file.
    proxy.cut_after.store(300 * 1024, Ordering::SeqCst);
    let port = free_port();
    let mut first = courtside(&desk_data, &["desk", "--bind", &format!("127.0.0.1:{port}")]);
    let mut first = first.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let part = || {
        std::fs::read_dir(&desk_data)
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".part"))
            .map(|e| e.metadata().unwrap().len())
    };
    let mut kept = 0;
    wait_for("part of the snapshot is kept after the cut", Duration::from_secs(10), || {
        kept = part().unwrap_or(0);
        kept > 0
    });
    let _ = first.kill();
    let _ = first.wait();
    let snapshot = std::fs::read_dir(hub_data.join("snapshots")).unwrap().flatten().next().unwrap();
    let whole = snapshot.metadata().unwrap().len();
    assert!(kept < whole, "the cut left {kept} of {whole} bytes");

    // Started again: the rest comes, and the desk runs on the hub's data.
    let desk = Server::launch(courtside(&desk_data, &["desk", "--bind", &format!("127.0.0.1:{port}")]), port);
    assert!(part().is_none(), "the part file is gone once the copy is in place");
    let hub_db = hub_data.join("courtside.db");
    wait_for("the desk's data equals the hub's", Duration::from_secs(10), || {
        super::desks::digest(&desk_data.join("courtside.db")) == super::desks::digest(&hub_db)
    });
    drop(desk);
}
