//! The sender: takes due messages from the outbox and hands them to the provider, one request
//! per batch. The lease is committed before the request goes out and the answer after it, both
//! as commands; what happens between (a crash, a kill, a timeout) is resolved later, never by
//! sending again blindly.

use std::time::Duration;

use jiff::SignedDuration;
use uuid::Uuid;

use super::commands::{BatchOutcome, LeaseSms, RecordSmsBatch, RecoverSmsLeases};
use super::providers::{Outgoing, Provider, ProviderError, ProviderKind};
use super::store;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};

/// The currency a provider bills in (SMS.ru and SMSC in roubles, Twilio in dollars).
pub fn currency(kind: ProviderKind) -> Option<String> {
    match kind {
        ProviderKind::Log => None,
        ProviderKind::Smsru | ProviderKind::Smsc => Some("RUB".into()),
        ProviderKind::Twilio => Some("USD".into()),
    }
}

async fn run(app: &App, cmd: AnyCommand) -> anyhow::Result<()> {
    match app.run(Actor::System, cmd).await? {
        Outcome::Applied { .. } => Ok(()),
        Outcome::Rejected(r) => anyhow::bail!("the SMS sender's command was refused: {}", r.code),
    }
}

/// Maps a whole-request failure to what the outbox records.
fn outcome_of(e: &ProviderError) -> BatchOutcome {
    match e {
        ProviderError::Auth(n) | ProviderError::NoMoney(n) | ProviderError::Config(n) => {
            BatchOutcome::Paused { reason: e.pause_reason().unwrap_or("config").to_owned(), note: n.clone() }
        }
        ProviderError::Retry { note, after_secs } => {
            BatchOutcome::Retry { note: note.clone(), after_secs: *after_secs }
        }
        ProviderError::NotSent(n) => BatchOutcome::Retry { note: n.clone(), after_secs: None },
        ProviderError::Ambiguous(n) => BatchOutcome::Ambiguous { note: n.clone() },
    }
}

/// Resolves leases that ran out (the hub stopped between lease and answer); `at_start`, every
/// lease, since no sender of this process holds one yet.
pub async fn recover(app: &App, at_start: bool) -> anyhow::Result<usize> {
    let now = if at_start { jiff::Timestamp::MAX } else { app.now() };
    let stale = app.db.read(move |c| Ok(store::stale_leases(c, now)?)).await?;
    if stale.is_empty() {
        return Ok(0);
    }
    let n = stale.len();
    tracing::warn!(messages = n, "SMS leases ran out (the hub stopped while sending): resolving, not resending");
    let cmd = RecoverSmsLeases {
        message_ids: stale.into_iter().map(|m| m.id).collect(),
        at_start,
        resolution: app.config.sms.resolution(),
    };
    run(app, AnyCommand::RecoverSmsLeases(cmd)).await?;
    Ok(n)
}

/// Sends what is due, at most `max` messages, pausing `gap` between requests (the provider's
/// rate limit). Returns how many messages were handed over. The job body the sender loop
/// calls; tests call it with a fixed clock.
pub async fn send_due(app: &App, max: usize) -> anyhow::Result<usize> {
    let Some(stored) = super::provider(app).await? else { return Ok(0) };
    if stored.paused.is_some() {
        return Ok(0);
    }
    recover(app, false).await?;
    let cfg = &app.config.sms;
    let provider = Provider::new(&stored.config, cfg.timeouts());
    let kind = provider.kind();
    let gap = Duration::from_millis(1000 / u64::from(cfg.requests_per_second.max(1)));
    let lease_for = SignedDuration::try_from(cfg.timeouts().total).unwrap_or_default() + SignedDuration::from_secs(60);
    let mut handed = 0;
    while handed < max {
        let now = app.now();
        let batch_size = kind.batch_size().min(max - handed);
        let due = app
            .db
            .read(move |c| {
                let s = store::settings(c)?;
                let tz = crate::club::store::time_zone(c)?;
                Ok(store::due(c, now, s.quiet.contains(now, &tz), batch_size)?)
            })
            .await?;
        if due.is_empty() {
            break;
        }
        let batch_id = Uuid::now_v7().to_string();
        let lease = LeaseSms {
            batch_id: batch_id.clone(),
            message_ids: due.iter().map(|m| m.id.clone()).collect(),
            provider: kind,
            lease_until: now + lease_for,
        };
        run(app, AnyCommand::LeaseSms(lease)).await?;
        let b = batch_id.clone();
        let leased = app.db.read(move |c| Ok(store::in_batch(c, &b)?)).await?;
        if leased.is_empty() {
            continue;
        }
        let outgoing: Vec<Outgoing> = leased
            .iter()
            .map(|m| Outgoing { id: m.id.clone(), phone: m.phone.clone(), text: m.body.clone() })
            .collect();
        let outcome = match provider.send(&batch_id, &outgoing).await {
            Ok(results) => {
                BatchOutcome::Answered { results: outgoing.iter().map(|m| m.id.clone()).zip(results).collect() }
            }
            Err(e) => {
                tracing::warn!(error = %e, batch = %batch_id, "SMS send request failed");
                outcome_of(&e)
            }
        };
        let stop = matches!(outcome, BatchOutcome::Paused { .. } | BatchOutcome::Retry { .. });
        if matches!(outcome, BatchOutcome::Answered { .. }) {
            handed += leased.len();
        }
        run(
            app,
            AnyCommand::RecordSmsBatch(RecordSmsBatch {
                batch_id,
                provider: kind,
                currency: currency(kind),
                outcome,
                resolution: cfg.resolution(),
            }),
        )
        .await?;
        if stop {
            break;
        }
        tokio::time::sleep(gap).await;
    }
    Ok(handed)
}

/// The hub's sender: runs `send_due` every second until the process ends. Failures are logged
/// and retried on the next round; one bad round never stops the loop.
pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = recover(&app, true).await {
            tracing::error!(error = %format!("{e:#}"), "resolving SMS sends interrupted by the last stop failed");
        }
        loop {
            if let Err(e) = send_due(&app, 1000).await {
                tracing::error!(error = %format!("{e:#}"), "SMS sender round failed");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}
