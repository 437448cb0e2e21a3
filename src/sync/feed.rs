//! What open pages follow: where the log stands, which tables its latest transactions touched,
//! and a watch that wakes every follower after a commit.
//!
//! Followers are not sent the changes: they are poked, and read from their own position (the
//! tail kept here is the last few thousand transactions of the log, as table sets). A follower
//! that is behind the tail, or on another history, is told to read everything again. Nothing is
//! queued per follower, so a slow one costs no memory and misses nothing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::db::changelog::REPLICATED_TABLES;
use crate::db::{Conn, SqlError};

/// How many transactions the tail remembers; a page further behind reloads its parts.
const TAIL: usize = 4096;

/// Where the club's data stands: the history (`log_id`), its head, and a count of commits that
/// changed only this machine's tables (the SMS outbox), which pages showing those follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub log_id: Arc<str>,
    pub head: i64,
    pub local: u64,
}

impl Position {
    /// The log's part: what club data a page or cache built now reflects.
    pub fn of_log(&self) -> (Arc<str>, i64) {
        (self.log_id.clone(), self.head)
    }
}

/// What changed for a follower at (`log_id`, `at`).
#[derive(Debug, PartialEq, Eq)]
pub enum Since {
    Current,
    /// The tables touched by transactions `at + 1 ..= head`.
    Changed {
        head: i64,
        tables: Vec<&'static str>,
    },
    /// The follower's position means nothing here (another history, or behind the tail).
    Reset {
        log_id: Arc<str>,
        head: i64,
    },
}

struct Tail {
    /// Transaction number and its tables (bit i: `REPLICATED_TABLES[i]`), oldest first.
    txns: VecDeque<(i64, u64)>,
    /// The first transaction the tail can speak for.
    first: i64,
}

pub struct Feed {
    tail: Mutex<Tail>,
    watch: watch::Sender<Position>,
    /// How many times a desk's tentative work was undone under open pages (see `rebased`).
    rebases: std::sync::atomic::AtomicU64,
}

impl Feed {
    /// Starts at the database's current head; pages older than that reload.
    pub fn open(conn: &Conn) -> Result<Feed, SqlError> {
        let log_id: Arc<str> = super::store::log_id(conn)?.into();
        let (head, _) = super::store::head(conn)?;
        let (watch, _) = watch::channel(Position { log_id, head, local: 0 });
        let tail = Mutex::new(Tail { txns: VecDeque::new(), first: head + 1 });
        Ok(Feed { tail, watch, rebases: Default::default() })
    }

    /// The name followers see for `log_id`: after a desk undid tentative work, positions of the
    /// same number may hold other rows, so pages built before must start again.
    fn named(&self, log_id: &str) -> Arc<str> {
        match self.rebases.load(std::sync::atomic::Ordering::Relaxed) {
            0 => log_id.into(),
            n => format!("{log_id}~{n}").into(),
        }
    }

    /// A desk undid its tentative work and applied the hub's: every follower starts again.
    pub fn rebased(&self, conn: &Conn) -> Result<(), SqlError> {
        let mut tail = self.tail.lock().expect("feed tail");
        self.rebases.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log_id = self.named(&super::store::log_id(conn)?);
        let (head, _) = super::store::head(conn)?;
        *tail = Tail { txns: VecDeque::new(), first: head + 1 };
        self.watch.send_modify(|p| (p.log_id, p.head) = (log_id, head));
        Ok(())
    }

    pub fn position(&self) -> Position {
        self.watch.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<Position> {
        self.watch.subscribe()
    }

    /// Reads what was committed since the last look and wakes the followers. Called by whoever
    /// committed (on the connection that did), and every few seconds for other processes.
    pub fn catch_up(&self, conn: &Conn) -> Result<(), SqlError> {
        let mut tail = self.tail.lock().expect("feed tail");
        let log_id = self.named(&super::store::log_id(conn)?);
        let (head, _) = super::store::head(conn)?;
        let now = self.position();
        if now.log_id != log_id || head < now.head {
            *tail = Tail { txns: VecDeque::new(), first: head + 1 };
            self.watch.send_modify(|p| {
                p.log_id = log_id;
                p.head = head;
            });
            return Ok(());
        }
        if head == now.head {
            return Ok(());
        }
        if head - now.head > TAIL as i64 {
            *tail = Tail { txns: VecDeque::new(), first: head + 1 };
        } else {
            for (txn_seq, tables) in super::store::tables_touched(conn, now.head, head)? {
                let bits = tables.iter().filter_map(|t| table_bit(t)).fold(0, |a, b| a | b);
                tail.txns.push_back((txn_seq, bits));
            }
            while tail.txns.len() > TAIL {
                tail.txns.pop_front();
                tail.first = tail.txns.front().map_or(head + 1, |t| t.0);
            }
        }
        self.watch.send_modify(|p| p.head = head);
        Ok(())
    }

    /// A commit changed only this machine's tables.
    pub fn local_change(&self) {
        self.watch.send_modify(|p| p.local += 1);
    }

    /// What a follower at `at` of history `log_id` has not seen.
    pub fn since(&self, log_id: &str, at: i64) -> Since {
        let tail = self.tail.lock().expect("feed tail");
        let now = self.position();
        if *now.log_id != *log_id || at > now.head || at + 1 < tail.first {
            return Since::Reset { log_id: now.log_id, head: now.head };
        }
        if at == now.head {
            return Since::Current;
        }
        let bits = tail.txns.iter().filter(|(seq, _)| *seq > at && *seq <= now.head).fold(0, |a, (_, b)| a | b);
        let tables = REPLICATED_TABLES.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, t)| *t);
        Since::Changed { head: now.head, tables: tables.collect() }
    }
}

/// A bit per table: the mask below holds them all.
const _: () = assert!(REPLICATED_TABLES.len() <= 64);

fn table_bit(table: &str) -> Option<u64> {
    REPLICATED_TABLES.iter().position(|t| *t == table).map(|i| 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[test]
    fn a_follower_hears_which_tables_changed_since_its_position() {
        let mut db = TestDb::new();
        let feed = Feed::open(&db.conn).unwrap();
        let start = feed.position();
        assert_eq!(feed.since(&start.log_id, start.head), Since::Current);

        let court = db.court("Court 1");
        let anna = db.member("Anna", "");
        feed.catch_up(&db.conn).unwrap();
        let after_member = feed.position().head;
        db.book(&court, &anna, crate::testing::slot("2026-12-01", "18:00", 60)).unwrap();
        feed.catch_up(&db.conn).unwrap();

        let Since::Changed { head, tables } = feed.since(&start.log_id, start.head) else { panic!() };
        assert_eq!(head, feed.position().head);
        assert!(tables.contains(&"courts") && tables.contains(&"members") && tables.contains(&"bookings"));
        let Since::Changed { tables, .. } = feed.since(&start.log_id, after_member) else { panic!() };
        assert!(tables.contains(&"bookings") && !tables.contains(&"courts"), "{tables:?}");
    }

    #[test]
    fn a_follower_on_another_history_or_before_the_tail_starts_again() {
        let mut db = TestDb::new();
        db.court("Court 1");
        let feed = Feed::open(&db.conn).unwrap();
        let now = feed.position();
        assert!(matches!(feed.since(&now.log_id, 0), Since::Reset { .. }), "older than what the feed holds");
        assert!(matches!(feed.since("another history", now.head), Since::Reset { .. }));

        let rx = feed.subscribe();
        crate::db::changelog::rotate_log_id(&db.conn).unwrap();
        feed.catch_up(&db.conn).unwrap();
        assert!(rx.has_changed().unwrap(), "followers are woken by a new history");
        assert!(matches!(feed.since(&now.log_id, now.head), Since::Reset { log_id, .. } if *log_id != *now.log_id));
    }
}
