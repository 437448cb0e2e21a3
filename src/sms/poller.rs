//! The poller: asks the provider what became of sent messages, in the provider's batch sizes,
//! and records the answers (status, cost) through one command per request. Poll failures never
//! change a message; the next run asks again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use jiff::{SignedDuration, Timestamp};

use super::commands::RecordSmsStatuses;
use super::providers::{PollRef, Provider};
use super::sender::currency;
use super::store;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Actor;

/// Per hub (keyed by its database file): whether a poll is under way, so a slow provider never
/// gets overlapping runs, and when the last mass status request went (SMSC allows one a minute).
#[derive(Default)]
struct PollState {
    running: bool,
    last_request: Option<Timestamp>,
}

static STATE: LazyLock<Mutex<HashMap<PathBuf, PollState>>> = LazyLock::new(Default::default);

/// Marks this hub's poll as running until dropped.
struct Running(PathBuf);

impl Running {
    fn start(key: PathBuf) -> Option<Running> {
        let mut all = STATE.lock().expect("poll state");
        let state = all.entry(key.clone()).or_default();
        if state.running {
            return None;
        }
        state.running = true;
        Some(Running(key))
    }

    fn last_request(&self) -> Option<Timestamp> {
        STATE.lock().expect("poll state").get(&self.0).and_then(|s| s.last_request)
    }

    fn requested(&self, at: Timestamp) {
        if let Some(s) = STATE.lock().expect("poll state").get_mut(&self.0) {
            s.last_request = Some(at);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = STATE.lock().expect("poll state").get_mut(&self.0) {
            s.running = false;
        }
    }
}

/// Polls what is due; returns how many messages were asked about. The scheduled job's body.
pub async fn poll_due(app: &App) -> anyhow::Result<usize> {
    let Some(run) = Running::start(app.db.path().to_owned()) else { return Ok(0) };
    let Some(stored) = super::provider(app).await? else { return Ok(0) };
    let provider = Provider::new(&stored.config, app.config.sms.timeouts());
    let kind = provider.kind();
    let now = app.now();
    let gap = app.config.sms.min_poll_interval_secs.map_or_else(
        || SignedDuration::try_from(kind.min_poll_interval()).unwrap_or_default(),
        SignedDuration::from_secs,
    );
    if run.last_request().is_some_and(|last| now.duration_since(last) < gap) {
        return Ok(0);
    }
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
                Some(PollRef {
                    message_id: m.id.clone(),
                    provider_id: m.provider_id.clone()?,
                    phone: m.phone.clone(),
                    text: m.body.clone(),
                    sent_at: m.sent_at.unwrap_or(m.created_at),
                })
            })
            .collect();
        run.requested(now);
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
        // With a minimum gap between requests (SMSC), the rest waits for a later run.
        if !gap.is_zero() {
            break;
        }
    }
    Ok(asked)
}
