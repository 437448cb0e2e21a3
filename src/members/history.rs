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
    Ok(linked || crate::bookings::store::member_has_bookings(conn, member_id)?)
}

/// Moves the history of `from` to `to`: bookings (as booker and player) and series.
/// Family links are moved by the members store.
pub fn move_history(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<()> {
    crate::bookings::store::move_member(conn, from, to)
}
