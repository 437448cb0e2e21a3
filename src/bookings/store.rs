//! SQL for bookings, their players and series.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Kind, Player, Source, Status, weekdays_from_text, weekdays_to_text};
use crate::courts::model::DayMinute;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub court_id: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub kind: Kind,
    pub status: Status,
    pub booker_id: Option<String>,
    pub booker_name: Option<String>,
    pub note: String,
    pub source: Source,
    pub series_id: Option<String>,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<String>,
    pub created_at: Timestamp,
    /// What the booking costs, in minor units: from the price list, or a manager's override.
    pub price: i64,
    /// Why a manager set the price by hand; empty while the price list decides.
    pub price_note: String,
    /// The pass that pays (or, with passes used at check-in, will pay) for the booking.
    pub pass_id: Option<String>,
    /// Last changed (moved, cancelled, re-priced...): calendar feeds number revisions by it.
    pub updated_at: Timestamp,
    /// A lesson's coach (their staff account).
    pub coach_id: Option<String>,
    /// The group this booking is a session of.
    pub group_id: Option<String>,
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

const COLS: &str = "b.id, b.court_id, b.starts_at, b.ends_at, b.kind, b.status, b.booker_id, m.full_name, b.note, \
     b.source, b.series_id, b.cancelled_at, b.cancel_reason, b.created_at, b.price, b.price_note, b.pass_id, b.updated_at, \
     b.coach_id, b.group_id";
const FROM: &str = "FROM bookings b LEFT JOIN members m ON m.id = b.booker_id";

/// How many columns `COLS` names: a query that selects more after them reads those from here on.
const COLS_LEN: usize = {
    let (bytes, mut i, mut n) = (COLS.as_bytes(), 0, 1);
    while i < bytes.len() {
        if bytes[i] == b',' {
            n += 1;
        }
        i += 1;
    }
    n
};

fn row_to_booking(r: &Row<'_>) -> rusqlite::Result<Booking> {
    let kind: String = r.get(4)?;
    let status: String = r.get(5)?;
    let source: String = r.get(9)?;
    Ok(Booking {
        id: r.get(0)?,
        court_id: r.get(1)?,
        starts_at: ts(r.get(2)?),
        ends_at: ts(r.get(3)?),
        kind: Kind::parse(&kind).unwrap_or(Kind::Play),
        status: Status::parse(&status).unwrap_or(Status::Booked),
        booker_id: r.get(6)?,
        booker_name: r.get(7)?,
        note: r.get(8)?,
        source: Source::parse(&source).unwrap_or(Source::Desk),
        series_id: r.get(10)?,
        cancelled_at: r.get::<_, Option<i64>>(11)?.map(ts),
        cancel_reason: r.get(12)?,
        created_at: ts(r.get(13)?),
        price: r.get(14)?,
        price_note: r.get(15)?,
        pass_id: r.get(16)?,
        updated_at: ts(r.get(17)?),
        coach_id: r.get(18)?,
        group_id: r.get(19)?,
    })
}

pub fn set_pass(conn: &Connection, id: &str, pass_id: Option<&str>) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET pass_id = ?2 WHERE id = ?1 AND pass_id IS NOT ?2",
        params![id, pass_id],
    )?;
    Ok(())
}

/// Whether a live booking starting at or after `from` is to be paid with pass `pass_id`.
pub fn pass_bookings_from(conn: &Connection, pass_id: &str, from: Timestamp) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE pass_id = ?1 AND starts_at >= ?2 AND status <> 'cancelled')",
        params![pass_id, from.as_millisecond()],
        |r| r.get(0),
    )
}

pub fn set_price(conn: &Connection, id: &str, price: i64, note: &str) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET price = ?2, price_note = ?3 WHERE id = ?1 AND (price <> ?2 OR price_note <> ?3)",
        params![id, price, note],
    )?;
    Ok(())
}

pub fn booking(conn: &Connection, id: &str) -> rusqlite::Result<Option<Booking>> {
    conn.prepare_cached(&format!("SELECT {COLS} {FROM} WHERE b.id = ?1"))?.query_row([id], row_to_booking).optional()
}

/// No booking is longer than this (the club's maximum is at most 12 hours), so a search for
/// bookings overlapping a period need only look at those starting this much earlier, which
/// keeps it on the index instead of scanning every earlier booking.
const LONGEST_MS: i64 = 24 * 3600 * 1000;

/// Active (not cancelled) bookings on `court_id` overlapping [from, to), except `except`.
pub fn active_overlapping(
    conn: &Connection,
    court_id: &str,
    from: Timestamp,
    to: Timestamp,
    except: &str,
) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.court_id = ?1 AND b.starts_at > ?2 - ?5 AND b.starts_at < ?3 AND ?2 < b.ends_at \
         AND b.status <> 'cancelled' AND b.id <> ?4 ORDER BY b.starts_at"
    ))?;
    stmt.query_map(params![court_id, from.as_millisecond(), to.as_millisecond(), except, LONGEST_MS], row_to_booking)?
        .collect()
}

/// Where `member` is already playing during [from, to) on another court: active bookings they
/// hold or play in, except `except` (the booking being changed).
pub fn member_elsewhere(
    conn: &Connection,
    member: &str,
    from: Timestamp,
    to: Timestamp,
    except: &str,
) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.starts_at > ?2 - ?5 AND b.starts_at < ?3 AND ?2 < b.ends_at \
         AND b.status <> 'cancelled' AND b.id <> ?4 \
         AND (b.booker_id = ?1 OR EXISTS (SELECT 1 FROM booking_players p WHERE p.booking_id = b.id AND p.member_id = ?1)) \
         ORDER BY b.starts_at"
    ))?;
    stmt.query_map(params![member, from.as_millisecond(), to.as_millisecond(), except, LONGEST_MS], row_to_booking)?
        .collect()
}

/// Every booking overlapping [from, to), all courts, cancelled ones included (the grid hides them).
pub fn between(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.starts_at > ?1 - ?3 AND b.starts_at < ?2 AND ?1 < b.ends_at ORDER BY b.starts_at"
    ))?;
    stmt.query_map(params![from.as_millisecond(), to.as_millisecond(), LONGEST_MS], row_to_booking)?.collect()
}

/// A member's bookings (as booker or player) not yet over at `now`, soonest first.
pub fn upcoming_of_member(
    conn: &Connection,
    member_id: &str,
    now: Timestamp,
    limit: i64,
) -> rusqlite::Result<Vec<Booking>> {
    let ahead = format!("x.starts_at > ?2 - {LONGEST_MS} AND x.ends_at > ?2");
    of_member_around(conn, member_id, now, limit, &ahead, "ASC")
}

/// A member's bookings (as booker or player) over by `now`, latest first.
pub fn past_of_member(
    conn: &Connection,
    member_id: &str,
    now: Timestamp,
    limit: i64,
) -> rusqlite::Result<Vec<Booking>> {
    of_member_around(conn, member_id, now, limit, "x.starts_at < ?2 AND x.ends_at <= ?2", "DESC")
}

/// The member's bookings matching `when` (on `x`, with `now` as ?2), first `limit` in `order` of
/// start. Each side reads its own index, limited before the two are joined: a member with years
/// of history costs what one with a week does.
fn of_member_around(
    conn: &Connection,
    member_id: &str,
    now: Timestamp,
    limit: i64,
    when: &str,
    order: &str,
) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.id IN ( \
           SELECT id FROM (SELECT x.id FROM bookings x WHERE x.booker_id = ?1 AND {when} \
             ORDER BY x.starts_at {order} LIMIT ?3) \
           UNION ALL SELECT id FROM (SELECT x.id FROM booking_players p JOIN bookings x ON x.id = p.booking_id \
             WHERE p.member_id = ?1 AND {when} ORDER BY x.starts_at {order} LIMIT ?3)) \
         ORDER BY b.starts_at {order} LIMIT ?3"
    ))?;
    stmt.query_map(params![member_id, now.as_millisecond(), limit], row_to_booking)?.collect()
}

pub struct NewBooking<'a> {
    pub id: &'a str,
    pub court_id: &'a str,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub kind: Kind,
    pub booker_id: Option<&'a str>,
    pub note: &'a str,
    pub source: Source,
    pub series_id: Option<&'a str>,
    pub coach_id: Option<&'a str>,
    pub group_id: Option<&'a str>,
}

pub fn insert(conn: &Connection, b: &NewBooking<'_>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO bookings (id, court_id, starts_at, ends_at, kind, status, booker_id, note, source, series_id, \
         coach_id, group_id, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'booked', ?6, ?7, ?8, ?9, ?11, ?12, ?10, ?10)",
        params![
            b.id,
            b.court_id,
            b.starts_at.as_millisecond(),
            b.ends_at.as_millisecond(),
            b.kind.as_str(),
            b.booker_id,
            b.note,
            b.source.as_str(),
            b.series_id,
            now.as_millisecond(),
            b.coach_id,
            b.group_id
        ],
    )?;
    Ok(())
}

pub fn update(
    conn: &Connection,
    id: &str,
    court_id: &str,
    starts_at: Timestamp,
    ends_at: Timestamp,
    kind: Kind,
    (booker_id, coach_id): (Option<&str>, Option<&str>),
    note: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET court_id = ?2, starts_at = ?3, ends_at = ?4, kind = ?5, booker_id = ?6, note = ?7, \
         updated_at = ?8, coach_id = ?9 WHERE id = ?1",
        params![
            id,
            court_id,
            starts_at.as_millisecond(),
            ends_at.as_millisecond(),
            kind.as_str(),
            booker_id,
            note,
            now.as_millisecond(),
            coach_id
        ],
    )?;
    Ok(())
}

/// A booking's place in time, for re-anchoring it when the club's zone changes.
pub struct Placed {
    pub id: String,
    pub court_id: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Not cancelled: holds its court.
    pub active: bool,
}

pub fn all_placed(conn: &Connection) -> rusqlite::Result<Vec<Placed>> {
    let mut stmt = conn.prepare("SELECT id, court_id, starts_at, ends_at, status <> 'cancelled' FROM bookings")?;
    stmt.query_map([], |r| {
        Ok(Placed {
            id: r.get(0)?,
            court_id: r.get(1)?,
            starts_at: ts(r.get(2)?),
            ends_at: ts(r.get(3)?),
            active: r.get(4)?,
        })
    })?
    .collect()
}

pub fn set_times(
    conn: &Connection,
    id: &str,
    starts_at: Timestamp,
    ends_at: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET starts_at = ?2, ends_at = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, starts_at.as_millisecond(), ends_at.as_millisecond(), now.as_millisecond()],
    )?;
    Ok(())
}

/// Bookings not cancelled that start at `from` or later.
pub fn count_active_from(conn: &Connection, from: Timestamp) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM bookings WHERE starts_at >= ?1 AND status <> 'cancelled'")?
        .query_row([from.as_millisecond()], |r| r.get(0))
}

/// Any booking at all, past or future.
pub fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM bookings)")?.query_row([], |r| r.get(0))
}

pub fn set_status(conn: &Connection, id: &str, status: Status, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), now.as_millisecond()],
    )?;
    Ok(())
}

pub fn cancel(conn: &Connection, id: &str, reason: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ?2, cancel_reason = ?3, updated_at = ?2 WHERE id = ?1",
        params![id, now.as_millisecond(), reason],
    )?;
    Ok(())
}

/// The players of a booking in order, with member names.
pub fn players(conn: &Connection, booking_id: &str) -> rusqlite::Result<Vec<(Player, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.member_id, p.guest_name, m.full_name FROM booking_players p LEFT JOIN members m ON m.id = p.member_id \
         WHERE p.booking_id = ?1 ORDER BY p.position",
    )?;
    stmt.query_map([booking_id], |r| {
        let member: Option<String> = r.get(0)?;
        let guest: Option<String> = r.get(1)?;
        let name: Option<String> = r.get(2)?;
        Ok(match member {
            Some(id) => (Player::Member(id), name.unwrap_or_default()),
            None => {
                let g = guest.unwrap_or_default();
                (Player::Guest(g.clone()), g)
            }
        })
    })?
    .collect()
}

/// Every booking overlapping [from, to), as `between`, each with its extra players' names in
/// order: one pass over the day for the grid, where a second query over the same range joined
/// back by booking id cost a third of the grid's reading.
pub fn between_with_players(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
) -> rusqlite::Result<Vec<(Booking, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS}, (SELECT json_group_array(coalesce(pm.full_name, p.guest_name, '') ORDER BY p.position) \
         FROM booking_players p LEFT JOIN members pm ON pm.id = p.member_id WHERE p.booking_id = b.id) \
         {FROM} WHERE b.starts_at > ?1 - ?3 AND b.starts_at < ?2 AND ?1 < b.ends_at ORDER BY b.starts_at"
    ))?;
    stmt.query_map(params![from.as_millisecond(), to.as_millisecond(), LONGEST_MS], |r| {
        const NAMES: usize = COLS_LEN;
        let names: String = r.get(NAMES)?;
        let names = serde_json::from_str(&names)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(NAMES, rusqlite::types::Type::Text, e.into()))?;
        Ok((row_to_booking(r)?, names))
    })?
    .collect()
}

/// Replaces a booking's players; row ids are derived from the booking id and position.
pub fn set_players(conn: &Connection, booking_id: &str, players: &[Player]) -> rusqlite::Result<()> {
    let current = self::players(conn, booking_id)?;
    if current.iter().map(|(p, _)| p).eq(players.iter()) {
        return Ok(());
    }
    crate::db::exec(conn, "DELETE FROM booking_players WHERE booking_id = ?1", [booking_id])?;
    for (i, p) in players.iter().enumerate() {
        let (member, guest) = match p {
            Player::Member(id) => (Some(id.as_str()), None),
            Player::Guest(name) => (None, Some(name.as_str())),
        };
        crate::db::exec(
            conn,
            "INSERT INTO booking_players (id, booking_id, position, member_id, guest_name) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![format!("{booking_id}/{}", i + 1), booking_id, i as i64 + 1, member, guest],
        )?;
    }
    Ok(())
}

/// Moves every booking and player entry of member `from` to member `to` (merging duplicates).
pub fn move_member(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE bookings SET booker_id = ?2 WHERE booker_id = ?1", [from, to])?;
    crate::db::exec(conn, "UPDATE booking_players SET member_id = ?2 WHERE member_id = ?1", [from, to])?;
    crate::db::exec(conn, "UPDATE series SET booker_id = ?2 WHERE booker_id = ?1", [from, to])?;
    Ok(())
}

pub fn member_has_bookings(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bookings WHERE booker_id = ?1) OR EXISTS (SELECT 1 FROM booking_players WHERE member_id = ?1)",
        [member_id],
        |r| r.get(0),
    )
}

// ---- series ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub id: String,
    pub court_id: String,
    pub weekdays: Vec<jiff::civil::Weekday>,
    pub start: DayMinute,
    pub minutes: u16,
    pub first_day: Date,
    pub last_day: Date,
    pub kind: Kind,
    pub booker_id: Option<String>,
    pub note: String,
    pub coach_id: Option<String>,
    /// The group whose schedule this series is.
    pub group_id: Option<String>,
}

pub fn series(conn: &Connection, id: &str) -> rusqlite::Result<Option<Series>> {
    conn.query_row(
        "SELECT id, court_id, weekdays, start_min, minutes, first_day, last_day, kind, booker_id, note, coach_id, \
         group_id FROM series WHERE id = ?1",
        [id],
        |r| {
            let weekdays: String = r.get(2)?;
            let first: String = r.get(5)?;
            let last: String = r.get(6)?;
            let kind: String = r.get(7)?;
            Ok(Series {
                id: r.get(0)?,
                court_id: r.get(1)?,
                weekdays: weekdays_from_text(&weekdays),
                start: DayMinute::new(r.get(3)?).unwrap_or(DayMinute::MIDNIGHT_END),
                minutes: r.get(4)?,
                first_day: first.parse().unwrap_or_default(),
                last_day: last.parse().unwrap_or_default(),
                kind: Kind::parse(&kind).unwrap_or(Kind::Play),
                booker_id: r.get(8)?,
                note: r.get(9)?,
                coach_id: r.get(10)?,
                group_id: r.get(11)?,
            })
        },
    )
    .optional()
}

pub fn insert_series(conn: &Connection, s: &Series, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO series (id, court_id, weekdays, start_min, minutes, first_day, last_day, kind, booker_id, note, \
         coach_id, group_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?11, ?11)",
        params![
            s.id,
            s.court_id,
            weekdays_to_text(&s.weekdays),
            s.start.minutes(),
            s.minutes,
            s.first_day.to_string(),
            s.last_day.to_string(),
            s.kind.as_str(),
            s.booker_id,
            s.note,
            now.as_millisecond(),
            s.coach_id,
            s.group_id
        ],
    )?;
    Ok(())
}

pub fn set_series_last_day(conn: &Connection, id: &str, last_day: Date, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE series SET last_day = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, last_day.to_string(), now.as_millisecond()],
    )?;
    Ok(())
}

/// The series' active bookings starting at or after `from`.
pub fn series_bookings_from(conn: &Connection, series_id: &str, from: Timestamp) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} {FROM} WHERE b.series_id = ?1 AND b.starts_at >= ?2 AND b.status <> 'cancelled' ORDER BY b.starts_at"
    ))?;
    stmt.query_map(params![series_id, from.as_millisecond()], row_to_booking)?.collect()
}

pub fn update_series(conn: &Connection, s: &Series, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE series SET court_id = ?2, start_min = ?3, minutes = ?4, first_day = ?5, last_day = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            s.id,
            s.court_id,
            s.start.minutes(),
            s.minutes,
            s.first_day.to_string(),
            s.last_day.to_string(),
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

/// Removes a series' cancelled-by-edit future bookings so the same occurrence ids can be
/// written again with new terms (their players first, for the foreign key).
pub fn delete_series_bookings(conn: &Connection, series_id: &str) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "DELETE FROM booking_players WHERE booking_id IN (SELECT id FROM bookings WHERE series_id = ?1 AND cancel_reason = 'series changed')",
        [series_id],
    )?;
    crate::db::exec(
        conn,
        "DELETE FROM bookings WHERE series_id = ?1 AND cancel_reason = 'series changed'",
        [series_id],
    )?;
    Ok(())
}

/// Every booking of a series, cancelled ones included.
pub fn series_all(conn: &Connection, series_id: &str) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLS} {FROM} WHERE b.series_id = ?1 ORDER BY b.starts_at"))?;
    stmt.query_map([series_id], row_to_booking)?.collect()
}

/// Coach `coach_id`'s bookings overlapping [from, to), cancelled ones too (their week shows them
/// as cancelled), earliest first.
pub fn of_coach(conn: &Connection, coach_id: &str, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Booking>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.coach_id = ?1 AND b.starts_at > ?2 - 86400000 AND b.starts_at < ?3 \
         AND ?2 < b.ends_at ORDER BY b.starts_at"
    ))?
    .query_map(params![coach_id, from.as_millisecond(), to.as_millisecond()], row_to_booking)?
    .collect()
}

/// Group `group_id`'s sessions (cancelled ones too) starting in [from, to), earliest first.
pub fn of_group(conn: &Connection, group_id: &str, from: Timestamp, to: Timestamp) -> rusqlite::Result<Vec<Booking>> {
    conn.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE b.group_id = ?1 AND b.starts_at >= ?2 AND b.starts_at < ?3 ORDER BY b.starts_at"
    ))?
    .query_map(params![group_id, from.as_millisecond(), to.as_millisecond()], row_to_booking)?
    .collect()
}

/// The series that are group `group_id`'s schedule (one, or more once its time was changed from
/// some date on), the latest first.
pub fn group_series(conn: &Connection, group_id: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT id FROM series WHERE group_id = ?1 ORDER BY first_day DESC")?
        .query_map([group_id], |r| r.get(0))?
        .collect()
}

/// Gives group `group_id`'s live sessions from `from` on, and its series, coach `coach_id`.
pub fn set_group_coach(
    conn: &Connection,
    group_id: &str,
    coach_id: &str,
    from: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE bookings SET coach_id = ?2, updated_at = ?4 WHERE group_id = ?1 AND starts_at >= ?3 \
         AND status <> 'cancelled' AND coach_id IS NOT ?2",
        params![group_id, coach_id, from.as_millisecond(), now.as_millisecond()],
    )?;
    crate::db::exec(
        conn,
        "UPDATE series SET coach_id = ?2, updated_at = ?3 WHERE group_id = ?1 AND coach_id IS NOT ?2",
        params![group_id, coach_id, now.as_millisecond()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, booking, reception, slot};

    fn days(list: Vec<super::Booking>) -> Vec<String> {
        list.into_iter().map(|b| b.starts_at.to_string()[..10].to_owned()).collect()
    }

    #[test]
    fn a_members_bookings_split_at_now_as_booker_and_as_player_each_side_limited() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna", "+79161234567");
        let boris = db.member("Boris", "+79161234568");
        for day in ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-05"] {
            db.book(&court, &anna, slot(day, "10:00", 60)).unwrap();
        }
        // Anna plays in Boris's booking on the 4th; Boris's own on the 6th is not hers.
        let mut with_anna = booking(&court, &boris, slot("2026-12-04", "10:00", 60));
        with_anna.players = vec![crate::bookings::model::Player::Member(anna.clone())];
        assert!(matches!(
            db.run_as(&reception(), AnyCommand::CreateBooking(with_anna)),
            crate::core::Outcome::Applied { .. }
        ));
        db.book(&court, &boris, slot("2026-12-06", "10:00", 60)).unwrap();

        // 10:30 Moscow on the 3rd: that morning's hour is still on.
        let now = "2026-12-03T07:30:00Z".parse().unwrap();
        let upcoming = super::upcoming_of_member(&db.conn, &anna, now, 10).unwrap();
        assert_eq!(days(upcoming), ["2026-12-03", "2026-12-04", "2026-12-05"]);
        let past = super::past_of_member(&db.conn, &anna, now, 10).unwrap();
        assert_eq!(days(past), ["2026-12-02", "2026-12-01"]);
        assert_eq!(days(super::upcoming_of_member(&db.conn, &anna, now, 2).unwrap()), ["2026-12-03", "2026-12-04"]);
        assert_eq!(days(super::past_of_member(&db.conn, &anna, now, 1).unwrap()), ["2026-12-02"]);
    }
}
