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

/// Writes the provider pinned in courtside.toml / COURTSIDE_SMS__* into the hub's provider row
/// when it differs (keeping a pause only while the provider stays the same). Blocking: `App::open`.
pub fn apply_pinned_provider(app: &App) -> anyhow::Result<()> {
    let Some(wanted) = app.config.sms.pinned() else { return Ok(()) };
    let current = app.db.read_blocking(|c| Ok(store::provider(c)?))?;
    if current.is_some_and(|c| c.config == wanted) {
        return Ok(());
    }
    let cmd = AnyCommand::SaveSmsProvider(commands::SaveSmsProvider {
        kind: wanted.kind,
        sender: wanted.sender,
        base_url: wanted.base_url,
        login: wanted.login,
        secret: Some(wanted.secret),
    });
    match app.run_blocking(Actor::System, cmd)?.outcome {
        Outcome::Applied { .. } => Ok(()),
        Outcome::Rejected(r) => anyhow::bail!("the SMS provider in the configuration was refused: {}", r.code),
    }
}
