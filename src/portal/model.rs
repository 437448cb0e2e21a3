//! The portal's rules: what the club lets players do, and how long a sign-in code and a
//! player's session last. No I/O.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What the club lets players do on the portal (Settings → Portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// Players may sign in at all; off, /p/ says the portal is closed.
    pub enabled: bool,
    pub booking: bool,
    pub cancelling: bool,
    /// Players may wait for a taken time, and are offered it when it comes free.
    #[serde(default = "yes")]
    pub waitlist: bool,
    /// How long an offer holds the freed time for the player.
    #[serde(default = "default_offer_minutes")]
    pub offer_minutes: u16,
    /// The address players reach this server at, for links in SMS ("" when not set).
    #[serde(default)]
    pub address: String,
    /// Each court's taken times are published as a calendar anyone may subscribe to.
    #[serde(default)]
    pub court_feeds: bool,
    /// The booking widget answers the sites in `widget_origins`.
    #[serde(default)]
    pub widget: bool,
    /// Origins (`https://club.example.ru`) allowed to embed the widget.
    #[serde(default)]
    pub widget_origins: Vec<String>,
    /// Players may pay for what they book from their account (down to their credit limit)...
    #[serde(default)]
    pub pay_from_account: bool,
    /// ...or with a pass of theirs that covers it.
    #[serde(default)]
    pub pay_with_pass: bool,
    /// Players may keep a password and sign in with it instead of a code.
    #[serde(default)]
    pub passwords: bool,
    /// A visitor whose number is no member's may sign up with it (a code by SMS and a name):
    /// they become a member tagged `guest`, for staff to merge if they turn out to be known.
    #[serde(default)]
    pub guests: bool,
}

fn yes() -> bool {
    true
}

fn default_offer_minutes() -> u16 {
    30
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            enabled: false,
            booking: true,
            cancelling: true,
            waitlist: true,
            offer_minutes: default_offer_minutes(),
            address: String::new(),
            court_feeds: false,
            widget: false,
            widget_origins: Vec::new(),
            pay_from_account: false,
            pay_with_pass: false,
            passwords: false,
            guests: false,
        }
    }
}

impl PortalSettings {
    pub fn tidy(mut self) -> Self {
        self.address = self.address.trim().trim_end_matches('/').to_owned();
        self.widget_origins = self
            .widget_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
            .filter(|o| !o.is_empty())
            .collect();
        self.widget_origins.dedup();
        self
    }

    /// Whether a page of `origin` may use the widget.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.widget && self.widget_origins.iter().any(|o| o.eq_ignore_ascii_case(origin.trim_end_matches('/')))
    }

    /// Problems as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(5..=1440).contains(&self.offer_minutes) {
            return Err(("offer_minutes", "portal-offer-minutes-range"));
        }
        let a = &self.address;
        let scheme = a.strip_prefix("https://").or_else(|| a.strip_prefix("http://"));
        if !a.is_empty() && scheme.is_none_or(|rest| rest.is_empty() || rest.contains(char::is_whitespace)) {
            return Err(("address", "portal-address-invalid"));
        }
        if !self.widget_origins.iter().all(|o| is_origin(o)) {
            return Err(("widget_origins", "portal-origin-invalid"));
        }
        Ok(())
    }

    /// A link to `path` on the portal, when the club has said its address.
    pub fn link(&self, path: &str) -> Option<String> {
        (!self.address.is_empty()).then(|| format!("{}{path}", self.address))
    }
}

/// `https://host` or `http://host:port`: a scheme and a host, nothing after (what a browser
/// sends as `Origin`). The characters are those of host names and addresses, so an origin can
/// go into a header as it is.
fn is_origin(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://")) else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
}

/// The largest logo the club may upload: a header image, kept small for players on phones.
pub const LOGO_MAX_BYTES: usize = 200 * 1024;

/// The content type of a logo, read from its first bytes (what it says it is counts for
/// nothing): PNG, JPEG or WebP. SVG is refused, as it may carry script.
pub fn logo_type(bytes: &[u8]) -> Result<&'static str, &'static str> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err("portal-logo-too-big");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        Err("portal-logo-kind")
    }
}

/// A sign-in code is good for this long...
pub const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// ...and for this many wrong tries.
pub const CODE_TRIES: i64 = 5;
/// Codes asked for one number, and from one address, within `ASK_WINDOW`.
pub const CODES_PER_PHONE: i64 = 3;
pub const CODES_PER_ADDRESS: i64 = 10;
/// Codes asked for by everyone within `ASK_WINDOW`: past this, a flood from many addresses is
/// turned away rather than filling the outbox and the table.
pub const CODES_PER_WINDOW: i64 = 300;
pub const ASK_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Codes are kept this long (for the counts above and the audit), then deleted.
pub const CODES_KEPT: SignedDuration = SignedDuration::from_hours(24);

/// A player's session ends after this long unused, and after `SESSION_MAX` in any case.
pub const SESSION_IDLE: SignedDuration = SignedDuration::from_hours(24 * 30);
pub const SESSION_MAX: SignedDuration = SignedDuration::from_hours(24 * 90);

/// A code as stored: when it stops working, and what became of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRow {
    pub expires_at: Timestamp,
    pub tries: i64,
    pub used: bool,
}

/// Whether a code can still be tried at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Open {
        tries_left: i64,
    },
    /// Expired, used, or tried too often: the player asks for a new one.
    Closed,
}

impl CodeRow {
    pub fn state(&self, now: Timestamp) -> CodeState {
        if self.used || now >= self.expires_at || self.tries >= CODE_TRIES {
            CodeState::Closed
        } else {
            CodeState::Open { tries_left: CODE_TRIES - self.tries }
        }
    }
}

/// Six digits, as typed: spaces and dashes are ignored.
pub fn typed_code(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widget_answers_only_the_listed_sites() {
        let s = PortalSettings {
            widget: true,
            widget_origins: vec!["https://Club.Example/ ".into(), "http://127.0.0.1:8081".into()],
            ..PortalSettings::default()
        }
        .tidy();
        assert_eq!(s.validate(), Ok(()));
        assert!(s.allows_origin("https://club.example") && s.allows_origin("http://127.0.0.1:8081"));
        assert!(!s.allows_origin("http://127.0.0.1:8082") && !s.allows_origin("https://club.example.evil"));
        assert!(!PortalSettings { widget: false, ..s.clone() }.allows_origin("https://club.example"));
        for wrong in ["club.example", "https://club.example/path", "javascript:alert(1)", "https://a b", "https://"] {
            let bad = PortalSettings { widget_origins: vec![wrong.into()], ..PortalSettings::default() };
            assert_eq!(bad.validate(), Err(("widget_origins", "portal-origin-invalid")), "{wrong}");
        }
    }

    #[test]
    fn a_code_works_five_minutes_for_five_wrong_tries_and_once() {
        let made: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        let row = CodeRow { expires_at: made + CODE_LIFETIME, tries: 0, used: false };
        let at = |mins: i64| made + SignedDuration::from_secs(mins * 60 - 1);
        assert_eq!(row.state(at(5)), CodeState::Open { tries_left: 5 }, "a second before five minutes");
        assert_eq!(row.state(made + CODE_LIFETIME), CodeState::Closed);
        assert_eq!(CodeRow { tries: 4, ..row }.state(made), CodeState::Open { tries_left: 1 });
        assert_eq!(CodeRow { tries: 5, ..row }.state(made), CodeState::Closed);
        assert_eq!(CodeRow { used: true, ..row }.state(made), CodeState::Closed);
    }

    #[test]
    fn a_logo_is_known_by_its_first_bytes() {
        assert_eq!(logo_type(b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(logo_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Ok("image/jpeg"));
        assert_eq!(logo_type(b"RIFF\x10\0\0\0WEBPVP8 "), Ok("image/webp"));
        assert_eq!(logo_type(b"<svg onload=alert(1)>"), Err("portal-logo-kind"));
        assert_eq!(logo_type(b""), Err("portal-logo-kind"));
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(LOGO_MAX_BYTES + 1, 0);
        assert_eq!(logo_type(&big), Err("portal-logo-too-big"));
    }

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(typed_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(typed_code("123-456").as_deref(), Some("123456"));
        for wrong in ["12345", "1234567", "12345a", "", "١٢٣٤٥٦"] {
            assert_eq!(typed_code(wrong), None, "{wrong}");
        }
    }
}
