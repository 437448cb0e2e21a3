//! SQL for SMS settings, the provider row, opt-outs, the outbox and campaigns.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::sms::model::{Kind, QuietHours, Status};
use crate::sms::providers::{ProviderConfig, ProviderKind};

pub mod audience;

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or_default()
}

fn ts_opt(ms: Option<i64>) -> Option<Timestamp> {
    ms.map(ts)
}

// ---- settings ----

/// The club's SMS choices. Empty templates mean the built-in text in the club language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    pub reminder_hours: i64,
    pub confirmations: bool,
    pub cancellations: bool,
    pub quiet: QuietHours,
    pub tpl_reminder: String,
    pub tpl_confirmation: String,
    pub tpl_cancellation: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reminder_hours: 0,
            confirmations: false,
            cancellations: false,
            quiet: QuietHours { from: 22 * 60, to: 9 * 60 },
            tpl_reminder: String::new(),
            tpl_confirmation: String::new(),
            tpl_cancellation: String::new(),
        }
    }
}

pub fn settings(conn: &Connection) -> rusqlite::Result<Settings> {
    Ok(conn
        .prepare_cached(
            "SELECT reminder_hours, confirmations, cancellations, quiet_from_min, quiet_to_min, tpl_reminder, \
             tpl_confirmation, tpl_cancellation FROM sms_settings LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(Settings {
                reminder_hours: r.get(0)?,
                confirmations: r.get(1)?,
                cancellations: r.get(2)?,
                quiet: QuietHours { from: r.get(3)?, to: r.get(4)? },
                tpl_reminder: r.get(5)?,
                tpl_confirmation: r.get(6)?,
                tpl_cancellation: r.get(7)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

pub fn put_settings(conn: &Connection, s: &Settings, new_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    let existing: Option<String> =
        conn.query_row("SELECT id FROM sms_settings LIMIT 1", [], |r| r.get(0)).optional()?;
    crate::db::exec(
        conn,
        "INSERT INTO sms_settings (id, reminder_hours, confirmations, cancellations, quiet_from_min, quiet_to_min, \
         tpl_reminder, tpl_confirmation, tpl_cancellation, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (id) DO UPDATE SET reminder_hours = excluded.reminder_hours, confirmations = excluded.confirmations, \
         cancellations = excluded.cancellations, quiet_from_min = excluded.quiet_from_min, \
         quiet_to_min = excluded.quiet_to_min, tpl_reminder = excluded.tpl_reminder, \
         tpl_confirmation = excluded.tpl_confirmation, tpl_cancellation = excluded.tpl_cancellation, \
         updated_at = excluded.updated_at",
        params![
            existing.as_deref().unwrap_or(new_id),
            s.reminder_hours,
            s.confirmations,
            s.cancellations,
            s.quiet.from,
            s.quiet.to,
            s.tpl_reminder,
            s.tpl_confirmation,
            s.tpl_cancellation,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

// ---- the provider (hub only) ----

#[derive(Debug, Clone)]
pub struct StoredProvider {
    pub config: ProviderConfig,
    /// Why sending is stopped ('auth', 'no_money', 'config'), with the provider's words.
    pub paused: Option<(String, String, Timestamp)>,
}

pub fn provider(conn: &Connection) -> rusqlite::Result<Option<StoredProvider>> {
    conn.query_row(
        "SELECT kind, sender, base_url, login, secret, paused, paused_note, paused_at FROM sms_provider WHERE id = 1",
        [],
        |r| {
            let kind: String = r.get(0)?;
            let paused: Option<String> = r.get(5)?;
            Ok(StoredProvider {
                config: ProviderConfig {
                    kind: ProviderKind::parse(&kind).unwrap_or(ProviderKind::Log),
                    sender: r.get(1)?,
                    base_url: r.get(2)?,
                    login: r.get(3)?,
                    secret: r.get(4)?,
                },
                paused: paused
                    .map(|p| Ok::<_, rusqlite::Error>((p, r.get(6)?, ts(r.get::<_, Option<i64>>(7)?.unwrap_or(0)))))
                    .transpose()?,
            })
        },
    )
    .optional()
}

/// Saves the provider; a new provider or new credentials lift a pause.
pub fn put_provider(conn: &Connection, c: &ProviderConfig, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO sms_provider (id, kind, sender, base_url, login, secret, updated_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, sender = excluded.sender, base_url = excluded.base_url, \
         login = excluded.login, secret = excluded.secret, paused = NULL, paused_note = '', paused_at = NULL, \
         updated_at = excluded.updated_at",
        params![c.kind.as_str(), c.sender, c.base_url, c.login, c.secret, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn set_paused(conn: &Connection, reason: Option<(&str, &str)>, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE sms_provider SET paused = ?1, paused_note = ?2, paused_at = ?3 WHERE id = 1",
        params![reason.map(|r| r.0), reason.map_or("", |r| r.1), reason.map(|_| now.as_millisecond())],
    )?;
    Ok(())
}

// ---- opt-outs ----

pub fn is_opted_out(conn: &Connection, member_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM sms_optouts WHERE member_id = ?1)")?
        .query_row([member_id], |r| r.get(0))
}

pub fn set_opted_out(conn: &Connection, id: &str, member_id: &str, out: bool, now: Timestamp) -> rusqlite::Result<()> {
    if out {
        crate::db::exec(
            conn,
            "INSERT INTO sms_optouts (id, member_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (member_id) DO NOTHING",
            params![id, member_id, now.as_millisecond()],
        )?;
    } else {
        crate::db::exec(conn, "DELETE FROM sms_optouts WHERE member_id = ?1", [member_id])?;
    }
    Ok(())
}

// ---- the outbox ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub phone: String,
    pub body: String,
    pub segments: i64,
    pub kind: Kind,
    pub campaign_id: Option<String>,
    pub booking_id: Option<String>,
    pub status: Status,
    pub not_before: Timestamp,
    pub deadline: Option<Timestamp>,
    pub provider: Option<String>,
    pub provider_id: Option<String>,
    pub cost_micros: Option<i64>,
    pub cost_currency: Option<String>,
    pub attempts: i64,
    pub error: Option<String>,
    pub error_note: Option<String>,
    pub batch_id: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub next_poll_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub final_at: Option<Timestamp>,
}

impl Message {
    /// The text as staff see it: a sign-in code's digits are hidden, so nobody who can read the
    /// outbox can sign in as the player.
    pub fn body_for_staff(&self) -> String {
        if self.kind == Kind::Code {
            self.body.chars().map(|c| if c.is_ascii_digit() { '•' } else { c }).collect()
        } else {
            self.body.clone()
        }
    }
}

const MSG_COLS: &str = "s.id, s.member_id, m.full_name, s.phone, s.body, s.segments, s.kind, s.campaign_id, s.booking_id, \
     s.status, s.not_before, s.deadline, s.provider, s.provider_id, s.cost_micros, s.cost_currency, s.attempts, s.error, \
     s.error_note, s.batch_id, s.lease_until, s.next_poll_at, s.created_at, s.sent_at, s.final_at";
const MSG_FROM: &str = "FROM sms_messages s LEFT JOIN members m ON m.id = s.member_id";

fn row_to_message(r: &Row<'_>) -> rusqlite::Result<Message> {
    let kind: String = r.get(6)?;
    let status: String = r.get(9)?;
    Ok(Message {
        id: r.get(0)?,
        member_id: r.get(1)?,
        member_name: r.get(2)?,
        phone: r.get(3)?,
        body: r.get(4)?,
        segments: r.get(5)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Manual),
        campaign_id: r.get(7)?,
        booking_id: r.get(8)?,
        status: Status::parse(&status).unwrap_or(Status::Unknown),
        not_before: ts(r.get(10)?),
        deadline: ts_opt(r.get(11)?),
        provider: r.get(12)?,
        provider_id: r.get(13)?,
        cost_micros: r.get(14)?,
        cost_currency: r.get(15)?,
        attempts: r.get(16)?,
        error: r.get(17)?,
        error_note: r.get(18)?,
        batch_id: r.get(19)?,
        lease_until: ts_opt(r.get(20)?),
        next_poll_at: ts_opt(r.get(21)?),
        created_at: ts(r.get(22)?),
        sent_at: ts_opt(r.get(23)?),
        final_at: ts_opt(r.get(24)?),
    })
}

/// A message to put in the outbox.
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub member_id: Option<&'a str>,
    pub phone: &'a str,
    pub body: &'a str,
    pub segments: i64,
    pub kind: Kind,
    pub campaign_id: Option<&'a str>,
    pub booking_id: Option<&'a str>,
    pub not_before: Timestamp,
    pub deadline: Option<Timestamp>,
}

pub fn insert_message(conn: &Connection, m: &NewMessage<'_>, now: Timestamp) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO sms_messages (id, member_id, phone, body, segments, kind, campaign_id, booking_id, status, \
         not_before, deadline, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        m.id,
        m.member_id,
        m.phone,
        m.body,
        m.segments,
        m.kind.as_str(),
        m.campaign_id,
        m.booking_id,
        m.not_before.as_millisecond(),
        m.deadline.map(|d| d.as_millisecond()),
        now.as_millisecond()
    ])?;
    Ok(())
}

pub fn message(conn: &Connection, id: &str) -> rusqlite::Result<Option<Message>> {
    conn.query_row(&format!("SELECT {MSG_COLS} {MSG_FROM} WHERE s.id = ?1"), [id], row_to_message).optional()
}

pub fn booking_message(conn: &Connection, booking_id: &str, kind: Kind) -> rusqlite::Result<Option<Message>> {
    conn.prepare_cached(&format!("SELECT {MSG_COLS} {MSG_FROM} WHERE s.booking_id = ?1 AND s.kind = ?2"))?
        .query_row(params![booking_id, kind.as_str()], row_to_message)
        .optional()
}

/// Moves a still-pending booking message to a new time and text (the booking moved).
pub fn reschedule(
    conn: &Connection,
    id: &str,
    body: &str,
    segments: i64,
    not_before: Timestamp,
    deadline: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE sms_messages SET body = ?2, segments = ?3, not_before = ?4, deadline = ?5, updated_at = ?6 \
         WHERE id = ?1 AND status = 'pending'",
        params![id, body, segments, not_before.as_millisecond(), deadline.as_millisecond(), now.as_millisecond()],
    )?;
    Ok(())
}

/// Cancels messages that have not left yet.
pub fn cancel_pending(conn: &Connection, ids: &[&str], reason: &str, now: Timestamp) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE sms_messages SET status = 'cancelled', error = ?2, final_at = ?3, updated_at = ?3 \
         WHERE id = ?1 AND status = 'pending'",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![id, reason, now.as_millisecond()])?;
    }
    Ok(n)
}

/// Messages waiting to go whose time has come, oldest first; during quiet hours only the kinds
/// that do not wait for them (`Kind::respects_quiet_hours`: by hand, codes, tests, offers).
pub fn due(conn: &Connection, now: Timestamp, quiet: bool, limit: usize) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.status = 'pending' AND s.not_before <= ?1 \
         AND (?2 = 0 OR s.kind IN ('manual', 'code', 'test', 'offer')) ORDER BY s.not_before, s.id LIMIT ?3"
    ))?
    .query_map(params![now.as_millisecond(), quiet, limit as i64], row_to_message)?
    .collect()
}

/// Takes pending messages for one send request; returns how many were taken.
pub fn lease(
    conn: &Connection,
    ids: &[String],
    batch_id: &str,
    provider: &str,
    until: Timestamp,
    now: Timestamp,
) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE sms_messages SET status = 'sending', batch_id = ?2, provider = ?3, lease_until = ?4, \
         attempts = attempts + 1, updated_at = ?5 WHERE id = ?1 AND status = 'pending'",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![id, batch_id, provider, until.as_millisecond(), now.as_millisecond()])?;
    }
    Ok(n)
}

pub fn in_batch(conn: &Connection, batch_id: &str) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.batch_id = ?1 AND s.status = 'sending' ORDER BY s.id"
    ))?
    .query_map([batch_id], row_to_message)?
    .collect()
}

/// Leases that ran out: the sender stopped (a crash, a kill) between lease and result.
pub fn stale_leases(conn: &Connection, now: Timestamp) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.status = 'sending' AND s.lease_until < ?1 ORDER BY s.id"
    ))?
    .query_map([now.as_millisecond()], row_to_message)?
    .collect()
}

/// Every column a send or poll result may change.
pub struct Change<'a> {
    pub status: Status,
    pub provider_id: Option<&'a str>,
    pub cost_micros: Option<i64>,
    pub cost_currency: Option<&'a str>,
    pub segments: Option<i64>,
    pub error: Option<&'a str>,
    pub error_note: Option<&'a str>,
    pub not_before: Option<Timestamp>,
    pub next_poll_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    /// Give the attempt back (a paused provider did not really try).
    pub refund_attempt: bool,
    /// Write it to the message's event history (not for a poll that brought no news).
    pub event: bool,
}

impl Change<'_> {
    pub fn to(status: Status) -> Change<'static> {
        Change {
            status,
            provider_id: None,
            cost_micros: None,
            cost_currency: None,
            segments: None,
            error: None,
            error_note: None,
            not_before: None,
            next_poll_at: None,
            sent_at: None,
            refund_attempt: false,
            event: true,
        }
    }
}

pub fn apply_change(conn: &Connection, id: &str, c: &Change<'_>, raw: &str, now: Timestamp) -> rusqlite::Result<()> {
    let final_at = c.status.is_final().then_some(now.as_millisecond());
    conn.prepare_cached(
        "UPDATE sms_messages SET status = ?2, provider_id = COALESCE(?3, provider_id), \
         cost_micros = COALESCE(?4, cost_micros), cost_currency = COALESCE(?5, cost_currency), \
         segments = COALESCE(?6, segments), error = COALESCE(?7, error), error_note = COALESCE(?8, error_note), \
         not_before = COALESCE(?9, not_before), next_poll_at = ?10, sent_at = COALESCE(sent_at, ?11), \
         final_at = COALESCE(?12, final_at), attempts = attempts - ?13, \
         lease_until = CASE WHEN ?2 = 'sending' THEN lease_until ELSE NULL END, updated_at = ?14 WHERE id = ?1",
    )?
    .execute(params![
        id,
        c.status.as_str(),
        c.provider_id,
        c.cost_micros,
        c.cost_currency,
        c.segments,
        c.error,
        c.error_note,
        c.not_before.map(|t| t.as_millisecond()),
        c.next_poll_at.map(|t| t.as_millisecond()),
        c.sent_at.map(|t| t.as_millisecond()),
        final_at,
        i64::from(c.refund_attempt),
        now.as_millisecond()
    ])?;
    conn.prepare_cached("INSERT INTO sms_events (message_id, at, status, raw) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, now.as_millisecond(), c.status.as_str(), raw])?;
    Ok(())
}

/// Sent messages whose next status check is due, by provider request key.
pub fn poll_due(conn: &Connection, now: Timestamp, limit: usize) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.next_poll_at IS NOT NULL AND s.next_poll_at <= ?1 \
         ORDER BY s.next_poll_at LIMIT ?2"
    ))?
    .query_map(params![now.as_millisecond(), limit as i64], row_to_message)?
    .collect()
}

pub fn of_member(conn: &Connection, member_id: &str, limit: i64) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.member_id = ?1 ORDER BY s.created_at DESC LIMIT ?2"
    ))?
    .query_map(params![member_id, limit], row_to_message)?
    .collect()
}

pub fn of_campaign(conn: &Connection, campaign_id: &str) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.campaign_id = ?1 ORDER BY m.full_name, s.phone"
    ))?
    .query_map([campaign_id], row_to_message)?
    .collect()
}

/// Messages created in [from, to), newest first (the period report).
/// Messages made in [from, to), newest first: `limit` of them after skipping `skip`.
pub fn between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
    skip: i64,
) -> rusqlite::Result<Vec<Message>> {
    conn.prepare_cached(&format!(
        "SELECT {MSG_COLS} {MSG_FROM} WHERE s.created_at >= ?1 AND s.created_at < ?2 \
         ORDER BY s.created_at DESC, s.id LIMIT ?3 OFFSET ?4"
    ))?
    .query_map(params![from.as_millisecond(), to.as_millisecond(), limit, skip], row_to_message)?
    .collect()
}

pub fn pending_ids_of_campaign(conn: &Connection, campaign_id: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT id FROM sms_messages WHERE campaign_id = ?1 AND status = 'pending'")?
        .query_map([campaign_id], |r| r.get(0))?
        .collect()
}

/// How many messages are in each status, and what they cost (millionths, by currency).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub total: i64,
    pub pending: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub expired: i64,
    pub unknown: i64,
    pub cancelled: i64,
    pub segments: i64,
    pub cost_micros: i64,
    pub cost_currency: Option<String>,
}

fn add_count(c: &mut Counts, status: Status, n: i64) {
    c.total += n;
    match status {
        Status::Pending | Status::Sending => c.pending += n,
        Status::Queued | Status::Sent => c.sent += n,
        Status::Delivered => c.delivered += n,
        Status::Failed | Status::Rejected => c.failed += n,
        Status::Expired => c.expired += n,
        Status::Unknown => c.unknown += n,
        Status::Cancelled => c.cancelled += n,
    }
}

fn counts_where(conn: &Connection, clause: &str, p: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Counts> {
    let mut c = Counts::default();
    let sql = format!(
        "SELECT status, count(*), sum(segments), sum(coalesce(cost_micros, 0)), max(cost_currency) \
         FROM sms_messages WHERE {clause} GROUP BY status"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(p)?;
    while let Some(r) = rows.next()? {
        let status: String = r.get(0)?;
        add_count(&mut c, Status::parse(&status).unwrap_or(Status::Unknown), r.get(1)?);
        c.segments += r.get::<_, i64>(2)?;
        c.cost_micros += r.get::<_, i64>(3)?;
        if let Some(cur) = r.get::<_, Option<String>>(4)? {
            c.cost_currency = Some(cur);
        }
    }
    Ok(c)
}

pub fn campaign_counts(conn: &Connection, campaign_id: &str) -> rusqlite::Result<Counts> {
    counts_where(conn, "campaign_id = ?1", &[&campaign_id])
}

pub fn period_counts(conn: &Connection, from: Timestamp, to: Timestamp) -> rusqlite::Result<Counts> {
    counts_where(conn, "created_at >= ?1 AND created_at < ?2", &[&from.as_millisecond(), &to.as_millisecond()])
}

// ---- campaigns ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    pub body: String,
    pub audience: String,
    pub status: String,
    pub send_at: Timestamp,
    pub recipients: i64,
    pub created_by: String,
    pub created_at: Timestamp,
}

const CAMPAIGN_COLS: &str = "id, name, body, audience, status, send_at, recipients, created_by, created_at";

fn row_to_campaign(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        body: r.get(2)?,
        audience: r.get(3)?,
        status: r.get(4)?,
        send_at: ts(r.get(5)?),
        recipients: r.get(6)?,
        created_by: r.get(7)?,
        created_at: ts(r.get(8)?),
    })
}

pub fn insert_campaign(conn: &Connection, c: &Campaign) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        &format!("INSERT INTO sms_campaigns ({CAMPAIGN_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
        params![
            c.id,
            c.name,
            c.body,
            c.audience,
            c.status,
            c.send_at.as_millisecond(),
            c.recipients,
            c.created_by,
            c.created_at.as_millisecond()
        ],
    )?;
    Ok(())
}

pub fn campaign(conn: &Connection, id: &str) -> rusqlite::Result<Option<Campaign>> {
    conn.query_row(&format!("SELECT {CAMPAIGN_COLS} FROM sms_campaigns WHERE id = ?1"), [id], row_to_campaign)
        .optional()
}

pub fn campaigns(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Campaign>> {
    conn.prepare_cached(&format!("SELECT {CAMPAIGN_COLS} FROM sms_campaigns ORDER BY created_at DESC LIMIT ?1"))?
        .query_map([limit], row_to_campaign)?
        .collect()
}

pub fn set_campaign_status(conn: &Connection, id: &str, status: &str) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE sms_campaigns SET status = ?2 WHERE id = ?1", params![id, status])?;
    Ok(())
}

/// Campaigns scheduled for a time still to come: id and send time.
pub fn waiting_campaigns(conn: &Connection, now: Timestamp) -> rusqlite::Result<Vec<(String, Timestamp)>> {
    conn.prepare("SELECT id, send_at FROM sms_campaigns WHERE status = 'scheduled' AND send_at > ?1")?
        .query_map([now.as_millisecond()], |r| Ok((r.get(0)?, ts(r.get(1)?))))?
        .collect()
}

/// Gives a scheduled campaign, and its messages still waiting, a new send time.
pub fn reschedule_campaign(conn: &Connection, id: &str, send_at: Timestamp, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE sms_campaigns SET send_at = ?2 WHERE id = ?1",
        params![id, send_at.as_millisecond()],
    )?;
    crate::db::exec(
        conn,
        "UPDATE sms_messages SET not_before = ?2, updated_at = ?3 WHERE campaign_id = ?1 AND status = 'pending'",
        params![id, send_at.as_millisecond(), now.as_millisecond()],
    )?;
    Ok(())
}

/// What one SMS part cost lately (millionths), from the last priced messages: the basis of a
/// campaign's cost estimate. `None` until the provider has priced something.
pub fn recent_cost_per_part(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT sum(cost_micros) / max(sum(segments), 1), max(cost_currency) FROM (SELECT cost_micros, segments, \
         cost_currency FROM sms_messages WHERE cost_micros > 0 ORDER BY final_at DESC LIMIT 200)",
        [],
        |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<String>>(1)?)),
    )
}
