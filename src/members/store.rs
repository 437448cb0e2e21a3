//! SQL for members, categories and family links.

use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{MemberDraft, digits, fold};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub card_no: i64,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: String,
    pub birth_date: Option<Date>,
    pub category_id: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub notes: String,
    pub sms_consent: bool,
    pub archived: bool,
    pub merged_into: Option<String>,
    pub created_at: Timestamp,
}

const MEMBER_COLS: &str = "m.id, m.card_no, m.full_name, m.phone, m.email, m.birth_date, m.category_id, c.name, m.tags, \
     m.notes, m.sms_consent, m.archived, m.merged_into, m.created_at";
const FROM: &str = "FROM members m LEFT JOIN member_categories c ON c.id = m.category_id";

fn row_to_member(r: &Row<'_>) -> rusqlite::Result<Member> {
    let birth: Option<String> = r.get(5)?;
    let tags: String = r.get(8)?;
    Ok(Member {
        id: r.get(0)?,
        card_no: r.get(1)?,
        full_name: r.get(2)?,
        phone: r.get(3)?,
        email: r.get(4)?,
        birth_date: birth.and_then(|b| b.parse().ok()),
        category_id: r.get(6)?,
        category: r.get(7)?,
        tags: tags.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        notes: r.get(9)?,
        sms_consent: r.get(10)?,
        archived: r.get(11)?,
        merged_into: r.get(12)?,
        created_at: Timestamp::from_millisecond(r.get(13)?).unwrap_or_default(),
    })
}

pub fn member(conn: &Connection, id: &str) -> rusqlite::Result<Option<Member>> {
    conn.prepare_cached(&format!("SELECT {MEMBER_COLS} {FROM} WHERE m.id = ?1"))?
        .query_row([id], row_to_member)
        .optional()
}

/// The active member holding `phone` (E.164), if any.
pub fn active_by_phone(conn: &Connection, phone: &str) -> rusqlite::Result<Option<Member>> {
    conn.query_row(
        &format!("SELECT {MEMBER_COLS} {FROM} WHERE m.phone = ?1 AND m.archived = 0"),
        [phone],
        row_to_member,
    )
    .optional()
}

pub fn by_card(conn: &Connection, card_no: i64) -> rusqlite::Result<Option<Member>> {
    conn.query_row(&format!("SELECT {MEMBER_COLS} {FROM} WHERE m.card_no = ?1"), [card_no], row_to_member).optional()
}

pub fn next_card_no(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(card_no), 0) + 1 FROM members", [], |r| r.get(0))
}

/// The members with `ids`, in that order (one statement for all rows).
pub fn members_in_order(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<Member>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).unwrap_or_default();
    conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLS} FROM json_each(?1) j JOIN members m ON m.id = j.value \
         LEFT JOIN member_categories c ON c.id = m.category_id ORDER BY j.key"
    ))?
    .query_map([ids], row_to_member)?
    .collect()
}

/// The full names of the members with `ids`, by id (a report that lists members by name).
pub fn names(conn: &Connection, ids: &[String]) -> rusqlite::Result<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = serde_json::to_string(ids).unwrap_or_default();
    conn.prepare_cached("SELECT m.id, m.full_name FROM json_each(?1) j JOIN members m ON m.id = j.value")?
        .query_map([ids], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Everyone, by name (for the list and the CSV export).
pub fn all(conn: &Connection, include_archived: bool) -> rusqlite::Result<Vec<Member>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {MEMBER_COLS} {FROM} WHERE (?1 OR m.archived = 0) ORDER BY m.archived, m.search_name"
    ))?;
    stmt.query_map([include_archived], row_to_member)?.collect()
}

/// The first `limit` members by name (a list before anything is typed).
pub fn first_by_name(conn: &Connection, include_archived: bool, limit: usize) -> rusqlite::Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLS} {FROM} WHERE (?1 OR m.archived = 0) ORDER BY m.archived, m.search_name LIMIT ?2"
    ))?;
    stmt.query_map(params![include_archived, limit as i64], row_to_member)?.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT count(*) FILTER (WHERE archived = 0), count(*) FILTER (WHERE archived = 1) FROM members",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub fn insert(
    conn: &Connection,
    id: &str,
    card_no: i64,
    d: &MemberDraft,
    phone: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO members (id, card_no, full_name, search_name, phone, phone_digits, email, birth_date, category_id, tags, \
         notes, sms_consent, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            id,
            card_no,
            d.full_name,
            fold(&d.full_name),
            phone,
            phone.map(digits).unwrap_or_default(),
            d.email,
            d.birth_date.map(|b| b.to_string()),
            d.category_id,
            d.tags.join(","),
            d.notes,
            d.sms_consent,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn update(
    conn: &Connection,
    id: &str,
    d: &MemberDraft,
    phone: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE members SET full_name = ?2, search_name = ?3, phone = ?4, phone_digits = ?5, email = ?6, birth_date = ?7, \
         category_id = ?8, tags = ?9, notes = ?10, sms_consent = ?11, updated_at = ?12 WHERE id = ?1",
        params![
            id,
            d.full_name,
            fold(&d.full_name),
            phone,
            phone.map(digits).unwrap_or_default(),
            d.email,
            d.birth_date.map(|b| b.to_string()),
            d.category_id,
            d.tags.join(","),
            d.notes,
            d.sms_consent,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn set_archived(
    conn: &Connection,
    id: &str,
    archived: bool,
    merged_into: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE members SET archived = ?2, merged_into = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, archived, merged_into, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "DELETE FROM members WHERE id = ?1", [id])?;
    Ok(())
}

// ---- categories ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub display_order: i64,
    pub active: bool,
    pub members: i64,
}

pub fn categories(conn: &Connection) -> rusqlite::Result<Vec<Category>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.display_order, c.active, \
         (SELECT count(*) FROM members m WHERE m.category_id = c.id AND m.archived = 0) \
         FROM member_categories c ORDER BY c.active DESC, c.display_order, lower(c.name)",
    )?;
    stmt.query_map([], |r| {
        Ok(Category { id: r.get(0)?, name: r.get(1)?, display_order: r.get(2)?, active: r.get(3)?, members: r.get(4)? })
    })?
    .collect()
}

/// (id, name as stored) of the category called `name`, in any case.
pub fn category_by_name(conn: &Connection, name: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row("SELECT id, name FROM member_categories WHERE lower(name) = lower(?1)", [name], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
}

pub fn category_exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) > 0 FROM member_categories WHERE id = ?1", [id], |r| r.get(0))
}

pub fn insert_category(conn: &Connection, id: &str, name: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO member_categories (id, name, display_order, active, created_at) \
         VALUES (?1, ?2, (SELECT coalesce(max(display_order), 0) + 1 FROM member_categories), 1, ?3)",
        params![id, name, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn update_category(conn: &Connection, id: &str, name: &str, active: bool) -> rusqlite::Result<usize> {
    crate::db::exec(
        conn,
        "UPDATE member_categories SET name = ?2, active = ?3 WHERE id = ?1",
        params![id, name, active],
    )
}

// ---- family links ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: String,
    pub guardian_id: String,
    pub child_id: String,
}

pub fn links_of(conn: &Connection, member_id: &str) -> rusqlite::Result<Vec<Link>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, guardian_id, child_id FROM member_links WHERE guardian_id = ?1 OR child_id = ?1")?;
    stmt.query_map([member_id], |r| Ok(Link { id: r.get(0)?, guardian_id: r.get(1)?, child_id: r.get(2)? }))?.collect()
}

pub fn link_exists(conn: &Connection, a: &str, b: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) > 0 FROM member_links WHERE (guardian_id = ?1 AND child_id = ?2) OR (guardian_id = ?2 AND child_id = ?1)",
        [a, b],
        |r| r.get(0),
    )
}

pub fn insert_link(conn: &Connection, id: &str, guardian: &str, child: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO member_links (id, guardian_id, child_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, guardian, child, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn delete_link(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    crate::db::exec(conn, "DELETE FROM member_links WHERE id = ?1", [id])
}

/// Moves every family link of `from` to `to` (merging duplicates), dropping ones that would
/// link `to` with itself or repeat an existing link.
pub fn move_links(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<()> {
    for link in links_of(conn, from)? {
        let other = if link.guardian_id == from { &link.child_id } else { &link.guardian_id };
        if other == to || link_exists(conn, to, other)? {
            delete_link(conn, &link.id)?;
        } else if link.guardian_id == from {
            crate::db::exec(conn, "UPDATE member_links SET guardian_id = ?2 WHERE id = ?1", [&link.id, to])?;
        } else {
            crate::db::exec(conn, "UPDATE member_links SET child_id = ?2 WHERE id = ?1", [&link.id, to])?;
        }
    }
    Ok(())
}

// ---- the search index (members::index) ----

/// The columns the in-memory search index keeps of a member.
pub struct IndexRow {
    pub search_name: String,
    pub phone_digits: String,
    pub card_no: i64,
    pub archived: bool,
}

const INDEX_COLS: &str = "id, search_name, phone_digits, card_no, archived";

fn row_to_index(r: &Row<'_>) -> rusqlite::Result<(String, IndexRow)> {
    let row = IndexRow { search_name: r.get(1)?, phone_digits: r.get(2)?, card_no: r.get(3)?, archived: r.get(4)? };
    Ok((r.get(0)?, row))
}

pub fn index_row(conn: &Connection, id: &str) -> rusqlite::Result<Option<IndexRow>> {
    conn.prepare_cached(&format!("SELECT {INDEX_COLS} FROM members WHERE id = ?1"))?
        .query_row([id], row_to_index)
        .optional()
        .map(|found| found.map(|(_, row)| row))
}

pub fn index_rows(conn: &Connection) -> rusqlite::Result<HashMap<String, IndexRow>> {
    conn.prepare(&format!("SELECT {INDEX_COLS} FROM members"))?.query_map([], row_to_index)?.collect()
}

/// How many member rows the change log shows changed after transaction `since`.
pub fn members_changed_since(conn: &Connection, since: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM change_log WHERE txn_seq > ?1 AND tbl = 'members'")?
        .query_row([since], |r| r.get(0))
}

pub fn member_ids_changed_since(conn: &Connection, since: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT DISTINCT pk FROM change_log WHERE txn_seq > ?1 AND tbl = 'members'")?
        .query_map([since], |r| r.get(0))?
        .collect()
}

/// Whether the member is in a family link (as guardian or child).
pub fn has_links(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM member_links WHERE guardian_id = ?1 OR child_id = ?1)")?
        .query_row([member_id], |r| r.get(0))
}
