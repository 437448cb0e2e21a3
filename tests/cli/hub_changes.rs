//! The hub changing under its desks, as real processes on 127.0.0.1: restored from a backup (a
//! new history: the desk takes a fresh copy and sends again what the restored hub no longer
//! knows, so a booking and its payment taken at the desk survive), a hub whose schema is not the
//! desk's (the desk says to install the same version and keeps its work), and a desk that speaks
//! an older protocol (told over the real link which version to install; the hub's Desks page
//! says so too).

use std::path::Path;
use std::time::Duration;

use super::desks::{Club, book, browse, digest, pair_and_start_via, query, start_hub, wait_for};
use super::live::log_in;
use super::{Server, courtside, run};

fn hub_log_id(hub_data: &Path) -> String {
    let conn =
        courtside::db::open_connection(&hub_data.join("courtside.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    courtside::sync::store::log_id(&conn).unwrap()
}

#[test]
fn work_a_desk_sent_survives_a_restore_of_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let Club { hub, hub_data, hub_port, sync, court, member, .. } = Club::start(dir.path());
    let desk_data = dir.path().join("desk");
    let desk = pair_and_start_via(&hub_data, &desk_data, sync, "Desk 1");
    let cookie = log_in(desk.port);
    let before = book(desk.port, &cookie, &court, &member, "09:00");
    let backup = dir.path().join("before.db");
    assert!(run(&hub_data, &["backup", backup.to_str().unwrap()], "").status.success());

    // Taken at the desk and decided by the hub after the backup was made.
    let after = book(desk.port, &cookie, &court, &member, "10:00");
    let hub_db = hub_data.join("courtside.db");
    wait_for("the hub decides the desk's booking", Duration::from_secs(5), || {
        query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{after}'")) == 1
    });

    // The hub's disk is restored from the backup: the booking is gone from it, for now.
    hub.kill();
    let old_log = hub_log_id(&hub_data);
    let restored = run(&hub_data, &["restore", backup.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", super::text(&restored));
    assert_ne!(hub_log_id(&hub_data), old_log, "a restored hub starts a new history");
    assert_eq!(query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{after}'")), 0);

    // Back up: the desk takes the new history and sends the booking again; nothing twice.
    let _hub = start_hub(&hub_data, hub_port, sync);
    wait_for("the desk's booking is on the restored hub", Duration::from_secs(30), || {
        query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{after}'")) == 1
    });
    assert_eq!(query(&hub_db, &format!("SELECT count(*) FROM bookings WHERE id = '{before}'")), 1);
    assert_eq!(query(&hub_db, "SELECT count(*) FROM bookings"), 2, "each booking once");
    wait_for("the desk's data equals the restored hub's", Duration::from_secs(15), || {
        digest(&desk_data.join("courtside.db")) == digest(&hub_db)
    });
    assert_eq!(query(&desk_data.join("desk.db"), "SELECT count(*) FROM journal WHERE state = 'pending'"), 0);
}

#[test]
fn a_desk_and_a_hub_of_different_schemas_say_so_and_the_desk_keeps_its_work() {
    let dir = tempfile::tempdir().unwrap();
    let Club { hub, hub_data, hub_port, sync, court, member, .. } = Club::start(dir.path());
    let desk_data = dir.path().join("desk");
    let desk = pair_and_start_via(&hub_data, &desk_data, sync, "Desk 1");
    let cookie = log_in(desk.port);

    // The hub is now at a schema this desk's version does not have (as after upgrading the hub
    // alone): its database records another fingerprint of the replicated tables.
    hub.kill();
    let waiting = book(desk.port, &cookie, &court, &member, "09:00");
    drop(desk);
    let _hub = start_hub(&hub_data, hub_port, sync);
    let conn = courtside::db::open_connection(&hub_data.join("courtside.db"), Default::default()).unwrap();
    conn.execute("UPDATE sync_meta SET v = 'ffffffffffffffff' WHERE k = 'schema_fingerprint'", []).unwrap();
    let port = super::free_port();
    let desk = Server::launch(courtside(&desk_data, &["desk", "--bind", &format!("127.0.0.1:{port}")]), port);
    let cookie = log_in(desk.port);

    wait_for("the desk says to install the hub's version", Duration::from_secs(20), || {
        browse(desk.port, &cookie, "GET", "/", "").2.contains("install the same version on this desk")
    });
    let journal = desk_data.join("desk.db");
    let kept = format!("SELECT count(*) FROM journal WHERE command_id = '{waiting}' AND state = 'pending'");
    assert_eq!(query(&journal, &kept), 1, "the desk keeps what it took");
    let on_hub = format!("SELECT count(*) FROM bookings WHERE id = '{waiting}'");
    assert_eq!(query(&hub_data.join("courtside.db"), &on_hub), 0, "and the hub did not take it");
}

/// A desk still on an older protocol version connects: the hub answers, over the real link, with
/// the version to install, and takes nothing from it.
#[test]
fn a_desk_on_an_older_protocol_is_told_which_version_to_install() {
    use courtside::sync::protocol::{PROTO, ToDesk, ToHub};
    use tungstenite::client::IntoClientRequest;

    let dir = tempfile::tempdir().unwrap();
    let Club { hub: _hub, hub_data, hub_port, sync, .. } = Club::start(dir.path());
    let desk_data = dir.path().join("desk");
    let code = String::from_utf8(run(&hub_data, &["desk-code", "create"], "").stdout).unwrap();
    let hub = format!("127.0.0.1:{sync}");
    let paired = run(&desk_data, &["desk", "pair", "--hub", &hub, "--code", code.trim(), "--name", "Old desk"], "");
    assert!(paired.status.success(), "{}", super::text(&paired));
    let journal = courtside::db::open_connection(&desk_data.join("desk.db"), Default::default()).unwrap();
    let identity = courtside::desk::store::journal::identity(&journal).unwrap().unwrap();

    // The link as that desk's older program would open it: pinned TLS, its credential, hello.
    let pin = courtside::sync::tls::Pin::Fingerprint(identity.hub_cert_sha256.clone());
    let config = courtside::sync::tls::client_config(pin, Default::default()).unwrap();
    let name = rustls::pki_types::ServerName::try_from("courtside-hub").unwrap();
    let tls = rustls::ClientConnection::new(config, name).unwrap();
    let tcp = std::net::TcpStream::connect(&hub).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut request = format!("wss://{hub}/sync").into_client_request().unwrap();
    let credential = format!("Desk {}:{}", identity.desk_id, identity.secret);
    request.headers_mut().insert("authorization", credential.parse().unwrap());
    let (mut ws, _) = tungstenite::client(request, rustls::StreamOwned::new(tls, tcp)).unwrap();
    let hello = ToHub::Hello {
        proto: PROTO - 1,
        app_version: "0.0.9".into(),
        schema_fp: courtside::desk::engine::own_schema_fingerprint().unwrap(),
        log_id: None,
        applied: 0,
        applied_hash: String::new(),
        decided_upto: 0,
        pending: 3,
    };
    ws.send(tungstenite::Message::Text(serde_json::to_string(&hello).unwrap())).unwrap();
    let answer = loop {
        match ws.read().unwrap() {
            tungstenite::Message::Text(text) => break serde_json::from_str::<ToDesk>(&text).unwrap(),
            _ => continue,
        }
    };
    match answer {
        ToDesk::Upgrade { hub_version, hub_proto, .. } => {
            assert_eq!((hub_version.as_str(), hub_proto), (env!("CARGO_PKG_VERSION"), PROTO));
        }
        other => panic!("an older desk must be told to upgrade, not {other:?}"),
    }
    let hub_db = hub_data.join("courtside.db");
    assert_eq!(query(&hub_db, "SELECT count(*) FROM commands WHERE desk_id IS NOT NULL"), 0, "nothing taken from it");
    let owner = log_in(hub_port);
    let (_, _, desks) = browse(hub_port, &owner, "GET", "/desks", "");
    let upgrade = format!("install {} on this desk", env!("CARGO_PKG_VERSION"));
    assert!(desks.contains("runs 0.0.9") && desks.contains(&upgrade), "the hub says so too: {desks}");
}
