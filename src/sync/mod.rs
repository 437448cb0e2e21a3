//! The hub's history as others read it: transactions of the change log (`store`), checked link by
//! link (`chain`), and applied to another database (`apply`), which is how a desk's replica, a
//! replay check and a restored copy are built from the log alone.

pub mod apply;
pub mod chain;
pub mod feed;
pub mod hub;
pub mod protocol;
pub mod store;
pub mod tls;

use serde::{Deserialize, Serialize};

/// What one change row does to its table's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Insert or update the row to the image.
    Put,
    /// Delete the row.
    Del,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Put => "put",
            Op::Del => "del",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "put" => Some(Op::Put),
            "del" => Some(Op::Del),
            _ => None,
        }
    }
}

/// One row of the change log: a table's row image (`put`) or tombstone (`del`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub tbl: String,
    pub pk: String,
    pub op: Op,
    /// The row as a JSON object, exactly as the hub's trigger wrote it; None for a delete.
    pub row: Option<String>,
}

impl ChangeRow {
    /// What the chain hashes of it.
    pub fn parts(&self) -> crate::db::changelog::RowParts<'_> {
        (&self.tbl, &self.pk, self.op.as_str(), self.row.as_deref())
    }
}

/// One committed hub transaction with its change rows, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogTxn {
    pub txn_seq: i64,
    /// Hub clock at commit, in ms.
    pub hub_ts: i64,
    pub command_id: Option<String>,
    pub origin: String,
    pub actor_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    pub rows: Vec<ChangeRow>,
}

impl LogTxn {
    /// Whether `hash` is the link its rows and `prev_hash` make.
    pub fn link_holds(&self) -> bool {
        crate::db::changelog::txn_hash(&self.prev_hash, self.txn_seq, self.rows.iter().map(ChangeRow::parts))
            == self.hash
    }
}
