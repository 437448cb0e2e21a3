//! Rendered fragments kept until the data they show changes.
//!
//! Every change to replicated data appends to the change log, so the log's position (its
//! `log_id` and head, from `sync::feed`) says whether a fragment built earlier is still true. A
//! desk screen asks for the same day grid again and again; between bookings the answer is the
//! same HTML. A new history (a restore) never matches an old position, even at the same head.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub struct RenderCache<K, V, P = (Arc<str>, i64)> {
    /// Most recently used first; a few entries (days, languages) are all the desks look at.
    entries: Mutex<VecDeque<(K, P, Arc<V>)>>,
    capacity: usize,
}

impl<K: PartialEq, V, P: PartialEq> RenderCache<K, V, P> {
    pub fn new(capacity: usize) -> Self {
        RenderCache { entries: Mutex::new(VecDeque::with_capacity(capacity)), capacity }
    }

    /// The value kept for `key`, if it was built at data version `version`.
    pub fn get(&self, key: &K, version: &P) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().expect("render cache");
        let at = entries.iter().position(|(k, v, _)| k == key && v == version)?;
        let entry = entries.remove(at)?;
        let value = entry.2.clone();
        entries.push_front(entry);
        Some(value)
    }

    /// Keeps `value` for `key`, built from data at least as new as `version`. Whatever was built
    /// at another version goes: it would never be asked for again, only hold memory.
    pub fn put(&self, key: K, version: P, value: Arc<V>) {
        let mut entries = self.entries.lock().expect("render cache");
        entries.retain(|(k, v, _)| *k != key && *v == version);
        entries.push_front((key, version, value));
        entries.truncate(self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_at_its_data_version() {
        let cache: RenderCache<&str, _, i64> = RenderCache::new(2);
        cache.put("mon", 7, Arc::new("grid at 7"));
        assert_eq!(cache.get(&"mon", &7).as_deref(), Some(&"grid at 7"));
        assert!(cache.get(&"mon", &8).is_none(), "a newer version means the data changed");
        cache.put("mon", 8, Arc::new("grid at 8"));
        assert!(cache.get(&"mon", &7).is_none(), "one entry per key");
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let cache: RenderCache<&str, _, i64> = RenderCache::new(2);
        cache.put("mon", 1, Arc::new(1));
        cache.put("tue", 1, Arc::new(2));
        cache.get(&"mon", &1);
        cache.put("wed", 1, Arc::new(3));
        assert!(cache.get(&"tue", &1).is_none());
        assert!(cache.get(&"mon", &1).is_some() && cache.get(&"wed", &1).is_some());
    }

    #[test]
    fn what_was_built_before_a_change_goes_when_something_newer_is_kept() {
        let cache: RenderCache<&str, _, i64> = RenderCache::new(8);
        cache.put("mon", 1, Arc::new(1));
        cache.put("tue", 1, Arc::new(2));
        cache.put("wed", 2, Arc::new(3));
        assert_eq!(cache.entries.lock().unwrap().len(), 1, "the grids built at version 1 are gone");
    }

    #[test]
    fn a_new_history_at_the_same_head_is_a_miss() {
        let cache: RenderCache<&str, &str> = RenderCache::new(2);
        cache.put("mon", ("before the restore".into(), 40), Arc::new("old grid"));
        assert!(cache.get(&"mon", &("after the restore".into(), 40)).is_none());
    }
}
