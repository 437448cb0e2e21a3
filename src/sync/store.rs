//! The change log: transactions after a position, the history's anchors, and recording a
//! transaction a replica applied.

use rusqlite::{Connection, OptionalExtension, params};

use super::{ChangeRow, LogTxn, Op};

/// Up to `limit` transactions after `after`, oldest first, each with its rows; no more once their
/// row images pass `max_bytes` (the first always comes whole: a transaction is never split).
pub fn txns_after(conn: &Connection, after: i64, limit: i64, max_bytes: usize) -> rusqlite::Result<Vec<LogTxn>> {
    let mut txns = conn.prepare_cached(
        "SELECT txn_seq, hub_ts, command_id, origin, actor_id, prev_hash, hash FROM sync_txn \
         WHERE txn_seq > ?1 ORDER BY txn_seq LIMIT ?2",
    )?;
    let mut out: Vec<LogTxn> = txns
        .query_map(params![after, limit], |r| {
            Ok(LogTxn {
                txn_seq: r.get(0)?,
                hub_ts: r.get(1)?,
                command_id: r.get(2)?,
                origin: r.get(3)?,
                actor_id: r.get(4)?,
                prev_hash: r.get(5)?,
                hash: r.get(6)?,
                rows: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (Some(first), Some(last)) = (out.first().map(|t| t.txn_seq), out.last().map(|t| t.txn_seq)) else {
        return Ok(out);
    };
    let mut rows = conn.prepare_cached(
        "SELECT txn_seq, tbl, pk, op, row FROM change_log WHERE txn_seq BETWEEN ?1 AND ?2 ORDER BY txn_seq, idx",
    )?;
    let mut rows = rows.query(params![first, last])?;
    let (mut at, mut bytes) = (0, 0);
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        while out[at].txn_seq < seq {
            at += 1;
            if bytes >= max_bytes {
                out.truncate(at);
                return Ok(out);
            }
        }
        let op: String = r.get(3)?;
        let row: Option<String> = r.get(4)?;
        bytes += row.as_ref().map_or(0, String::len);
        out[at].rows.push(ChangeRow {
            tbl: r.get(1)?,
            pk: r.get(2)?,
            op: Op::parse(&op).ok_or_else(|| rusqlite::Error::InvalidColumnType(3, op, rusqlite::types::Type::Text))?,
            row,
        });
    }
    Ok(out)
}

/// This history's identity: a new one after a restore or a rewrite of club data.
pub fn log_id(conn: &Connection) -> rusqlite::Result<String> {
    conn.prepare_cached("SELECT v FROM sync_meta WHERE k = 'log_id'")?.query_row([], |r| r.get(0))
}

pub use crate::db::changelog::head;

/// The tables each transaction in `after + 1 ..= upto` changed, oldest first.
pub fn tables_touched(conn: &Connection, after: i64, upto: i64) -> rusqlite::Result<Vec<(i64, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT txn_seq, tbl FROM change_log WHERE txn_seq > ?1 AND txn_seq <= ?2 ORDER BY txn_seq",
    )?;
    let mut out: Vec<(i64, Vec<String>)> = Vec::new();
    let mut rows = stmt.query(params![after, upto])?;
    while let Some(r) = rows.next()? {
        let (seq, tbl): (i64, String) = (r.get(0)?, r.get(1)?);
        match out.last_mut() {
            Some((last, tables)) if *last == seq => tables.push(tbl),
            _ => out.push((seq, vec![tbl])),
        }
    }
    Ok(out)
}

/// The chain link after transaction `txn_seq` (empty before the first, or for a number the log
/// does not hold).
pub fn link_at(conn: &Connection, txn_seq: i64) -> rusqlite::Result<String> {
    if txn_seq == 0 {
        return Ok(String::new());
    }
    let hash: Option<String> =
        conn.query_row("SELECT hash FROM sync_txn WHERE txn_seq = ?1", [txn_seq], |r| r.get(0)).optional()?;
    Ok(hash.unwrap_or_default())
}

/// A digest of every replicated table's rows (ordered by id, each as the change log would image
/// it): equal on two databases exactly when their club data is equal.
pub fn tables_digest(conn: &Connection) -> rusqlite::Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for tbl in crate::db::changelog::REPLICATED_TABLES {
        let cols: Vec<String> = conn
            .prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([tbl], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
        let mut stmt = conn.prepare(&format!("SELECT json_object({}) FROM {tbl} ORDER BY id", pairs.join(", ")))?;
        let mut rows = stmt.query([])?;
        h.update(tbl.as_bytes());
        while let Some(r) = rows.next()? {
            h.update(r.get::<_, String>(0)?.as_bytes());
            h.update([0u8]);
        }
    }
    Ok(crate::core::hex(&h.finalize()))
}

/// The transaction that carries `command_id`'s effects, if this log holds one.
pub fn txn_of_command(conn: &Connection, command_id: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT txn_seq FROM sync_txn WHERE command_id = ?1 LIMIT 1", [command_id], |r| r.get(0)).optional()
}

/// The last transaction committed before `before` (0 if none).
pub fn last_txn_before(conn: &Connection, before: jiff::Timestamp) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(txn_seq), 0) FROM sync_txn WHERE hub_ts < ?1", [before.as_millisecond()], |r| {
        r.get(0)
    })
}

/// Removes the change rows of transactions `from + 1 ..= to` and the links before `to` (the link
/// of `to` stays: the history after it is checked against it), and makes `to` the retention
/// floor. Returns the transactions and change rows removed.
pub fn remove_log_upto(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<(usize, usize)> {
    let rows = conn.execute("DELETE FROM change_log WHERE txn_seq > ?1 AND txn_seq <= ?2", params![from, to])?;
    let txns = conn.execute("DELETE FROM sync_txn WHERE txn_seq >= ?1 AND txn_seq < ?2", params![from, to])?;
    conn.execute(
        "INSERT INTO sync_meta (k, v) VALUES ('retention_floor', ?1) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        [to.to_string()],
    )?;
    Ok((txns, rows))
}

/// Records `txn`, whose rows were just applied, in this replica's log under the hub's position.
pub fn record_txn(tx: &Connection, txn: &LogTxn) -> rusqlite::Result<()> {
    // Statements cached: a desk catching up runs these for every transaction.
    let mut insert = tx.prepare_cached(
        "INSERT INTO change_log (txn_seq, idx, tbl, pk, op, row, command_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (idx, row) in txn.rows.iter().enumerate() {
        insert.execute(params![txn.txn_seq, idx as i64, row.tbl, row.pk, row.op.as_str(), row.row, txn.command_id])?;
    }
    tx.prepare_cached(
        "INSERT INTO sync_txn (txn_seq, hub_ts, command_id, origin, actor_id, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        txn.txn_seq,
        txn.hub_ts,
        txn.command_id,
        txn.origin,
        txn.actor_id,
        txn.prev_hash,
        txn.hash
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[test]
    fn a_message_stops_at_its_byte_budget_but_never_splits_a_transaction() {
        let mut db = TestDb::new();
        db.member("Anna Petrova", "+7 916 123-45-67");
        db.member("Boris Ivanov", "+7 916 765-43-21");
        db.member("Vera Smirnova", "+7 903 111-22-33");
        let all = txns_after(&db.conn, 0, 100, usize::MAX).unwrap();
        assert!(all.len() >= 3);
        let first = txns_after(&db.conn, 0, 100, 1).unwrap();
        assert_eq!(first.len(), 1, "one byte of budget still carries one whole transaction");
        assert_eq!(first[0].rows, all[0].rows);
        let size = |t: &LogTxn| t.rows.iter().map(|r| r.row.as_ref().map_or(0, String::len)).sum::<usize>();
        let two = txns_after(&db.conn, 0, 100, size(&all[0]) + 1).unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(two.iter().map(|t| t.txn_seq).collect::<Vec<_>>(), [all[0].txn_seq, all[1].txn_seq]);
    }
}
