//! How long the change log keeps its rows (docs/sync-protocol.md, "Retention"). Desks follow the
//! log from where they stand, open pages from where they last looked; nobody else reads its old
//! rows (the audit trail is the command log, which stays whole). So a transaction's rows go once
//! it is older than `KEEP_DAYS` and every desk seen lately has applied it. A desk further behind
//! is sent a snapshot (`behind_retention`); its own pending work is kept in its journal. The same
//! rule trims a desk's replica, below the position it has confirmed.

use jiff::{SignedDuration, Timestamp};

use super::store::{registry, replica};
use crate::db::{self, Conn, changelog};
use crate::sync::store;

/// Days of log kept by default: a desk switched off for a holiday still follows the log when it
/// comes back, instead of downloading a snapshot.
pub const KEEP_DAYS: u32 = 30;

/// A desk not seen for this long no longer holds the log back: it takes a snapshot if it returns.
const DESK_HOLD_DAYS: i64 = 90;

/// Transactions removed per write transaction: the first run on a long history takes many, and
/// the writer is let go between them.
const BATCH: i64 = 20_000;

/// What a run removed, and the floor it reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compacted {
    pub floor: i64,
    pub txns: usize,
    pub rows: usize,
}

/// The floor the rule allows now: the last transaction older than `keep_days`, but none a desk
/// seen in the last `DESK_HOLD_DAYS` has not applied, nor (on a desk) any after its confirmed
/// position.
pub fn allowed_floor(conn: &Conn, now: Timestamp, keep_days: u32) -> anyhow::Result<i64> {
    let cutoff = now - SignedDuration::from_hours(24 * i64::from(keep_days));
    let mut floor = store::last_txn_before(conn, cutoff)?.min(replica::confirmed(conn)?.0);
    let seen_since = now - SignedDuration::from_hours(24 * DESK_HOLD_DAYS);
    if let Some(desk) = registry::lowest_desk_position(conn, seen_since)? {
        floor = floor.min(desk);
    }
    Ok(floor)
}

/// Removes the rows of up to `BATCH` transactions toward `target` in one write transaction;
/// `None` when the floor is there already.
pub fn trim_batch(conn: &mut Conn, target: i64) -> anyhow::Result<Option<Compacted>> {
    let tx = db::immediate(conn)?;
    let floor = changelog::retention_floor(&tx)?;
    if floor >= target {
        return Ok(None);
    }
    let next = target.min(floor + BATCH);
    let (txns, rows) = store::remove_log_upto(&tx, floor, next)?;
    tx.commit()?;
    Ok(Some(Compacted { floor: next, txns, rows }))
}

/// Removes the log's rows up to the allowed floor, a batch at a time, calling `progress` with the
/// running total after each. The floor never moves back; a run with nothing to remove writes
/// nothing.
pub fn compact(
    conn: &mut Conn,
    now: Timestamp,
    keep_days: u32,
    mut progress: impl FnMut(&Compacted),
) -> anyhow::Result<Compacted> {
    let target = allowed_floor(conn, now, keep_days)?;
    let mut done = Compacted { floor: changelog::retention_floor(conn)?, ..Compacted::default() };
    while let Some(batch) = trim_batch(conn, target)? {
        done = Compacted { floor: batch.floor, txns: done.txns + batch.txns, rows: done.rows + batch.rows };
        progress(&done);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestDb, slot};

    /// A club whose log has a transaction a day for `days` days, the last one made now.
    fn club(days: i64) -> TestDb {
        let mut db = TestDb::new();
        let start = db.now - SignedDuration::from_hours(24 * days);
        db.now = start;
        let court = db.court("Court 1");
        for day in 0..days {
            db.now = start + SignedDuration::from_hours(24 * day + 1);
            let name = format!("Member {day}");
            let m = db.member(&name, &format!("+7 916 000-{:02}-{:02}", day / 100, day % 100));
            if day % 10 == 0 {
                db.book(&court, &m, slot("2027-06-01", &format!("{:02}:00", 8 + day / 10), 60)).unwrap();
            }
        }
        db.now = start + SignedDuration::from_hours(24 * days);
        db
    }

    #[test]
    fn rows_older_than_the_kept_days_go_and_the_rest_still_checks() {
        let mut db = club(100);
        let head = store::head(&db.conn).unwrap().0;
        let now = db.now;
        let done = compact(&mut db.conn, now, 30, |_| {}).unwrap();
        assert!(done.floor > 0 && done.floor < head, "{done:?} of {head}");
        assert_eq!(changelog::retention_floor(&db.conn).unwrap(), done.floor);
        let oldest_kept: i64 = db
            .conn
            .query_row("SELECT min(hub_ts) FROM sync_txn WHERE txn_seq > ?1", [done.floor], |r| r.get(0))
            .unwrap();
        let cutoff = now - SignedDuration::from_hours(24 * 30);
        assert!(oldest_kept >= cutoff.as_millisecond(), "a transaction of the last 30 days went");
        let first = |table: &str| -> i64 {
            db.conn.query_row(&format!("SELECT min(txn_seq) FROM {table}"), [], |r| r.get(0)).unwrap()
        };
        assert_eq!((first("sync_txn"), first("change_log")), (done.floor, done.floor + 1), "the floor's link stays");
        assert_eq!(crate::sync::chain::verify(&db.conn).unwrap(), head, "the kept history still links");

        let again = compact(&mut db.conn, now, 30, |_| {}).unwrap();
        assert_eq!(again, Compacted { floor: done.floor, txns: 0, rows: 0 }, "a second run removes nothing");
        let later = compact(&mut db.conn, now, 60, |_| {}).unwrap();
        assert_eq!(later.floor, done.floor, "a longer keep never brings the floor back");
    }

    #[test]
    fn a_desk_seen_lately_holds_the_log_back_and_one_long_gone_does_not() {
        let db = club(100);
        let now = db.now;
        let behind = 5;
        db.conn
            .execute_batch(&format!(
                "INSERT INTO desks (id, name, secret_hash, paired_at, paired_with, last_seen, applied) \
                 VALUES ('d1', 'Desk 1', 'x', 0, 'c', {}, {behind})",
                (now - SignedDuration::from_hours(24 * 20)).as_millisecond()
            ))
            .unwrap();
        assert_eq!(allowed_floor(&db.conn, now, 30).unwrap(), behind);
        let later = now + SignedDuration::from_hours(24 * 80);
        assert!(allowed_floor(&db.conn, later, 30).unwrap() > behind, "unseen for 100 days, it holds nothing");
        db.conn.execute("UPDATE desks SET revoked_at = 1", []).unwrap();
        assert!(allowed_floor(&db.conn, now, 30).unwrap() > behind, "a revoked desk holds nothing");
    }

    #[test]
    fn a_desk_behind_the_floor_is_sent_a_snapshot() {
        use crate::sync::hub::{DeskPosition, Greeting, greet};
        use crate::sync::protocol::{PROTO, SnapshotReason};
        let mut db = club(100);
        let old = 3;
        let position = DeskPosition {
            proto: PROTO,
            schema_fp: changelog::stored_schema_fingerprint(&db.conn).unwrap().unwrap(),
            log_id: Some(store::log_id(&db.conn).unwrap()),
            applied: old,
            applied_hash: store::link_at(&db.conn, old).unwrap(),
            decided_upto: 0,
        };
        assert!(matches!(greet(&db.conn, "d1", &position).unwrap(), Greeting::Welcome { .. }));
        let now = db.now;
        compact(&mut db.conn, now, 30, |_| {}).unwrap();
        assert!(matches!(
            greet(&db.conn, "d1", &position).unwrap(),
            Greeting::Snapshot(SnapshotReason::BehindRetention)
        ));
    }
}
