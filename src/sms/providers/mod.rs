//! Provider adapters speaking each provider's real HTTP API (research/sms.md §1–3), behind one
//! enum: send a batch, poll statuses, read the balance. Each maps its codes to `Status` and its
//! whole-request failures to `ProviderError`, which tells the sender what is safe to do next.

pub mod smsc;
pub mod smsru;
pub mod twilio;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::model::Status;

/// Which provider, as stored in settings and the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Writes messages to the log and calls them delivered: for trying Courtside out.
    Log,
    Smsru,
    Smsc,
    Twilio,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 4] =
        [ProviderKind::Log, ProviderKind::Smsru, ProviderKind::Smsc, ProviderKind::Twilio];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Log => "log",
            ProviderKind::Smsru => "smsru",
            ProviderKind::Smsc => "smsc",
            ProviderKind::Twilio => "twilio",
        }
    }

    pub fn parse(s: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::Log => "",
            ProviderKind::Smsru => "https://sms.ru",
            ProviderKind::Smsc => "https://smsc.ru",
            ProviderKind::Twilio => "https://api.twilio.com",
        }
    }

    /// Recipients per send request and message ids per status request.
    pub fn batch_size(self) -> usize {
        match self {
            ProviderKind::Log | ProviderKind::Smsru | ProviderKind::Smsc => 100,
            ProviderKind::Twilio => 1,
        }
    }

    /// SMSC answers error 9 to more than one mass status request a minute.
    pub fn min_poll_interval(self) -> Duration {
        match self {
            ProviderKind::Smsc => Duration::from_secs(60),
            _ => Duration::ZERO,
        }
    }

    /// Whether a message whose send went ambiguous can be looked up, so it is found or proven
    /// missing instead of staying unknown: SMSC by the id we chose, Twilio by listing the
    /// messages to that number. SMS.ru has no way.
    pub fn looks_up_ambiguous(self) -> bool {
        matches!(self, ProviderKind::Smsc | ProviderKind::Twilio)
    }

    /// Whether the provider needs a login besides the secret.
    pub fn needs_login(self) -> bool {
        matches!(self, ProviderKind::Smsc | ProviderKind::Twilio)
    }
}

/// The provider as configured: credentials stay in the hub's `sms_provider` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub sender: String,
    pub base_url: String,
    pub login: String,
    pub secret: String,
}

impl ProviderConfig {
    pub fn base_url(&self) -> String {
        let url = if self.base_url.trim().is_empty() { self.kind.default_base_url() } else { self.base_url.trim() };
        url.trim_end_matches('/').to_owned()
    }
}

/// One message to hand over.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Our outbox id (SMSC uses it as the message id).
    pub id: String,
    /// E.164 with '+'.
    pub phone: String,
    pub text: String,
}

/// What became of one message of a send request that as a whole went through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Submitted {
    Accepted {
        provider_id: String,
        status: Status,
        cost_micros: Option<i64>,
        segments: Option<i64>,
    },
    /// The provider definitely did not take it and never will (bad number, stop-list...).
    Refused {
        status: Status,
        code: String,
        note: String,
    },
    /// Not taken this time; safe to send again later (per-number rate limit).
    RetryLater {
        code: String,
        note: String,
        after_secs: i64,
    },
    /// Missing from an otherwise good answer: we cannot tell, so never resent.
    Unanswered,
}

/// A whole request that did not go through, classed by what is safe to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Credentials refused: stop sending, alert the manager; no attempt is used up.
    #[error("credentials refused: {0}")]
    Auth(String),
    /// Out of money: stop sending, alert the manager.
    #[error("no money on the account: {0}")]
    NoMoney(String),
    /// Something the manager must fix in settings (sender name not approved...).
    #[error("provider settings: {0}")]
    Config(String),
    /// Try again later; the request was refused as a whole, nothing was sent.
    #[error("provider busy or rate-limited: {note}")]
    Retry { note: String, after_secs: Option<i64> },
    /// Never reached the provider (connection refused, DNS): safe to resend.
    #[error("provider not reached: {0}")]
    NotSent(String),
    /// The request may have been taken (timeout after sending, 5xx on send, garbled answer):
    /// never resend blindly.
    #[error("no clear answer from the provider: {0}")]
    Ambiguous(String),
}

impl ProviderError {
    /// The reason stored with a paused sender, if this error pauses it.
    pub fn pause_reason(&self) -> Option<&'static str> {
        match self {
            ProviderError::Auth(_) => Some("auth"),
            ProviderError::NoMoney(_) => Some("no_money"),
            ProviderError::Config(_) => Some("config"),
            _ => None,
        }
    }
}

/// A provider's news about one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub message_id: String,
    pub status: Status,
    /// The provider's own code, kept for the report.
    pub raw: String,
    pub cost_micros: Option<i64>,
    /// The provider said it has no such message.
    pub not_found: bool,
    /// The provider's id, when the message was found by a lookup (Twilio's list).
    #[serde(default)]
    pub provider_id: Option<String>,
}

/// What the poller asks about.
#[derive(Debug, Clone)]
pub struct PollRef {
    pub message_id: String,
    pub provider_id: String,
    pub phone: String,
    /// For a lookup by content (Twilio): the text, and when the attempt was made.
    pub text: String,
    pub sent_at: jiff::Timestamp,
}

/// A configured provider with its HTTP client.
pub enum Provider {
    Log,
    Smsru(smsru::SmsRu),
    Smsc(smsc::Smsc),
    Twilio(twilio::Twilio),
}

/// Timeouts for provider requests: connect failures are safe to retry, a timeout after the
/// request was sent is not.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(5), total: Duration::from_secs(30) }
    }
}

/// Makes ring the process's TLS crypto provider (rustls without aws-lc, so no cmake and no
/// OpenSSL in the build). Every reqwest client needs it; calling it again is harmless.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn http_client(t: Timeouts) -> reqwest::Client {
    install_tls();
    reqwest::Client::builder()
        .connect_timeout(t.connect)
        .timeout(t.total)
        // Never let the client follow redirects or retry a POST on its own.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with default TLS settings")
}

impl Provider {
    pub fn new(cfg: &ProviderConfig, t: Timeouts) -> Provider {
        match cfg.kind {
            ProviderKind::Log => Provider::Log,
            ProviderKind::Smsru => Provider::Smsru(smsru::SmsRu::new(cfg, http_client(t))),
            ProviderKind::Smsc => Provider::Smsc(smsc::Smsc::new(cfg, http_client(t))),
            ProviderKind::Twilio => Provider::Twilio(twilio::Twilio::new(cfg, http_client(t))),
        }
    }

    pub fn kind(&self) -> ProviderKind {
        match self {
            Provider::Log => ProviderKind::Log,
            Provider::Smsru(_) => ProviderKind::Smsru,
            Provider::Smsc(_) => ProviderKind::Smsc,
            Provider::Twilio(_) => ProviderKind::Twilio,
        }
    }

    /// Hands over a batch (at most `batch_size`); the answer is index-aligned with `batch`.
    /// `batch_id` names the request (SMSC keeps it as the message id).
    pub async fn send(&self, batch_id: &str, batch: &[Outgoing]) -> Result<Vec<Submitted>, ProviderError> {
        match self {
            Provider::Log => Ok(batch
                .iter()
                .map(|m| {
                    tracing::info!(to = %m.phone, text = %m.text, "SMS (log provider, not sent)");
                    Submitted::Accepted {
                        provider_id: format!("log-{}", m.id),
                        status: Status::Delivered,
                        cost_micros: Some(0),
                        segments: None,
                    }
                })
                .collect()),
            Provider::Smsru(p) => p.send(batch).await,
            Provider::Smsc(p) => p.send(batch_id, batch).await,
            Provider::Twilio(p) => p.send(batch).await,
        }
    }

    /// News about sent messages (at most `batch_size` refs); refs without news are left out.
    pub async fn poll(&self, refs: &[PollRef]) -> Result<Vec<StatusUpdate>, ProviderError> {
        match self {
            Provider::Log => Ok(Vec::new()),
            Provider::Smsru(p) => p.poll(refs).await,
            Provider::Smsc(p) => p.poll(refs).await,
            Provider::Twilio(p) => p.poll(refs).await,
        }
    }

    /// The account balance as the provider states it ("4122.56 RUB").
    pub async fn balance(&self) -> Result<String, ProviderError> {
        match self {
            Provider::Log => Ok("—".into()),
            Provider::Smsru(p) => p.balance().await,
            Provider::Smsc(p) => p.balance().await,
            Provider::Twilio(p) => p.balance().await,
        }
    }
}

// ---- shared HTTP handling ----

/// Sends a request; returns the status and body, classing transport failures.
/// `is_send`: a failure after the request left makes a send ambiguous.
async fn exchange(req: reqwest::RequestBuilder, is_send: bool) -> Result<(u16, String), ProviderError> {
    let response = req.send().await.map_err(|e| transport_error(&e, is_send))?;
    let status = response.status().as_u16();
    let retry_after =
        response.headers().get("Retry-After").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let body = response.text().await.map_err(|e| transport_error(&e, is_send))?;
    if status == 429 {
        return Err(ProviderError::Retry { note: format!("HTTP 429 {}", excerpt(&body)), after_secs: retry_after });
    }
    Ok((status, body))
}

fn transport_error(e: &reqwest::Error, is_send: bool) -> ProviderError {
    if e.is_connect() || e.is_builder() {
        ProviderError::NotSent(e.to_string())
    } else if is_send {
        ProviderError::Ambiguous(format!("{e}"))
    } else {
        ProviderError::Retry { note: e.to_string(), after_secs: None }
    }
}

/// A short, single-line piece of a body for error notes (HTML error pages included).
fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(120).collect()
}

/// A 5xx or an unreadable body: ambiguous for a send, "try later" for anything else.
fn unclear(is_send: bool, status: u16, body: &str) -> ProviderError {
    let note = format!("HTTP {status}: {}", excerpt(body));
    if is_send { ProviderError::Ambiguous(note) } else { ProviderError::Retry { note, after_secs: None } }
}

/// A JSON number or string as text (providers send both).
fn text_of(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_of(v: &serde_json::Value) -> Option<i64> {
    text_of(v)?.parse().ok()
}

/// Looks a key up ignoring stray spaces around it (seen in SMS.ru answers).
fn field<'a>(obj: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    obj.get(key).or_else(|| obj.as_object()?.iter().find(|(k, _)| k.trim() == key).map(|(_, v)| v))
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}
