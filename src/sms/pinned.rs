//! The provider's credential at rest, and the provider pinned by configuration: written into
//! the hub's provider row at start (courtside.toml's `[sms]` or COURTSIDE_SMS__*), with a key an
//! older version stored in plain text sealed on the way.

use jiff::Timestamp;
use uuid::Uuid;

use super::{commands, store};
use crate::commands::AnyCommand;
use crate::config::SmsConfig;
use crate::core::{self, Actor, Envelope, Outcome};
use crate::db::Db;
use crate::sealed::{Sealer, is_sealed};

/// The stored provider with its credential opened, ready for `Provider::new`. A credential
/// sealed under another data folder's key (a backup restored elsewhere) opens as empty: the
/// provider then refuses it, sending pauses, and the manager enters it again.
pub fn unsealed(sealer: &Sealer, mut stored: store::StoredProvider) -> store::StoredProvider {
    let secret = &stored.config.secret;
    if is_sealed(secret) {
        stored.config.secret = sealer.open(secret).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the SMS provider's secret must be entered again on the SMS settings page");
            String::new()
        });
    }
    stored
}

/// At start: writes the pinned provider when it differs from the stored one (keeping a pause
/// only while the provider stays the same), and seals a plain-text key. Blocking.
pub fn prepare(db: &Db, config: &SmsConfig, sealer: &Sealer, now: Timestamp) -> anyhow::Result<()> {
    let current = db.read_blocking(|c| Ok(store::provider(c)?))?;
    let legacy = current.as_ref().is_some_and(|c| !c.config.secret.is_empty() && !is_sealed(&c.config.secret));
    let current = current.map(|c| unsealed(sealer, c));
    let wanted = match config.pinned() {
        Some(wanted) if current.as_ref().is_none_or(|c| c.config != wanted) => wanted,
        _ if legacy => current.expect("a legacy secret is stored").config,
        _ => return Ok(()),
    };
    let cmd = AnyCommand::SaveSmsProvider(commands::SaveSmsProvider {
        kind: wanted.kind,
        sender: wanted.sender,
        base_url: wanted.base_url,
        login: wanted.login,
        secret: Some(wanted.secret).filter(|s| !s.is_empty()).map(|s| sealer.seal(&s)),
    });
    let env = Envelope::with_id(Uuid::now_v7(), Actor::System, cmd, now);
    match db.write_blocking(|conn| core::execute(conn, &env, now))?.outcome {
        Outcome::Applied { .. } => Ok(()),
        Outcome::Rejected(r) => anyhow::bail!("the SMS provider in the configuration was refused: {}", r.code),
    }
}
