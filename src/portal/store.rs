//! SQL for the portal: its settings, sign-in codes and players' sessions.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::model::{CodeRow, PortalSettings};

pub fn settings(conn: &Connection) -> rusqlite::Result<PortalSettings> {
    Ok(conn
        .prepare_cached(
            "SELECT enabled, booking, cancelling, waitlist, offer_minutes, address, court_feeds, widget, widget_origins, \
             pay_from_account, pay_with_pass, passwords, guests FROM portal_settings LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(PortalSettings {
                enabled: r.get(0)?,
                booking: r.get(1)?,
                cancelling: r.get(2)?,
                waitlist: r.get(3)?,
                offer_minutes: r.get(4)?,
                address: r.get(5)?,
                court_feeds: r.get(6)?,
                widget: r.get(7)?,
                widget_origins: r.get::<_, String>(8)?.lines().map(str::to_owned).collect(),
                pay_from_account: r.get(9)?,
                pay_with_pass: r.get(10)?,
                passwords: r.get(11)?,
                guests: r.get(12)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

pub fn put_settings(conn: &Connection, s: &PortalSettings, new_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    let existing: Option<String> =
        conn.query_row("SELECT id FROM portal_settings LIMIT 1", [], |r| r.get(0)).optional()?;
    crate::db::exec(
        conn,
        "INSERT INTO portal_settings (id, enabled, booking, cancelling, waitlist, offer_minutes, address, court_feeds, \
         widget, widget_origins, pay_from_account, pay_with_pass, passwords, guests, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, booking = excluded.booking, \
         cancelling = excluded.cancelling, waitlist = excluded.waitlist, offer_minutes = excluded.offer_minutes, \
         address = excluded.address, court_feeds = excluded.court_feeds, widget = excluded.widget, \
         widget_origins = excluded.widget_origins, pay_from_account = excluded.pay_from_account, \
         pay_with_pass = excluded.pay_with_pass, passwords = excluded.passwords, guests = excluded.guests, \
         updated_at = excluded.updated_at",
        params![
            existing.as_deref().unwrap_or(new_id),
            s.enabled,
            s.booking,
            s.cancelling,
            s.waitlist,
            s.offer_minutes,
            s.address,
            s.court_feeds,
            s.widget,
            s.widget_origins.join("\n"),
            s.pay_from_account,
            s.pay_with_pass,
            s.passwords,
            s.guests,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub struct NewCode<'a> {
    pub id: &'a str,
    pub phone: &'a str,
    pub ip: &'a str,
    pub member_id: Option<&'a str>,
    pub code_hash: &'a str,
    pub expires_at: Timestamp,
}

pub fn insert_code(conn: &Connection, c: &NewCode<'_>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO portal_codes (id, phone, ip, member_id, code_hash, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![c.id, c.phone, c.ip, c.member_id, c.code_hash, now.as_millisecond(), c.expires_at.as_millisecond()],
    )?;
    Ok(())
}

/// Codes asked for since `since`: for `phone`, from `ip`, and by anyone.
pub fn codes_since(conn: &Connection, phone: &str, ip: &str, since: Timestamp) -> rusqlite::Result<(i64, i64, i64)> {
    let count = |sql: &str, key: Option<&str>| -> rusqlite::Result<i64> {
        match key {
            Some(k) => conn.prepare_cached(sql)?.query_row(params![k, since.as_millisecond()], |r| r.get(0)),
            None => conn.prepare_cached(sql)?.query_row([since.as_millisecond()], |r| r.get(0)),
        }
    };
    Ok((
        count("SELECT count(*) FROM portal_codes WHERE phone = ?1 AND created_at >= ?2", Some(phone))?,
        count("SELECT count(*) FROM portal_codes WHERE ip = ?1 AND created_at >= ?2", Some(ip))?,
        count("SELECT count(*) FROM portal_codes WHERE created_at >= ?1", None)?,
    ))
}

pub fn forget_codes_before(conn: &Connection, before: Timestamp) -> rusqlite::Result<usize> {
    crate::db::exec(conn, "DELETE FROM portal_codes WHERE created_at < ?1", [before.as_millisecond()])
}

/// A code: its state, its hash and whose it is.
pub struct StoredCode {
    pub row: CodeRow,
    pub code_hash: String,
    pub member_id: Option<String>,
    pub phone: String,
}

pub fn code(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredCode>> {
    conn.prepare_cached(
        "SELECT expires_at, tries, used_at IS NOT NULL, code_hash, member_id, phone FROM portal_codes WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(StoredCode {
            row: CodeRow {
                expires_at: Timestamp::from_millisecond(r.get(0)?).unwrap_or_default(),
                tries: r.get(1)?,
                used: r.get(2)?,
            },
            code_hash: r.get(3)?,
            member_id: r.get(4)?,
            phone: r.get(5)?,
        })
    })
    .optional()
}

pub fn add_try(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE portal_codes SET tries = tries + 1 WHERE id = ?1", [id])?;
    Ok(())
}

pub fn mark_used(conn: &Connection, id: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE portal_codes SET used_at = ?2 WHERE id = ?1", params![id, now.as_millisecond()])?;
    Ok(())
}

pub fn insert_session(conn: &Connection, token_hash: &str, member_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO portal_sessions (token_hash, member_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
        params![token_hash, member_id, now.as_millisecond()],
    )?;
    Ok(())
}

/// A player's session with the member behind it.
pub struct PlayerSession {
    pub member_id: String,
    pub name: String,
    pub active: bool,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The club has the portal on: while off, a session opens nothing (and is kept).
    pub portal_open: bool,
}

pub fn session(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<PlayerSession>> {
    conn.prepare_cached(
        "SELECT s.member_id, m.full_name, m.archived = 0 AND m.merged_into IS NULL, s.created_at, s.last_seen_at, \
         coalesce((SELECT enabled FROM portal_settings LIMIT 1), 0) \
         FROM portal_sessions s JOIN members m ON m.id = s.member_id WHERE s.token_hash = ?1",
    )?
    .query_row([token_hash], |r| {
        Ok(PlayerSession {
            member_id: r.get(0)?,
            name: r.get(1)?,
            active: r.get(2)?,
            created_at: Timestamp::from_millisecond(r.get(3)?).unwrap_or_default(),
            last_seen_at: Timestamp::from_millisecond(r.get(4)?).unwrap_or_default(),
            portal_open: r.get(5)?,
        })
    })
    .optional()
}

pub fn touch_session(conn: &Connection, token_hash: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE portal_sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        params![token_hash, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn delete_session(conn: &Connection, token_hash: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "DELETE FROM portal_sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Deletes players' sessions unused since `idle_before` or begun before `created_before`.
pub fn delete_expired_sessions(
    conn: &Connection,
    idle_before: Timestamp,
    created_before: Timestamp,
) -> rusqlite::Result<usize> {
    crate::db::exec(
        conn,
        "DELETE FROM portal_sessions WHERE last_seen_at < ?1 OR created_at < ?2",
        params![idle_before.as_millisecond(), created_before.as_millisecond()],
    )
}

/// Replaces member `member_id`'s calendar feed address with the one whose secret hashes to
/// `token_hash`.
pub fn replace_feed(conn: &Connection, member_id: &str, token_hash: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(conn, "DELETE FROM portal_feeds WHERE member_id = ?1", [member_id])?;
    crate::db::exec(
        conn,
        "INSERT INTO portal_feeds (token_hash, member_id, created_at) VALUES (?1, ?2, ?3)",
        params![token_hash, member_id, now.as_millisecond()],
    )?;
    Ok(())
}

/// The member whose feed secret hashes to `token_hash`, and their name.
pub fn feed_member(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT m.id, m.full_name FROM portal_feeds f JOIN members m ON m.id = f.member_id \
         WHERE f.token_hash = ?1 AND m.archived = 0",
    )?
    .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// Member `member_id`'s own portal password hash, if they keep one.
pub fn password_hash(conn: &Connection, member_id: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT password_hash FROM portal_passwords WHERE member_id = ?1")?
        .query_row([member_id], |r| r.get(0))
        .optional()
}

/// Sets (or with `None` removes) member `member_id`'s portal password.
pub fn put_password(conn: &Connection, member_id: &str, hash: Option<&str>, now: Timestamp) -> rusqlite::Result<()> {
    match hash {
        Some(h) => crate::db::exec(
            conn,
            "INSERT INTO portal_passwords (member_id, password_hash, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (member_id) DO UPDATE SET password_hash = excluded.password_hash, \
             updated_at = excluded.updated_at",
            params![member_id, h, now.as_millisecond()],
        )?,
        None => crate::db::exec(conn, "DELETE FROM portal_passwords WHERE member_id = ?1", [member_id])?,
    };
    Ok(())
}

/// Ends every session of member `member_id` but `keep` (a new password locks out the rest).
pub fn delete_other_sessions(conn: &Connection, member_id: &str, keep: &str) -> rusqlite::Result<usize> {
    crate::db::exec(conn, "DELETE FROM portal_sessions WHERE member_id = ?1 AND token_hash <> ?2", [member_id, keep])
}

/// The club's logo: its content type and bytes.
pub fn logo(conn: &Connection) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    conn.prepare_cached("SELECT content_type, bytes FROM portal_logo WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// When the logo last changed (for its address, so browsers may keep it for good).
pub fn logo_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT updated_at FROM portal_logo WHERE id = 1")?.query_row([], |r| r.get(0)).optional()
}

/// Sets (or with `None` removes) the club's logo.
pub fn put_logo(conn: &Connection, logo: Option<(&str, &[u8])>, now: Timestamp) -> rusqlite::Result<()> {
    match logo {
        Some((content_type, bytes)) => crate::db::exec(
            conn,
            "INSERT INTO portal_logo (id, content_type, bytes, updated_at) VALUES (1, ?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, \
             updated_at = excluded.updated_at",
            params![content_type, bytes, now.as_millisecond()],
        )?,
        None => crate::db::exec(conn, "DELETE FROM portal_logo", [])?,
    };
    Ok(())
}
