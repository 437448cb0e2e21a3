//! The change log is the club: replaying it into an empty database rebuilds every replicated
//! table exactly, for a demo club with money, passes, fees, refunds, a merge and SMS settings,
//! and for a club that started on the first released schema and was upgraded since.

use std::path::Path;

use courtside::db::changelog::REPLICATED_TABLES;
use courtside::sync::apply::Applier;
use courtside::sync::{chain, store};
use rusqlite::Connection;
use rusqlite::types::Value;

use super::{run, text};

fn open(path: &Path) -> Connection {
    courtside::db::open_connection(path, Default::default()).unwrap()
}

/// Every row of `table`, ordered by id, as SQL values.
fn rows(conn: &Connection, table: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect()).unwrap().map(Result::unwrap).collect()
}

fn log(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect()).unwrap().map(Result::unwrap).collect()
}

/// Replays the whole log of the club in `data` into a new, migrated database beside it and
/// checks that both hold the same club and the same history.
fn replay_matches(data: &Path) {
    let hub = open(&data.join("courtside.db"));
    let head = chain::verify(&hub).expect("the hub's chain verifies from the first transaction");
    assert!(head > 0);

    let mut replica = open(&data.join("replica.db"));
    courtside::db::migrate::run(&mut replica, jiff::Timestamp::UNIX_EPOCH).unwrap();
    let applier = Applier::new(&replica).unwrap();
    let mut at = 0;
    loop {
        let txns = store::txns_after(&hub, at, 1000, 4 << 20).unwrap();
        let Some(last) = txns.last() else { break };
        at = last.txn_seq;
        let tx = replica.transaction().unwrap();
        applier.apply(&tx, &txns).unwrap_or_else(|e| panic!("{e}"));
        tx.commit().unwrap();
    }
    assert_eq!(at, head);

    for table in REPLICATED_TABLES {
        let (want, got) = (rows(&hub, table), rows(&replica, table));
        assert_eq!(want.len(), got.len(), "{table}: row count");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(w, g, "{table}: a row differs");
        }
    }
    assert_eq!(chain::verify(&replica).unwrap(), head, "the replica's own log verifies to the same head");
    assert_eq!(store::head(&hub).unwrap(), store::head(&replica).unwrap());
    let sql = "SELECT txn_seq, idx, tbl, pk, op, row FROM change_log ORDER BY txn_seq, idx";
    assert_eq!(log(&hub, sql), log(&replica, sql), "the replica holds the log byte for byte");
    let sql = "SELECT * FROM sync_txn ORDER BY txn_seq";
    assert_eq!(log(&hub, sql), log(&replica, sql));
}

#[test]
fn a_demo_clubs_log_rebuilds_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out =
        run(&data, &["demo", "--courts", "2", "--members", "30", "--days", "40", "--seed", "3", "--locale", "ru"], "");
    assert!(out.status.success(), "{}", text(&out));
    let hint = format!("courtside --data {} serve", data.display());
    assert!(text(&out).contains(&hint), "the hint names the data folder it was given: {}", text(&out));
    let hub = open(&data.join("courtside.db"));
    let count = |sql: &str| -> i64 { hub.query_row(sql, [], |r| r.get(0)).unwrap() };
    // --locale ru: a Russian club in roubles with Russian phones and category names.
    let ru = "SELECT count(*) FROM club_settings WHERE locale = 'ru' AND currency = 'RUB' AND phone_region = 'RU'";
    assert_eq!(count(ru), 1);
    assert_eq!(count("SELECT count(*) FROM member_categories WHERE name = 'Взрослый'"), 1);
    // The log must carry the money as well as the bookings for this test to mean anything.
    assert!(count("SELECT count(*) FROM payments WHERE refund_of IS NOT NULL") > 0, "refunds");
    assert!(count("SELECT count(*) FROM ledger WHERE kind = 'fee'") > 0, "fees");
    assert!(count("SELECT count(*) FROM pass_uses") > 0, "passes used");
    assert!(count("SELECT count(*) FROM members WHERE merged_into IS NOT NULL") > 0, "a merge");
    assert!(count("SELECT count(*) FROM sms_settings") > 0, "SMS settings");
    assert!(count("SELECT count(*) FROM change_log WHERE op = 'del'") > 0, "rows deleted");
    drop(hub);
    replay_matches(&data);
}

#[test]
fn an_upgraded_clubs_log_rebuilds_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    super::load_first_release(&data);
    let out = run(&data, &["migrate"], "");
    assert!(out.status.success(), "{}", text(&out));
    replay_matches(&data);
}
