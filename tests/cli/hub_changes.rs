//! The hub changing under its desks, as real processes on 127.0.0.1: restored from a backup (a
//! new history: the desk takes a fresh copy and sends again what the restored hub no longer
//! knows, so a booking and its payment taken at the desk survive), and a hub whose schema is not
//! the desk's (the desk says to install the same version and keeps its work).

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
