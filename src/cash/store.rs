//! SQL for cash desk shifts and the cash moved in and out of the till.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Movement, Report, Shift};
use crate::payments::store as payments;

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

const SHIFT_COLS: &str = "id, till, opened_at, opened_by, float, closed_at, closed_by, counted, note";

fn row_to_shift(r: &Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        till: r.get(1)?,
        opened_at: ts(r.get(2)?),
        opened_by: r.get(3)?,
        float: r.get(4)?,
        closed_at: r.get::<_, Option<i64>>(5)?.map(ts),
        closed_by: r.get(6)?,
        counted: r.get(7)?,
        note: r.get(8)?,
    })
}

/// The open shift of `till` (`Origin::till`), if any.
pub fn open_shift(conn: &Connection, till: &str) -> rusqlite::Result<Option<Shift>> {
    conn.prepare_cached(&format!("SELECT {SHIFT_COLS} FROM shifts WHERE till = ?1 AND closed_at IS NULL"))?
        .query_row([till], row_to_shift)
        .optional()
}

pub fn shift(conn: &Connection, id: &str) -> rusqlite::Result<Option<Shift>> {
    conn.query_row(&format!("SELECT {SHIFT_COLS} FROM shifts WHERE id = ?1"), [id], row_to_shift).optional()
}

pub fn recent_shifts(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Shift>> {
    conn.prepare(&format!("SELECT {SHIFT_COLS} FROM shifts ORDER BY opened_at DESC LIMIT ?1"))?
        .query_map([limit], row_to_shift)?
        .collect()
}

pub fn insert_shift(
    conn: &Connection,
    id: &str,
    till: &str,
    at: Timestamp,
    by: &str,
    float: i64,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO shifts (id, till, opened_at, opened_by, float) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, till, at.as_millisecond(), by, float],
    )?;
    Ok(())
}

pub fn close_shift(
    conn: &Connection,
    id: &str,
    at: Timestamp,
    by: &str,
    counted: i64,
    note: &str,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE shifts SET closed_at = ?2, closed_by = ?3, counted = ?4, note = ?5 WHERE id = ?1",
        params![id, at.as_millisecond(), by, counted, note],
    )?;
    Ok(())
}

pub fn movements(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<Movement>> {
    conn.prepare_cached("SELECT at, amount, reason, taken_by FROM cash_movements WHERE shift_id = ?1 ORDER BY at")?
        .query_map([shift_id], |r| {
            Ok(Movement { at: ts(r.get(0)?), amount: r.get(1)?, reason: r.get(2)?, taken_by: r.get(3)? })
        })?
        .collect()
}

pub fn insert_movement(
    conn: &Connection,
    id: &str,
    shift_id: &str,
    at: Timestamp,
    amount: i64,
    reason: &str,
    by: &str,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO cash_movements (id, shift_id, at, amount, reason, taken_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, shift_id, at.as_millisecond(), amount, reason, by],
    )?;
    Ok(())
}

/// Cash the till should hold: the float, cash taken and paid back, and cash moved in or out.
pub fn expected_cash(conn: &Connection, shift: &Shift) -> rusqlite::Result<i64> {
    let cash: i64 = conn.query_row(
        "SELECT coalesce(sum(amount), 0) FROM payments WHERE shift_id = ?1 AND method = 'cash'",
        [&shift.id],
        |r| r.get(0),
    )?;
    let moved: i64 =
        conn.query_row("SELECT coalesce(sum(amount), 0) FROM cash_movements WHERE shift_id = ?1", [&shift.id], |r| {
            r.get(0)
        })?;
    Ok(shift.float + cash + moved)
}

/// A shift's figures, read at once: its payments, cash movements and the cash expected.
pub fn report(conn: &Connection, shift: Shift) -> rusqlite::Result<Report> {
    Ok(Report {
        payments: payments::shift_payments(conn, &shift.id)?,
        movements: movements(conn, &shift.id)?,
        expected_cash: expected_cash(conn, &shift)?,
        shift,
    })
}
