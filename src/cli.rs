//! The operator's console: `courtside serve | migrate | user | token | backup | restore | config | healthcheck`.
//! Errors print as one sentence with the fix, never a backtrace.

use std::fs::File;
use std::io::{BufRead, IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use uuid::Uuid;

use crate::app::App;
use crate::auth::commands::{CreateStaffUser, IssueApiToken, SetStaffActive, SetStaffPassword};
use crate::auth::model::check_password;
use crate::auth::{password, store as users, tokens};
use crate::clock::{Clock, SystemClock};
use crate::commands::AnyCommand;
use crate::config::{self, Flags, Loaded};
use crate::core::{Actor, Outcome, Role};
use crate::db::{backup, migrate};
use crate::i18n::{self, Locale};

/// `serve --service`: the Windows service entry; a child module so it can reuse `serve`.
#[cfg(windows)]
#[path = "winservice.rs"]
mod winservice;

#[derive(Parser)]
#[command(name = "courtside", version, about = "Courtside: the tennis club in one program")]
struct Cli {
    /// Data folder (database, backups, secret key). Default: ./courtside-data
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Configuration file. Default: courtside.toml in the data folder
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Start a new, empty club even though the data folder shows signs of an earlier one
    /// (a secret key, backups, an interrupted restore) but its database is missing or empty
    #[arg(long, global = true)]
    init: bool,
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand)]
enum Verb {
    /// Run the hub: web UI, JSON API and scheduled jobs
    Serve {
        /// Address and port to listen on. Default: 0.0.0.0:8080
        #[arg(long, value_name = "ADDR:PORT")]
        bind: Option<SocketAddr>,
        /// Address and port the desks connect to (TLS). Default: 0.0.0.0:8443
        #[arg(long, value_name = "ADDR:PORT")]
        sync_bind: Option<SocketAddr>,
        /// Run under the Windows service manager (the installed service's command line)
        #[cfg(windows)]
        #[arg(long, hide = true)]
        service: bool,
    },
    /// Run a front desk: its own replica of the hub's data, working on when the hub is away
    Desk {
        #[command(subcommand)]
        verb: Option<DeskVerb>,
        /// Address and port the desk's pages listen on. Default: 0.0.0.0:8080
        #[arg(long, value_name = "ADDR:PORT")]
        bind: Option<SocketAddr>,
    },
    /// Make a one-time code that pairs a desk with this hub
    #[command(subcommand)]
    DeskCode(DeskCodeVerb),
    /// Apply database migrations (serve does this too), backing up first
    Migrate,
    /// Manage staff accounts
    #[command(subcommand)]
    User(UserVerb),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenVerb),
    /// Write a consistent copy of the database (default: into the backups folder)
    Backup { file: Option<PathBuf> },
    /// Remove the change log's rows no desk needs any more, then shrink the database file (the
    /// server trims the log every night; this also gives the space back)
    TrimLog {
        /// Days of log to keep
        #[arg(long, default_value_t = crate::desk::retention::KEEP_DAYS)]
        keep_days: u32,
    },
    /// Replace the database with a backup (the server must be stopped; the old database is kept)
    Restore { file: PathBuf },
    /// Show configuration
    #[command(subcommand)]
    Config(ConfigVerb),
    /// Fill an empty data folder with a demo club (for trying Courtside out and benchmarks)
    Demo {
        #[arg(long, default_value_t = 8)]
        courts: usize,
        #[arg(long, default_value_t = 1000)]
        members: usize,
        /// Days of bookings, half before today and half after
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The club's language (en, ru): its currency, phone country and category names follow,
        /// unless courtside.toml pins them
        #[arg(long)]
        locale: Option<String>,
    },
    /// Exit 0 if the server answers /health, 1 if not
    Healthcheck {
        /// Server address. Default: the configured bind address
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserVerb {
    /// Add a staff account
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Full name shown in the UI. Default: the username
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        password: PasswordSource,
        /// The account is yours and you chose its password: no change at first login (others
        /// are asked to choose their own, as with accounts made on the Staff page)
        #[arg(long)]
        own_account: bool,
    },
    /// Set a new password (the user must change it at next login)
    Passwd {
        name: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// List staff accounts
    List,
    /// Disable an account and end its sessions
    Disable { name: String },
}

#[derive(Args)]
struct PasswordSource {
    /// Read the password from standard input instead of prompting
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Subcommand)]
enum TokenVerb {
    /// Print a new API token for a staff user (shown once)
    Create {
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "website"
        #[arg(long, default_value = "console")]
        name: String,
    },
}

#[derive(Subcommand)]
enum DeskVerb {
    /// Pair this desk with its hub, using a code made there
    Pair {
        /// The hub's address for desks, e.g. 192.168.1.10:8443
        #[arg(long, value_name = "HOST:PORT")]
        hub: String,
        #[arg(long)]
        code: String,
        /// What staff call this desk, e.g. "Front desk 2". Default: this computer's name
        #[arg(long)]
        name: Option<String>,
    },
    /// Make this desk the club's hub when the hub PC is gone for good (stop the desk first)
    Promote,
}

#[derive(Subcommand)]
enum DeskCodeVerb {
    /// Print a new pairing code (valid for the given minutes, once)
    Create {
        #[arg(long, default_value_t = 15)]
        minutes: i64,
    },
}

#[derive(Subcommand)]
enum ConfigVerb {
    /// Effective values and where each came from (secrets masked)
    Show,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "expected owner, manager, reception or coach".into())
}

pub fn main() -> ExitCode {
    crate::memory::configure();
    let cli = Cli::parse();
    let flags = Flags {
        data: cli.data.clone(),
        sync_bind: match &cli.verb {
            Verb::Serve { sync_bind, .. } => *sync_bind,
            _ => None,
        },
        bind: match &cli.verb {
            Verb::Serve { bind, .. } | Verb::Desk { bind, .. } => *bind,
            _ => None,
        },
        config_file: cli.config.clone(),
        init: cli.init,
    };
    let loaded = match config::load(&flags) {
        Ok(l) => l,
        Err(e) => return fail(e.into()),
    };
    // Console verbs report in plain sentences; their info-level log would only repeat them.
    let level = if matches!(cli.verb, Verb::Serve { .. } | Verb::Desk { verb: None, .. }) || loaded.is_set("log_level")
    {
        loaded.config.log_level.as_str()
    } else {
        "warn"
    };
    #[cfg(windows)]
    if let Verb::Serve { service: true, .. } = cli.verb {
        let level = level.to_owned();
        return winservice::run(loaded, &level).unwrap_or_else(fail);
    }
    init_logging(level, std::io::stderr, std::io::stderr().is_terminal());
    match run(cli.verb, &loaded) {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("courtside: {e:#}");
    ExitCode::FAILURE
}

/// Libraries that narrate their own work at info level; only their problems are of interest.
const QUIET: &str = "tokio_cron_scheduler=warn,hyper=warn";

fn init_logging<W>(level: &str, writer: W, ansi: bool)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_new(format!("{level},{QUIET}"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("info,{QUIET}")));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        .with_target(false)
        .finish();
    // Set as the tracing subscriber only, without taking over the `log` crate: Rocket (and the
    // route code it generates) logs through `log` every unmatched request and every refused
    // guard, which anyone could use to fill the journal. The server's own events say what matters.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

fn clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

fn run(verb: Verb, loaded: &Loaded) -> anyhow::Result<ExitCode> {
    match verb {
        Verb::Serve { .. } => serve(loaded, |_| {}),
        Verb::Desk { verb: None, .. } => {
            let _lock = lock_data(&loaded.config.data)?;
            let app = crate::desk::console::open_desk(loaded, clock())?;
            launch(loaded, app, |_| {})
        }
        Verb::Desk { verb: Some(DeskVerb::Pair { hub, code, name }), .. } => {
            let data = &loaded.config.data;
            let _lock = lock_data(data)?;
            let name = name.unwrap_or_else(computer_name);
            let club = crate::desk::console::pair(data, &hub, &code, &name, &SystemClock)?;
            println!("Paired \"{name}\" with the hub of {club}. Start the desk with `courtside desk`.");
            Ok(ExitCode::SUCCESS)
        }
        Verb::Desk { verb: Some(DeskVerb::Promote), .. } => {
            let data = &loaded.config.data;
            let _lock = lock_data(data)?;
            let (applied, refused) = crate::desk::console::promote(data, &SystemClock)?;
            println!(
                "This folder is now the club's hub ({applied} command(s) of this desk applied, {refused} refused). \
                 Start it with `courtside serve`, then pair the other desks with it (docs/desks.md)."
            );
            Ok(ExitCode::SUCCESS)
        }
        Verb::DeskCode(DeskCodeVerb::Create { minutes }) => {
            let app = App::open(loaded, clock())?;
            let code = crate::desk::console::create_code(&app, Actor::Console, minutes)?;
            println!("{code}");
            eprintln!(
                "On the desk PC, within {minutes} minutes: courtside desk pair --hub <this computer's address>:{} --code {code}",
                loaded.config.sync_bind.port()
            );
            Ok(ExitCode::SUCCESS)
        }
        Verb::Migrate => {
            let app = App::open(loaded, clock())?;
            let v = app.db.read_blocking(|c| Ok(migrate::schema_version(c)?))?;
            println!(
                "The database {} is at schema version {v} (the newest this program knows).",
                app.db.path().display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Verb::User(u) => user(u, &App::open(loaded, clock())?),
        Verb::Token(TokenVerb::Create { user, name }) => {
            let app = App::open(loaded, clock())?;
            let found = app.db.read_blocking(|c| Ok(users::user_by_username(c, &user)?))?;
            let Some(found) = found else {
                bail!("there is no staff user \"{user}\". Fix: check `courtside user list`.")
            };
            let secret = tokens::new_api_token();
            let cmd = AnyCommand::IssueApiToken(IssueApiToken {
                token_id: Uuid::now_v7().to_string(),
                user_id: found.id,
                name,
                token_hash: tokens::hash_secret(&secret),
            });
            expect_applied(app.run_blocking(Actor::Console, cmd)?.outcome)?;
            println!("{secret}");
            eprintln!("Keep this token safe: it is shown only now. Send it as `Authorization: Bearer <token>`.");
            Ok(ExitCode::SUCCESS)
        }
        Verb::TrimLog { keep_days } => trim_log(loaded, keep_days),
        Verb::Backup { file } => {
            let app = App::open(loaded, clock())?;
            let now = app.now();
            let dir = loaded.config.backup_dir();
            let written = app.db.read_blocking(|c| match &file {
                Some(f) => backup::copy_to(c, f).map(|_| f.clone()),
                None => backup::manual(c, &dir, now),
            })?;
            println!("Backup written to {}", written.display());
            Ok(ExitCode::SUCCESS)
        }
        Verb::Restore { file } => restore(loaded, &file),
        Verb::Config(ConfigVerb::Show) => {
            println!(
                "# configuration file: {}{}",
                loaded.file.display(),
                if loaded.file.is_file() { "" } else { " (not present)" }
            );
            for (key, value, source) in loaded.describe() {
                println!("{key} = {value:?}    # {source}");
            }
            let key = config::secret_key_path(&loaded.config.data);
            println!(
                "# secret key: {} ({})",
                key.display(),
                if key.is_file() { "present, not shown" } else { "created at first start" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Verb::Healthcheck { url } => healthcheck(url, loaded.config.bind),
        Verb::Demo { courts, members, days, seed, locale } => {
            let locale = match locale.as_deref().map(|l| (l, crate::i18n::Locale::parse(l))) {
                None => None,
                Some((_, Some(l))) => Some(l),
                Some((typed, None)) => anyhow::bail!("--locale {typed:?} is not a language Courtside speaks (en, ru)"),
            };
            // The demo's desk takes its past payments at their own times: a clock it can move.
            let demo_clock = Arc::new(crate::clock::TurnedClock::default());
            let app = App::open(loaded, demo_clock.clone())?;
            if let Some(locale) = locale {
                crate::demo::localise(&app, locale)?;
            }
            let started = std::time::Instant::now();
            let s = crate::demo::fill(&app, &demo_clock, &crate::demo::Options { courts, members, days, seed })?;
            println!("{}", s.said(started.elapsed(), &loaded.data_flag()));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn expect_applied(outcome: Outcome) -> anyhow::Result<()> {
    match outcome {
        Outcome::Applied { .. } => Ok(()),
        Outcome::Rejected(r) => {
            bail!("{}", crate::i18n::rejection_text(Locale::En, &r))
        }
    }
}

fn read_password(source: &PasswordSource, username: &str) -> anyhow::Result<String> {
    let password = if source.password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            bail!("the two passwords differ. Fix: run the command again and type the same password twice.");
        }
        first
    };
    if let Err(code) = check_password(&password, username) {
        bail!("{}", i18n::tr(Locale::En, code));
    }
    Ok(password)
}

fn user(verb: UserVerb, app: &App) -> anyhow::Result<ExitCode> {
    let find = |name: &str| -> anyhow::Result<users::StaffUser> {
        app.db
            .read_blocking(|c| Ok(users::user_by_username(c, name)?))?
            .with_context(|| format!("there is no staff user \"{name}\". Fix: check `courtside user list`."))
    };
    match verb {
        UserVerb::Add { name, role, display_name, password, own_account } => {
            let secret = read_password(&password, &name)?;
            let cmd = AnyCommand::CreateStaffUser(CreateStaffUser {
                user_id: Uuid::now_v7().to_string(),
                username: name.clone(),
                display_name: display_name.unwrap_or_else(|| name.clone()),
                role,
                locale: None,
                password_hash: password::hash(&secret)?,
                must_change_password: !own_account,
            });
            expect_applied(app.run_blocking(Actor::Console, cmd)?.outcome)?;
            if own_account {
                println!("Added {name} ({}).", role.as_str());
            } else {
                println!("Added {name} ({}); they choose their own password when they first sign in.", role.as_str());
            }
        }
        UserVerb::Passwd { name, password } => {
            let user = find(&name)?;
            let secret = read_password(&password, &user.username)?;
            let cmd = AnyCommand::SetStaffPassword(SetStaffPassword {
                user_id: user.id,
                password_hash: password::hash(&secret)?,
            });
            expect_applied(app.run_blocking(Actor::Console, cmd)?.outcome)?;
            println!("Password of {name} set; they will be asked to choose their own at next login.");
        }
        UserVerb::List => {
            let all = app.db.read_blocking(|c| Ok(users::all_users(c)?))?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{:<24} {:<10} {:<9} NAME", "USERNAME", "ROLE", "STATUS")?;
            for u in all {
                let status = if u.active { "active" } else { "disabled" };
                writeln!(out, "{:<24} {:<10} {:<9} {}", u.username, u.role.as_str(), status, u.display_name)?;
            }
        }
        UserVerb::Disable { name } => {
            let user = find(&name)?;
            expect_applied(
                app.run_blocking(
                    Actor::Console,
                    AnyCommand::SetStaffActive(SetStaffActive { user_id: user.id, active: false }),
                )?
                .outcome,
            )?;
            println!("Disabled {name}; their sessions and API tokens no longer work.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Takes the data folder's lock, proving no other Courtside process is using it.
fn lock_data(data: &Path) -> anyhow::Result<File> {
    crate::app::ensure_writable(data)?;
    let path = data.join("courtside.lock");
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => bail!(
            "another Courtside is running with the data folder {}. Fix: stop it first (e.g. `systemctl stop courtside`).",
            data.display()
        ),
    }
}

fn restore(loaded: &Loaded, file: &Path) -> anyhow::Result<ExitCode> {
    let data = &loaded.config.data;
    let _lock = lock_data(data)?;
    let version = backup::verify(file)?;
    let kept = backup::restore(data, file, SystemClock.now())?;
    println!("Restored {} (schema {version}) into {}.", file.display(), data.display());
    if let Some(old) = kept {
        println!("The previous database was kept as {}.", old.display());
    }
    println!("Start Courtside again; it migrates the restored database if it is older.");
    Ok(ExitCode::SUCCESS)
}

/// Every URL this server can be reached at from the LAN (and loopback).
fn reachable_urls(bind: SocketAddr) -> Vec<String> {
    let port = bind.port();
    if !bind.ip().is_unspecified() {
        return vec![format!("http://{}/", bind)];
    }
    let mut urls: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && (bind.is_ipv6() || i.ip().is_ipv4()))
        .map(|i| match i.ip() {
            IpAddr::V4(ip) => format!("http://{ip}:{port}/"),
            IpAddr::V6(ip) => format!("http://[{ip}]:{port}/"),
        })
        .collect();
    urls.push(format!("http://127.0.0.1:{port}/"));
    urls
}

/// What this computer is called, as a desk's default name.
fn computer_name() -> String {
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "Front desk".to_owned())
}

/// Runs the hub until it is shut down; `started` gets its shutdown handle just before it listens.
fn serve(loaded: &Loaded, started: impl FnOnce(rocket::Shutdown) + Send) -> anyhow::Result<ExitCode> {
    let _lock = lock_data(&loaded.config.data)?;
    let app = App::open(loaded, clock())?;
    launch(loaded, app, started)
}

/// Serves `app`'s pages (and, on a hub, its jobs and the desks' link; on a desk, its link to the
/// hub) until shut down.
fn launch(loaded: &Loaded, app: App, started: impl FnOnce(rocket::Shutdown) + Send) -> anyhow::Result<ExitCode> {
    let config = &loaded.config;
    let urls = reachable_urls(config.bind);
    let setup = app.setup_token();
    let banner_app = app.clone();
    // Said once the port is open (Rocket binds in `launch`): a taken port prints only the failure.
    let banner = rocket::fairing::AdHoc::on_liftoff("banner", move |_| {
        Box::pin(async move {
            let club = banner_app.club().await.map(|c| c.name).unwrap_or_default();
            match &banner_app.desk {
                Some(desk) => println!(
                    "Courtside {} desk \"{}\" is running for {club} (hub: {}). Open:",
                    env!("CARGO_PKG_VERSION"),
                    desk.identity.name,
                    desk.identity.hub
                ),
                None => println!("Courtside {} is running for {club}. Open:", env!("CARGO_PKG_VERSION")),
            }
            for url in &urls {
                println!("  {url}");
            }
            if let Some(token) = setup {
                let url =
                    format!("{}setup?token={token}", urls.first().map_or("http://127.0.0.1:8080/", String::as_str));
                println!("First start: create the owner account at\n  {url}");
                tracing::info!(%url, "no staff account yet: open the setup URL to create the owner");
            }
        })
    });
    let rocket = crate::web::build(app.clone(), &app.secret_key.clone()).attach(banner);
    // Rocket's own runtime (`rocket::execute`) allows 512 threads for blocking work; each holds a
    // stack, a glibc arena and an allocator heap while it lives, so a busy minute grew the server
    // by tens of MB. SQLite has four connections and argon2 two turns: a few more threads serve.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("rocket-worker-thread")
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let ignited = rocket.ignite().await.map_err(|e| bind_error(e, config.bind))?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = if app.desk.is_some() {
            crate::desk::link::spawn(app.clone());
            crate::jobs::start_desk(app.clone()).await?
        } else {
            let listener = crate::desk::hub_link::serve(app.clone(), config.sync_bind, stopped);
            tokio::spawn(async move {
                if let Err(e) = listener.await {
                    tracing::error!(error = %format!("{e:#}"), "the desks' link is not available");
                }
            });
            crate::jobs::start(app.clone()).await?
        };
        tracing::info!(bind = %config.bind, data = %config.data.display(), "server starting");
        started(ignited.shutdown());
        let result = ignited.launch().await;
        let _ = stop.send(true);
        let mut scheduler = scheduler;
        let _ = scheduler.shutdown().await;
        result.map_err(|e| bind_error(e, config.bind))?;
        tracing::info!("server stopped");
        Ok::<_, anyhow::Error>(())
    });
    // As Rocket's runtime does: tasks still running (a stalled socket) do not hold the exit up.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    served?;
    Ok(ExitCode::SUCCESS)
}

/// Threads for blocking work (database, password hashes, files) the server may run at once.
const BLOCKING_THREADS: usize = 12;

fn bind_error(e: rocket::Error, bind: SocketAddr) -> anyhow::Error {
    if let rocket::error::ErrorKind::Bind(io) = e.kind() {
        return anyhow::anyhow!(
            "cannot listen on {bind}: {io}. Fix: stop whatever uses that port, or choose another with --bind."
        );
    }
    anyhow::anyhow!("the server failed: {e}")
}

fn healthcheck(url: Option<String>, bind: SocketAddr) -> anyhow::Result<ExitCode> {
    let base = url.unwrap_or_else(|| {
        let ip = if bind.ip().is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { bind.ip() };
        format!("http://{}", SocketAddr::new(ip, bind.port()))
    });
    let target = format!("{}/health", base.trim_end_matches('/'));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    crate::sms::providers::install_tls();
    let result = runtime.block_on(async {
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build()?;
        let response = client.get(&target).send().await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        Ok::<_, reqwest::Error>((status, body))
    });
    match result {
        Ok((status, body)) if status.is_success() && body["status"] == "ok" => {
            println!("ok: {target} (schema {})", body["schema_version"]);
            Ok(ExitCode::SUCCESS)
        }
        Ok((status, _)) => {
            eprintln!("unhealthy: {target} answered {status}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("unreachable: {target}: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `courtside trim-log`: the nightly trim now, with its progress, then the file shrunk.
fn trim_log(loaded: &Loaded, keep_days: u32) -> anyhow::Result<ExitCode> {
    let app = App::open(loaded, clock())?;
    let size = || {
        let path = app.db.path();
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        [path, wal.as_path()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum::<u64>()
    };
    let before = size();
    let now = app.now();
    let done = app.db.write_blocking(|c| {
        crate::desk::retention::compact(c, now, keep_days, |p| eprint!("\rRemoved {} row changes…", p.rows))
    })?;
    if done.rows > 0 {
        eprintln!();
    }
    app.db.write_blocking(|c| Ok(crate::db::vacuum(c)?))?;
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    println!(
        "The log keeps transactions after {}: {} transactions and {} row changes removed now. \
         Database {:.1} MB → {:.1} MB.",
        done.floor,
        done.txns,
        done.rows,
        mb(before),
        mb(size())
    );
    Ok(ExitCode::SUCCESS)
}
