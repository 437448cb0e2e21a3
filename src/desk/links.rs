//! The hub's view of its desks' links while it runs: who is connected, how far each has applied
//! and how many commands each still holds (from its acks). Kept in memory; the Desks page joins
//! it with the paired desks in the database.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub connected: bool,
    /// When it connected, or when it went away.
    pub since: Timestamp,
    pub applied: i64,
    pub pending: i64,
    pub peer: String,
    /// The version of a desk turned away because it speaks another protocol or schema.
    pub other_version: Option<String>,
}

#[derive(Default)]
pub struct Links {
    map: Mutex<HashMap<String, LinkInfo>>,
}

impl Links {
    pub fn connected(&self, desk_id: &str, peer: &str, applied: i64, pending: i64, now: Timestamp) {
        let info =
            LinkInfo { connected: true, since: now, applied, pending, peer: peer.to_owned(), other_version: None };
        self.map.lock().expect("links").insert(desk_id.to_owned(), info);
    }

    /// The desk came running `version`, which cannot work with this hub: it was told to upgrade.
    pub fn turned_away(&self, desk_id: &str, peer: &str, version: &str, pending: i64, now: Timestamp) {
        let info = LinkInfo {
            connected: false,
            since: now,
            applied: 0,
            pending,
            peer: peer.to_owned(),
            other_version: Some(version.to_owned()),
        };
        self.map.lock().expect("links").insert(desk_id.to_owned(), info);
    }

    pub fn progress(&self, desk_id: &str, applied: i64, pending: i64) {
        if let Some(info) = self.map.lock().expect("links").get_mut(desk_id) {
            (info.applied, info.pending) = (applied, pending);
        }
    }

    pub fn gone(&self, desk_id: &str, now: Timestamp) {
        if let Some(info) = self.map.lock().expect("links").get_mut(desk_id) {
            (info.connected, info.since) = (false, now);
        }
    }

    pub fn get(&self, desk_id: &str) -> Option<LinkInfo> {
        self.map.lock().expect("links").get(desk_id).cloned()
    }

    pub fn connected_count(&self) -> usize {
        self.map.lock().expect("links").values().filter(|l| l.connected).count()
    }
}
