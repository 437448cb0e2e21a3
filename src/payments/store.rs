//! SQL for payments and the member ledger.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Method, Purpose};

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub receipt_no: i64,
    pub at: Timestamp,
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub booking_id: Option<String>,
    pub purpose: Purpose,
    pub method: Method,
    pub amount: i64,
    pub refund_of: Option<String>,
    pub shift_id: Option<String>,
    pub payer_name: String,
    pub note: String,
    pub taken_by: String,
    pub pass_id: Option<String>,
}

const PAYMENT_COLS: &str = "p.id, p.receipt_no, p.at, p.member_id, m.full_name, p.booking_id, p.purpose, p.method, \
    p.amount, p.refund_of, p.shift_id, p.payer_name, p.note, p.taken_by, p.pass_id";
const PAYMENT_FROM: &str = "FROM payments p LEFT JOIN members m ON m.id = p.member_id";

fn row_to_payment(r: &Row<'_>) -> rusqlite::Result<Payment> {
    Ok(Payment {
        id: r.get(0)?,
        receipt_no: r.get(1)?,
        at: ts(r.get(2)?),
        member_id: r.get(3)?,
        member_name: r.get(4)?,
        booking_id: r.get(5)?,
        purpose: Purpose::parse(&r.get::<_, String>(6)?).unwrap_or(Purpose::Booking),
        method: Method::parse(&r.get::<_, String>(7)?).unwrap_or(Method::Other),
        amount: r.get(8)?,
        refund_of: r.get(9)?,
        shift_id: r.get(10)?,
        payer_name: r.get(11)?,
        note: r.get(12)?,
        taken_by: r.get(13)?,
        pass_id: r.get(14)?,
    })
}

/// Any payment ever taken.
pub fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM payments)")?.query_row([], |r| r.get(0))
}

pub fn payment(conn: &Connection, id: &str) -> rusqlite::Result<Option<Payment>> {
    conn.query_row(&format!("SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.id = ?1"), [id], row_to_payment).optional()
}

/// The payment (or refund) with receipt number `number`.
pub fn by_receipt(conn: &Connection, number: i64) -> rusqlite::Result<Option<Payment>> {
    conn.query_row(&format!("SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.receipt_no = ?1"), [number], row_to_payment)
        .optional()
}

pub fn booking_payments(conn: &Connection, booking_id: &str) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.booking_id = ?1 ORDER BY p.at, p.receipt_no"
    ))?
    .query_map([booking_id], row_to_payment)?
    .collect()
}

pub fn shift_payments(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.shift_id = ?1 ORDER BY p.at, p.receipt_no"
    ))?
    .query_map([shift_id], row_to_payment)?
    .collect()
}

pub fn payments_between(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.at >= ?1 AND p.at < ?2 ORDER BY p.at, p.receipt_no"
    ))?
    .query_map([from.as_millisecond(), to.as_millisecond()], row_to_payment)?
    .collect()
}

/// The payment that sold pass `pass_id` (none for a pass given free).
pub fn pass_sale(conn: &Connection, pass_id: &str) -> rusqlite::Result<Option<Payment>> {
    conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLS} {PAYMENT_FROM} WHERE p.pass_id = ?1 AND p.purpose = 'pass' AND p.refund_of IS NULL"
    ))?
    .query_row([pass_id], row_to_payment)
    .optional()
}

/// What has been paid for a booking, refunds taken off.
pub fn paid_for_booking(conn: &Connection, booking_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT coalesce(sum(amount), 0) FROM payments WHERE booking_id = ?1")?
        .query_row([booking_id], |r| r.get(0))
}

/// What has been paid for each booking starting in [from, to), refunds taken off.
pub fn paid_for_bookings_between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<std::collections::HashMap<String, i64>> {
    conn.prepare_cached(
        "SELECT p.booking_id, sum(p.amount) FROM payments p JOIN bookings b ON b.id = p.booking_id \
         WHERE b.starts_at >= ?1 AND b.starts_at < ?2 GROUP BY p.booking_id",
    )?
    .query_map([from.as_millisecond(), to.as_millisecond()], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

pub fn has_payments(conn: &Connection, booking_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM payments WHERE booking_id = ?1)")?
        .query_row([booking_id], |r| r.get(0))
}

/// What is left of payment `id` to refund.
pub fn refundable(conn: &Connection, id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT p.amount + coalesce((SELECT sum(r.amount) FROM payments r WHERE r.refund_of = p.id), 0) \
         FROM payments p WHERE p.id = ?1",
    )?
    .query_row([id], |r| r.get(0))
    .optional()
    .map(Option::unwrap_or_default)
}

/// Receipt numbers are the hub's: one more than the last.
pub fn next_receipt_no(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(receipt_no), 0) + 1 FROM payments", [], |r| r.get(0))
}

pub struct NewPayment<'a> {
    pub id: &'a str,
    pub receipt_no: i64,
    pub at: Timestamp,
    pub member_id: Option<&'a str>,
    pub booking_id: Option<&'a str>,
    pub purpose: Purpose,
    pub method: Method,
    pub amount: i64,
    pub refund_of: Option<&'a str>,
    pub shift_id: Option<&'a str>,
    pub payer_name: &'a str,
    pub note: &'a str,
    pub taken_by: &'a str,
    pub pass_id: Option<&'a str>,
}

pub fn insert_payment(conn: &Connection, p: &NewPayment<'_>) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO payments (id, receipt_no, at, member_id, booking_id, purpose, method, amount, refund_of, shift_id, \
         payer_name, note, taken_by, pass_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            p.id,
            p.receipt_no,
            p.at.as_millisecond(),
            p.member_id,
            p.booking_id,
            p.purpose.as_str(),
            p.method.as_str(),
            p.amount,
            p.refund_of,
            p.shift_id,
            p.payer_name,
            p.note,
            p.taken_by,
            p.pass_id
        ],
    )?;
    Ok(())
}

// ---- the ledger ----

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub at: Timestamp,
    pub kind: String,
    pub amount: i64,
    pub booking_id: Option<String>,
    pub payment_id: Option<String>,
    pub reason: String,
}

pub struct NewEntry<'a> {
    pub member_id: &'a str,
    pub kind: &'a str,
    pub amount: i64,
    pub booking_id: Option<&'a str>,
    pub payment_id: Option<&'a str>,
    pub reason: &'a str,
}

/// Appends a ledger entry; its id is derived from the command's, so replays cannot duplicate it.
pub fn append(conn: &Connection, id: &str, at: Timestamp, e: &NewEntry<'_>) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO ledger (id, member_id, at, kind, amount, booking_id, payment_id, reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, e.member_id, at.as_millisecond(), e.kind, e.amount, e.booking_id, e.payment_id, e.reason],
    )?;
    Ok(())
}

/// Whether the member ever paid, or has an account entry.
pub fn has_money_history(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM ledger WHERE member_id = ?1) OR EXISTS (SELECT 1 FROM payments WHERE member_id = ?1)",
    )?
    .query_row([member_id], |r| r.get(0))
}

/// How far below zero the member's account may go (0 unless a manager allowed credit).
pub fn credit_limit(conn: &Connection, member_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT credit_limit FROM members WHERE id = ?1")?
        .query_row([member_id], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
}

pub fn set_credit_limit(conn: &Connection, member_id: &str, limit: i64) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE members SET credit_limit = ?2 WHERE id = ?1 AND credit_limit <> ?2",
        params![member_id, limit],
    )?;
    Ok(())
}

pub fn balance(conn: &Connection, member_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT coalesce(sum(amount), 0) FROM ledger WHERE member_id = ?1")?
        .query_row([member_id], |r| r.get(0))
}

/// A member's entries, oldest first.
pub fn entries(conn: &Connection, member_id: &str) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(
        "SELECT id, at, kind, amount, booking_id, payment_id, reason FROM ledger WHERE member_id = ?1 ORDER BY at, rowid",
    )?
    .query_map([member_id], |r| {
        Ok(Entry {
            id: r.get(0)?,
            at: ts(r.get(1)?),
            kind: r.get(2)?,
            amount: r.get(3)?,
            booking_id: r.get(4)?,
            payment_id: r.get(5)?,
            reason: r.get(6)?,
        })
    })?
    .collect()
}

/// A member's latest `limit` entries, newest first (from the member's index, however long the
/// history).
pub fn latest_entries(conn: &Connection, member_id: &str, limit: i64) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(
        "SELECT id, at, kind, amount, booking_id, payment_id, reason FROM ledger WHERE member_id = ?1 \
         ORDER BY at DESC, rowid DESC LIMIT ?2",
    )?
    .query_map(rusqlite::params![member_id, limit], |r| {
        Ok(Entry {
            id: r.get(0)?,
            at: ts(r.get(1)?),
            kind: r.get(2)?,
            amount: r.get(3)?,
            booking_id: r.get(4)?,
            payment_id: r.get(5)?,
            reason: r.get(6)?,
        })
    })?
    .collect()
}

/// Members who owe the club, most owed first, with their balance (kept by the ledger's
/// triggers in `member_balances`).
pub fn debtors(conn: &Connection) -> rusqlite::Result<Vec<(String, String, i64)>> {
    conn.prepare_cached(
        "SELECT b.member_id, m.full_name, b.balance FROM member_balances b JOIN members m ON m.id = b.member_id \
         WHERE b.balance < 0 ORDER BY b.balance",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// How many members owe the club, and their balances added up (negative).
pub fn debt(conn: &Connection) -> rusqlite::Result<(usize, i64)> {
    conn.prepare_cached("SELECT count(*), coalesce(sum(balance), 0) FROM member_balances WHERE balance < 0")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?.try_into().unwrap_or_default(), r.get(1)?)))
}

/// Members whose kept balance is not the sum of their ledger entries, as (member, kept, sum):
/// none, ever.
#[cfg(test)]
pub fn balances_off_ledger(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    conn.prepare(
        "SELECT l.member_id, coalesce(b.balance, 0) AS kept, sum(l.amount) AS summed FROM ledger l \
           LEFT JOIN member_balances b ON b.member_id = l.member_id GROUP BY l.member_id HAVING kept <> summed \
         UNION ALL \
         SELECT b.member_id, b.balance, 0 FROM member_balances b \
           WHERE b.balance <> 0 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.member_id = b.member_id)",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// The fee still standing on a booking: fees charged less fees waived.
pub fn open_fee(conn: &Connection, booking_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE booking_id = ?1 AND kind IN ('fee', 'waiver')",
    )?
    .query_row([booking_id], |r| r.get(0))
}
