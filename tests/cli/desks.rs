//! A hub and two desks as real processes on 127.0.0.1, each with its own data folder: pairing,
//! a booking on one desk seen on the other's grid within a second, the hub killed with -9 while
//! both desks book the same slot and take a payment, the hub back, and afterwards one booking for
//! the slot, both payments recorded once, the loser's conflict on its desk, and the same club data
//! in all three databases. Then a revoked desk is refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use super::live::log_in;
use super::{Server, courtside, free_port, http, json_id, run, text};

/// One HTTP/1.1 exchange as a logged-in browser: (status, Location, body).
pub(super) fn browse(port: u16, cookie: &str, method: &str, path: &str, form: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let location = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(h, _)| h.eq_ignore_ascii_case("location")).map(|(_, v)| v.trim()))
        .unwrap_or_default()
        .to_owned();
    (status, location, body.to_owned())
}

/// The session's CSRF token, from any page.
pub(super) fn csrf(port: u16, cookie: &str) -> String {
    let (_, _, page) = browse(port, cookie, "GET", "/", "");
    page.split("name=\"csrf\" value=\"").nth(1).expect("a form").split('"').next().unwrap().to_owned()
}

pub(super) fn enc(value: &str) -> String {
    value.replace(' ', "+").replace(':', "%3A")
}

/// Submits a form as a browser on `port` would; returns (status, Location).
fn submit(port: u16, cookie: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = format!("csrf={}", csrf(port, cookie));
    for (k, v) in fields {
        form.push_str(&format!("&{k}={}", enc(v)));
    }
    let (status, location, _) = browse(port, cookie, "POST", action, &form);
    (status, location)
}

pub(super) fn book(port: u16, cookie: &str, court: &str, member: &str, start: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let fields = [
        ("command_id", id.as_str()),
        ("court_id", court),
        ("date", "2026-12-20"),
        ("start", start),
        ("minutes", "60"),
        ("kind", "play"),
        ("booker", "Anna Smith"),
        ("booker_id", member),
    ];
    let (status, location) = submit(port, cookie, "/bookings", &fields);
    assert_eq!((status, location.starts_with("/grid")), (303, true), "booking on {port}");
    id
}

/// Prices the booking and takes its payment by card, at a desk; returns the payment's id.
fn price_and_pay(port: u16, cookie: &str, booking: &str, member: &str) -> String {
    let priced =
        submit(port, cookie, &format!("/bookings/{booking}/price"), &[("price", "500"), ("reason", "club rate")]);
    assert_eq!(priced.0, 303, "price set on {port}");
    let payment = uuid::Uuid::now_v7().to_string();
    let fields = [("command_id", payment.as_str()), ("amount", "500"), ("method", "card"), ("payer", member)];
    let paid = submit(port, cookie, &format!("/bookings/{booking}/pay"), &fields);
    assert_eq!(paid, (303, format!("/bookings/{booking}")), "payment taken on {port}");
    payment
}

pub(super) fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

pub(super) fn digest(db: &Path) -> String {
    let conn = courtside::db::open_connection(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    courtside::sync::store::tables_digest(&conn).unwrap()
}

pub(super) fn query(db: &Path, sql: &str) -> i64 {
    let conn = courtside::db::open_connection(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn strings(db: &Path, sql: &str) -> Vec<String> {
    let conn = courtside::db::open_connection(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// A hub with its owner (olga), an API token, a court and a member, listening for desks.
pub(super) struct Club {
    pub hub: Server,
    pub hub_data: std::path::PathBuf,
    pub hub_port: u16,
    pub sync: u16,
    pub token: String,
    pub court: String,
    pub member: String,
}

impl Club {
    pub fn start(dir: &Path) -> Club {
        let hub_data = dir.join("hub");
        run(
            &hub_data,
            &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"],
            "owner password 1\n",
        );
        let token = String::from_utf8(run(&hub_data, &["token", "create", "--user", "olga"], "").stdout).unwrap();
        let token = token.trim().to_owned();
        let (hub_port, sync) = (free_port(), free_port());
        let hub = start_hub(&hub_data, hub_port, sync);
        let (_, court) = http(hub_port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 1"}"#);
        let member = r#"{"full_name":"Anna Smith","phone":"+79161234567"}"#;
        let (_, member) = http(hub_port, "POST", "/api/v1/members", &token, member);
        Club { hub, hub_data, hub_port, sync, token, court: json_id(&court), member: json_id(&member) }
    }
}

pub(super) fn start_hub(data: &Path, port: u16, sync: u16) -> Server {
    let args = ["serve", "--bind", &format!("127.0.0.1:{port}"), "--sync-bind", &format!("127.0.0.1:{sync}")];
    Server::launch(courtside(data, &args), port)
}

fn pair_and_start(hub: &Path, data: &Path, sync: u16, name: &str) -> Server {
    pair_and_start_via(hub, data, sync, name)
}

/// Pairs a desk with the hub whose desks' link is reached at 127.0.0.1:`port` and starts it.
pub(super) fn pair_and_start_via(hub: &Path, data: &Path, port: u16, name: &str) -> Server {
    let sync = port;
    let code = run(hub, &["desk-code", "create"], "");
    let code = String::from_utf8(code.stdout).unwrap().trim().to_owned();
    let paired =
        run(data, &["desk", "pair", "--hub", &format!("127.0.0.1:{sync}"), "--code", &code, "--name", name], "");
    assert!(paired.status.success(), "{}", text(&paired));
    let port = free_port();
    Server::launch(courtside(data, &["desk", "--bind", &format!("127.0.0.1:{port}")]), port)
}

#[test]
fn two_desks_work_through_a_hub_outage_and_agree_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("desk1"), dir.path().join("desk2"));
    let Club { hub, hub_data, hub_port, sync, court, member, .. } = Club::start(dir.path());

    // A mistyped code is refused with a sentence, and the desk stays unpaired.
    let code = String::from_utf8(run(&hub_data, &["desk-code", "create"], "").stdout).unwrap();
    let wrong = format!("AAAA-AAAA{}", &code.trim()[9..]);
    let refused = run(&d1, &["desk", "pair", "--hub", &format!("127.0.0.1:{sync}"), "--code", &wrong], "");
    assert!(!refused.status.success() && text(&refused).contains("pairing code is wrong"), "{}", text(&refused));

    let desk1 = pair_and_start(&hub_data, &d1, sync, "Desk 1");
    let desk2 = pair_and_start(&hub_data, &d2, sync, "Desk 2");
    let (c1, c2) = (log_in(desk1.port), log_in(desk2.port));

    // Online: a booking at desk 1 is on desk 2's grid within a second.
    let first = book(desk1.port, &c1, &court, &member, "10:00");
    let seen = wait_for("desk 2 shows desk 1's booking", Duration::from_secs(1), || {
        browse(desk2.port, &c2, "GET", "/grid?date=2026-12-20", "").2.contains(&first)
    });
    eprintln!("a booking made at desk 1 was on desk 2's grid after {seen:?}");

    // The hub dies; both desks notice and go on alone.
    hub.kill();
    for (port, cookie) in [(desk1.port, &c1), (desk2.port, &c2)] {
        wait_for("the desk shows it is offline", Duration::from_secs(12), || {
            browse(port, cookie, "GET", "/", "").2.contains("desk-banner warn")
        });
    }
    let b1 = book(desk1.port, &c1, &court, &member, "12:00");
    let b2 = book(desk2.port, &c2, &court, &member, "12:00");
    let p1 = price_and_pay(desk1.port, &c1, &b1, &member);
    let p2 = price_and_pay(desk2.port, &c2, &b2, &member);
    let (_, _, page) = browse(desk1.port, &c1, "GET", "/", "");
    assert!(page.contains("changes wait for the hub"), "the banner counts what waits");

    // The hub returns: everything is decided, once.
    let hub = start_hub(&hub_data, hub_port, sync);
    let journals_drained = || {
        [&d1, &d2]
            .iter()
            .all(|d| query(&d.join("desk.db"), "SELECT count(*) FROM journal WHERE state = 'pending'") == 0)
    };
    let drained = wait_for("both desks' journals drain", Duration::from_secs(30), journals_drained);
    eprintln!("after the hub came back, both desks had sent everything within {drained:?}");
    let hub_db = hub_data.join("courtside.db");
    let slot = format!(
        "SELECT count(*) FROM bookings WHERE status <> 'cancelled' AND court_id = '{court}' AND starts_at = \
         (SELECT max(starts_at) FROM bookings)"
    );
    assert_eq!(query(&hub_db, &slot), 1, "one booking for the contested slot");
    let winner_is_1 = query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{b1}'")) == 1;
    let (winner_pay, loser_pay, loser_dir, loser) =
        if winner_is_1 { (&p1, &p2, &d2, &desk2) } else { (&p2, &p1, &d1, &desk1) };
    assert_eq!(query(&hub_db, &format!("SELECT count(*) FROM payments WHERE id = '{winner_pay}'")), 1);
    assert_eq!(query(&hub_db, &format!("SELECT count(*) FROM payments WHERE id = '{loser_pay}'")), 0);
    let credited = uuid::Uuid::new_v5(&loser_pay.parse().unwrap(), b"credit");
    assert_eq!(
        query(&hub_db, &format!("SELECT count(*) FROM payments WHERE id = '{credited}' AND purpose = 'top_up'")),
        1,
        "the losing desk's payment went to the member's account"
    );
    assert_eq!(
        query(&hub_db, "SELECT sum(amount) FROM payments"),
        2 * 50_000,
        "both payments (500.00 each), once each"
    );
    assert!(query(&loser_dir.join("desk.db"), "SELECT count(*) FROM journal WHERE conflict = 1") >= 1);
    let loser_cookie = log_in(loser.port);
    let (_, _, conflicts) = browse(loser.port, &loser_cookie, "GET", "/desk/conflicts", "");
    assert!(conflicts.contains("class=\"card conflict\""), "the conflict is listed on the losing desk");

    // The hub's inbox lists the same refusals, with the desk they came from; dealing with them
    // there empties the losing desk's inbox too.
    let owner = log_in(hub_port);
    let (_, _, home) = browse(hub_port, &owner, "GET", "/", "");
    assert!(
        home.contains("made at desks were refused") || home.contains("made at a desk was refused"),
        "hub banner: {home}"
    );
    let (_, _, inbox) = browse(hub_port, &owner, "GET", "/desk/conflicts", "");
    let loser_name = if winner_is_1 { "Made at Desk 2" } else { "Made at Desk 1" };
    assert!(inbox.contains(loser_name), "the hub says which desk: {inbox}");
    assert!(inbox.contains("Leave it unbooked") && inbox.contains("credited to the member"), "{inbox}");
    let refused = strings(&hub_db, "SELECT id FROM commands WHERE desk_id IS NOT NULL AND status = 'rejected'");
    assert!(!refused.is_empty());
    for id in &refused {
        let key = uuid::Uuid::now_v7().to_string();
        let done = submit(hub_port, &owner, &format!("/desk/conflicts/{id}/resolve"), &[("command_id", &key)]);
        assert_eq!(done, (303, "/desk/conflicts".to_owned()));
    }
    let (_, _, inbox) = browse(hub_port, &owner, "GET", "/desk/conflicts", "");
    assert!(inbox.contains("id=\"no-conflicts\""), "the hub's inbox is empty: {inbox}");
    // Clicked again (a second tab), or with an id that is no command: nothing more is recorded.
    let key = uuid::Uuid::now_v7().to_string();
    let again = submit(hub_port, &owner, &format!("/desk/conflicts/{}/resolve", refused[0]), &[("command_id", &key)]);
    assert_eq!(again, (303, "/desk/conflicts".to_owned()));
    let key = uuid::Uuid::now_v7().to_string();
    assert_eq!(submit(hub_port, &owner, "/desk/conflicts/not-an-id/resolve", &[("command_id", &key)]).0, 404);
    let resolutions = query(&hub_db, "SELECT count(*) FROM conflict_resolutions");
    assert_eq!(resolutions, refused.len() as i64, "one resolution each");
    wait_for("the losing desk's inbox empties", Duration::from_secs(10), || {
        query(&loser_dir.join("desk.db"), "SELECT count(*) FROM journal WHERE conflict = 1 AND resolved_at IS NULL")
            == 0
    });
    let (_, _, conflicts) = browse(loser.port, &loser_cookie, "GET", "/desk/conflicts", "");
    assert!(conflicts.contains("id=\"no-conflicts\""), "resolved at the hub, gone from the desk");

    // All three databases hold the same club.
    wait_for("the replicas equal the hub", Duration::from_secs(10), || {
        let hub = digest(&hub_db);
        digest(&d1.join("courtside.db")) == hub && digest(&d2.join("courtside.db")) == hub
    });

    // A revoked desk is cut off at once and refused from then on; the other one stays.
    let (_, _, desks) = browse(hub_port, &owner, "GET", "/desks", "");
    let row = desks.split("data-desk=\"").nth(1).unwrap();
    assert!(row.contains("Desk 2"), "the newest desk is listed first");
    let desk2_id = row.split('"').next().unwrap().to_owned();
    let revoked = submit(hub_port, &owner, &format!("/desks/{desk2_id}/revoke"), &[]);
    assert_eq!(revoked, (303, "/desks".to_owned()));
    let c2 = log_in(desk2.port);
    wait_for("the revoked desk says so", Duration::from_secs(20), || {
        browse(desk2.port, &c2, "GET", "/", "").2.contains("no longer accepts this desk")
    });
    let later = book(desk1.port, &c1, &court, &member, "14:00");
    wait_for("the other desk still works with the hub", Duration::from_secs(5), || {
        query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{later}'")) == 1
    });
    drop(hub);
}

/// The hub PC dies for good: a desk is promoted to hub, the other desk is paired with it and
/// sends what it took meanwhile; nothing the old hub decided is lost or done twice.
#[test]
fn a_desk_promoted_to_hub_takes_over_the_club() {
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("desk1"), dir.path().join("desk2"));
    let Club { hub, hub_data, sync, court, member, .. } = Club::start(dir.path());
    let desk1 = pair_and_start(&hub_data, &d1, sync, "Desk 1");
    let desk2 = pair_and_start(&hub_data, &d2, sync, "Desk 2");
    let (c1, c2) = (log_in(desk1.port), log_in(desk2.port));
    let from_1 = book(desk1.port, &c1, &court, &member, "10:00");
    let from_2 = book(desk2.port, &c2, &court, &member, "11:00");
    wait_for("desk 1 holds desk 2's booking", Duration::from_secs(5), || {
        query(&d1.join("courtside.db"), &format!("SELECT count(*) FROM bookings WHERE id = '{from_2}'")) == 1
    });

    // The hub is gone for good; both desks go on.
    hub.kill();
    let offline_1 = book(desk1.port, &c1, &court, &member, "12:00");
    let offline_2 = book(desk2.port, &c2, &court, &member, "13:00");
    drop(desk1);
    let promoted = run(&d1, &["desk", "promote"], "");
    assert!(text(&promoted).contains("now the club's hub"), "{}", text(&promoted));
    let (new_port, new_sync) = (free_port(), free_port());
    let new_hub = start_hub(&d1, new_port, new_sync);
    let new_db = d1.join("courtside.db");
    for id in [&from_1, &from_2, &offline_1] {
        assert_eq!(query(&new_db, &format!("SELECT count(*) FROM bookings WHERE id = '{id}'")), 1, "{id}");
    }

    // Desk 2 is paired with the new hub and sends what it took meanwhile, once.
    drop(desk2);
    let desk2 = pair_and_start(&d1, &d2, new_sync, "Desk 2");
    wait_for("desk 2's offline booking reaches the new hub", Duration::from_secs(20), || {
        query(&new_db, &format!("SELECT count(*) FROM bookings WHERE id = '{offline_2}'")) == 1
    });
    assert_eq!(query(&new_db, "SELECT count(*) FROM bookings WHERE status <> 'cancelled'"), 4);
    wait_for("desk 2 holds the new hub's data", Duration::from_secs(10), || {
        digest(&d2.join("courtside.db")) == digest(&new_db)
    });
    drop((desk2, new_hub));
}

/// Trimming the hub's log keeps what a desk that is away still needs: the desk comes back and
/// follows the log from where it stopped (no new snapshot) to the same club as the hub.
#[test]
fn a_desk_that_was_away_follows_a_trimmed_log() {
    let dir = tempfile::tempdir().unwrap();
    let away = dir.path().join("desk");
    let Club { hub, hub_data, hub_port, sync, court, member, .. } = Club::start(dir.path());
    let desk = pair_and_start(&hub_data, &away, sync, "Desk 1");
    let before = book(desk.port, &log_in(desk.port), &court, &member, "10:00");
    let hub_db = hub_data.join("courtside.db");
    wait_for("the hub holds the desk's booking", Duration::from_secs(5), || {
        query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{before}'")) == 1
    });
    drop(desk);
    let while_away = book(hub_port, &log_in(hub_port), &court, &member, "11:00");

    let trimmed = run(&hub_data, &["trim-log", "--keep-days", "0"], "");
    assert!(trimmed.status.success(), "{}", text(&trimmed));
    let floor = |db: &Path| query(db, "SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'retention_floor'");
    let head = query(&hub_db, "SELECT CAST(v AS INTEGER) FROM sync_meta WHERE k = 'head_txn_seq'");
    assert!(floor(&hub_db) > 0 && floor(&hub_db) < head, "trimmed up to the desk, not past it: {}", text(&trimmed));
    assert!(text(&trimmed).contains("removed"), "{}", text(&trimmed));

    let port = free_port();
    let desk = Server::launch(courtside(&away, &["desk", "--bind", &format!("127.0.0.1:{port}")]), port);
    let replica = away.join("courtside.db");
    wait_for("the desk holds what the hub took while it was away", Duration::from_secs(10), || {
        query(&replica, &format!("SELECT count(*) FROM bookings WHERE id = '{while_away}'")) == 1
    });
    assert_eq!(digest(&replica), digest(&hub_db));
    assert_eq!(query(&replica, "SELECT min(txn_seq) FROM change_log"), 1, "the desk followed the log, no snapshot");
    drop((desk, hub));
}
