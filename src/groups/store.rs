//! Groups, their rosters and their sessions' journals.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{GroupDraft, Mark, Place, PriceModel};

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

/// A group with the names lists show and how full it is.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub draft: GroupDraft,
    pub coach_name: String,
    pub court_name: String,
    pub enrolled: i64,
    pub waiting: i64,
}

const COLS: &str = "g.id, g.name, g.coach_id, g.court_id, g.capacity, g.minimum, g.price_model, g.price, g.product_id, \
    g.charge_absent, g.active, c.name, k.name, \
    (SELECT count(*) FROM group_members r WHERE r.group_id = g.id AND r.status = 'enrolled'), \
    (SELECT count(*) FROM group_members r WHERE r.group_id = g.id AND r.status = 'waiting')";
const FROM: &str = "FROM training_groups g JOIN coaches c ON c.id = g.coach_id JOIN courts k ON k.id = g.court_id";

fn row_to_group(r: &Row<'_>) -> rusqlite::Result<Group> {
    let model: String = r.get(6)?;
    Ok(Group {
        id: r.get(0)?,
        draft: GroupDraft {
            name: r.get(1)?,
            coach_id: r.get(2)?,
            court_id: r.get(3)?,
            capacity: r.get(4)?,
            minimum: r.get(5)?,
            price_model: PriceModel::parse(&model).unwrap_or(PriceModel::Visit),
            price: r.get(7)?,
            product_id: r.get(8)?,
            charge_absent: r.get(9)?,
            active: r.get(10)?,
        },
        coach_name: r.get(11)?,
        court_name: r.get(12)?,
        enrolled: r.get(13)?,
        waiting: r.get(14)?,
    })
}

/// Every group, active first, by name; or only coach `coach_id`'s.
pub fn groups(conn: &Connection, coach_id: Option<&str>) -> rusqlite::Result<Vec<Group>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE ?1 IS NULL OR g.coach_id = ?1 ORDER BY g.active DESC, g.name COLLATE NOCASE"
    ))?
    .query_map([coach_id], row_to_group)?
    .collect()
}

pub fn group(conn: &Connection, id: &str) -> rusqlite::Result<Option<Group>> {
    conn.prepare_cached(&format!("SELECT {COLS} {FROM} WHERE g.id = ?1"))?.query_row([id], row_to_group).optional()
}

/// Every group's (id, name).
pub fn names(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached("SELECT id, name FROM training_groups")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

pub fn put_group(conn: &Connection, id: &str, d: &GroupDraft, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO training_groups (id, name, coach_id, court_id, capacity, minimum, price_model, price, product_id, \
         charge_absent, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, coach_id = excluded.coach_id, \
         court_id = excluded.court_id, capacity = excluded.capacity, minimum = excluded.minimum, \
         price_model = excluded.price_model, price = excluded.price, product_id = excluded.product_id, \
         charge_absent = excluded.charge_absent, active = excluded.active, updated_at = excluded.updated_at",
        params![
            id,
            d.name,
            d.coach_id,
            d.court_id,
            d.capacity,
            d.minimum,
            d.price_model.as_str(),
            d.price,
            d.product_id,
            d.charge_absent,
            d.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

// ---- the roster ----

/// A member on a group's roster.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub id: String,
    pub group_id: String,
    pub member_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub place: Place,
    /// When they joined the waiting list, or got their place.
    pub since: Timestamp,
}

impl RosterEntry {
    /// Whether this member's place is in the journal of `session`: enrolled before it ended.
    pub fn on_roster_for(&self, session: &crate::bookings::store::Booking) -> bool {
        self.place == Place::Enrolled && self.since < session.ends_at
    }
}

const ROSTER_COLS: &str = "r.id, r.group_id, r.member_id, m.full_name, m.phone, r.status, r.since";
const ROSTER_FROM: &str = "FROM group_members r JOIN members m ON m.id = r.member_id";

fn row_to_entry(r: &Row<'_>) -> rusqlite::Result<RosterEntry> {
    let place: String = r.get(5)?;
    Ok(RosterEntry {
        id: r.get(0)?,
        group_id: r.get(1)?,
        member_id: r.get(2)?,
        name: r.get(3)?,
        phone: r.get(4)?,
        place: Place::parse(&place).unwrap_or(Place::Left),
        since: ts(r.get(6)?),
    })
}

/// Who is enrolled (by name) and who waits (first come first), not who left.
pub fn roster(conn: &Connection, group_id: &str) -> rusqlite::Result<Vec<RosterEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {ROSTER_COLS} {ROSTER_FROM} WHERE r.group_id = ?1 AND r.status <> 'left' \
         ORDER BY r.status = 'waiting', CASE r.status WHEN 'waiting' THEN r.since END, m.full_name COLLATE NOCASE, r.id"
    ))?
    .query_map([group_id], row_to_entry)?
    .collect()
}

/// Member `member_id`'s live place in group `group_id`, if any.
pub fn entry(conn: &Connection, group_id: &str, member_id: &str) -> rusqlite::Result<Option<RosterEntry>> {
    conn.prepare_cached(&format!(
        "SELECT {ROSTER_COLS} {ROSTER_FROM} WHERE r.group_id = ?1 AND r.member_id = ?2 AND r.status <> 'left'"
    ))?
    .query_row([group_id, member_id], row_to_entry)
    .optional()
}

pub fn entry_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<RosterEntry>> {
    conn.prepare_cached(&format!("SELECT {ROSTER_COLS} {ROSTER_FROM} WHERE r.id = ?1"))?
        .query_row([id], row_to_entry)
        .optional()
}

/// The live groups member `member_id` is in or waits for: (group id, group name, place).
pub fn member_groups(conn: &Connection, member_id: &str) -> rusqlite::Result<Vec<(String, String, Place)>> {
    conn.prepare_cached(
        "SELECT g.id, g.name, r.status FROM group_members r JOIN training_groups g ON g.id = r.group_id \
         WHERE r.member_id = ?1 AND r.status <> 'left' ORDER BY g.name COLLATE NOCASE",
    )?
    .query_map([member_id], |r| {
        let place: String = r.get(2)?;
        Ok((r.get(0)?, r.get(1)?, Place::parse(&place).unwrap_or(Place::Left)))
    })?
    .collect()
}

pub fn add_to_roster(
    conn: &Connection,
    id: &str,
    (group_id, member_id): (&str, &str),
    place: Place,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO group_members (id, group_id, member_id, status, since, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, group_id, member_id, place.as_str(), now.as_millisecond()],
    )?;
    Ok(())
}

/// Moves a roster entry to `place`. A member given a place is on the roster `since` now (the
/// journals of sessions before that are not theirs); one who leaves keeps the date.
pub fn set_place(conn: &Connection, id: &str, place: Place, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE group_members SET status = ?2, updated_at = ?3, \
         since = CASE ?2 WHEN 'enrolled' THEN ?3 ELSE since END WHERE id = ?1",
        params![id, place.as_str(), now.as_millisecond()],
    )?;
    Ok(())
}

// ---- the journal ----

/// A member's mark for one session.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: String,
    pub booking_id: String,
    pub member_id: String,
    pub name: String,
    pub mark: Mark,
    /// What the visit put on the member's account.
    pub charge: i64,
    /// The pass a visit was taken from.
    pub pass_id: Option<String>,
    /// This visit carries its month's fee (monthly groups).
    pub month_fee: bool,
}

const VISIT_COLS: &str = "v.id, v.booking_id, v.member_id, m.full_name, v.status, v.charge, v.pass_id, v.month_fee";
const VISIT_FROM: &str = "FROM group_visits v JOIN members m ON m.id = v.member_id";

fn row_to_visit(r: &Row<'_>) -> rusqlite::Result<Visit> {
    let mark: String = r.get(4)?;
    Ok(Visit {
        id: r.get(0)?,
        booking_id: r.get(1)?,
        member_id: r.get(2)?,
        name: r.get(3)?,
        mark: Mark::parse(&mark).unwrap_or(Mark::Present),
        charge: r.get(5)?,
        pass_id: r.get(6)?,
        month_fee: r.get(7)?,
    })
}

/// Session `booking_id`'s journal, by name.
pub fn visits(conn: &Connection, booking_id: &str) -> rusqlite::Result<Vec<Visit>> {
    conn.prepare_cached(&format!(
        "SELECT {VISIT_COLS} {VISIT_FROM} WHERE v.booking_id = ?1 ORDER BY m.full_name COLLATE NOCASE"
    ))?
    .query_map([booking_id], row_to_visit)?
    .collect()
}

pub fn visit(conn: &Connection, booking_id: &str, member_id: &str) -> rusqlite::Result<Option<Visit>> {
    conn.prepare_cached(&format!("SELECT {VISIT_COLS} {VISIT_FROM} WHERE v.booking_id = ?1 AND v.member_id = ?2"))?
        .query_row([booking_id, member_id], row_to_visit)
        .optional()
}

/// How a visit stands after a mark: written whole.
pub struct NewVisit<'a> {
    pub id: &'a str,
    pub booking_id: &'a str,
    pub member_id: &'a str,
    pub mark: Mark,
    pub charge: i64,
    pub pass_id: Option<&'a str>,
    pub month_fee: bool,
    pub by: &'a str,
}

pub fn put_visit(conn: &Connection, v: &NewVisit<'_>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO group_visits (id, booking_id, member_id, status, charge, pass_id, month_fee, marked_at, marked_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, charge = excluded.charge, \
         pass_id = excluded.pass_id, month_fee = excluded.month_fee, marked_at = excluded.marked_at, \
         marked_by = excluded.marked_by",
        params![
            v.id,
            v.booking_id,
            v.member_id,
            v.mark.as_str(),
            v.charge,
            v.pass_id,
            v.month_fee,
            now.as_millisecond(),
            v.by
        ],
    )?;
    Ok(())
}

/// Member `member_id`'s visits to group `group_id`'s sessions starting in [from, to), but
/// session `except`: the month a monthly fee covers.
pub fn visits_in(
    conn: &Connection,
    (group_id, member_id): (&str, &str),
    (from, to): (Timestamp, Timestamp),
    except: &str,
) -> rusqlite::Result<Vec<Visit>> {
    conn.prepare_cached(&format!(
        "SELECT {VISIT_COLS} {VISIT_FROM} JOIN bookings b ON b.id = v.booking_id \
         WHERE b.group_id = ?1 AND v.member_id = ?2 AND b.starts_at >= ?3 AND b.starts_at < ?4 AND b.id <> ?5 \
         ORDER BY b.starts_at"
    ))?
    .query_map(params![group_id, member_id, from.as_millisecond(), to.as_millisecond(), except], row_to_visit)?
    .collect()
}

/// Moves a month's fee from one visit to another (the one that carried it is no longer charged).
pub fn move_month_fee(conn: &Connection, from_visit: &str, to_visit: &str, charge: i64) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE group_visits SET month_fee = 0, charge = 0 WHERE id = ?1", [from_visit])?;
    crate::db::exec(
        conn,
        "UPDATE group_visits SET month_fee = 1, charge = ?2 WHERE id = ?1",
        params![to_visit, charge],
    )?;
    Ok(())
}

/// The units pass `pass_id` gave for session `booking_id` (negative while the use stands).
pub fn pass_units(conn: &Connection, pass_id: &str, booking_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT coalesce(sum(units), 0) FROM pass_uses WHERE pass_id = ?1 AND booking_id = ?2")?
        .query_row([pass_id, booking_id], |r| r.get(0))
}

/// How many came to each session of `booking_ids`: (booking id, came, marked).
pub fn turnout(conn: &Connection, group_id: &str) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    conn.prepare_cached(
        "SELECT v.booking_id, sum(v.status IN ('present', 'trial')), count(*) FROM group_visits v \
         JOIN bookings b ON b.id = v.booking_id WHERE b.group_id = ?1 GROUP BY v.booking_id",
    )?
    .query_map([group_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}
