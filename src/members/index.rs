//! Search as you type, from memory: the few columns search looks at, for every member.
//!
//! Scanning ten thousand short strings in memory takes a fraction of a millisecond; asking
//! SQLite to do it with LIKE takes several. The index follows the database through the change
//! log: before each search it re-reads only the members changed since it last looked, so a
//! change made anywhere (another request, the CLI, a synced desk) is found at once.

use std::collections::HashMap;
use std::sync::RwLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::model::Query;
use crate::core::head_txn_seq;

struct Entry {
    search_name: String,
    phone_digits: String,
    card_no: i64,
    archived: bool,
}

#[derive(Default)]
struct State {
    /// The change-log position the entries reflect; `None` before the first load.
    version: Option<i64>,
    entries: HashMap<String, Entry>,
}

#[derive(Default)]
pub struct MemberIndex {
    state: RwLock<State>,
}

/// Past this many changed members a full reload is cheaper than one lookup each.
const RELOAD_AFTER: i64 = 2000;

const COLS: &str = "id, search_name, phone_digits, card_no, archived";

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, Entry)> {
    Ok((r.get(0)?, Entry { search_name: r.get(1)?, phone_digits: r.get(2)?, card_no: r.get(3)?, archived: r.get(4)? }))
}

impl MemberIndex {
    /// Ids of the members matching `query`, best first (see `Query::rank`), then by name.
    pub fn search(
        &self,
        conn: &Connection,
        query: &str,
        include_archived: bool,
        limit: usize,
    ) -> rusqlite::Result<Vec<String>> {
        let Some(query) = Query::new(query) else { return Ok(Vec::new()) };
        self.catch_up(conn)?;
        let state = self.state.read().expect("member index");
        let mut found: Vec<(u8, bool, &str, &str)> = state
            .entries
            .iter()
            .filter(|(_, e)| include_archived || !e.archived)
            .filter_map(|(id, e)| {
                query.rank(&e.search_name, &e.phone_digits, e.card_no).map(|r| (r, e.archived, &*e.search_name, &**id))
            })
            .collect();
        // Only the best `limit` need sorting; a short search can match thousands.
        if found.len() > limit {
            found.select_nth_unstable(limit);
            found.truncate(limit);
        }
        found.sort_unstable();
        Ok(found.into_iter().map(|(_, _, _, id)| id.to_owned()).collect())
    }

    /// Brings the entries up to the change log's head.
    fn catch_up(&self, conn: &Connection) -> rusqlite::Result<()> {
        let head = head_txn_seq(conn)?;
        let since = self.state.read().expect("member index").version;
        if since == Some(head) {
            return Ok(());
        }
        let mut state = self.state.write().expect("member index");
        match state.version {
            Some(v) if v == head => {}
            Some(v) if changed_count(conn, v)? <= RELOAD_AFTER => {
                let mut changed =
                    conn.prepare_cached("SELECT DISTINCT pk FROM change_log WHERE txn_seq > ?1 AND tbl = 'members'")?;
                let ids: Vec<String> = changed.query_map([v], |r| r.get(0))?.collect::<Result<_, _>>()?;
                let mut one = conn.prepare_cached(&format!("SELECT {COLS} FROM members WHERE id = ?1"))?;
                for id in ids {
                    match one.query_row([&id], entry).optional()? {
                        Some((id, e)) => state.entries.insert(id, e),
                        None => state.entries.remove(&id),
                    };
                }
            }
            _ => {
                let mut all = conn.prepare(&format!("SELECT {COLS} FROM members"))?;
                state.entries = all.query_map([], entry)?.collect::<Result<_, _>>()?;
            }
        }
        // Changes committed after `head` was read may already be in; the next search re-reads them.
        state.version = Some(head);
        Ok(())
    }
}

fn changed_count(conn: &Connection, since: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM change_log WHERE txn_seq > ?1 AND tbl = 'members'")?
        .query_row(params![since], |r| r.get(0))
}
