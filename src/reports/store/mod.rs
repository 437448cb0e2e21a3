//! What the reports read: every figure is worked out from the same tables the desk writes, in one
//! pass over the period.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::{Connection, params};

use crate::bookings::model::{LocalSlot, Status};
use crate::payments::model::Method;
use crate::reports::revenue::{Category, Entry};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The court and local slot of every booking holding a court between `from` and `to` (not
/// cancelled, not a block).
pub fn held_slots(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    tz: &TimeZone,
) -> rusqlite::Result<Vec<(String, LocalSlot)>> {
    conn.prepare_cached(
        "SELECT court_id, starts_at, ends_at FROM bookings \
         WHERE starts_at < ?2 AND starts_at >= ?1 AND status <> 'cancelled' AND kind <> 'block'",
    )?
    .query_map(params![from.as_millisecond(), to.as_millisecond()], |r| {
        Ok((r.get(0)?, LocalSlot::from_instants(at(r.get(1)?), at(r.get(2)?), tz)))
    })?
    .collect()
}

/// The payments and account charges the revenue report counts, with what each earned (kept in
/// `revenue_items` as they are written: a year is one range of it).
pub fn revenue_entries(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Entry>> {
    let mut items =
        conn.prepare_cached("SELECT at, method, category, amount FROM revenue_items WHERE at >= ?1 AND at < ?2")?;
    let mut rows = items.query(params![from.as_millisecond(), to.as_millisecond()])?;
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        entries.push(Entry {
            at: at(r.get(0)?),
            method: r.get_ref(1)?.as_str_or_null()?.and_then(Method::parse),
            category: r.get_ref(2)?.as_str_or_null()?.and_then(Category::parse),
            amount: r.get(3)?,
        });
    }
    Ok(entries)
}

/// The revenue rows that differ from what the payments, the ledger and the bookings say now,
/// each as its source's id: none, ever.
#[cfg(test)]
pub fn revenue_items_off_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare(
        "WITH kept AS (SELECT * FROM revenue_items), \
           made AS (SELECT * FROM revenue_of_payments UNION ALL SELECT * FROM revenue_of_charges) \
         SELECT source_id FROM (SELECT * FROM kept EXCEPT SELECT * FROM made) \
         UNION SELECT source_id FROM (SELECT * FROM made EXCEPT SELECT * FROM kept)",
    )?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// The members' visits that differ from what the bookings, their players and the journal say
/// now, each as its booking's id: none, ever.
#[cfg(test)]
pub fn member_visits_off_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare(
        "SELECT booking_id FROM (SELECT * FROM member_visits EXCEPT SELECT * FROM visits_of_bookings) \
         UNION SELECT booking_id FROM (SELECT * FROM visits_of_bookings EXCEPT SELECT * FROM member_visits)",
    )?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// The bookings players made that started between `from` and `to`, with their fees, each given
/// to `each` as it is read. (`+b.group_id` keeps SQLite on the covering index by time, not the
/// index by group; the fees come from the small index of fee entries, migration 0034.)
pub fn each_booked(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    tz: &TimeZone,
    mut each: impl FnMut(crate::reports::cancellations::Row<'_>),
) -> rusqlite::Result<()> {
    let mut booked = conn.prepare_cached(
        "SELECT b.booker_id, b.starts_at, b.status, \
           CASE WHEN b.status IN ('cancelled', 'no_show') THEN \
             (SELECT -coalesce(sum(l.amount), 0) FROM ledger l WHERE l.booking_id = b.id AND l.kind IN ('fee', 'waiver')) \
           ELSE 0 END \
         FROM bookings b \
         WHERE b.starts_at >= ?1 AND b.starts_at < ?2 AND b.kind <> 'block' AND +b.group_id IS NULL \
           AND coalesce(b.cancel_reason, '') NOT IN ('series changed', 'series ended')",
    )?;
    let mut rows = booked.query(params![from.as_millisecond(), to.as_millisecond()])?;
    while let Some(r) = rows.next()? {
        each(crate::reports::cancellations::Row {
            booker: r.get_ref(0)?.as_str_or_null()?,
            hour: usize::from(tz.to_datetime(at(r.get(1)?)).hour().unsigned_abs()),
            status: Status::parse(r.get_ref(2)?.as_str()?).unwrap_or(Status::Booked),
            fees: r.get(3)?,
        });
    }
    Ok(())
}

/// Every member on the books (not archived or merged) with their visits in `from..to` and
/// their last visit in `history..to`: bookings they played (as booker or player; not cancelled,
/// not missed) and group sessions they came to, as `member_visits` keeps them (migration 0034's
/// view `visits_of_bookings` says what counts). The history is bounded so that the report reads
/// about the same rows in a club's tenth year as in its first. The visits are added up here as
/// they are read: a year holds tens of thousands, and grouping them in SQL sorts them all.
pub fn member_rows(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    history: Timestamp,
) -> rusqlite::Result<Vec<crate::reports::members::Member>> {
    let mut members: Vec<crate::reports::members::Member> = conn
        .prepare_cached(
            "SELECT m.id, m.full_name, c.name, m.created_at FROM members m \
             LEFT JOIN member_categories c ON c.id = m.category_id WHERE m.archived = 0 AND m.merged_into IS NULL",
        )?
        .query_map([], |r| {
            Ok(crate::reports::members::Member {
                id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                joined: at(r.get(3)?),
                visits: 0,
                minutes: 0,
                last: None,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: std::collections::HashMap<String, usize> =
        members.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let mut visits = conn.prepare_cached(
        "SELECT member_id, starts_at, minutes FROM member_visits WHERE starts_at >= ?1 AND starts_at < ?2",
    )?;
    let mut rows = visits.query(params![history.min(from).as_millisecond(), to.as_millisecond()])?;
    let from = from.as_millisecond();
    while let Some(r) = rows.next()? {
        let Some(&i) = r.get_ref(0)?.as_str().ok().and_then(|id| index.get(id)) else { continue };
        let (starts_at, minutes): (i64, i64) = (r.get(1)?, r.get(2)?);
        let m = &mut members[i];
        if starts_at >= from {
            m.visits += 1;
            m.minutes += minutes;
        }
        m.last = m.last.max(Some(at(starts_at)));
    }
    Ok(members)
}

/// Each group's sessions held between `from` and `to` (begun by `now`, not cancelled) and the
/// journal's marks on them; groups with none held are left out.
pub fn group_attendance(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<Vec<crate::reports::coaching::GroupAttendance>> {
    conn.prepare_cached(
        "SELECT g.id, g.name, k.name, g.capacity, count(DISTINCT b.id), \
           coalesce(sum(v.status = 'present'), 0), coalesce(sum(v.status = 'trial'), 0), \
           coalesce(sum(v.status = 'absent'), 0), coalesce(sum(v.status = 'excused'), 0) \
         FROM training_groups g JOIN coaches k ON k.id = g.coach_id \
         JOIN bookings b ON b.group_id = g.id AND b.status <> 'cancelled' AND b.starts_at >= ?1 AND b.starts_at < min(?2, ?3) \
         LEFT JOIN group_visits v ON v.booking_id = b.id \
         GROUP BY g.id ORDER BY k.name, g.name",
    )?
    .query_map(params![from.as_millisecond(), to.as_millisecond(), now.as_millisecond()], |r| {
        Ok(crate::reports::coaching::GroupAttendance {
            group_id: r.get(0)?,
            name: r.get(1)?,
            coach: r.get(2)?,
            capacity: r.get(3)?,
            sessions: r.get(4)?,
            present: r.get(5)?,
            trial: r.get(6)?,
            absent: r.get(7)?,
            excused: r.get(8)?,
        })
    })?
    .collect()
}

/// The SMS messages made between `from` and `to`, with what became of them and their cost.
pub fn sms_sent(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<crate::reports::sms::Sent>> {
    conn.prepare_cached(
        "SELECT created_at, status, segments, cost_micros, cost_currency FROM sms_messages \
         WHERE created_at >= ?1 AND created_at < ?2",
    )?
    .query_map(params![from.as_millisecond(), to.as_millisecond()], |r| {
        Ok(crate::reports::sms::Sent {
            at: at(r.get(0)?),
            status: crate::sms::model::Status::parse(&r.get::<_, String>(1)?)
                .unwrap_or(crate::sms::model::Status::Unknown),
            segments: r.get(2)?,
            cost_micros: r.get(3)?,
            currency: r.get(4)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests;
