//! Who plays: of the club's members (not archived), those new in the period, those active in it
//! (on court as booker or player, or at a group session they came to), those lapsed (they
//! played in the year before the last N weeks of the period, but not since), the top players by
//! hours, and the active by category.

use jiff::Timestamp;

/// A member as the report reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub category: Option<String>,
    pub joined: Timestamp,
    /// Visits (bookings played or group sessions come to) and minutes in the period.
    pub visits: i64,
    pub minutes: i64,
    /// The start of their last visit up to the period's end, ever.
    pub last: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    New,
    Active,
    Lapsed,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::New => "new",
            Standing::Active => "active",
            Standing::Lapsed => "lapsed",
        }
    }
}

#[derive(Debug, Default)]
pub struct Members {
    /// Members joined in the period (whether they have played yet or not).
    pub new: Vec<Member>,
    /// Members with a visit in the period, most hours first.
    pub active: Vec<Member>,
    /// Members who have played but not since `lapsed_since` (some of them early in the
    /// period), the longest gone last.
    pub lapsed: Vec<Member>,
    /// Active members by category (none: no category), most first.
    pub by_category: Vec<(Option<String>, i64)>,
}

/// Sorts `members` into the report for the period `from..to`; lapsed means no visit since
/// `lapsed_since`.
pub fn members(all: Vec<Member>, from: Timestamp, to: Timestamp, lapsed_since: Timestamp) -> Members {
    let mut out = Members::default();
    for m in all {
        if (from..to).contains(&m.joined) {
            out.new.push(m.clone());
        }
        // Lapsed by the period's end, even after a visit early in the period.
        if m.last.is_some_and(|last| last < lapsed_since) {
            out.lapsed.push(m.clone());
        }
        if m.visits > 0 {
            match out.by_category.iter_mut().find(|(c, _)| *c == m.category) {
                Some((_, n)) => *n += 1,
                None => out.by_category.push((m.category.clone(), 1)),
            }
            out.active.push(m);
        }
    }
    out.active.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.name.cmp(&b.name)));
    out.lapsed.sort_by(|a, b| b.last.cmp(&a.last).then_with(|| a.name.cmp(&b.name)));
    out.new.sort_by_key(|m| std::cmp::Reverse(m.joined));
    out.by_category.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

impl Members {
    /// Where each member in the report stands by the period's end, for the export: lapsed
    /// before active (they played early on, not since), active before new (a new member who
    /// played is playing).
    pub fn rows(&self) -> Vec<(Standing, &Member)> {
        let lapsed = |m: &Member| self.lapsed.iter().any(|l| l.id == m.id);
        let active = self.active.iter().filter(|m| !lapsed(m)).map(|m| (Standing::Active, m));
        let new = self.new.iter().filter(|m| m.visits == 0 && !lapsed(m)).map(|m| (Standing::New, m));
        active.chain(new).chain(self.lapsed.iter().map(|m| (Standing::Lapsed, m))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> Timestamp {
        format!("2026-{d}T12:00:00Z").parse().unwrap()
    }

    fn member(name: &str, category: Option<&str>, joined: &str, minutes: i64, last: Option<&str>) -> Member {
        Member {
            id: name.to_lowercase(),
            name: name.into(),
            category: category.map(str::to_owned),
            joined: day(joined),
            visits: minutes / 60,
            minutes,
            last: last.map(day),
        }
    }

    #[test]
    fn members_are_new_active_or_lapsed() {
        let all = vec![
            member("Anna", Some("Adult"), "01-10", 120, Some("11-20")),
            member("Boris", Some("Adult"), "01-10", 300, Some("11-25")),
            member("Clara", Some("Junior"), "11-15", 60, Some("11-16")),
            member("Dmitri", None, "11-20", 0, None),
            member("Elena", Some("Adult"), "02-01", 0, Some("09-01")),
            member("Fedor", Some("Adult"), "02-01", 60, Some("11-02")),
        ];
        // November; lapsed: no visit in the last four weeks (since 3 November).
        let m = members(all, day("11-01"), day("12-01"), day("11-03"));
        let names = |v: &[Member]| v.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&m.active), ["Boris", "Anna", "Clara", "Fedor"], "most hours first");
        assert_eq!(names(&m.new), ["Dmitri", "Clara"]);
        assert_eq!(names(&m.lapsed), ["Fedor", "Elena"], "Dmitri never played: new, not lapsed");
        assert_eq!(m.by_category, [(Some("Adult".into()), 3), (Some("Junior".into()), 1)]);
        let standing: Vec<(&str, &str)> = m.rows().iter().map(|(s, m)| (s.as_str(), m.name.as_str())).collect();
        assert_eq!(
            standing,
            [
                ("active", "Boris"),
                ("active", "Anna"),
                ("active", "Clara"),
                ("new", "Dmitri"),
                ("lapsed", "Fedor"),
                ("lapsed", "Elena")
            ]
        );
    }
}
