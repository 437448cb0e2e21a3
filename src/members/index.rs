//! Search as you type, from memory: the few columns search looks at, for every member.
//!
//! Names and phone digits are kept in two long strings, one member per line, so a search is
//! one substring scan over contiguous memory (tens of microseconds for ten thousand members)
//! rather than ten thousand small lookups, or SQLite's LIKE over every row. The index follows the
//! database through the change log: before each search it re-reads only the members changed
//! since it last looked, so a change made anywhere (another request, the CLI, a synced desk) is
//! found at once.

use std::collections::HashMap;
use std::sync::RwLock;

use super::model::Query;
use super::store::{self, IndexRow as Entry};
use crate::db::changelog::retention_floor;
use crate::db::{Conn, SqlError};
use crate::sync::store::{head, log_id};

#[derive(Default)]
struct State {
    /// The change-log position (history and head) the entries reflect; `None` before the
    /// first load. Positions of another history (after a restore) mean nothing here.
    version: Option<(String, i64)>,
    entries: HashMap<String, Entry>,
    flat: Flat,
}

/// The entries laid out for scanning: line `i` of `names` and of `phones` is member `ids[i]`.
#[derive(Default)]
struct Flat {
    names: String,
    phones: String,
    /// Where each line starts in `names` and in `phones`.
    name_at: Vec<usize>,
    phone_at: Vec<usize>,
    ids: Vec<String>,
    cards: Vec<i64>,
    archived: Vec<bool>,
}

impl Flat {
    /// Lines in the order results are wanted on a tie: active before archived, then by name.
    fn of(entries: &HashMap<String, Entry>) -> Flat {
        let mut sorted: Vec<(&String, &Entry)> = entries.iter().collect();
        sorted
            .sort_unstable_by(|a, b| (a.1.archived, &a.1.search_name, a.0).cmp(&(b.1.archived, &b.1.search_name, b.0)));
        let mut flat = Flat::default();
        for (id, e) in sorted {
            flat.name_at.push(flat.names.len());
            flat.names.push_str(&e.search_name);
            flat.names.push('\n');
            flat.phone_at.push(flat.phones.len());
            flat.phones.push_str(&e.phone_digits);
            flat.phones.push('\n');
            flat.ids.push(id.clone());
            flat.cards.push(e.card_no);
            flat.archived.push(e.archived);
        }
        flat
    }

    fn line<'a>(text: &'a str, starts: &[usize], i: usize) -> &'a str {
        let end = starts.get(i + 1).map_or(text.len(), |next| next - 1);
        &text[starts[i]..end]
    }

    /// Lines of `text` containing `needle`, each once, in order.
    fn lines_with(text: &str, starts: &[usize], needle: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut line = 0;
        for at in memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes()) {
            // Matches come in order, so the line only moves forward.
            while line + 1 < starts.len() && starts[line + 1] <= at {
                line += 1;
            }
            if found.last() != Some(&line) {
                found.push(line);
            }
        }
        found
    }

    /// The best `limit` members matching `query`, best first. The scans only pick candidates;
    /// `Query::rank` (the one definition of a match) decides. Lines are already in tie order, so
    /// each rank keeps its first `limit` and the scan stops once the best rank is full.
    fn best(&self, query: &Query, include_archived: bool, limit: usize) -> Vec<&str> {
        let mut candidates = Flat::lines_with(&self.names, &self.name_at, query.text());
        if let Some(word) = query.rarest_word() {
            candidates.extend(Flat::lines_with(&self.names, &self.name_at, word));
        }
        if let Some(digits) = query.phone_digits() {
            candidates.extend(Flat::lines_with(&self.phones, &self.phone_at, digits));
        }
        if let Some(card) = query.card_no() {
            candidates.extend((0..self.cards.len()).filter(|i| self.cards[*i] == card));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut by_rank: [Vec<usize>; 5] = Default::default();
        for i in candidates {
            if !include_archived && self.archived[i] {
                break; // archived lines come last
            }
            let name = Flat::line(&self.names, &self.name_at, i);
            let phone = Flat::line(&self.phones, &self.phone_at, i);
            if let Some(r) = query.rank(name, phone, self.cards[i]) {
                let bucket = &mut by_rank[usize::from(r)];
                if bucket.len() < limit {
                    bucket.push(i);
                }
                if r == 0 && bucket.len() == limit {
                    break;
                }
            }
        }
        let mut out: Vec<(u8, bool, usize)> = Vec::new();
        for (r, bucket) in by_rank.iter().enumerate() {
            out.extend(bucket.iter().map(|i| (r as u8, self.archived[*i], *i)));
        }
        // Rank first, then active before archived, then line order (the name).
        out.sort_unstable();
        out.into_iter().take(limit).map(|(_, _, i)| self.ids[i].as_str()).collect()
    }
}

#[derive(Default)]
pub struct MemberIndex {
    state: RwLock<State>,
}

/// Past this many changed members a full reload is cheaper than one lookup each.
const RELOAD_AFTER: i64 = 2000;

impl MemberIndex {
    /// The members matching `query`, best first (see `Query::rank`), then by name. `region`: the
    /// club's country, whose way of writing local phone numbers the search understands.
    pub fn search(
        &self,
        conn: &Conn,
        query: &str,
        region: &str,
        include_archived: bool,
        limit: usize,
    ) -> Result<Vec<store::Member>, SqlError> {
        let ids = self.matching(conn, query, region, include_archived, limit)?;
        store::members_in_order(conn, &ids)
    }

    /// Ids of the members matching `query`, best first.
    fn matching(
        &self,
        conn: &Conn,
        query: &str,
        region: &str,
        include_archived: bool,
        limit: usize,
    ) -> Result<Vec<String>, SqlError> {
        let Some(query) = Query::new(query, region) else { return Ok(Vec::new()) };
        self.catch_up(conn)?;
        let state = self.state.read().expect("member index");
        Ok(state.flat.best(&query, include_archived, limit).into_iter().map(str::to_owned).collect())
    }

    /// Brings the entries up to the change log's head.
    fn catch_up(&self, conn: &Conn) -> Result<(), SqlError> {
        let head = (log_id(conn)?, head(conn)?.0);
        if self.state.read().expect("member index").version.as_ref() == Some(&head) {
            return Ok(());
        }
        let mut state = self.state.write().expect("member index");
        match &state.version {
            Some(v) if *v == head => return Ok(()),
            // Changes below the retention floor are no longer in the log: read everything again.
            Some((log, v))
                if *log == head.0
                    && *v >= retention_floor(conn)?
                    && store::members_changed_since(conn, *v)? <= RELOAD_AFTER =>
            {
                let v = *v;
                for id in store::member_ids_changed_since(conn, v)? {
                    match store::index_row(conn, &id)? {
                        Some(e) => state.entries.insert(id, e),
                        None => state.entries.remove(&id),
                    };
                }
            }
            _ => state.entries = store::index_rows(conn)?,
        }
        state.flat = Flat::of(&state.entries);
        // Changes committed after `head` was read may already be in; the next search re-reads them.
        state.version = Some(head);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::members::commands::SetMemberArchived;
    use crate::testing::TestDb;

    #[test]
    fn the_index_follows_the_database_through_the_change_log() {
        let mut db = TestDb::new();
        let index = MemberIndex::default();
        let anna = db.member("Anna Smith", "+79161234567");
        let names = |found: Vec<store::Member>| found.into_iter().map(|m| m.full_name).collect::<Vec<_>>();
        assert_eq!(names(index.search(&db.conn, "smi", "RU", false, 10).unwrap()), ["Anna Smith"]);
        db.member("Boris Smirnov", "");
        assert_eq!(names(index.search(&db.conn, "smi", "RU", false, 10).unwrap()), ["Anna Smith", "Boris Smirnov"]);
        assert_eq!(names(index.search(&db.conn, "4567", "RU", false, 10).unwrap()), ["Anna Smith"], "phone digits");
        db.applied(AnyCommand::SetMemberArchived(SetMemberArchived { member_id: anna, archived: true }));
        assert_eq!(names(index.search(&db.conn, "smi", "RU", false, 10).unwrap()), ["Boris Smirnov"]);
        assert_eq!(index.search(&db.conn, "smi", "RU", true, 10).unwrap().len(), 2, "unless archived are asked for");
    }

    fn flat(members: &[(&str, &str, &str, i64, bool)]) -> Flat {
        let entries = members
            .iter()
            .map(|(id, name, phone, card_no, archived)| {
                let e = Entry {
                    search_name: (*name).into(),
                    phone_digits: (*phone).into(),
                    card_no: *card_no,
                    archived: *archived,
                };
                ((*id).to_owned(), e)
            })
            .collect();
        Flat::of(&entries)
    }

    fn ids(f: &Flat, q: &str, archived: bool) -> Vec<String> {
        f.best(&Query::new(q, "RU").unwrap(), archived, 10).into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn scans_find_names_phones_and_cards_ranked_by_the_one_rule() {
        let f = flat(&[
            ("a", "иванов петр", "79161234567", 1, false),
            ("b", "петров иван", "79031112233", 2, false),
            ("c", "анна иваненко", "", 916, false),
            ("d", "иван старый", "", 4, true),
        ]);
        assert_eq!(ids(&f, "Иван", false), ["a", "c", "b"], "prefix of the name, then of a word (by name)");
        assert_eq!(ids(&f, "Иван", true), ["a", "d", "c", "b"], "archived after active at the same rank");
        assert_eq!(ids(&f, "916", false), ["c", "a"], "card 916 before phone digits 916");
        assert_eq!(ids(&f, "2233", false), ["b"]);
        assert!(ids(&f, "петр п", false).is_empty(), "no match across two members' lines");
    }

    #[test]
    fn only_the_best_few_are_kept_in_name_order() {
        let members: Vec<(String, String)> = (0..50).map(|i| (format!("m{i:02}"), format!("иванов {i:02}"))).collect();
        let rows: Vec<(&str, &str, &str, i64, bool)> =
            members.iter().map(|(id, name)| (id.as_str(), name.as_str(), "", 1000, false)).collect();
        let f = flat(&rows);
        let best = f.best(&Query::new("иван", "RU").unwrap(), false, 3);
        assert_eq!(best, ["m00", "m01", "m02"]);
        let best = f.best(&Query::new("ванов 4", "RU").unwrap(), false, 3);
        assert_eq!(best, ["m40", "m41", "m42"], "rank 4 (inside the name), by name");
    }
}
