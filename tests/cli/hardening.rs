//! What a clumsy operator and a failing disk do to a running club: a restore cut short, a
//! database deleted, emptied or damaged, a full disk, a port already taken.

use std::path::Path;
use std::process::Command;

use super::{Server, free_port, http, json_id, run, text};

/// A club with an owner, a token and one court, written through the console and the API.
fn club(data: &Path) -> String {
    let out = run(
        data,
        &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"],
        "owner password 1\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    let token = run(data, &["token", "create", "--user", "olga"], "");
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let server = Server::start(data);
    let (status, body) = http(server.port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 1"}"#);
    assert_eq!(status, 201, "{body}");
    server.kill();
    // A console verb opens and closes the database, folding the WAL into the file.
    assert!(run(data, &["user", "list"], "").status.success());
    token
}

/// Runs `serve`, which should refuse to start; one still running after 15 s is stopped and
/// reported as started (its output then says "is running").
fn serve_once(data: &Path, extra: &[&str]) -> std::process::Output {
    let bind = format!("127.0.0.1:{}", free_port());
    let mut args = extra.to_vec();
    args.extend(["serve", "--bind", &bind]);
    let mut child = super::courtside(data, &args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

#[test]
fn a_restore_cut_short_leaves_the_club_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    club(&data);
    let backup = dir.path().join("club.sqlite3");
    assert!(run(&data, &["backup", backup.to_str().unwrap()], "").status.success());
    // Something after the backup, so we can tell which database is in place.
    run(&data, &["user", "add", "late", "--role", "coach", "--password-stdin", "--own-account"], "coach password 1\n");

    // `restore` with files limited to 64 KiB: the shell's `before` decides whether writing past
    // the limit fails (ignored signal: EFBIG) or kills the process (as a power cut would).
    let restore_limited = |before: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(format!("{before} ulimit -f 64; exec \"$0\" \"$@\""))
            .arg(super::bin())
            .arg("--data")
            .arg(&data)
            .args(["restore", backup.to_str().unwrap()])
            .output()
            .unwrap()
    };
    // The disk fills while the backup is copied in: the copy fails with a clear message...
    let full = restore_limited("trap '' XFSZ;");
    assert!(!full.status.success());
    assert!(text(&full).contains("nothing was replaced"), "{}", text(&full));
    // ...and the power goes while it is copied: the process dies mid-copy.
    let killed = restore_limited("");
    assert!(!killed.status.success());
    // Either way the current club is still there, whole, and it starts.
    let list = text(&run(&data, &["user", "list"], ""));
    assert!(list.contains("olga") && list.contains("late"), "{list}");
    let server = Server::start(&data);
    assert!(server.healthcheck(&data).status.success());
    server.kill();

    // A full restore swaps the database in one step and keeps the old one; the restored club
    // starts a new history, so nothing that followed the old one mixes the two.
    let log_id = || -> String {
        let conn = courtside::db::open_connection(&data.join("courtside.db"), Default::default()).unwrap();
        courtside::sync::store::log_id(&conn).unwrap()
    };
    let before = log_id();
    let restored = run(&data, &["restore", backup.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", text(&restored));
    let list = text(&run(&data, &["user", "list"], ""));
    assert!(list.contains("olga") && !list.contains("late"), "{list}");
    assert!(!data.join("courtside.db.restoring").exists());
    assert_ne!(log_id(), before, "a restored club has a new log id");
}

#[test]
fn a_missing_database_beside_a_restore_or_a_secret_key_is_not_replaced_by_an_empty_club() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    club(&data);

    // Moved aside by a restore that did not finish.
    std::fs::rename(data.join("courtside.db"), data.join("courtside.db.before-restore-20261202T100000Z")).unwrap();
    std::fs::write(data.join("courtside.db.restoring"), b"half a copy").unwrap();
    let refused = serve_once(&data, &[]);
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("has no usable database (courtside.db is missing)"), "{said}");
    assert!(said.contains("an interrupted restore left"), "{said}");
    assert!(said.contains("courtside restore FILE"), "{said}");
    assert!(!said.contains("is running"), "{said}");
    assert!(!data.join("courtside.db").exists(), "no empty club was made");

    // Emptied to 0 bytes: refused as well, and --init starts a new club on purpose.
    std::fs::remove_file(data.join("courtside.db.restoring")).unwrap();
    std::fs::remove_file(data.join("courtside.db.before-restore-20261202T100000Z")).unwrap();
    std::fs::write(data.join("courtside.db"), b"").unwrap();
    let empty = serve_once(&data, &[]);
    assert!(!empty.status.success());
    assert!(text(&empty).contains("courtside.db is empty"), "{}", text(&empty));
    assert!(text(&empty).contains("--init"), "{}", text(&empty));
    let list = run(&data, &["--init", "user", "list"], "");
    assert!(list.status.success(), "{}", text(&list));
    assert!(!text(&list).contains("olga"), "a new, empty club");
}

#[test]
fn a_damaged_database_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    club(&data);
    let path = data.join("courtside.db");
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096, "a club of some size");
    // Scribble over the middle of the file, page headers included.
    for page in 2..bytes.len() / 4096 {
        let at = page * 4096;
        bytes[at..at + 16].copy_from_slice(&[0xA5; 16]);
    }
    std::fs::write(&path, &bytes).unwrap();
    let refused = serve_once(&data, &[]);
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("is damaged"), "{said}");
    assert!(said.contains("restore the newest backup"), "{said}");
}

#[test]
fn a_database_deleted_under_a_running_server_takes_no_more_writes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = club(&data);
    let server = Server::start(&data);
    let (status, _) = http(server.port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 2"}"#);
    assert_eq!(status, 201);
    std::fs::remove_file(data.join("courtside.db")).unwrap();
    let (status, body) = http(server.port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 3"}"#);
    assert_eq!(status, 503, "a write that would be lost is refused: {body}");
    assert!(body.contains("Try again"), "{body}");
    assert!(!server.healthcheck(&data).status.success(), "/health says the database cannot be used");
    let (status, _) = http(server.port, "GET", "/health", "", "");
    assert_eq!(status, 503);
    server.kill();
    // And the next start does not quietly open an empty club.
    let refused = serve_once(&data, &[]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("courtside.db is missing"), "{}", text(&refused));
}

#[test]
fn a_full_disk_answers_503_or_507_and_writes_nothing_half() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = club(&data);
    let size = std::fs::metadata(data.join("courtside.db")).unwrap().len() / 1024;
    let server = Server::start_with_file_limit(&data, size + 96);
    let (status, court) = http(server.port, "GET", "/api/v1/courts", &token, "");
    assert_eq!(status, 200, "{court}");
    let court = json_id(&court);
    let (status, member) = http(server.port, "POST", "/api/v1/members", &token, r#"{"full_name":"Anna Smith"}"#);
    assert_eq!(status, 201, "{member}");
    let member = json_id(&member);
    let mut made = 0;
    let mut refused = None;
    for i in 0..400 {
        let body = format!(
            r#"{{"court_id":"{court}","member_id":"{member}","start":"2027-03-{:02}T{:02}:00","minutes":60,"note":"{}"}}"#,
            1 + i / 14,
            8 + i % 14,
            "x".repeat(400)
        );
        match http(server.port, "POST", "/api/v1/bookings", &token, &body) {
            (201, _) => made += 1,
            (status, body) => {
                refused = Some((status, body));
                break;
            }
        }
    }
    let (status, body) = refused.expect("the file limit was reached");
    assert!(status == 503 || status == 507, "a disk failure is not a bare 500: {status} {body}");
    assert!(body.contains("application/problem+json") || body.contains("\"status\""), "{body}");
    assert!(!server.healthcheck(&data).status.success(), "/health reports the database cannot be written");
    server.kill();
    // Every acknowledged booking is there after a restart without the limit; nothing half-made.
    let again = Server::start(&data);
    let (status, list) = http(again.port, "GET", "/api/v1/bookings?from=2027-03-01&to=2027-03-31", &token, "");
    assert_eq!(status, 200);
    assert_eq!(list.matches("\"kind\"").count(), made, "{made} bookings were acknowledged");
}

#[test]
fn a_taken_port_prints_only_the_failure() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = super::courtside(dir.path(), &["serve", "--bind", &format!("127.0.0.1:{port}")]).output().unwrap();
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{said}");
    assert!(!said.contains("is running") && !said.contains("setup?token="), "{said}");
}

#[cfg(unix)]
#[test]
fn data_files_and_backups_are_private_to_the_service_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    club(&data);
    assert!(run(&data, &["backup"], "").status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("backups")), 0o700);
    for entry in std::fs::read_dir(&data).unwrap().chain(std::fs::read_dir(data.join("backups")).unwrap()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}
