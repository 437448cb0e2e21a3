//! SMS: an outbox of messages (reminders, confirmations, campaigns, staff's own), a sender that
//! hands them to SMS.ru, SMSC, Twilio or the log, a poller that follows their delivery, and the
//! pages and API around them. Only the hub talks to providers; credentials never leave it.

pub mod audience;
pub mod commands;
pub mod model;
pub mod poller;
pub mod providers;
pub mod reminders;
pub mod sender;
pub mod store;
pub mod web;

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};

/// The stored provider with its credential opened, ready for `Provider::new`. A credential
/// sealed under another data folder's key (a backup restored elsewhere) opens as empty: the
/// provider then refuses it, sending pauses, and the manager enters it again.
pub fn unsealed(app: &App, mut stored: store::StoredProvider) -> store::StoredProvider {
    let secret = &stored.config.secret;
    if crate::sealed::is_sealed(secret) {
        stored.config.secret = app.sealer.open(secret).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the SMS provider's secret must be entered again on the SMS settings page");
            String::new()
        });
    }
    stored
}

/// The hub's provider, credential opened.
pub async fn provider(app: &App) -> anyhow::Result<Option<store::StoredProvider>> {
    let stored = app.db.read(|c| Ok(store::provider(c)?)).await?;
    Ok(stored.map(|s| unsealed(app, s)))
}

/// At start: writes the provider pinned in courtside.toml / COURTSIDE_SMS__* into the hub's
/// provider row when it differs (keeping a pause only while the provider stays the same), and
/// seals a credential an older version stored in plain text. Blocking: `App::open`.
pub fn prepare_provider(app: &App) -> anyhow::Result<()> {
    let current = app.db.read_blocking(|c| Ok(store::provider(c)?));
    let legacy = current
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .is_some_and(|c| !c.config.secret.is_empty() && !crate::sealed::is_sealed(&c.config.secret));
    let current = current?.map(|c| unsealed(app, c));
    let wanted = match app.config.sms.pinned() {
        Some(wanted) if current.as_ref().is_none_or(|c| c.config != wanted) => wanted,
        _ if legacy => current.expect("a legacy secret is stored").config,
        _ => return Ok(()),
    };
    let cmd = AnyCommand::SaveSmsProvider(commands::SaveSmsProvider {
        kind: wanted.kind,
        sender: wanted.sender,
        base_url: wanted.base_url,
        login: wanted.login,
        secret: Some(wanted.secret).filter(|s| !s.is_empty()).map(|s| app.sealer.seal(&s)),
    });
    match app.run_blocking(Actor::System, cmd)?.outcome {
        Outcome::Applied { .. } => Ok(()),
        Outcome::Rejected(r) => anyhow::bail!("the SMS provider in the configuration was refused: {}", r.code),
    }
}
