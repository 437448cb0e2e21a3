//! The operator's console, run as a real process: what a club's IT person types and reads.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// The same fake providers as the HTTP tests; this binary uses only some of them.
mod crashes;
mod desks;
#[allow(dead_code)]
#[path = "../http/fake_sms.rs"]
mod fake_sms;
mod faulty_link;
mod hardening;
mod hub_changes;
mod live;
mod login_flood;
mod memory;
mod replay;
mod sms;

/// The binary under test: this build's, or another (a release build) named by COURTSIDE_BIN.
fn bin() -> String {
    std::env::var("COURTSIDE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_courtside").to_owned())
}

fn courtside(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("--data").arg(data).args(args).env_remove("RUST_LOG");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("COURTSIDE_")) {
        cmd.env_remove(key);
    }
    cmd
}

fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child =
        courtside(data, args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The server's resident memory in MiB, from /proc.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `courtside serve`; killed with SIGKILL when dropped.
struct Server {
    child: Child,
    port: u16,
    stdout: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let port = free_port();
        Server::launch(courtside(data, &["serve", "--bind", &format!("127.0.0.1:{port}")]), port)
    }

    /// Starts `serve` with every file it writes limited to `kib` KiB (as on a full disk: writes
    /// beyond it fail with EFBIG, which the shell makes the process see instead of a signal).
    fn start_with_file_limit(data: &Path, kib: u64) -> Server {
        let port = free_port();
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
            .arg(bin())
            .arg("--data")
            .arg(data)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env_remove("RUST_LOG");
        Server::launch(cmd, port)
    }

    fn launch(mut cmd: Command, port: u16) -> Server {
        let stderr = std::env::var_os("COURTSIDE_TEST_LOGS").map_or(Stdio::null(), |_| Stdio::inherit());
        let mut child = cmd.stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
        let lines = Arc::new(Mutex::new(String::new()));
        let sink = lines.clone();
        let reader = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        // The banner is printed once the port is open, in one go.
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() || !lines.lock().unwrap().contains("is running") {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        let stdout = lines.lock().unwrap().clone();
        Server { child, port, stdout }
    }

    fn healthcheck(&self, data: &Path) -> Output {
        run(data, &["healthcheck", "--url", &format!("http://127.0.0.1:{}", self.port)], "")
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn version_and_help_answer() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--version"], "");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("courtside {}", env!("CARGO_PKG_VERSION")));
    let help = text(&run(dir.path(), &["--help"], ""));
    for verb in ["serve", "migrate", "user", "token", "backup", "restore", "config", "healthcheck"] {
        assert!(help.contains(verb), "help lists {verb}");
    }
}

#[test]
fn users_are_managed_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let add = run(
        dir.path(),
        &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"],
        "owner password 1\n",
    );
    assert!(add.status.success(), "{}", text(&add));
    let list = text(&run(dir.path(), &["user", "list"], ""));
    assert!(list.contains("olga") && list.contains("owner") && list.contains("active"), "{list}");

    let dup = run(
        dir.path(),
        &["user", "add", "OLGA", "--role", "coach", "--password-stdin", "--own-account"],
        "another password\n",
    );
    assert!(!dup.status.success());
    assert_eq!(text(&dup).trim(), "courtside: The username olga is already taken.");

    let short =
        run(dir.path(), &["user", "add", "kate", "--role", "coach", "--password-stdin", "--own-account"], "short\n");
    assert!(!short.status.success());
    assert!(text(&short).contains("at least 10 characters"), "{}", text(&short));
    // Someone else's account: they choose their own password at first sign-in, as with the Staff page.
    let kate = run(dir.path(), &["user", "add", "kate", "--role", "coach", "--password-stdin"], "kate password 1\n");
    assert!(text(&kate).contains("they choose their own password when they first sign in"), "{}", text(&kate));

    let token = run(dir.path(), &["token", "create", "--user", "olga", "--name", "website"], "");
    assert!(token.status.success(), "{}", text(&token));
    assert!(String::from_utf8_lossy(&token.stdout).trim().starts_with("cst_"));

    let disable = run(dir.path(), &["user", "disable", "olga"], "");
    assert!(!disable.status.success(), "the last owner stays");
    assert!(text(&disable).contains("at least one active owner"), "{}", text(&disable));

    let nobody = run(dir.path(), &["user", "passwd", "nobody", "--password-stdin"], "new password 12\n");
    assert!(text(&nobody).contains("there is no staff user \"nobody\""), "{}", text(&nobody));
}

#[test]
fn config_show_tells_where_each_value_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("courtside.toml"), "club_name = \"Spartak\"\n").unwrap();
    let out = courtside(dir.path(), &["config", "show"]).env("COURTSIDE_CURRENCY", "RUB").output().unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("club_name = \"Spartak\"    # file "), "{shown}");
    assert!(shown.contains("currency = \"RUB\"    # environment COURTSIDE_CURRENCY"), "{shown}");
    assert!(shown.contains("bind = \"0.0.0.0:8080\"    # default"), "{shown}");

    let bad = courtside(dir.path(), &["config", "show"]).env("COURTSIDE_TIME_ZONE", "Moscow").output().unwrap();
    assert!(!bad.status.success());
    assert!(text(&bad).contains("time_zone \"Moscow\" is not an IANA time zone"), "{}", text(&bad));
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["migrate"], "").status.success());
    let conn = courtside::db::open_connection(&dir.path().join("courtside.db"), Default::default()).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let out = run(dir.path(), &["migrate"], "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("was written by a newer Courtside (schema 99"), "{msg}");
    assert!(msg.contains("Fix: install the newer Courtside"), "{msg}");
    assert!(!msg.contains("panicked") && !msg.contains("backtrace"));
}

#[test]
fn an_unusable_data_folder_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let data = blocker.join("data");
    let out = run(&data, &["migrate"], "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains(&format!("cannot create the data folder {}", data.display())), "{msg}");
    assert!(msg.contains("Fix: choose another folder with --data"), "{msg}");
}

#[test]
fn serve_prints_the_setup_url_answers_health_and_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let banner = server.stdout.clone();
    assert!(banner.contains("First start: create the owner account at"), "{banner}");
    assert!(banner.contains(&format!("http://127.0.0.1:{}/setup?token=", server.port)), "{banner}");
    let health = server.healthcheck(dir.path());
    assert!(health.status.success(), "{}", text(&health));

    // A second server on the same data folder is refused, clearly.
    let second = run(dir.path(), &["serve", "--bind", &format!("127.0.0.1:{}", free_port())], "");
    assert!(!second.status.success());
    assert!(text(&second).contains("another Courtside is running with the data folder"), "{}", text(&second));

    // kill -9, then start again on the same folder: same secret key, same database.
    let key = std::fs::read(dir.path().join("secret.key")).unwrap();
    server.kill();
    assert!(!run(dir.path(), &["healthcheck", "--url", "http://127.0.0.1:9"], "").status.success());
    let again = Server::start(dir.path());
    assert!(again.healthcheck(dir.path()).status.success());
    assert_eq!(std::fs::read(dir.path().join("secret.key")).unwrap(), key);
}

#[test]
fn backup_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    run(&data, &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"], "owner password 1\n");
    let file = dir.path().join("before.sqlite3");
    let out = run(&data, &["backup", file.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    run(&data, &["user", "add", "late", "--role", "coach", "--password-stdin", "--own-account"], "coach password 1\n");

    // A file that is not a backup is refused and nothing changes.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, "not a database").unwrap();
    let refused = run(&data, &["restore", junk.to_str().unwrap()], "");
    assert!(!refused.status.success());
    assert!(text(&refused).contains("junk.sqlite3"), "{}", text(&refused));
    assert!(text(&run(&data, &["user", "list"], "")).contains("late"));

    // Not while the server runs.
    let server = Server::start(&data);
    let busy = run(&data, &["restore", file.to_str().unwrap()], "");
    assert!(text(&busy).contains("another Courtside is running"), "{}", text(&busy));
    server.kill();

    let restored = run(&data, &["restore", file.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains("The previous database was kept as"));
    let list = text(&run(&data, &["user", "list"], ""));
    assert!(list.contains("olga") && !list.contains("late"), "{list}");
    let kept = std::fs::read_dir(&data)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("before-restore"))
        .count();
    assert_eq!(kept, 1);
}

/// A plain HTTP/1.1 request over a fresh connection (no client library needed).
fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    use std::io::Read;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn json_id(body: &str) -> String {
    body.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// A backup taken while bookings pour in, restored after a kill -9, gives a consistent club:
/// an intact database, a gapless change log that accounts for every booking, no overlaps.
#[test]
fn a_backup_taken_during_writes_restores_a_consistent_club() {
    // Every slot of March 2027 from 08:00 to 22:00 (14 a day, 28 days): the day query below sees all.
    const WRITES: usize = 14 * 28;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    run(&data, &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"], "owner password 1\n");
    let token =
        String::from_utf8(run(&data, &["token", "create", "--user", "olga"], "").stdout).unwrap().trim().to_owned();
    let server = Server::start(&data);
    let port = server.port;
    let (status, court) = http(port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 1"}"#);
    assert_eq!(status, 201, "{court}");
    let court = json_id(&court);
    let (status, member) = http(port, "POST", "/api/v1/members", &token, r#"{"full_name":"Anna Smith"}"#);
    assert_eq!(status, 201, "{member}");
    let member = json_id(&member);

    let writer = {
        let (token, court, member) = (token.clone(), court.clone(), member.clone());
        std::thread::spawn(move || {
            let mut made = 0;
            for i in 0..WRITES {
                let body = format!(
                    r#"{{"court_id":"{court}","member_id":"{member}","start":"2027-{:02}-{:02}T{:02}:00","minutes":60}}"#,
                    3 + i / (14 * 28),
                    1 + (i / 14) % 28,
                    8 + i % 14
                );
                if http(port, "POST", "/api/v1/bookings", &token, &body).0 == 201 {
                    made += 1;
                }
            }
            made
        })
    };
    // The backup starts once some bookings are in and many are still to come (a fixed sleep let
    // a fast machine finish all of them first).
    let started = Instant::now();
    while http(port, "GET", "/api/v1/bookings?from=2027-03-01&to=2027-03-28", &token, "").1.matches("\"kind\"").count()
        < 10
    {
        assert!(started.elapsed() < Duration::from_secs(30), "no bookings came in");
        std::thread::sleep(Duration::from_millis(5));
    }
    let file = dir.path().join("during-writes.sqlite3");
    let backup = run(&data, &["backup", file.to_str().unwrap()], "");
    assert!(backup.status.success(), "{}", text(&backup));
    assert_eq!(writer.join().unwrap(), WRITES, "every booking was accepted");
    server.kill();

    let restored = run(&data, &["restore", file.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", text(&restored));
    let again = Server::start(&data);
    assert!(again.healthcheck(&data).status.success());
    let (status, day) = http(again.port, "GET", "/api/v1/bookings?from=2027-03-01&to=2027-03-28", &token, "");
    assert_eq!(status, 200);
    drop(again);

    let conn = courtside::db::open_connection(&data.join("courtside.db"), Default::default()).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let bookings: i64 = conn.query_row("SELECT count(*) FROM bookings", [], |r| r.get(0)).unwrap();
    assert!(bookings > 0 && bookings < WRITES as i64, "the backup caught the club mid-stream ({bookings} bookings)");
    assert_eq!(
        day.matches("\"kind\"").count() as i64,
        bookings,
        "the restored server serves exactly the restored bookings"
    );
    let logged: i64 = conn
        .query_row("SELECT count(DISTINCT pk) FROM change_log WHERE tbl = 'bookings' AND op = 'put'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, bookings, "every booking in the copy has its change-log rows, and no more");
    let (max, count): (i64, i64) =
        conn.query_row("SELECT max(txn_seq), count(*) FROM sync_txn", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(max, count, "txn_seq has no gaps");
    let applied: i64 = conn
        .query_row("SELECT count(*) FROM commands WHERE kind = 'create_booking' AND status = 'applied'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(applied, bookings, "the command log and the bookings agree");
}

/// Puts the club of tests/fixtures/v0004.sql, as the first released schema wrote it, in `data`.
fn load_first_release(data: &Path) {
    std::fs::create_dir_all(data).unwrap();
    let conn = courtside::db::open_connection(&data.join("courtside.db"), Default::default()).unwrap();
    // The dump lists tables alphabetically, so children come before parents: load without FK checks.
    conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    conn.execute_batch(include_str!("../fixtures/v0004.sql")).unwrap();
    conn.pragma_update(None, "user_version", 4).unwrap();
    conn.pragma_update(None, "application_id", courtside::db::APPLICATION_ID).unwrap();
}

/// A club written by the first released schema (v4) opens with the current binary: migrated
/// (with a backup first when anything is pending), nothing lost, its change log intact.
#[test]
fn a_database_from_the_first_release_migrates_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    load_first_release(&data);

    let out = run(&data, &["migrate"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("schema version {}", courtside::db::migrate::latest())), "{}", text(&out));
    let pre_migrate = std::fs::read_dir(data.join("backups")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(pre_migrate > 0, courtside::db::migrate::latest() > 4, "a backup is taken exactly when migrations ran");

    let conn = courtside::db::open_connection(&data.join("courtside.db"), Default::default()).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM members"), 20);
    assert_eq!(count("SELECT count(*) FROM bookings"), 84);
    assert_eq!(count("SELECT count(*) FROM series"), 2);
    assert_eq!(count("SELECT count(*) FROM courts"), 2);
    let (max, txns) = (count("SELECT max(txn_seq) FROM sync_txn"), count("SELECT count(*) FROM sync_txn"));
    assert_eq!(max, txns, "the change log stays gapless");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    drop(conn);

    assert!(text(&run(&data, &["user", "list"], "")).contains("olga"));
    let token =
        String::from_utf8(run(&data, &["token", "create", "--user", "olga"], "").stdout).unwrap().trim().to_owned();
    let server = Server::start(&data);
    let (status, body) = http(server.port, "GET", "/api/v1/bookings?from=2026-11-20&to=2026-12-10", &token, "");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.matches("\"kind\"").count(), 84, "every booking is served after the upgrade");
}
