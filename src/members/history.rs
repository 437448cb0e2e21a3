//! What counts as a member's history, and moving it when duplicates are merged. Each area that
//! records something about a member adds its tables here.

use rusqlite::Connection;

/// True when anything has happened with this member that must be kept.
pub fn has_history(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    let linked: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM member_links WHERE guardian_id = ?1 OR child_id = ?1)",
        [member_id],
        |r| r.get(0),
    )?;
    let paid: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM ledger WHERE member_id = ?1) OR EXISTS (SELECT 1 FROM payments WHERE member_id = ?1)",
        [member_id],
        |r| r.get(0),
    )?;
    Ok(linked || paid || crate::bookings::store::member_has_bookings(conn, member_id)?)
}

/// Moves the history of `from` to `to`: bookings (as booker and player), series, and the
/// account balance (as a pair of ledger entries: the ledger is never rewritten; payments stay
/// recorded under who made them). Family links are moved by the members store.
pub fn move_history(conn: &Connection, from: &str, to: &str, at: jiff::Timestamp) -> rusqlite::Result<()> {
    crate::bookings::store::move_member(conn, from, to)?;
    let balance = crate::payments::store::balance(conn, from)?;
    if balance != 0 {
        use crate::payments::store::{NewEntry, append};
        let entry = |member_id, amount| NewEntry {
            member_id,
            kind: "adjustment",
            amount,
            booking_id: None,
            payment_id: None,
            reason: "merged",
        };
        append(conn, &format!("{from}/merged-out"), at, &entry(from, -balance))?;
        append(conn, &format!("{from}/merged-in"), at, &entry(to, balance))?;
    }
    Ok(())
}
