//! What runs a desk beside its pages: the engine, the link's state as pages show it ("offline —
//! 3 pending"), and the hand-over between a page waiting for the hub's answer to its command and
//! the link that receives it.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use tokio::sync::{Notify, oneshot, watch};
use uuid::Uuid;

use super::engine::Engine;
use super::store::journal::Identity;
use crate::sync::protocol::Verdict;

/// Why the link cannot work, for the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Hub and desk run different versions.
    Upgrade { hub_version: String },
    /// The hub refused this desk: it was revoked (pair it again).
    Revoked,
    /// The hub's certificate is not the one this desk paired with.
    WrongHub,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkStatus {
    pub online: bool,
    /// When the link came up or went down (None: never up since the desk started).
    pub since: Option<Timestamp>,
    pub pending: i64,
    pub conflicts: usize,
    pub problem: Option<Problem>,
}

pub struct DeskState {
    /// Who this desk is and how it reaches its hub (from pairing).
    pub identity: Identity,
    pub engine: Engine,
    status: watch::Sender<LinkStatus>,
    waiters: Mutex<HashMap<Uuid, oneshot::Sender<Verdict>>>,
    push: Notify,
}

impl DeskState {
    pub fn new(identity: Identity, engine: Engine) -> DeskState {
        let (status, _) = watch::channel(LinkStatus::default());
        DeskState { identity, engine, status, waiters: Mutex::default(), push: Notify::new() }
    }

    pub fn status(&self) -> LinkStatus {
        self.status.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<LinkStatus> {
        self.status.subscribe()
    }

    pub fn set_status(&self, change: impl FnOnce(&mut LinkStatus)) {
        self.status.send_if_modified(|s| {
            let before = s.clone();
            change(s);
            *s != before
        });
    }

    /// Counts pending commands and open conflicts again from the journal.
    pub fn recount(&self) {
        let pending = self.engine.pending_count().unwrap_or(0);
        let conflicts = self.engine.conflict_count().unwrap_or(0) as usize;
        self.set_status(|s| (s.pending, s.conflicts) = (pending, conflicts));
    }

    /// A page will wait for the hub's verdict on `command_id`.
    pub fn wait_for(&self, command_id: Uuid) -> oneshot::Receiver<Verdict> {
        let (tx, rx) = oneshot::channel();
        self.waiters.lock().expect("waiters").insert(command_id, tx);
        rx
    }

    /// The page stopped waiting: a verdict that comes later is a conflict if it is a refusal.
    pub fn stop_waiting(&self, command_id: Uuid) {
        self.waiters.lock().expect("waiters").remove(&command_id);
    }

    /// Takes the waiting page of `command_id`, if one still waits: it will be shown the verdict.
    pub fn take_waiter(&self, command_id: Uuid) -> Option<oneshot::Sender<Verdict>> {
        self.waiters.lock().expect("waiters").remove(&command_id)
    }

    /// Wakes the link to push what the journal holds.
    pub fn push_now(&self) {
        self.push.notify_one();
    }

    pub async fn push_wanted(&self) {
        self.push.notified().await;
    }
}
