//! Member rules: names folded for search, phones in E.164, what a valid member is. No I/O.

use jiff::civil::Date;
use phonenumber::country;
use serde::{Deserialize, Serialize};

pub type Problems = Vec<(&'static str, &'static str)>;

/// Folds text for case-insensitive search in Latin and Cyrillic: lower case, ё → е, single spaces.
pub fn fold(s: &str) -> String {
    s.split_whitespace().map(|w| w.to_lowercase().replace('ё', "е")).collect::<Vec<_>>().join(" ")
}

/// Only the digits of `s` (for searching phones by any part of the number).
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

pub fn parse_region(code: &str) -> Option<country::Id> {
    code.trim().to_ascii_uppercase().parse().ok()
}

/// The number in E.164 (`+79161234567`), reading numbers without `+` as local to `region`.
/// An empty input is no phone; anything that is not a real number is an error.
pub fn normalize_phone(raw: &str, region: &str) -> Result<Option<String>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let number = phonenumber::parse(parse_region(region), raw).map_err(|_| "phone-invalid")?;
    if !phonenumber::is_valid(&number) {
        return Err("phone-invalid");
    }
    Ok(Some(number.format().mode(phonenumber::Mode::E164).to_string()))
}

/// A phone as people read it: `+7 916 123-45-67`. Remembered per number: parsing against the
/// full numbering metadata is the slowest part of showing a list of members.
pub fn display_phone(e164: &str) -> String {
    static SEEN: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
        std::sync::LazyLock::new(Default::default);
    if let Some(shown) = SEEN.lock().expect("phone cache").get(e164) {
        return shown.clone();
    }
    let shown = phonenumber::parse(None, e164)
        .map(|n| n.format().mode(phonenumber::Mode::International).to_string())
        .unwrap_or_else(|_| e164.to_owned());
    let mut seen = SEEN.lock().expect("phone cache");
    // A club's members fit many times over; a runaway import cannot grow it without bound.
    if seen.len() >= 50_000 {
        seen.clear();
    }
    seen.insert(e164.to_owned(), shown.clone());
    shown
}

/// What staff enter for a member (the phone already normalised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDraft {
    pub full_name: String,
    /// As typed; the command normalises it with the club's phone region.
    pub phone: String,
    pub email: String,
    pub birth_date: Option<Date>,
    pub category_id: Option<String>,
    pub tags: Vec<String>,
    pub notes: String,
    pub sms_consent: bool,
}

impl MemberDraft {
    pub fn tidy(mut self) -> Self {
        self.full_name = self.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.email = self.email.trim().to_owned();
        self.notes = self.notes.trim().to_owned();
        let mut tags: Vec<String> = self.tags.iter().map(|t| fold(t)).filter(|t| !t.is_empty()).collect();
        tags.sort();
        tags.dedup();
        self.tags = tags;
        self.category_id = self.category_id.filter(|c| !c.trim().is_empty());
        self
    }

    pub fn validate(&self, today: Date) -> Result<(), Problems> {
        let mut problems = Vec::new();
        match self.full_name.chars().count() {
            0 => problems.push(("full_name", "member-name-required")),
            101.. => problems.push(("full_name", "member-name-too-long")),
            _ => {}
        }
        if !self.email.is_empty() && (self.email.len() > 120 || !looks_like_email(&self.email)) {
            problems.push(("email", "email-invalid"));
        }
        if let Some(born) = self.birth_date
            && (born > today || born.year() < 1900)
        {
            problems.push(("birth_date", "birth-date-invalid"));
        }
        if self.tags.len() > 10 || self.tags.iter().any(|t| t.chars().count() > 30 || t.contains(',')) {
            problems.push(("tags", "tags-invalid"));
        }
        if self.notes.chars().count() > 2000 {
            problems.push(("notes", "notes-too-long"));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// Tags typed as "juniors, team A" → ["juniors", "team a"].
pub fn parse_tags(raw: &str) -> Vec<String> {
    raw.split(',').map(fold).filter(|t| !t.is_empty()).collect()
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A search as typed, prepared once to rank many members.
pub struct Query {
    text: String,
    /// The words of `text`: a name may be typed in another order ("smith chloe").
    words: Vec<String>,
    digits: String,
    /// `digits` without the trunk prefix a local number is dialled with ("8 916…" in Russia,
    /// "07911…" in Britain): stored numbers carry the country code in its place.
    phone: String,
    /// Only digits and phone punctuation: may be a card number or part of a phone.
    numeric: bool,
}

impl Query {
    /// `None` for a blank search. `region` is the club's country, whose way of writing local
    /// numbers a typed phone may follow.
    pub fn new(raw: &str, region: &str) -> Option<Query> {
        let text = fold(raw);
        if text.is_empty() {
            return None;
        }
        let digits = digits(raw);
        let numeric = !digits.is_empty() && digits.len() == text.replace([' ', '-', '(', ')', '+'], "").len();
        let local = !raw.trim_start().starts_with('+');
        let phone = trunk_prefix(region)
            .filter(|_| local)
            .and_then(|p| digits.strip_prefix(p))
            .filter(|rest| rest.len() >= 3)
            .unwrap_or(&digits)
            .to_owned();
        let words = text.split(' ').map(str::to_owned).collect();
        Some(Query { text, words, digits, phone, numeric })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The word of a search of several words that finds the fewest names: the longest.
    pub fn rarest_word(&self) -> Option<&str> {
        (self.words.len() > 1).then(|| self.words.iter().max_by_key(|w| w.len()).map(String::as_str)).flatten()
    }

    /// Digits worth looking for in phone numbers: three or more, typed as a number.
    pub fn phone_digits(&self) -> Option<&str> {
        (self.numeric && self.phone.len() >= 3).then_some(self.phone.as_str())
    }

    /// The card number this search could be (leading zeros as printed on the card).
    pub fn card_no(&self) -> Option<i64> {
        if !self.numeric {
            return None;
        }
        self.digits.trim_start_matches('0').parse().ok()
    }

    /// How well a member matches, best first: 0 name starts with the search, 1 a word of the
    /// name does (or each word of the search starts a word of the name, in any order), 2 card
    /// number, 3 phone digits (three or more), 4 the name contains it. `None`: no match.
    pub fn rank(&self, search_name: &str, phone_digits: &str, card_no: i64) -> Option<u8> {
        if search_name.starts_with(&self.text) {
            return Some(0);
        }
        if search_name.split(' ').any(|w| w.starts_with(&self.text))
            || (self.words.len() > 1 && self.each_word_starts_one(search_name))
        {
            return Some(1);
        }
        if self.card_no() == Some(card_no) {
            return Some(2);
        }
        if self.phone_digits().is_some_and(|d| phone_digits.contains(d)) {
            return Some(3);
        }
        search_name.contains(&self.text).then_some(4)
    }

    /// Whether each word of the search starts a different word of the name ("chl smi" for
    /// "smith chloe"; "петр п" is not "иванов петр"). The longest words pick first.
    fn each_word_starts_one(&self, search_name: &str) -> bool {
        let mut free: Vec<&str> = search_name.split(' ').collect();
        let mut words: Vec<&String> = self.words.iter().collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.into_iter().all(|q| match free.iter().position(|w| w.starts_with(q.as_str())) {
            Some(at) => {
                free.swap_remove(at);
                true
            }
            None => false,
        })
    }
}

/// The digit a local number is dialled with before the area code in `region` (8 in Russia, 0 in
/// Britain), if it has one.
fn trunk_prefix(region: &str) -> Option<&'static str> {
    let id = parse_region(region)?;
    phonenumber::metadata::DATABASE.by_id(id.as_ref())?.national_prefix()
}

/// A member card number as printed: six digits.
pub fn card_label(n: i64) -> String {
    format!("{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn folding_is_case_and_yo_insensitive() {
        assert_eq!(fold("  Фёдор   ИВАНОВ "), "федор иванов");
        assert_eq!(fold("Anna SMITH"), "anna smith");
        assert_eq!(digits("+7 (916) 123-45-67"), "79161234567");
    }

    #[test]
    fn phones_become_e164() {
        let table = [
            ("8 916 123-45-67", "RU", Ok(Some("+79161234567"))),
            ("+7 916 123 45 67", "GB", Ok(Some("+79161234567"))),
            ("07911 123456", "GB", Ok(Some("+447911123456"))),
            ("(212) 736-5000", "US", Ok(Some("+12127365000"))),
            ("", "RU", Ok(None)),
            ("123", "RU", Err("phone-invalid")),
            ("not a phone", "RU", Err("phone-invalid")),
        ];
        for (raw, region, expected) in table {
            assert_eq!(normalize_phone(raw, region), expected.map(|o| o.map(str::to_owned)), "{raw} in {region}");
        }
        assert_eq!(display_phone("+79161234567"), "+7 916 123-45-67");
    }

    #[test]
    fn drafts() {
        let today = date(2026, 11, 29);
        let good = MemberDraft {
            full_name: " Anna   Smith ".into(),
            phone: String::new(),
            email: "anna@example.org".into(),
            birth_date: Some(date(2010, 5, 1)),
            category_id: Some(" ".into()),
            tags: parse_tags("Juniors, team A, juniors"),
            notes: String::new(),
            sms_consent: true,
        }
        .tidy();
        assert_eq!(good.full_name, "Anna Smith");
        assert_eq!(good.tags, vec!["juniors", "team a"]);
        assert_eq!(good.category_id, None);
        assert_eq!(good.validate(today), Ok(()));
        let bad =
            MemberDraft { full_name: "".into(), email: "anna@".into(), birth_date: Some(date(2027, 1, 1)), ..good };
        assert_eq!(
            bad.validate(today),
            Err(vec![
                ("full_name", "member-name-required"),
                ("email", "email-invalid"),
                ("birth_date", "birth-date-invalid")
            ])
        );
    }

    #[test]
    fn search_ranks_prefixes_first() {
        let (name, phone, card) = ("иванов пётр", "79161234567", 42);
        let name = fold(name);
        let rank = |q: &str| Query::new(q, "RU").and_then(|q| q.rank(&name, phone, card));
        assert_eq!(rank("Иван"), Some(0));
        assert_eq!(rank("петр"), Some(1), "ё and е match");
        assert_eq!(rank("петр иванов"), Some(1), "words in another order");
        assert_eq!(rank("пет ив"), Some(1), "the start of each word");
        assert_eq!(rank("42"), Some(2), "card number");
        assert_eq!(rank("000042"), Some(2));
        assert_eq!(rank("4567"), Some(3), "phone digits");
        assert_eq!(rank("ванов"), Some(4));
        assert_eq!(rank("smith"), None);
        assert_eq!(rank("петр смирнов"), None, "every word must match");
        assert_eq!(rank("  "), None);
    }

    #[test]
    fn phones_are_found_as_people_type_them_in_the_clubs_country() {
        let (name, card) = (fold("Smith Chloe"), 7);
        let rank = |q: &str, region: &str, phone: &str| Query::new(q, region).and_then(|q| q.rank(&name, phone, card));
        for typed in ["8 967 371-66-65", "89673716665", "+7 967 371 66 65", "8967371", "967 371"] {
            assert_eq!(rank(typed, "RU", "79673716665"), Some(3), "{typed}");
        }
        assert_eq!(rank("07911 123456", "GB", "447911123456"), Some(3));
        assert_eq!(rank("+8 967", "RU", "79673716665"), None, "a + means the country code is typed");
        assert_eq!(rank("chloe smith", "RU", ""), Some(1));
        assert_eq!(rank("chl smi", "RU", ""), Some(1));
    }
}
