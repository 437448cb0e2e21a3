//! Who a campaign's audience holds: members by category, tag, play or pass, and the member
//! behind a pasted number.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};

/// Someone a campaign could go to, before duplicates, consent and opt-outs are sorted out.
pub struct Candidate {
    pub member_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub consent: bool,
    pub opted_out: bool,
}

const CANDIDATE_SQL: &str = "SELECT m.id, m.full_name, m.phone, m.sms_consent, \
     EXISTS (SELECT 1 FROM sms_optouts o WHERE o.member_id = m.id) FROM members m \
     WHERE m.archived = 0 AND m.merged_into IS NULL";

fn candidates_where(conn: &Connection, clause: &str, p: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<Candidate>> {
    let mut stmt = conn.prepare(&format!("{CANDIDATE_SQL} {clause} ORDER BY m.search_name"))?;
    stmt.query_map(p, |r| {
        Ok(Candidate {
            member_id: Some(r.get(0)?),
            name: r.get(1)?,
            phone: r.get(2)?,
            consent: r.get(3)?,
            opted_out: r.get(4)?,
        })
    })?
    .collect()
}

/// Every member who is not archived.
pub fn candidates_all(conn: &Connection) -> rusqlite::Result<Vec<Candidate>> {
    candidates_where(conn, "", &[])
}

pub fn candidates_in_category(conn: &Connection, category_id: &str) -> rusqlite::Result<Vec<Candidate>> {
    candidates_where(conn, "AND m.category_id = ?1", &[&category_id])
}

/// Members with the tag `folded` (lower case, as tags are stored).
pub fn candidates_tagged(conn: &Connection, folded: &str) -> rusqlite::Result<Vec<Candidate>> {
    candidates_where(conn, "AND (',' || m.tags || ',') LIKE ('%,' || ?1 || ',%')", &[&folded])
}

/// Members who booked or played a booking starting in [from, to).
pub fn candidates_played_between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<Candidate>> {
    candidates_where(
        conn,
        "AND m.id IN (SELECT b.booker_id FROM bookings b WHERE b.status IN ('booked', 'checked_in') \
         AND b.starts_at >= ?1 AND b.starts_at < ?2 AND b.booker_id IS NOT NULL \
         UNION SELECT p.member_id FROM booking_players p JOIN bookings b ON b.id = p.booking_id \
         WHERE b.status IN ('booked', 'checked_in') AND b.starts_at >= ?1 AND b.starts_at < ?2 \
         AND p.member_id IS NOT NULL)",
        &[&from.as_millisecond(), &to.as_millisecond()],
    )
}

/// Members holding a pass or membership valid on `day` (not refunded).
pub fn candidates_holding_a_pass(conn: &Connection, day: jiff::civil::Date) -> rusqlite::Result<Vec<Candidate>> {
    candidates_where(
        conn,
        "AND m.id IN (SELECT p.member_id FROM member_passes p WHERE p.voided_at IS NULL \
         AND p.valid_from <= ?1 AND p.valid_until >= ?1)",
        &[&day.to_string()],
    )
}

/// The member (id, name, opted out) behind a pasted number, if one has it.
pub fn member_by_phone_for_sms(conn: &Connection, phone: &str) -> rusqlite::Result<Option<(String, String, bool)>> {
    conn.prepare_cached(
        "SELECT m.id, m.full_name, EXISTS (SELECT 1 FROM sms_optouts o WHERE o.member_id = m.id) \
         FROM members m WHERE m.phone = ?1 AND m.archived = 0",
    )?
    .query_row([phone], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}
