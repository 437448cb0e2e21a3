//! What counts as a member's history, and moving it when duplicates are merged. Each area that
//! records something about a member adds its tables here.

use rusqlite::Connection;

/// True when anything has happened with this member that must be kept.
pub fn has_history(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM member_links WHERE guardian_id = ?1 OR child_id = ?1)",
        [member_id],
        |r| r.get(0),
    )
}

/// Moves the history of `from` to `to` (bookings and the like; family links are moved by the store).
pub fn move_history(_conn: &Connection, _from: &str, _to: &str) -> rusqlite::Result<()> {
    Ok(())
}
