//! What counts as a member's history, and moving it when duplicates are merged. Each area that
//! records something about a member adds its check and its move here.

use crate::db::{Conn, SqlError};
use crate::payments::store::{self as payments, NewEntry};

/// True when anything has happened with this member that must be kept.
pub fn has_history(conn: &Conn, member_id: &str) -> Result<bool, SqlError> {
    Ok(super::store::has_links(conn, member_id)?
        || payments::has_money_history(conn, member_id)?
        || crate::bookings::store::member_has_bookings(conn, member_id)?)
}

/// Moves the history of `from` to `to`: bookings (as booker and player), series, and the
/// account balance (as a pair of ledger entries: the ledger is never rewritten; payments stay
/// recorded under who made them). Family links are moved by the members store.
pub fn move_history(conn: &Conn, from: &str, to: &str, at: jiff::Timestamp) -> Result<(), SqlError> {
    crate::bookings::store::move_member(conn, from, to)?;
    let balance = payments::balance(conn, from)?;
    if balance != 0 {
        let entry = |member_id, amount| NewEntry {
            member_id,
            kind: "adjustment",
            amount,
            booking_id: None,
            payment_id: None,
            reason: "merged",
        };
        payments::append(conn, &format!("{from}/merged-out"), at, &entry(from, -balance))?;
        payments::append(conn, &format!("{from}/merged-in"), at, &entry(to, balance))?;
    }
    Ok(())
}
