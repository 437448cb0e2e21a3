//! Configuration: defaults < courtside.toml < COURTSIDE_* environment < command-line flags.
//! The result is a plain value handed to `App`; nothing reads configuration globally.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;

pub const ENV_PREFIX: &str = "COURTSIDE_";
pub const FILE_NAME: &str = "courtside.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// The data folder: database, backups, secret key.
    pub data: PathBuf,
    /// Where the web server listens.
    pub bind: SocketAddr,
    /// Where the hub listens for its desks (TLS with the hub's own certificate).
    pub sync_bind: SocketAddr,
    /// Addresses of reverse proxies in front of Courtside. Only a request arriving from one of
    /// these has its `X-Forwarded-For` believed; otherwise the connection's own address counts
    /// (for login throttling and the session record), whatever headers say.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Club settings used when the database is created. Set here, they also lock the field on
    /// the Settings page (the file wins at every start).
    pub club_name: String,
    pub time_zone: String,
    pub locale: Locale,
    pub currency: String,
    /// tracing filter, e.g. "info" or "courtside=debug".
    pub log_level: String,
    pub session: SessionConfig,
    pub backup: BackupConfig,
    pub sms: SmsConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionConfig {
    /// A session ends after this many minutes without a request.
    pub idle_minutes: i64,
    /// A session ends this many hours after login, however busy.
    pub max_hours: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupConfig {
    /// Folder for backups (a USB stick, say); default: `backups` in the data folder.
    pub dir: Option<PathBuf>,
    /// Club-local hour after which the nightly backup is taken.
    pub hour: i8,
    pub keep_daily: usize,
    pub keep_weekly: usize,
}

/// SMS. Setting `provider` here pins the provider and its credentials (the Settings page then
/// shows them read-only), for unattended installs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SmsConfig {
    /// "log", "smsru", "smsc" or "twilio"; empty: chosen on the SMS settings page.
    pub provider: String,
    pub sender: String,
    pub smsru: SmsRuConfig,
    pub smsc: SmscConfig,
    pub twilio: TwilioConfig,
    /// When the poller asks for delivery reports (cron with seconds).
    pub poll_schedule: String,
    pub connect_timeout_secs: u64,
    /// A send request without an answer after this long is "unknown", never resent blindly.
    pub timeout_secs: u64,
    pub requests_per_second: u32,
    /// A send without a clear answer is looked up this long after (SMSC, by our id)...
    pub ambiguous_check_secs: i64,
    /// ...and resent only once the provider said "not found" for at least this long.
    pub missing_after_secs: i64,
    /// Least time between two status requests; empty: the provider's own rule (SMSC: 60 s).
    pub min_poll_interval_secs: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SmsRuConfig {
    pub api_id: String,
    pub base_url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SmscConfig {
    pub login: String,
    pub password: String,
    pub base_url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: String,
    pub base_url: String,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            provider: String::new(),
            sender: String::new(),
            smsru: SmsRuConfig::default(),
            smsc: SmscConfig::default(),
            twilio: TwilioConfig::default(),
            poll_schedule: "*/30 * * * * *".into(),
            connect_timeout_secs: 5,
            timeout_secs: 30,
            requests_per_second: 5,
            ambiguous_check_secs: 30,
            missing_after_secs: 120,
            min_poll_interval_secs: None,
        }
    }
}

impl SmsConfig {
    pub fn timeouts(&self) -> crate::sms::providers::Timeouts {
        crate::sms::providers::Timeouts {
            connect: std::time::Duration::from_secs(self.connect_timeout_secs.max(1)),
            total: std::time::Duration::from_secs(self.timeout_secs.max(1)),
        }
    }

    pub fn resolution(&self) -> crate::sms::model::Resolution {
        crate::sms::model::Resolution {
            first_check_secs: self.ambiguous_check_secs.max(1),
            missing_after_secs: self.missing_after_secs.max(1),
        }
    }

    /// The provider this file pins, if any.
    pub fn pinned(&self) -> Option<crate::sms::providers::ProviderConfig> {
        use crate::sms::providers::{ProviderConfig, ProviderKind};
        let kind = ProviderKind::parse(&self.provider)?;
        let (base_url, login, secret) = match kind {
            ProviderKind::Log => (String::new(), String::new(), String::new()),
            ProviderKind::Smsru => (self.smsru.base_url.clone(), String::new(), self.smsru.api_id.clone()),
            ProviderKind::Smsc => (self.smsc.base_url.clone(), self.smsc.login.clone(), self.smsc.password.clone()),
            ProviderKind::Twilio => {
                (self.twilio.base_url.clone(), self.twilio.account_sid.clone(), self.twilio.auth_token.clone())
            }
        };
        Some(ProviderConfig { kind, sender: self.sender.clone(), base_url, login, secret })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: PathBuf::from("courtside-data"),
            bind: "0.0.0.0:8080".parse().expect("valid address"),
            sync_bind: "0.0.0.0:8443".parse().expect("valid address"),
            trusted_proxies: Vec::new(),
            club_name: "Tennis Club".into(),
            time_zone: crate::club::model::system_time_zone(),
            locale: Locale::En,
            currency: "EUR".into(),
            log_level: "info".into(),
            session: SessionConfig { idle_minutes: 240, max_hours: 24 },
            backup: BackupConfig { dir: None, hour: 3, keep_daily: 7, keep_weekly: 4 },
            sms: SmsConfig::default(),
        }
    }
}

impl Config {
    pub fn backup_dir(&self) -> PathBuf {
        self.backup.dir.clone().unwrap_or_else(|| self.data.join("backups"))
    }
}

/// Values given on the command line; they override everything else.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_bind: Option<SocketAddr>,
    #[serde(skip)]
    pub config_file: Option<PathBuf>,
    /// `--init`: create a new, empty club even where signs of an earlier one remain.
    #[serde(skip)]
    pub init: bool,
}

impl Provider for Flags {
    fn metadata(&self) -> Metadata {
        Metadata::named("command-line flag")
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Serialized::defaults(self).data()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the configuration file {path} was not found. Fix: create it, or leave out --config.")]
    MissingFile { path: PathBuf },
    #[error("the configuration is not valid: {0}. Fix: correct that value in {FILE_NAME} or the COURTSIDE_ variable.")]
    Invalid(String),
}

/// The loaded configuration together with where each value came from.
pub struct Loaded {
    pub config: Config,
    pub file: PathBuf,
    /// See `Flags::init`.
    pub init: bool,
    figment: Figment,
}

pub fn load(flags: &Flags) -> Result<Loaded, ConfigError> {
    let env_data = std::env::var_os(format!("{ENV_PREFIX}DATA")).map(PathBuf::from);
    let data_hint = flags.data.clone().or(env_data).unwrap_or_else(|| Config::default().data);
    let explicit_file =
        flags.config_file.clone().or_else(|| std::env::var_os(format!("{ENV_PREFIX}CONFIG")).map(PathBuf::from));
    if let Some(path) = explicit_file.as_ref().filter(|p| !p.is_file()) {
        return Err(ConfigError::MissingFile { path: path.clone() });
    }
    let file = explicit_file.unwrap_or_else(|| data_hint.join(FILE_NAME));
    let defaults = Config { data: data_hint, ..Config::default() };
    let figment = Figment::from(Serialized::defaults(defaults))
        .merge(Toml::file(&file))
        .merge(Env::prefixed(ENV_PREFIX).ignore(&["config"]).split("__"))
        .merge(flags.clone());
    let config: Config = figment.extract().map_err(|e| ConfigError::Invalid(e.to_string()))?;
    if !crate::club::model::is_time_zone(&config.time_zone) {
        return Err(ConfigError::Invalid(format!("time_zone \"{}\" is not an IANA time zone", config.time_zone)));
    }
    if !config.sms.provider.is_empty() && crate::sms::providers::ProviderKind::parse(&config.sms.provider).is_none() {
        return Err(ConfigError::Invalid(format!(
            "sms.provider \"{}\" is not one of log, smsru, smsc, twilio",
            config.sms.provider
        )));
    }
    if !crate::club::model::is_currency(&config.currency) {
        return Err(ConfigError::Invalid(format!("currency \"{}\" is not an ISO 4217 code", config.currency)));
    }
    Ok(Loaded { config, file, init: flags.init, figment })
}

impl Loaded {
    /// Where `key` (dotted) got its value: "default", the file, an environment variable, or a flag.
    pub fn source_of(&self, key: &str) -> String {
        match self.figment.find_metadata(key) {
            Some(meta) => match &meta.source {
                Some(figment::Source::File(path)) => format!("file {}", path.display()),
                _ if meta.name.contains("environment") => {
                    format!("environment {ENV_PREFIX}{}", key.to_ascii_uppercase().replace('.', "__"))
                }
                _ if meta.name == "command-line flag" => format!("flag --{key}"),
                _ => "default".into(),
            },
            None => "default".into(),
        }
    }

    /// True when `key` was set by the operator rather than left at its default.
    /// " --data DIR" when the data folder is not the default one, for hints that name a command.
    pub fn data_flag(&self) -> String {
        if !self.is_set("data") {
            return String::new();
        }
        let dir = self.config.data.display().to_string();
        if dir.contains(char::is_whitespace) { format!(" --data \"{dir}\"") } else { format!(" --data {dir}") }
    }

    pub fn is_set(&self, key: &str) -> bool {
        self.source_of(key) != "default"
    }

    /// Every effective value with its source, secrets masked: what `config show` prints.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        let value = serde_json::to_value(&self.config).expect("config serialises");
        let mut out = Vec::new();
        flatten("", &value, &mut out);
        out.into_iter()
            .map(|(key, v)| {
                let shown = if is_secret(&key) && !v.is_empty() { "********".to_owned() } else { v };
                let source = self.source_of(&key);
                (key, shown, source)
            })
            .collect()
    }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, child, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        serde_json::Value::Null => out.push((prefix.to_owned(), String::new())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "secret", "token", "api_id", "api_key", "auth"].iter().any(|s| k.contains(s))
}

/// The secret key file in the data folder (Rocket's cookie key), created on first start.
pub fn secret_key_path(data: &Path) -> PathBuf {
    data.join("secret.key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        assert!(is_secret("sms.smsru.api_id"));
        assert!(is_secret("sms.twilio.auth_token"));
        assert!(!is_secret("club_name"));
    }

    #[test]
    fn file_then_flags_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "club_name = \"Spartak\"\nbind = \"127.0.0.1:9000\"\n").unwrap();
        let flags = Flags {
            data: Some(dir.path().to_owned()),
            bind: Some("127.0.0.1:9100".parse().unwrap()),
            ..Flags::default()
        };
        let loaded = load(&flags).unwrap();
        assert_eq!(loaded.config.club_name, "Spartak");
        assert_eq!(loaded.config.bind.port(), 9100);
        assert!(loaded.source_of("club_name").starts_with("file "));
        assert_eq!(loaded.source_of("bind"), "flag --bind");
        assert_eq!(loaded.source_of("currency"), "default");
    }
}
