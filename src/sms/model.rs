//! Pure SMS rules: the one status model every provider maps to, segment counting, quiet hours,
//! reminder timing, template variables, retry backoff and cost parsing. No I/O, no clock.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Where a message is. The first three and `Cancelled` are ours; the rest is the common delivery
/// model (research/sms.md §6) that every provider status maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting in the outbox.
    Pending,
    /// Leased by the sender: the request may be on its way.
    Sending,
    Queued,
    Sent,
    Delivered,
    Failed,
    Expired,
    Rejected,
    /// The provider does not know it, or a send went ambiguous: never resent blindly.
    Unknown,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Pending,
        Status::Sending,
        Status::Queued,
        Status::Sent,
        Status::Delivered,
        Status::Failed,
        Status::Expired,
        Status::Rejected,
        Status::Unknown,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sending => "sending",
            Status::Queued => "queued",
            Status::Sent => "sent",
            Status::Delivered => "delivered",
            Status::Failed => "failed",
            Status::Expired => "expired",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Nothing more will happen to it (an `Unknown` is only final once polling gave up, which
    /// the outbox records by clearing `next_poll_at`).
    pub fn is_final(self) -> bool {
        matches!(self, Status::Delivered | Status::Failed | Status::Expired | Status::Rejected | Status::Cancelled)
    }

    fn rank(self) -> u8 {
        match self {
            Status::Pending | Status::Sending | Status::Unknown => 0,
            Status::Queued => 1,
            Status::Sent => 2,
            _ => 3,
        }
    }

    /// Whether a provider's report `new` may replace `self`: updates only move forward (reports
    /// arrive out of order), except that a late "delivered" beats "expired" and "unknown".
    pub fn accepts(self, new: Status) -> bool {
        if self == new || self == Status::Cancelled {
            return false;
        }
        if new == Status::Delivered && matches!(self, Status::Expired | Status::Unknown) {
            return true;
        }
        !self.is_final() && new.rank() > self.rank()
    }
}

/// Why a message exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Reminder,
    Confirmation,
    Cancellation,
    Campaign,
    Manual,
    Code,
    Test,
    /// A waiting-list offer: a freed court time held for the player for a short while.
    Offer,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reminder => "reminder",
            Kind::Confirmation => "confirmation",
            Kind::Cancellation => "cancellation",
            Kind::Campaign => "campaign",
            Kind::Manual => "manual",
            Kind::Code => "code",
            Kind::Test => "test",
            Kind::Offer => "offer",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Reminder,
            Kind::Confirmation,
            Kind::Cancellation,
            Kind::Campaign,
            Kind::Manual,
            Kind::Code,
            Kind::Test,
            Kind::Offer,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Club-initiated messages wait for the end of quiet hours; a message staff send by hand
    /// or a one-time code or a waiting-list offer goes at once.
    pub fn respects_quiet_hours(self) -> bool {
        matches!(self, Kind::Reminder | Kind::Campaign | Kind::Confirmation | Kind::Cancellation)
    }
}

// ---- segments ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub parts: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// Largest text accepted anywhere (SMS.ru refuses more than 8 parts).
pub const MAX_PARTS: usize = 8;

/// How many SMS a text costs: GSM-7 160 / 153 per part (extension characters take two septets
/// and are never split across parts), otherwise UCS-2 70 / 67 (surrogate pairs never split).
pub fn segments(text: &str) -> Segments {
    if text.is_empty() {
        return Segments { encoding: Encoding::Gsm7, units: 0, parts: 0 };
    }
    let gsm: Option<Vec<usize>> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .collect();
    let (encoding, widths, single, per_part) = match gsm {
        Some(w) => (Encoding::Gsm7, w, 160, 153),
        None => (Encoding::Ucs2, text.chars().map(char::len_utf16).collect(), 70, 67),
    };
    let units: usize = widths.iter().sum();
    if units <= single {
        return Segments { encoding, units, parts: 1 };
    }
    let (mut parts, mut used) = (1, 0);
    for w in widths {
        if used + w > per_part {
            parts += 1;
            used = 0;
        }
        used += w;
    }
    Segments { encoding, units, parts }
}

// ---- quiet hours and reminder timing ----

/// Club-local minutes [from, to) when no club-initiated SMS goes out; may wrap midnight.
/// `from == to` means no quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: u16,
    pub to: u16,
}

impl QuietHours {
    fn contains_minute(self, m: u16) -> bool {
        match self.from.cmp(&self.to) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => m >= self.from && m < self.to,
            std::cmp::Ordering::Greater => m >= self.from || m < self.to,
        }
    }

    fn minute_of(at: Timestamp, tz: &TimeZone) -> u16 {
        let t = at.to_zoned_datetime(tz.clone());
        (t.hour() as u16) * 60 + t.minute() as u16
    }

    pub fn contains(self, at: Timestamp, tz: &TimeZone) -> bool {
        self.contains_minute(Self::minute_of(at, tz))
    }

    /// The first instant at or after `at` outside quiet hours.
    pub fn next_allowed(self, at: Timestamp, tz: &TimeZone) -> Timestamp {
        let mut t = at;
        // Minute steps keep this DST-proof; quiet hours last at most a day.
        for _ in 0..=24 * 60 {
            if !self.contains(t, tz) {
                return t;
            }
            t = t.checked_add(SignedDuration::from_mins(1)).unwrap_or(t);
        }
        at
    }

    /// The last minute before `at` outside quiet hours (searching at most a day back).
    fn last_allowed_before(self, at: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let mut t = at;
        for _ in 0..=24 * 60 {
            t = t.checked_sub(SignedDuration::from_mins(1)).ok()?;
            if !self.contains(t, tz) {
                return Some(t);
            }
        }
        None
    }
}

/// When a reminder for a booking starting at `starts` goes out: `hours` before it, moved
/// earlier to before the quiet hours if it falls inside them (a 09:00 game gets its reminder
/// the evening before, not at 06:00), or to their end if "before" is already past. `None` when
/// there is no sensible time left (the booking starts too soon).
pub fn reminder_time(
    starts: Timestamp,
    hours: i64,
    quiet: QuietHours,
    tz: &TimeZone,
    now: Timestamp,
) -> Option<Timestamp> {
    let wanted = starts.checked_sub(SignedDuration::from_hours(hours)).ok()?;
    let at = if quiet.contains(wanted, tz) {
        match quiet.last_allowed_before(wanted, tz) {
            Some(before) if before > now => before,
            _ => quiet.next_allowed(wanted, tz),
        }
    } else {
        wanted
    };
    let at = at.max(now);
    // Sent less than a quarter of an hour before the start, a reminder is noise.
    (at < starts - SignedDuration::from_mins(15)).then_some(at)
}

// ---- templates ----

/// The values a booking message may use, by variable name.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub name: String,
    pub court: String,
    pub date: String,
    pub time: String,
    pub club: String,
}

pub const VARIABLES: [&str; 5] = ["name", "court", "date", "time", "club"];

/// Fills `{name}`, `{court}`, `{date}`, `{time}` and `{club}`; anything else is left as written.
pub fn fill(template: &str, v: &Vars) -> String {
    template
        .replace("{name}", &v.name)
        .replace("{court}", &v.court)
        .replace("{date}", &v.date)
        .replace("{time}", &v.time)
        .replace("{club}", &v.club)
}

/// A `{word}` in the template that is not one of the variables (a typo the manager should see).
pub fn unknown_variable(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let word = &after[..close];
        if !VARIABLES.contains(&word) {
            return Some(word.to_owned());
        }
        rest = &after[close + 1..];
    }
    None
}

// ---- retries and money ----

/// How a send that may or may not have reached the provider is settled, for providers that can
/// look a message up by our id: first asked about after `first_check_secs`; resent only once
/// the provider has said "not found" for at least `missing_after_secs` after the attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub first_check_secs: i64,
    pub missing_after_secs: i64,
}

impl Default for Resolution {
    fn default() -> Self {
        Resolution { first_check_secs: 30, missing_after_secs: 120 }
    }
}

/// Attempts before a transiently failing message is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// Delay before retry number `attempt` (1-based): exponential, 5 s doubling to a 10 min cap.
/// `jitter` in [0, 1) spreads retries of many messages (full jitter: 0 ..= the delay).
pub fn backoff(attempt: i64, jitter: f64) -> SignedDuration {
    let exp = attempt.clamp(1, 12) - 1;
    let cap = (5i64 << exp).min(600);
    SignedDuration::from_secs(((cap as f64) * jitter.clamp(0.0, 1.0)).round().max(1.0) as i64)
}

/// When to ask the provider again about a message sent at `sent`: often at first, then hourly;
/// `None` after three days (the message is then left as it is, `unknown` if nothing came).
pub fn next_poll(sent: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let age = now.duration_since(sent);
    let step = [(60, 30), (120, 60), (300, 120), (600, 300), (1800, 600), (3600, 1800)]
        .iter()
        .find(|(under, _)| age.as_secs() < *under)
        .map_or(3600, |(_, s)| *s);
    (age < SignedDuration::from_hours(72)).then(|| now + SignedDuration::from_secs(step))
}

/// A provider's amount ("0.50", 0.5, "-0.00750") as millionths, sign dropped (Twilio prices
/// are negative). Lenient about spaces; `None` for anything that is not a decimal number.
pub fn parse_micros(raw: &str) -> Option<i64> {
    let s = raw.trim().trim_start_matches(['-', '+']);
    if s.is_empty() {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut frac6: String = frac.chars().take(6).collect();
    while frac6.len() < 6 {
        frac6.push('0');
    }
    whole.checked_mul(1_000_000)?.checked_add(frac6.parse::<i64>().ok()?)
}

/// Millionths as a short decimal ("0.5", "12.0075").
pub fn show_micros(micros: i64) -> String {
    let whole = micros / 1_000_000;
    let frac = format!("{:06}", (micros % 1_000_000).abs());
    let frac = frac.trim_end_matches('0');
    let frac = if frac.len() < 2 { format!("{frac:0<2}") } else { frac.to_owned() };
    format!("{whole}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_table() {
        let latin = |n: usize| "a".repeat(n);
        let cyr = |n: usize| "я".repeat(n);
        let cases: Vec<(String, Encoding, usize, usize)> = vec![
            (String::new(), Encoding::Gsm7, 0, 0),
            (latin(160), Encoding::Gsm7, 160, 1),
            (latin(161), Encoding::Gsm7, 161, 2),
            (latin(306), Encoding::Gsm7, 306, 2),
            (latin(307), Encoding::Gsm7, 307, 3),
            (cyr(70), Encoding::Ucs2, 70, 1),
            (cyr(71), Encoding::Ucs2, 71, 2),
            (cyr(134), Encoding::Ucs2, 134, 2),
            (cyr(135), Encoding::Ucs2, 135, 3),
            // Extension characters take two septets.
            (format!("{}€", latin(158)), Encoding::Gsm7, 160, 1),
            (format!("{}€", latin(159)), Encoding::Gsm7, 161, 2),
            // An escape pair is never split: 152 + 2 does not fit in 153, so it opens part 2.
            (format!("{}{{{}", latin(152), latin(10)), Encoding::Gsm7, 164, 2),
            (format!("{}{{{}", latin(152), latin(153)), Encoding::Gsm7, 307, 3),
            // One Cyrillic look-alike turns a Latin text into UCS-2.
            (format!("Hello {}", 'А'), Encoding::Ucs2, 7, 1),
            // A curly quote does too; an emoji is two UTF-16 units.
            ("it’s".into(), Encoding::Ucs2, 4, 1),
            (format!("{}😀", cyr(68)), Encoding::Ucs2, 70, 1),
            (format!("{}😀", cyr(69)), Encoding::Ucs2, 71, 2),
            ("Ünïcödé? no: äöñü".into(), Encoding::Ucs2, 17, 1),
            ("äöñüà ÄÖÑÜ @£$".into(), Encoding::Gsm7, 14, 1),
        ];
        for (text, enc, units, parts) in cases {
            let s = segments(&text);
            assert_eq!((s.encoding, s.units, s.parts), (enc, units, parts), "{text:?}");
        }
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        // 66 units, then an emoji (2) does not fit into the 67 left: it opens part 2.
        let s = segments(&format!("{}😀{}", "я".repeat(66), "я".repeat(10)));
        assert_eq!((s.units, s.parts), (78, 2));
    }

    #[test]
    fn statuses_only_move_forward() {
        use Status::*;
        assert!(Queued.accepts(Sent));
        assert!(Sent.accepts(Delivered));
        assert!(!Delivered.accepts(Sent), "a late 'sent' after 'delivered' is ignored");
        assert!(!Failed.accepts(Delivered));
        assert!(Expired.accepts(Delivered), "late delivery reports happen");
        assert!(Unknown.accepts(Delivered));
        assert!(Unknown.accepts(Queued));
        assert!(!Cancelled.accepts(Sent));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let q = QuietHours { from: 22 * 60, to: 9 * 60 };
        assert!(q.contains(at("2026-11-29T20:00:00Z"), &tz)); // 23:00 Moscow
        assert!(q.contains(at("2026-11-29T05:59:00Z"), &tz)); // 08:59
        assert!(!q.contains(at("2026-11-29T06:00:00Z"), &tz)); // 09:00
        assert!(!q.contains(at("2026-11-29T18:59:00Z"), &tz)); // 21:59
        assert_eq!(q.next_allowed(at("2026-11-29T20:00:00Z"), &tz), at("2026-11-30T06:00:00Z"));
        assert_eq!(q.next_allowed(at("2026-11-29T10:00:00Z"), &tz), at("2026-11-29T10:00:00Z"));
        let none = QuietHours { from: 0, to: 0 };
        assert!(!none.contains(at("2026-11-29T00:00:00Z"), &tz));
    }

    #[test]
    fn reminder_times() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let q = QuietHours { from: 22 * 60, to: 9 * 60 };
        let now = at("2026-11-29T09:00:00Z"); // 12:00 Moscow
        // 18:00 game, 3 h before: 15:00.
        assert_eq!(reminder_time(at("2026-11-30T15:00:00Z"), 3, q, &tz, now), Some(at("2026-11-30T12:00:00Z")));
        // 09:00 game tomorrow, 3 h before is 06:00 (quiet): the evening before, 21:59.
        assert_eq!(reminder_time(at("2026-11-30T06:00:00Z"), 3, q, &tz, now), Some(at("2026-11-29T18:59:00Z")));
        // Booked at 23:00 for 10:00 next morning: "before" is past, so at 09:00.
        let late = at("2026-11-29T20:00:00Z");
        assert_eq!(reminder_time(at("2026-11-30T07:00:00Z"), 3, q, &tz, late), Some(at("2026-11-30T06:00:00Z")));
        // Booked for in ten minutes: no reminder.
        assert_eq!(reminder_time(now + SignedDuration::from_mins(10), 3, q, &tz, now), None);
        // Booked for in two hours with a 3 h reminder: now.
        assert_eq!(reminder_time(now + SignedDuration::from_hours(2), 3, q, &tz, now), Some(now));
    }

    #[test]
    fn templates_fill_known_variables() {
        let v = Vars {
            name: "Ann".into(),
            court: "Court 2".into(),
            date: "30 Nov".into(),
            time: "18:00".into(),
            club: "Spartak".into(),
        };
        assert_eq!(fill("{name}: {court} {date} {time} · {club}", &v), "Ann: Court 2 30 Nov 18:00 · Spartak");
        assert_eq!(unknown_variable("Hi {name} at {tme}"), Some("tme".into()));
        assert_eq!(unknown_variable("Hi {name}"), None);
    }

    #[test]
    fn money_is_parsed_leniently() {
        assert_eq!(parse_micros("0.50"), Some(500_000));
        assert_eq!(parse_micros(" 0.5 "), Some(500_000));
        assert_eq!(parse_micros("-0.00750"), Some(7_500));
        assert_eq!(parse_micros("4122.56"), Some(4_122_560_000));
        assert_eq!(parse_micros("12"), Some(12_000_000));
        assert_eq!(parse_micros("abc"), None);
        assert_eq!(parse_micros(""), None);
        assert_eq!(show_micros(500_000), "0.50");
        assert_eq!(show_micros(12_007_500), "12.0075");
    }

    #[test]
    fn backoff_grows_to_a_cap() {
        assert_eq!(backoff(1, 1.0), SignedDuration::from_secs(5));
        assert_eq!(backoff(3, 1.0), SignedDuration::from_secs(20));
        assert_eq!(backoff(20, 1.0), SignedDuration::from_secs(600));
        assert_eq!(backoff(3, 0.0), SignedDuration::from_secs(1));
    }

    #[test]
    fn polling_slows_down_then_stops() {
        let sent = at("2026-11-29T09:00:00Z");
        assert_eq!(next_poll(sent, sent), Some(sent + SignedDuration::from_secs(30)));
        let later = sent + SignedDuration::from_hours(5);
        assert_eq!(next_poll(sent, later), Some(later + SignedDuration::from_hours(1)));
        assert_eq!(next_poll(sent, sent + SignedDuration::from_hours(73)), None);
    }
}
