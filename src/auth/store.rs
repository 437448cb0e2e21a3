//! SQL for staff users, their sessions and their API tokens.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::core::Role;
use crate::i18n::Locale;

#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Option<Locale>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: Timestamp,
}

/// The columns `row_to_user` reads, each with the given table prefix: constant SQL, so the
/// statements that check a session or token on every request come from the statement cache.
macro_rules! user_cols {
    ($p:literal) => {
        concat!(
            $p,
            "id, ",
            $p,
            "username, ",
            $p,
            "display_name, ",
            $p,
            "role, ",
            $p,
            "locale, ",
            $p,
            "password_hash, ",
            $p,
            "must_change_password, ",
            $p,
            "active, ",
            $p,
            "created_at"
        )
    };
}
const USER_COLS: &str = user_cols!("");

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

fn row_to_user(r: &Row<'_>) -> rusqlite::Result<StaffUser> {
    let role: String = r.get(3)?;
    let locale: Option<String> = r.get(4)?;
    Ok(StaffUser {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Coach),
        locale: locale.as_deref().and_then(Locale::parse),
        password_hash: r.get(5)?,
        must_change_password: r.get(6)?,
        active: r.get(7)?,
        created_at: ts(r.get(8)?),
    })
}

pub fn user_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM staff_users", [], |r| r.get(0))
}

pub fn active_owner_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM staff_users WHERE role = 'owner' AND active = 1", [], |r| r.get(0))
}

pub fn user_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<StaffUser>> {
    conn.query_row(&format!("SELECT {USER_COLS} FROM staff_users WHERE id = ?1"), [id], row_to_user).optional()
}

pub fn user_by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<StaffUser>> {
    conn.query_row(
        &format!("SELECT {USER_COLS} FROM staff_users WHERE lower(username) = lower(?1)"),
        [username.trim()],
        row_to_user,
    )
    .optional()
}

pub fn all_users(conn: &Connection) -> rusqlite::Result<Vec<StaffUser>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {USER_COLS} FROM staff_users ORDER BY active DESC, \
         CASE role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'reception' THEN 2 ELSE 3 END, lower(display_name)"
    ))?;
    stmt.query_map([], row_to_user)?.collect()
}

pub fn insert_user(conn: &Connection, u: &StaffUser, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO staff_users (id, username, display_name, role, locale, password_hash, must_change_password, \
         active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            u.id,
            u.username,
            u.display_name,
            u.role.as_str(),
            u.locale.map(Locale::as_str),
            u.password_hash,
            u.must_change_password,
            u.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn set_role(conn: &Connection, id: &str, role: Role, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE staff_users SET role = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, role.as_str(), now.as_millisecond()],
    )?;
    Ok(())
}

pub fn set_active(conn: &Connection, id: &str, active: bool, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE staff_users SET active = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, active, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn set_password(
    conn: &Connection,
    id: &str,
    hash: &str,
    must_change: bool,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE staff_users SET password_hash = ?2, must_change_password = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, hash, must_change, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn set_locale(conn: &Connection, id: &str, locale: Option<Locale>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE staff_users SET locale = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, locale.map(Locale::as_str), now.as_millisecond()],
    )?;
    Ok(())
}

// ---- sessions (local to this machine; not club data) ----

#[derive(Debug, Clone)]
pub struct Session {
    pub user: StaffUser,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

pub fn insert_session(
    conn: &Connection,
    token_hash: &str,
    user_id: &str,
    csrf: &str,
    now: Timestamp,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent) \
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
        params![token_hash, user_id, csrf, now.as_millisecond(), ip, user_agent],
    )?;
    Ok(())
}

pub fn session(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<Session>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        user_cols!("u."),
        ", s.csrf_token, s.created_at, s.last_seen_at FROM sessions s \
         JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = ?1"
    ))?
    .query_row([token_hash], |r| {
        Ok(Session {
            user: row_to_user(r)?,
            csrf_token: r.get(9)?,
            created_at: ts(r.get(10)?),
            last_seen_at: ts(r.get(11)?),
        })
    })
    .optional()
}

pub fn touch_session(conn: &Connection, token_hash: &str, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        params![token_hash, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn delete_session(conn: &Connection, token_hash: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

pub fn delete_sessions_of(conn: &Connection, user_id: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
    Ok(())
}

pub fn delete_expired_sessions(
    conn: &Connection,
    idle_before: Timestamp,
    created_before: Timestamp,
) -> rusqlite::Result<usize> {
    crate::db::exec(
        conn,
        "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2",
        params![idle_before.as_millisecond(), created_before.as_millisecond()],
    )
}

// ---- API tokens (hub only) ----

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub revoked_at: Option<Timestamp>,
}

pub fn insert_token(
    conn: &Connection,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    created_by: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, user_id, name, token_hash, now.as_millisecond(), created_by],
    )?;
    Ok(())
}

pub fn revoke_token(conn: &Connection, id: &str, now: Timestamp) -> rusqlite::Result<usize> {
    crate::db::exec(
        conn,
        "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now.as_millisecond()],
    )
}

/// Ends every live token of a user (a new password, a disabled account): re-enabling the
/// account later does not bring them back.
pub fn revoke_tokens_of(conn: &Connection, user_id: &str, now: Timestamp) -> rusqlite::Result<usize> {
    crate::db::exec(
        conn,
        "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        params![user_id, now.as_millisecond()],
    )
}

pub fn token_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<ApiToken>> {
    conn.query_row(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.created_by, t.revoked_at \
         FROM api_tokens t JOIN staff_users u ON u.id = t.user_id WHERE t.id = ?1",
        [id],
        row_to_token,
    )
    .optional()
}

fn row_to_token(r: &Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        user_id: r.get(1)?,
        username: r.get(2)?,
        name: r.get(3)?,
        created_at: ts(r.get(4)?),
        created_by: r.get(5)?,
        revoked_at: r.get::<_, Option<i64>>(6)?.map(ts),
    })
}

pub fn tokens(conn: &Connection) -> rusqlite::Result<Vec<ApiToken>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at, t.created_by, t.revoked_at \
         FROM api_tokens t JOIN staff_users u ON u.id = t.user_id ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC",
    )?;
    stmt.query_map([], row_to_token)?.collect()
}

/// The active user behind a live (unrevoked) token. A password reset, which makes an account
/// change its password before it can work, ends its tokens, and none are issued to it until then.
pub fn user_by_token(conn: &Connection, token_hash: &str) -> rusqlite::Result<Option<StaffUser>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        user_cols!("u."),
        " FROM api_tokens t JOIN staff_users u ON u.id = t.user_id \
         WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.active = 1"
    ))?
    .query_row([token_hash], row_to_user)
    .optional()
}
