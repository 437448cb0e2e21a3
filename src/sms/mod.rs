//! SMS: an outbox of messages (reminders, confirmations, campaigns, staff's own), a sender that
//! hands them to SMS.ru, SMSC, Twilio or the log, a poller that follows their delivery, and the
//! pages and API around them. Only the hub talks to providers; credentials never leave it.

pub mod audience;
pub mod commands;
pub mod model;
pub mod pinned;
pub mod poller;
pub mod providers;
pub mod reminders;
pub mod sender;
pub mod store;
pub mod web;

use crate::app::App;

/// The hub's provider, credential opened (see `pinned::unsealed`).
pub async fn provider(app: &App) -> anyhow::Result<Option<store::StoredProvider>> {
    let stored = app.db.read(|c| Ok(store::provider(c)?)).await?;
    Ok(stored.map(|s| pinned::unsealed(&app.sealer, s)))
}
