//! The poller: asks the provider what became of sent messages, in the provider's batch sizes,
//! and records the answers (status, cost) through one command per request. Poll failures never
//! change a message; the next run asks again.

use super::commands::RecordSmsStatuses;
use super::providers::{PollRef, Provider, ProviderKind};
use super::sender::currency;
use super::store;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Actor;

/// Polls what is due; returns how many messages were asked about. The scheduled job's body.
pub async fn poll_due(app: &App) -> anyhow::Result<usize> {
    let Some(stored) = app.db.read(|c| Ok(store::provider(c)?)).await? else { return Ok(0) };
    let provider = Provider::new(&stored.config, app.config.sms.timeouts());
    let kind = provider.kind();
    let now = app.now();
    let due = app.db.read(move |c| Ok(store::poll_due(c, now, 5000)?)).await?;
    let mut asked = 0;
    // Messages of an earlier provider cannot be asked about any more: their checks just run out.
    let (mine, others): (Vec<_>, Vec<_>) = due.into_iter().partition(|m| m.provider.as_deref() == Some(kind.as_str()));
    if !others.is_empty() {
        let cmd = RecordSmsStatuses {
            resolution: app.config.sms.resolution(),
            polled: others.into_iter().map(|m| m.id).collect(),
            updates: Vec::new(),
            currency: None,
        };
        app.run(Actor::System, AnyCommand::RecordSmsStatuses(cmd)).await?;
    }
    let chunks: Vec<_> = mine.chunks(kind.batch_size()).map(<[_]>::to_vec).collect();
    for chunk in chunks {
        let refs: Vec<PollRef> = chunk
            .iter()
            .filter_map(|m| {
                Some(PollRef { message_id: m.id.clone(), provider_id: m.provider_id.clone()?, phone: m.phone.clone() })
            })
            .collect();
        let updates = match provider.poll(&refs).await {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(error = %e, "SMS status poll failed; will ask again");
                break;
            }
        };
        asked += chunk.len();
        let cmd = RecordSmsStatuses {
            resolution: app.config.sms.resolution(),
            polled: chunk.iter().map(|m| m.id.clone()).collect(),
            updates,
            currency: currency(kind),
        };
        app.run(Actor::System, AnyCommand::RecordSmsStatuses(cmd)).await?;
        // SMSC allows one mass status request a minute: the rest waits for the next run.
        if kind == ProviderKind::Smsc {
            break;
        }
    }
    Ok(asked)
}
