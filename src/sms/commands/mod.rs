//! SMS commands: what managers and staff decide (provider, settings, a message, a campaign,
//! an opt-out) and what the hub's sender and poller record (lease, result, status). Every
//! outbox change goes through here, so it is in the audit log and in one transaction.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::model::{self, Kind, MAX_ATTEMPTS, Resolution, Status};
use super::providers::{ProviderConfig, ProviderKind, StatusUpdate, Submitted};
use super::store::{self, Change, NewMessage, Settings};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};

mod campaigns;
pub use campaigns::{CampaignPlan, CancelCampaign, CreateCampaign, keep_campaign_times};

/// Only the hub's own sender and poller may record what a provider said.
fn require_system(actor: &Actor) -> Result<(), Rejection> {
    if matches!(actor, Actor::System) { Ok(()) } else { Err(Rejection::new("not-allowed")) }
}

/// A text as staff may send it: not empty, at most 8 SMS.
pub(crate) fn check_text(text: &str, field: &str) -> Result<i64, Rejection> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Rejection::new("sms-text-required").on(field));
    }
    let parts = model::segments(text).parts;
    if parts > model::MAX_PARTS {
        return Err(Rejection::new("sms-text-too-long").on(field).arg("parts", parts));
    }
    Ok(parts as i64)
}

// ---- settings ----

/// Chooses the provider and its credentials. `secret` is sealed (see `sealed`); `None` keeps
/// the stored one (the form never shows it back), but only for the same provider at the same
/// address with the same login: otherwise the stored credential could be sent somewhere else.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveSmsProvider {
    pub kind: ProviderKind,
    pub sender: String,
    pub base_url: String,
    pub login: String,
    pub secret: Option<String>,
}

impl SaveSmsProvider {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let old = store::provider(ctx.tx)?;
        let same_place = |o: &store::StoredProvider| {
            o.config.kind == self.kind
                && o.config.base_url.trim() == self.base_url.trim()
                && o.config.login.trim() == self.login.trim()
        };
        let secret = match &self.secret {
            Some(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => old.as_ref().filter(|o| same_place(o)).map(|o| o.config.secret.clone()).unwrap_or_default(),
        };
        if self.kind != ProviderKind::Log && secret.is_empty() {
            let moved = old.as_ref().is_some_and(|o| !o.config.secret.is_empty() && !same_place(o));
            let code = if moved { "sms-secret-again" } else { "sms-secret-required" };
            return Err(Rejection::new(code).on("secret").into());
        }
        let login = self.login.trim();
        if self.kind.needs_login() && login.is_empty() {
            return Err(Rejection::new("sms-login-required").on("login").into());
        }
        let base_url = self.base_url.trim();
        if !(base_url.is_empty() || base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(Rejection::new("sms-base-url-invalid").on("base_url").into());
        }
        // Said now, not at the first send: a host in another script must be in its xn-- form
        // (no IDNA tables are built in, see Cargo.toml).
        if !base_url.is_empty() && reqwest::Url::parse(base_url).is_err() {
            return Err(Rejection::new("sms-base-url-unusable").on("base_url").into());
        }
        let sender = self.sender.trim();
        if sender.chars().count() > 20 {
            return Err(Rejection::new("sms-sender-too-long").on("sender").into());
        }
        if self.kind == ProviderKind::Twilio && sender.is_empty() {
            return Err(Rejection::new("sms-sender-required").on("sender").into());
        }
        let config = ProviderConfig {
            kind: self.kind,
            sender: sender.to_owned(),
            base_url: base_url.to_owned(),
            login: login.to_owned(),
            secret,
        };
        store::put_provider(ctx.tx, &config, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        // Never the secret: the audit log is read by every manager.
        format!("{} sender \"{}\" {}", self.kind.as_str(), self.sender, self.base_url)
    }
}

/// Lets sending go on after the manager fixed what paused it (credentials, money).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResumeSms {}

impl ResumeSms {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        store::set_paused(ctx.tx, None, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        "resume".into()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveSmsSettings {
    pub settings_id: String,
    pub settings: Settings,
}

impl SaveSmsSettings {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let s = &self.settings;
        if !(0..=72).contains(&s.reminder_hours) {
            return Err(Rejection::new("sms-reminder-hours-range").on("reminder_hours").into());
        }
        if s.quiet.from >= 24 * 60 || s.quiet.to >= 24 * 60 {
            return Err(Rejection::new("time-invalid").on("quiet_from").into());
        }
        for (field, tpl) in [
            ("tpl_reminder", &s.tpl_reminder),
            ("tpl_confirmation", &s.tpl_confirmation),
            ("tpl_cancellation", &s.tpl_cancellation),
        ] {
            if let Some(word) = model::unknown_variable(tpl) {
                return Err(Rejection::new("sms-template-variable").on(field).arg("name", word).into());
            }
            if !tpl.trim().is_empty() {
                check_text(tpl, field)?;
            }
        }
        store::put_settings(ctx.tx, s, &self.settings_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let s = &self.settings;
        format!(
            "reminder {} h, confirmations {}, cancellations {}, quiet {}–{}",
            s.reminder_hours, s.confirmations, s.cancellations, s.quiet.from, s.quiet.to
        )
    }
}

/// A member asks for no more SMS from the club (or agrees again).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetSmsOptOut {
    pub optout_id: String,
    pub member_id: String,
    pub opted_out: bool,
}

impl SetSmsOptOut {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::members::store::member(ctx.tx, &self.member_id)?.ok_or_else(|| Rejection::new("member-not-found"))?;
        store::set_opted_out(ctx.tx, &self.optout_id, &self.member_id, self.opted_out, ctx.now)?;
        if self.opted_out {
            // What has not left yet does not go.
            let ids: Vec<String> = store::of_member(ctx.tx, &self.member_id, 10_000)?
                .into_iter()
                .filter(|m| m.status == Status::Pending)
                .map(|m| m.id)
                .collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            store::cancel_pending(ctx.tx, &refs, "opted-out", ctx.now)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}", self.member_id, if self.opted_out { "opted out" } else { "opted in" })
    }
}

// ---- single messages ----

/// One message to a member or a number: staff's "send SMS", the API, the settings page's test.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendSms {
    pub message_id: String,
    pub member_id: Option<String>,
    pub phone: Option<String>,
    pub text: String,
    pub kind: Kind,
}

impl SendSms {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        match self.kind {
            Kind::Manual => require(ctx.actor, Role::Reception)?,
            Kind::Test | Kind::Code => require(ctx.actor, Role::Manager)?,
            _ => return Err(Rejection::new("not-allowed").into()),
        }
        crate::core::id_is_new(store::message(ctx.tx, &self.message_id)?)?;
        let segments = check_text(&self.text, "text")?;
        let (member_id, phone) = match (&self.member_id, &self.phone) {
            (Some(id), _) => {
                let m = crate::members::store::member(ctx.tx, id)?
                    .ok_or_else(|| Rejection::new("member-not-found").on("member_id"))?;
                if store::is_opted_out(ctx.tx, &m.id)? {
                    return Err(Rejection::new("sms-member-opted-out").on("member_id").into());
                }
                let phone = m.phone.clone().ok_or_else(|| Rejection::new("sms-member-no-phone").on("member_id"))?;
                (Some(m.id), phone)
            }
            (None, Some(raw)) => {
                let region = crate::club::store::settings(ctx.tx)?.map_or_else(|| "RU".into(), |(_, s)| s.phone_region);
                let phone = crate::members::model::normalize_phone(raw, &region)
                    .map_err(|code| Rejection::new(code).on("phone"))?
                    .ok_or_else(|| Rejection::new("sms-phone-required").on("phone"))?;
                let member = crate::members::store::active_by_phone(ctx.tx, &phone)?;
                if let Some(m) = &member
                    && store::is_opted_out(ctx.tx, &m.id)?
                    && self.kind == Kind::Manual
                {
                    return Err(Rejection::new("sms-member-opted-out").on("phone").into());
                }
                (member.map(|m| m.id), phone)
            }
            (None, None) => return Err(Rejection::new("sms-phone-required").on("phone").into()),
        };
        store::insert_message(
            ctx.tx,
            &NewMessage {
                id: &self.message_id,
                member_id: member_id.as_deref(),
                phone: &phone,
                body: self.text.trim(),
                segments,
                kind: self.kind,
                campaign_id: None,
                booking_id: None,
                not_before: ctx.now,
                deadline: None,
            },
            ctx.now,
        )?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let to = self.member_id.clone().or_else(|| self.phone.clone()).unwrap_or_default();
        format!("{} to {to}", self.kind.as_str())
    }
}

// ---- what the sender and the poller record ----

/// Takes due messages for one send request. Committed before the request goes out, so a crash
/// can never make the same message go twice: a lease that runs out is resolved, not resent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaseSms {
    pub batch_id: String,
    pub message_ids: Vec<String>,
    pub provider: ProviderKind,
    pub lease_until: Timestamp,
}

impl LeaseSms {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_system(ctx.actor)?;
        let mut take = Vec::with_capacity(self.message_ids.len());
        for id in &self.message_ids {
            let Some(m) = store::message(ctx.tx, id)? else { continue };
            if m.status != Status::Pending {
                continue;
            }
            if m.deadline.is_some_and(|d| d <= ctx.now) {
                let mut c = Change::to(Status::Expired);
                c.error = Some("deadline");
                store::apply_change(ctx.tx, id, &c, "deadline", ctx.now)?;
                continue;
            }
            // The safety net behind `reminders::follow`: never remind of a booking that is gone.
            if m.kind == Kind::Reminder
                && let Some(b) = &m.booking_id
                && crate::bookings::store::booking(ctx.tx, b)?
                    .is_none_or(|b| b.status != crate::bookings::model::Status::Booked)
            {
                store::cancel_pending(ctx.tx, &[id.as_str()], "booking-cancelled", ctx.now)?;
                continue;
            }
            take.push(id.clone());
        }
        store::lease(ctx.tx, &take, &self.batch_id, self.provider.as_str(), self.lease_until, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} messages in {}", self.message_ids.len(), self.batch_id)
    }
}

/// How a send request as a whole went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BatchOutcome {
    /// The provider answered; one result per message id.
    Answered { results: Vec<(String, Submitted)> },
    /// Credentials, money or settings: nothing went, sending pauses until a manager acts.
    Paused { reason: String, note: String },
    /// Nothing went; try again later.
    Retry { note: String, after_secs: Option<i64> },
    /// It may have gone: never resend blindly.
    Ambiguous { note: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordSmsBatch {
    pub batch_id: String,
    pub provider: ProviderKind,
    pub currency: Option<String>,
    pub outcome: BatchOutcome,
    #[serde(default)]
    pub resolution: Resolution,
}

/// A stable spread in [0, 1) from the message id: retries of many messages do not bunch up.
fn jitter(id: &str) -> f64 {
    let h = id.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    0.5 + f64::from(h % 500) / 1000.0
}

/// A message that may have reached the provider: SMSC (by our id) and Twilio (by its list of
/// messages) can be asked, so it is polled; SMS.ru cannot, so it stays unknown, never resent.
pub fn ambiguous_change<'a>(
    provider: ProviderKind,
    batch_id: &'a str,
    note: &'a str,
    r: Resolution,
    now: Timestamp,
) -> Change<'a> {
    let mut c = Change::to(Status::Unknown);
    c.error = Some("ambiguous");
    c.error_note = Some(note);
    c.sent_at = Some(now);
    if provider.looks_up_ambiguous() {
        // SMSC knows it by the batch id we sent; Twilio's own id is learnt from the lookup.
        c.provider_id = Some(if provider == ProviderKind::Smsc { batch_id } else { "" });
        c.next_poll_at = Some(now + SignedDuration::from_secs(r.first_check_secs));
    }
    c
}

impl RecordSmsBatch {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_system(ctx.actor)?;
        let messages = store::in_batch(ctx.tx, &self.batch_id)?;
        let now = ctx.now;
        let retry = |m: &store::Message, code: &str, note: &str, after: Option<i64>| -> Result<(), CommandError> {
            if m.attempts >= MAX_ATTEMPTS {
                let mut c = Change::to(Status::Failed);
                c.error = Some("gave-up");
                c.error_note = Some(note);
                store::apply_change(ctx.tx, &m.id, &c, code, now)?;
            } else {
                let wait = after.map_or_else(|| model::backoff(m.attempts, jitter(&m.id)), SignedDuration::from_secs);
                let mut c = Change::to(Status::Pending);
                c.error = Some(code);
                c.error_note = Some(note);
                c.not_before = Some(now + wait);
                store::apply_change(ctx.tx, &m.id, &c, code, now)?;
            }
            Ok(())
        };
        match &self.outcome {
            BatchOutcome::Answered { results } => {
                for m in &messages {
                    let Some((_, result)) = results.iter().find(|(id, _)| *id == m.id) else { continue };
                    match result {
                        Submitted::Accepted { provider_id, status, cost_micros, segments } => {
                            let mut c = Change::to(*status);
                            c.provider_id = Some(provider_id);
                            c.cost_micros = *cost_micros;
                            c.cost_currency = cost_micros.and(self.currency.as_deref());
                            c.segments = *segments;
                            c.sent_at = Some(now);
                            c.next_poll_at = if status.is_final() { None } else { model::next_poll(now, now) };
                            store::apply_change(ctx.tx, &m.id, &c, status.as_str(), now)?;
                        }
                        Submitted::Refused { status, code, note } => {
                            let mut c = Change::to(*status);
                            c.error = Some(code);
                            c.error_note = Some(note);
                            store::apply_change(ctx.tx, &m.id, &c, code, now)?;
                        }
                        Submitted::RetryLater { code, note, after_secs } => retry(m, code, note, Some(*after_secs))?,
                        Submitted::Unanswered => {
                            let c = ambiguous_change(
                                self.provider,
                                &self.batch_id,
                                "missing from the answer",
                                self.resolution,
                                now,
                            );
                            store::apply_change(ctx.tx, &m.id, &c, "unanswered", now)?;
                        }
                    }
                }
            }
            BatchOutcome::Paused { reason, note } => {
                for m in &messages {
                    let mut c = Change::to(Status::Pending);
                    c.error = Some(reason);
                    c.error_note = Some(note);
                    c.refund_attempt = true;
                    store::apply_change(ctx.tx, &m.id, &c, reason, now)?;
                }
                store::set_paused(ctx.tx, Some((reason, note)), now)?;
            }
            BatchOutcome::Retry { note, after_secs } => {
                for m in &messages {
                    retry(m, "retry", note, *after_secs)?;
                }
            }
            BatchOutcome::Ambiguous { note } => {
                for m in &messages {
                    let c = ambiguous_change(self.provider, &self.batch_id, note, self.resolution, now);
                    store::apply_change(ctx.tx, &m.id, &c, "ambiguous", now)?;
                }
            }
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let what = match &self.outcome {
            BatchOutcome::Answered { results } => format!("{} answered", results.len()),
            BatchOutcome::Paused { reason, .. } => format!("paused: {reason}"),
            BatchOutcome::Retry { .. } => "retry later".into(),
            BatchOutcome::Ambiguous { .. } => "ambiguous".into(),
        };
        format!("{} {}: {what}", self.provider.as_str(), self.batch_id)
    }
}

/// Leases that ran out (the hub stopped mid-send): resolved like an ambiguous send. At start
/// every lease is stale, whatever its time: only one hub runs on a data folder, so no sender
/// holds it any more.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoverSmsLeases {
    pub message_ids: Vec<String>,
    #[serde(default)]
    pub at_start: bool,
    #[serde(default)]
    pub resolution: Resolution,
}

impl RecoverSmsLeases {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_system(ctx.actor)?;
        for id in &self.message_ids {
            let Some(m) = store::message(ctx.tx, id)? else { continue };
            if m.status != Status::Sending || !self.at_start && m.lease_until.is_none_or(|l| l >= ctx.now) {
                continue;
            }
            let provider = m.provider.as_deref().and_then(ProviderKind::parse).unwrap_or(ProviderKind::Log);
            let batch = m.batch_id.clone().unwrap_or_default();
            let c = ambiguous_change(provider, &batch, "the hub stopped while sending", self.resolution, ctx.now);
            store::apply_change(ctx.tx, &m.id, &c, "lease-expired", ctx.now)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} messages", self.message_ids.len())
    }
}

/// What one status poll learned. `polled` lists every message asked about, so those without
/// news get their next check scheduled too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordSmsStatuses {
    pub polled: Vec<String>,
    pub updates: Vec<StatusUpdate>,
    pub currency: Option<String>,
    #[serde(default)]
    pub resolution: Resolution,
}

impl RecordSmsStatuses {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_system(ctx.actor)?;
        let now = ctx.now;
        for id in &self.polled {
            let Some(m) = store::message(ctx.tx, id)? else { continue };
            let sent = m.sent_at.unwrap_or(m.created_at);
            let update = self.updates.iter().find(|u| &u.message_id == id);
            // The provider proves a send that went ambiguous never arrived: still missing long
            // enough after the attempt (two minutes by default), it is safe to send again.
            if let Some(u) = update
                && u.not_found
                && m.error.as_deref() == Some("ambiguous")
                && now.duration_since(sent) >= SignedDuration::from_secs(self.resolution.missing_after_secs)
            {
                let mut c = Change::to(Status::Pending);
                c.error = Some("not-found-resent");
                c.not_before = Some(now);
                store::apply_change(ctx.tx, id, &c, &u.raw, now)?;
                continue;
            }
            let next = model::next_poll(sent, now);
            match update {
                Some(u) if !u.not_found && m.status.accepts(u.status) => {
                    let mut c = Change::to(u.status);
                    c.provider_id = u.provider_id.as_deref();
                    c.cost_micros = u.cost_micros;
                    c.cost_currency = u.cost_micros.and(self.currency.as_deref());
                    c.next_poll_at = if u.status.is_final() { None } else { next };
                    store::apply_change(ctx.tx, id, &c, &u.raw, now)?;
                }
                // No news (or a stale one): ask again later, or give up after three days.
                _ => {
                    let mut c = Change::to(m.status);
                    c.next_poll_at = next;
                    c.event = false;
                    if let Some(u) = update
                        && u.cost_micros.is_some()
                    {
                        c.cost_micros = u.cost_micros;
                        c.cost_currency = self.currency.as_deref();
                    }
                    if next.is_none() && !m.status.is_final() {
                        c.status = Status::Unknown;
                        c.error = Some("no-report");
                        c.event = true;
                    }
                    store::apply_change(ctx.tx, id, &c, update.map_or("", |u| u.raw.as_str()), now)?;
                }
            }
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} polled, {} updates", self.polled.len(), self.updates.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::sms::audience::Audience;
    use crate::testing::{TestDb, id};

    fn campaign(campaign_id: &str) -> AnyCommand {
        AnyCommand::CreateCampaign(CreateCampaign {
            campaign_id: campaign_id.into(),
            name: "Camp".into(),
            text: "{name}, camp on Saturday!".into(),
            audience: Audience::AllActive,
            send_at: None,
        })
    }

    #[test]
    fn a_provider_address_is_checked_when_saved() {
        let mut db = TestDb::new();
        let save = |base_url: &str| {
            AnyCommand::SaveSmsProvider(SaveSmsProvider {
                kind: ProviderKind::Smsru,
                sender: String::new(),
                base_url: base_url.into(),
                login: String::new(),
                secret: Some("key".into()),
            })
        };
        assert_eq!(db.refused(save("ftp://sms.example")).code, "sms-base-url-invalid");
        assert_eq!(db.refused(save("https://смс.рф")).code, "sms-base-url-unusable");
        assert_eq!(db.refused(save("https://sms example")).code, "sms-base-url-unusable");
        db.applied(save("https://xn--l1agx.xn--p1ai"));
    }

    #[test]
    fn a_campaign_goes_to_consenting_members_under_ids_that_follow_from_its_own() {
        let mut db = TestDb::new();
        db.member("Anna Smith", "+79160000001");
        assert_eq!(db.refused(campaign("not a uuid")).code, "id-invalid", "never a random id");
        let first = id();
        db.applied(campaign(&first));
        let messages = store::of_campaign(&db.conn, &first).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].body, "Anna, camp on Saturday!");
        assert_eq!(db.refused(campaign(&first)).code, "id-taken");
    }
}
