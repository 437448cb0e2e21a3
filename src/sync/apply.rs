//! Applies change-log transactions to another database: a put as an upsert of the columns its
//! image holds (an image written before a column was added leaves that column to its default), a
//! delete as a delete. Never `INSERT OR REPLACE`: it would silently delete rows that clash on
//! another unique index and skip their delete triggers. Anything this version cannot place (an
//! unknown table or column, a transaction out of order or off the chain) stops the apply with
//! the reason; nothing is skipped.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use super::{LogTxn, Op};
use crate::db::changelog::REPLICATED_TABLES;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("transaction {txn_seq} does not follow this database's head ({head})")]
    OutOfOrder { txn_seq: i64, head: i64 },
    #[error("transaction {txn_seq} does not link to this database's head: the histories differ")]
    Unlinked { txn_seq: i64 },
    #[error("transaction {txn_seq}'s rows do not hash to its link")]
    Altered { txn_seq: i64 },
    #[error("transaction {txn_seq} changes the table {tbl}, which this version does not replicate")]
    UnknownTable { txn_seq: i64, tbl: String },
    #[error("transaction {txn_seq} sets {tbl}.{column}, a column this version does not have: upgrade it first")]
    UnknownColumn { txn_seq: i64, tbl: String, column: String },
    #[error("transaction {txn_seq} has a row of {tbl} that is not a JSON object with its id {pk}")]
    BadRow { txn_seq: i64, tbl: String, pk: String },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// Knows the replicated tables' columns of one database.
pub struct Applier {
    columns: HashMap<&'static str, Vec<String>>,
    /// Each table's upsert of every column, in the order a row image lists them (by name): the
    /// usual image, whose statement text need not be built again for every row.
    full_upsert: HashMap<&'static str, String>,
}

impl Applier {
    pub fn new(conn: &Connection) -> rusqlite::Result<Self> {
        let (mut columns, mut full_upsert) = (HashMap::new(), HashMap::new());
        for tbl in REPLICATED_TABLES {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
            let cols = stmt.query_map([tbl], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            let mut by_name = cols.clone();
            by_name.sort();
            full_upsert.insert(*tbl, upsert_sql(tbl, &by_name));
            columns.insert(*tbl, cols);
        }
        Ok(Applier { columns, full_upsert })
    }

    /// Applies `txns` (consecutive, the first following this database's head) inside the
    /// caller's transaction `tx`. The database's own log then holds them exactly as received,
    /// and its head moves to the last. On an error the caller must roll `tx` back.
    pub fn apply(&self, tx: &Connection, txns: &[LogTxn]) -> Result<(), ApplyError> {
        let Some(last) = txns.last() else { return Ok(()) };
        let (mut head, mut head_hash) = super::store::head(tx)?;
        // The guard triggers let writes through only inside a write context; a replaying one
        // keeps the change-log triggers from writing images: the received ones are stored below.
        // One for the whole batch: the triggers read nothing else from it.
        crate::db::changelog::open_replay_context(tx, last.txn_seq, "sync/apply")?;
        for txn in txns {
            if txn.txn_seq != head + 1 {
                return Err(ApplyError::OutOfOrder { txn_seq: txn.txn_seq, head });
            }
            if txn.prev_hash != head_hash {
                return Err(ApplyError::Unlinked { txn_seq: txn.txn_seq });
            }
            if !txn.link_holds() {
                return Err(ApplyError::Altered { txn_seq: txn.txn_seq });
            }
            self.apply_one(tx, txn)?;
            (head, head_hash) = (txn.txn_seq, txn.hash.as_str().into());
        }
        crate::db::changelog::close_write_context(tx)?;
        crate::db::changelog::set_head(tx, head, &head_hash)?;
        Ok(())
    }

    fn apply_one(&self, tx: &Connection, txn: &LogTxn) -> Result<(), ApplyError> {
        for row in &txn.rows {
            let Some((tbl, columns)) = self.columns.get_key_value(row.tbl.as_str()) else {
                return Err(ApplyError::UnknownTable { txn_seq: txn.txn_seq, tbl: row.tbl.clone() });
            };
            match row.op {
                Op::Del => {
                    tx.prepare_cached(&format!("DELETE FROM {tbl} WHERE id = ?1"))?.execute([&row.pk])?;
                }
                Op::Put => self.put(tx, txn.txn_seq, tbl, columns, &row.pk, row.row.as_deref())?,
            }
        }
        super::store::record_txn(tx, txn)?;
        Ok(())
    }

    /// Puts a row back as `image` shows it (a desk undoing its tentative work).
    pub fn put_image(&self, tx: &Connection, tbl: &str, pk: &str, image: &str) -> Result<(), ApplyError> {
        let Some((tbl, columns)) = self.columns.get_key_value(tbl) else {
            return Err(ApplyError::UnknownTable { txn_seq: 0, tbl: tbl.to_owned() });
        };
        self.put(tx, 0, tbl, columns, pk, Some(image))
    }

    fn put(
        &self,
        tx: &Connection,
        txn_seq: i64,
        tbl: &str,
        columns: &[String],
        pk: &str,
        image: Option<&str>,
    ) -> Result<(), ApplyError> {
        let bad = || ApplyError::BadRow { txn_seq, tbl: tbl.to_owned(), pk: pk.to_owned() };
        let Some(Value::Object(fields)) = image.and_then(|i| serde_json::from_str::<Value>(i).ok()) else {
            return Err(bad());
        };
        if fields.get("id").and_then(Value::as_str) != Some(pk) {
            return Err(bad());
        }
        let mut names = Vec::with_capacity(fields.len());
        let mut values = Vec::with_capacity(fields.len());
        // The image's fields come sorted by name (serde_json's map), as `full_upsert` lists them.
        for (name, value) in fields {
            if !columns.contains(&name) {
                return Err(ApplyError::UnknownColumn { txn_seq, tbl: tbl.to_owned(), column: name });
            }
            values.push(sql_value(value));
            names.push(name);
        }
        match self.full_upsert.get(tbl) {
            Some(sql) if names.len() == columns.len() => tx.prepare_cached(sql)?.execute(params_from_iter(values))?,
            _ => tx.prepare_cached(&upsert_sql(tbl, &names))?.execute(params_from_iter(values))?,
        };
        Ok(())
    }
}

/// `INSERT … ON CONFLICT(id) DO UPDATE` of `names`, leaving a row that already holds the image
/// untouched (so applying a transaction twice writes nothing, and rows that never change, such
/// as payments, are not "updated").
fn upsert_sql(tbl: &str, names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let others: Vec<&String> = quoted.iter().filter(|n| n.as_str() != "\"id\"").collect();
    let on_conflict = if others.is_empty() {
        "DO NOTHING".to_owned()
    } else {
        let set: Vec<String> = others.iter().map(|n| format!("{n} = excluded.{n}")).collect();
        let same: Vec<String> = others.iter().map(|n| format!("{tbl}.{n} IS excluded.{n}")).collect();
        format!("DO UPDATE SET {} WHERE NOT ({})", set.join(", "), same.join(" AND "))
    };
    format!("INSERT INTO {tbl} ({}) VALUES ({}) ON CONFLICT(id) {on_conflict}", quoted.join(", "), marks.join(", "))
}

fn sql_value(v: Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(b.into()),
        Value::Number(n) => n.as_i64().map_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0)), SqlValue::Integer),
        Value::String(s) => SqlValue::Text(s),
        other => SqlValue::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{ChangeRow, store};
    use crate::testing::TestDb;

    fn empty() -> Connection {
        let mut conn = crate::db::open_connection(std::path::Path::new(":memory:"), Default::default()).unwrap();
        crate::db::migrate::run(&mut conn, jiff::Timestamp::UNIX_EPOCH).unwrap();
        conn
    }

    /// Applies `txns` in one transaction, all or nothing.
    fn apply_all(replica: &mut Connection, txns: &[LogTxn]) -> Result<(), ApplyError> {
        let applier = Applier::new(replica)?;
        let tx = replica.transaction()?;
        applier.apply(&tx, txns)?;
        tx.commit()?;
        Ok(())
    }

    fn hub_log() -> Vec<LogTxn> {
        let mut hub = TestDb::new();
        let court = hub.court("Court 1");
        let anna = hub.member("Anna Petrova", "+7 916 123-45-67");
        hub.book(&court, &anna, crate::testing::slot("2026-12-01", "18:00", 60)).unwrap();
        store::txns_after(&hub.conn, 0, 100, usize::MAX).unwrap()
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Makes every link of `txns` hold again, from the first, after an edit.
    fn relink(txns: &mut [LogTxn]) {
        let mut prev = String::new();
        for t in txns {
            t.prev_hash = prev;
            t.hash = crate::db::changelog::txn_hash(&t.prev_hash, t.txn_seq, t.rows.iter().map(ChangeRow::parts));
            prev = t.hash.clone();
        }
    }

    /// The log with the last put into `tbl` changed by `edit`, its chain made whole again.
    fn with_image(mut txns: Vec<LogTxn>, tbl: &str, edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Vec<LogTxn> {
        let t = txns.iter_mut().rev().find(|t| t.rows.iter().any(|r| r.tbl == tbl)).unwrap();
        let row = t.rows.iter_mut().find(|r| r.tbl == tbl).unwrap();
        let mut image: serde_json::Map<String, Value> = serde_json::from_str(row.row.as_deref().unwrap()).unwrap();
        edit(&mut image);
        row.row = Some(Value::Object(image).to_string());
        relink(&mut txns);
        txns
    }

    #[test]
    fn a_column_this_version_does_not_have_stops_the_apply_and_writes_nothing() {
        let txns = with_image(hub_log(), "members", |m| {
            m.insert("loyalty_points".into(), 5.into());
        });
        let mut replica = empty();
        let err = apply_all(&mut replica, &txns).unwrap_err();
        assert!(
            matches!(&err, ApplyError::UnknownColumn { tbl, column, .. } if tbl == "members" && column == "loyalty_points"),
            "{err}"
        );
        assert_eq!(count(&replica, "SELECT count(*) FROM courts"), 0, "all or nothing");
        assert_eq!(store::head(&replica).unwrap().0, 0);
    }

    #[test]
    fn an_image_from_before_a_column_was_added_leaves_it_at_its_default() {
        let txns = with_image(hub_log(), "members", |m| {
            m.remove("credit_limit");
        });
        let mut replica = empty();
        apply_all(&mut replica, &txns).unwrap();
        assert_eq!(count(&replica, "SELECT credit_limit FROM members"), 0);
        assert_eq!(count(&replica, "SELECT count(*) FROM bookings"), 1);
    }

    #[test]
    fn a_transaction_out_of_order_off_the_chain_or_altered_is_refused() {
        let txns = hub_log();
        let mut replica = empty();
        let err = apply_all(&mut replica, &txns[1..]).unwrap_err();
        assert!(matches!(err, ApplyError::OutOfOrder { txn_seq: 2, head: 0 }), "{err}");

        let mut other = txns.clone();
        other[0].prev_hash = "a different history".into();
        assert!(matches!(apply_all(&mut replica, &other).unwrap_err(), ApplyError::Unlinked { txn_seq: 1 }));

        let mut altered = txns.clone();
        let last = altered.last_mut().unwrap();
        last.rows[0].row =
            last.rows[0].row.as_ref().map(|r| r.replace("18:00", "19:00").replace("\"play\"", "\"lesson\""));
        let err = apply_all(&mut replica, &altered).unwrap_err();
        assert!(matches!(err, ApplyError::Altered { .. }), "{err}");

        let mut unknown = txns.clone();
        unknown.last_mut().unwrap().rows[0].tbl = "loyalty_cards".into();
        relink(&mut unknown);
        assert!(matches!(apply_all(&mut replica, &unknown).unwrap_err(), ApplyError::UnknownTable { .. }));

        apply_all(&mut replica, &txns).unwrap();
        assert_eq!(store::head(&replica).unwrap().0, txns.last().unwrap().txn_seq);
    }

    /// An upsert never deletes another row to make room, as INSERT OR REPLACE would.
    #[test]
    fn a_put_that_clashes_on_another_unique_index_is_an_error_not_a_deletion() {
        let txns = hub_log();
        let mut replica = empty();
        apply_all(&mut replica, &txns).unwrap();
        let mut hub = TestDb::new();
        hub.member("Boris", "+7 916 123-45-67");
        let mut clash = store::txns_after(&hub.conn, 0, 100, usize::MAX).unwrap();
        // Renumber Boris's transaction to follow the replica's head.
        let (head, link) = store::head(&replica).unwrap();
        let mut boris = clash.pop().unwrap();
        boris.rows.retain(|r| r.tbl == "members");
        (boris.txn_seq, boris.prev_hash) = (head + 1, link);
        boris.hash =
            crate::db::changelog::txn_hash(&boris.prev_hash, boris.txn_seq, boris.rows.iter().map(ChangeRow::parts));
        let err = apply_all(&mut replica, &[boris]).unwrap_err();
        assert!(err.to_string().contains("UNIQUE"), "{err}");
        assert_eq!(count(&replica, "SELECT count(*) FROM members"), 1, "Anna is still there");
    }

    #[test]
    fn upserts_name_only_the_columns_sent_and_leave_equal_rows_alone() {
        let sql = upsert_sql("courts", &["id".into(), "name".into()]);
        assert_eq!(
            sql,
            "INSERT INTO courts (\"id\", \"name\") VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET \"name\" = \
             excluded.\"name\" WHERE NOT (courts.\"name\" IS excluded.\"name\")"
        );
        assert!(upsert_sql("t", &["id".into()]).ends_with("ON CONFLICT(id) DO NOTHING"));
    }
}
