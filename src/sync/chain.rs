//! Checking a history: every transaction follows the one before it without a gap, its link is
//! the hash of the link before it and of its own rows, and the last link is the recorded head.

use super::store;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("transaction {found} follows {after}: the log has a gap")]
    Gap { after: i64, found: i64 },
    #[error("transaction {txn_seq} does not link to the one before it")]
    Unlinked { txn_seq: i64 },
    #[error("transaction {txn_seq}'s rows do not hash to its link: the log was changed after it was written")]
    Altered { txn_seq: i64 },
    #[error("the recorded head is {recorded}, but the log ends at {found}")]
    Head { recorded: i64, found: i64 },
    #[error(transparent)]
    Sql(#[from] crate::db::SqlError),
}

/// Walks the log the database holds, from the first transaction or from the last one retention
/// removed the rows of (whose link it keeps); returns the head's number.
pub fn verify(conn: &crate::db::Conn) -> Result<i64, ChainError> {
    const BATCH: i64 = 500;
    let mut seq = crate::db::changelog::retention_floor(conn)?;
    let mut link = store::link_at(conn, seq)?;
    loop {
        let txns = store::txns_after(conn, seq, BATCH, crate::sync::protocol::MESSAGE_ROW_BYTES)?;
        for t in &txns {
            if t.txn_seq != seq + 1 {
                return Err(ChainError::Gap { after: seq, found: t.txn_seq });
            }
            if t.prev_hash != link {
                return Err(ChainError::Unlinked { txn_seq: t.txn_seq });
            }
            if !t.link_holds() {
                return Err(ChainError::Altered { txn_seq: t.txn_seq });
            }
            (seq, link) = (t.txn_seq, t.hash.clone());
        }
        if txns.is_empty() {
            break;
        }
    }
    let (recorded, head_link) = store::head(conn)?;
    if recorded != seq || head_link != link {
        return Err(ChainError::Head { recorded, found: seq });
    }
    Ok(seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestDb, slot};

    fn club() -> TestDb {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna Petrova", "+7 916 123-45-67");
        db.book(&court, &anna, slot("2026-12-01", "18:00", 60)).unwrap();
        db
    }

    #[test]
    fn a_club_made_through_commands_verifies_to_its_head() {
        let db = club();
        assert_eq!(verify(&db.conn).unwrap(), store::head(&db.conn).unwrap().0);
        assert!(verify(&db.conn).unwrap() >= 4);
    }

    #[test]
    fn a_change_row_edited_afterwards_breaks_its_link() {
        let db = club();
        db.conn.execute("UPDATE change_log SET row = replace(row, 'Anna', 'Anya') WHERE tbl = 'members'", []).unwrap();
        assert!(matches!(verify(&db.conn), Err(ChainError::Altered { .. })));
    }

    #[test]
    fn a_missing_transaction_is_a_gap() {
        let db = club();
        db.conn.execute("DELETE FROM sync_txn WHERE txn_seq = 2", []).unwrap();
        assert!(matches!(verify(&db.conn), Err(ChainError::Gap { after: 1, found: 3 })));
    }

    #[test]
    fn a_head_behind_the_log_is_reported() {
        let db = club();
        db.conn.execute("UPDATE sync_meta SET v = '1' WHERE k = 'head_txn_seq'", []).unwrap();
        assert!(matches!(verify(&db.conn), Err(ChainError::Head { recorded: 1, .. })));
    }
}
