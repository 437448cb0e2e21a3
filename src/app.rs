//! `App` wires the parts together: database, clock, configuration, throttle, setup token.
//! It is the one value the web layer, the CLI and the jobs share.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use jiff::Timestamp;
use uuid::Uuid;

use crate::auth::gate::HashGate;
use crate::auth::store as users;
use crate::auth::throttle::Throttle;
use crate::clock::Clock;
use crate::club::commands::UpdateClubSettings;
use crate::club::model::ClubSettings;
use crate::commands::AnyCommand;
use crate::config::{Config, Loaded};
use crate::core::{self, Actor, Envelope, Executed, Outcome, Submission};
use crate::db::Db;
use crate::desk::engine::{Engine, Issued};
use crate::desk::links::Links;
use crate::desk::status::DeskState;
use crate::desk::store::journal::Identity;
use crate::i18n::Locale;
use crate::sync::protocol::Verdict;

/// How long a desk's page waits for the hub's verdict before showing the command as pending.
const HUB_ANSWER: std::time::Duration = std::time::Duration::from_millis(1500);
use crate::members::index::MemberIndex;
use crate::sealed::Sealer;
use crate::sync::feed::Feed;

/// Which club settings the config file, environment or flags pin (read-only on the Settings page).
#[derive(Debug, Clone, Copy, Default)]
pub struct Pinned {
    pub name: bool,
    pub time_zone: bool,
    pub locale: bool,
    pub currency: bool,
}

/// The member categories a new club starts with (message ids `category-default-*`).
const DEFAULT_CATEGORIES: [&str; 5] = ["adult", "junior", "senior", "guest", "coach"];

#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub pinned: Pinned,
    pub throttle: Arc<Throttle>,
    /// Every password hash run for a request goes through here (see `auth::gate`).
    pub hash_gate: Arc<HashGate>,
    setup_token: Arc<Mutex<Option<String>>>,
    /// Club settings are read by every page; kept here (with a generation, so a read that
    /// raced a change cannot store the old value) and dropped whenever they change.
    club_cache: Arc<std::sync::RwLock<(u64, Option<ClubSettings>)>>,
    /// Member search reads this, not the table (see `members::index`).
    pub member_index: Arc<MemberIndex>,
    /// The data folder's `secret.key`: Rocket's cookie key, and the root of `sealer`.
    pub secret_key: Arc<Vec<u8>>,
    /// Seals the secrets the database keeps (the SMS provider's credential).
    pub sealer: Arc<Sealer>,
    /// Where the log stands, for open pages and caches; told after every commit.
    pub feed: Arc<Feed>,
    /// On a hub: its desks' links while it runs.
    pub desk_links: Arc<Links>,
    /// On a hub: how much refused desk work waits in the inbox.
    pub refusals: Arc<crate::desk::refusals::RefusalCount>,
    /// On a desk (`courtside desk`): its engine and link; commands go through it to the hub.
    pub desk: Option<Arc<DeskState>>,
}

impl App {
    /// Opens the data folder and database (migrating, backing up first), applies pinned club
    /// settings, and prepares the one-time setup token when there is no staff account yet.
    /// Blocking: call from the CLI before the server starts.
    pub fn open(loaded: &Loaded, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
        let config = loaded.config.clone();
        ensure_writable(&config.data)?;
        let db = Db::open(&config.data, &config.backup_dir(), clock.now(), loaded.init)?;
        let feed = Arc::new(db.read_blocking(|c| Ok(Feed::open(c)?))?);
        let secret_key = crate::secret_key::load_or_create(&crate::config::secret_key_path(&config.data))?;
        let pinned = Pinned {
            name: loaded.is_set("club_name"),
            time_zone: loaded.is_set("time_zone"),
            locale: loaded.is_set("locale"),
            currency: loaded.is_set("currency"),
        };
        let app = App::assemble(db, clock, config, pinned, secret_key, feed, None);
        app.sync_club_settings()?;
        app.seed_member_categories()?;
        crate::sms::pinned::prepare(&app.db, &app.config.sms, &app.sealer, app.now())?;
        if app.db.read_blocking(|c| Ok(users::user_count(c)?))? == 0 {
            *app.setup_token.lock().expect("setup lock") = Some(crate::auth::tokens::new_secret());
        }
        Ok(app)
    }

    /// Opens a desk's data folder: its replica (made from the hub's snapshot, never migrated or
    /// seeded here) and its journal. Blocking: call before the server starts.
    pub fn open_desk(loaded: &Loaded, clock: Arc<dyn Clock>, identity: Identity) -> anyhow::Result<App> {
        let config = loaded.config.clone();
        let db = Db::open(&config.data, &config.backup_dir(), clock.now(), false)?;
        let feed = Arc::new(db.read_blocking(|c| Ok(Feed::open(c)?))?);
        let journal = crate::desk::store::journal_path(&config.data);
        let engine = db.write_blocking(|c| Engine::open(&identity.desk_id, &journal, c))?;
        let secret_key = crate::secret_key::load_or_create(&crate::config::secret_key_path(&config.data))?;
        let desk = Arc::new(DeskState::new(identity, engine));
        desk.recount();
        Ok(App::assemble(db, clock, config, Pinned::default(), secret_key, feed, Some(desk)))
    }

    fn assemble(
        db: Db,
        clock: Arc<dyn Clock>,
        config: Config,
        pinned: Pinned,
        secret_key: Vec<u8>,
        feed: Arc<Feed>,
        desk: Option<Arc<DeskState>>,
    ) -> App {
        App {
            db,
            clock,
            config: Arc::new(config),
            pinned,
            throttle: Arc::new(Throttle::default()),
            hash_gate: Arc::new(HashGate::default()),
            setup_token: Arc::new(Mutex::new(None)),
            club_cache: Arc::default(),
            member_index: Arc::default(),
            sealer: Arc::new(Sealer::new(&secret_key)),
            secret_key: Arc::new(secret_key),
            feed,
            desk_links: Arc::default(),
            refusals: Arc::default(),
            desk,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Creates the club settings on first start, and re-applies values pinned by configuration.
    fn sync_club_settings(&self) -> anyhow::Result<()> {
        let current = self.db.read_blocking(|c| Ok(crate::club::store::settings(c)?))?;
        let cfg = &self.config;
        let wanted = match &current {
            None => ClubSettings {
                name: cfg.club_name.clone(),
                time_zone: cfg.time_zone.clone(),
                locale: cfg.locale,
                currency: cfg.currency.clone(),
                phone_region: default_phone_region(cfg.locale).into(),
            },
            Some((_, s)) => ClubSettings {
                name: if self.pinned.name { cfg.club_name.clone() } else { s.name.clone() },
                time_zone: if self.pinned.time_zone { cfg.time_zone.clone() } else { s.time_zone.clone() },
                locale: if self.pinned.locale { cfg.locale } else { s.locale },
                currency: if self.pinned.currency { cfg.currency.clone() } else { s.currency.clone() },
                phone_region: s.phone_region.clone(),
            },
        };
        if current.as_ref().is_some_and(|(_, s)| *s == wanted) {
            return Ok(());
        }
        let cmd = AnyCommand::UpdateClubSettings(UpdateClubSettings {
            settings_id: Uuid::now_v7().to_string(),
            name: wanted.name,
            time_zone: wanted.time_zone,
            locale: wanted.locale,
            currency: wanted.currency,
            phone_region: wanted.phone_region,
        });
        match self.run_blocking(Actor::System, cmd)?.outcome {
            Outcome::Applied { .. } => Ok(()),
            Outcome::Rejected(r) => anyhow::bail!("the configured club settings were refused: {}", r.code),
        }
    }

    /// A new club starts with the usual member categories, named in its language.
    fn seed_member_categories(&self) -> anyhow::Result<()> {
        if !self.db.read_blocking(|c| Ok(crate::members::store::categories(c)?))?.is_empty() {
            return Ok(());
        }
        let locale = self
            .db
            .read_blocking(|c| Ok(crate::club::store::settings(c)?))?
            .map_or(self.config.locale, |(_, s)| s.locale);
        for key in DEFAULT_CATEGORIES {
            let name = crate::i18n::tr(locale, &format!("category-default-{key}"));
            let cmd = AnyCommand::CreateCategory(crate::members::commands::CreateCategory {
                category_id: Uuid::now_v7().to_string(),
                name,
            });
            self.run_blocking(Actor::System, cmd)?;
        }
        Ok(())
    }

    /// Renames the member categories seeded in language `from` and still unused into language
    /// `to`, once the club's language is chosen (at setup, or by `demo --locale`). Blocking.
    pub fn name_default_categories(&self, actor: Actor, from: Locale, to: Locale) -> anyhow::Result<()> {
        if from == to {
            return Ok(());
        }
        let categories = self.db.read_blocking(|c| Ok(crate::members::store::categories(c)?))?;
        for key in DEFAULT_CATEGORIES {
            let old = crate::i18n::tr(from, &format!("category-default-{key}"));
            let Some(c) = categories.iter().find(|c| c.name == old && c.members == 0) else { continue };
            let cmd = AnyCommand::UpdateCategory(crate::members::commands::UpdateCategory {
                category_id: c.id.clone(),
                name: crate::i18n::tr(to, &format!("category-default-{key}")),
                active: c.active,
            });
            self.run_blocking(actor.clone(), cmd)?;
        }
        Ok(())
    }

    /// The one-time setup token, while no staff account exists.
    pub fn setup_token(&self) -> Option<String> {
        self.setup_token.lock().expect("setup lock").clone()
    }

    pub fn finish_setup(&self) {
        *self.setup_token.lock().expect("setup lock") = None;
    }

    /// Executes a command issued now by `actor` on this hub.
    pub async fn run(&self, actor: Actor, command: AnyCommand) -> anyhow::Result<Outcome> {
        let env = Envelope::new(actor, command, self.now());
        self.run_envelope(env, None).await.map(|e| e.outcome)
    }

    /// Executes a command a request asked for under its key (a form's hidden id, an API
    /// Idempotency-Key): a retry of the same request gets the first outcome even though the
    /// command was rebuilt (fresh entity ids, a new password salt); the same key with another
    /// request is refused with `core::KeyReused`.
    pub async fn submit(&self, submission: &Submission, actor: Actor, command: AnyCommand) -> anyhow::Result<Executed> {
        let env = Envelope::with_id(submission.id, actor, command, self.now());
        self.run_envelope(env, Some(submission.fingerprint.clone())).await
    }

    /// The till cash taken on this machine goes into (`Origin::till`).
    pub fn till(&self) -> &str {
        self.desk.as_ref().map_or(crate::core::MAIN_TILL, |d| d.identity.desk_id.as_str())
    }

    async fn run_envelope(&self, env: Envelope<AnyCommand>, fingerprint: Option<String>) -> anyhow::Result<Executed> {
        if let Some(desk) = self.desk.clone() {
            return self.run_at_desk(desk, env).await;
        }
        let changes_club = matches!(env.command, AnyCommand::UpdateClubSettings(_));
        let clock = self.clock.clone();
        let feed = self.feed.clone();
        let executed = self
            .db
            .write(move |conn| {
                let executed = core::execute_submitted(conn, &env, fingerprint.as_deref(), clock.now())?;
                tell_feed(&feed, conn, &executed);
                Ok((executed, env))
            })
            .await;
        if changes_club {
            self.forget_club();
        }
        log_outcome(executed).map(|(e, _)| e)
    }

    /// A command taken at a desk: journaled and run over the replica, then, if the hub can be
    /// reached, its verdict awaited for a moment so the page shows what the hub decided. Without
    /// an answer in time the command stands as pending (the banner counts it).
    async fn run_at_desk(&self, desk: Arc<DeskState>, env: Envelope<AnyCommand>) -> anyhow::Result<Executed> {
        let id = env.id;
        let waiting = desk.status().online.then(|| desk.wait_for(id));
        let (d, feed, now) = (desk.clone(), self.feed.clone(), self.now());
        let issued = self
            .db
            .write(move |conn| {
                let issued = d.engine.issue(conn, env, now)?;
                if let Err(e) = feed.catch_up(conn) {
                    tracing::warn!(error = %e, "open pages could not be told about a change");
                }
                Ok(issued)
            })
            .await;
        match issued {
            Ok(Issued::Pending { .. }) => {}
            Ok(Issued::Refused(r)) => {
                desk.stop_waiting(id);
                return Ok(Executed { outcome: Outcome::Rejected(r), first_time: true });
            }
            Err(e) => {
                desk.stop_waiting(id);
                return Err(e);
            }
        }
        desk.recount();
        desk.push_now();
        if let Some(answer) = waiting {
            match tokio::time::timeout(HUB_ANSWER, answer).await {
                Ok(Ok(Verdict::Refused { rejection })) => {
                    return Ok(Executed { outcome: Outcome::Rejected(rejection), first_time: true });
                }
                Ok(Ok(verdict)) => {
                    return Ok(Executed { outcome: Outcome::Applied { txn_seq: verdict.txn_seq() }, first_time: true });
                }
                _ => desk.stop_waiting(id),
            }
        }
        Ok(Executed { outcome: Outcome::Applied { txn_seq: None }, first_time: true })
    }

    /// The same as `run`, for the CLI (already on a blocking thread).
    pub fn run_blocking(&self, actor: Actor, command: AnyCommand) -> anyhow::Result<Executed> {
        let changes_club = matches!(command, AnyCommand::UpdateClubSettings(_));
        let env = Envelope::new(actor, command, self.now());
        let now = self.now();
        let executed = self.db.write_blocking(|conn| {
            let executed = core::execute(conn, &env, now)?;
            tell_feed(&self.feed, conn, &executed);
            Ok((executed, env.clone()))
        });
        if changes_club {
            self.forget_club();
        }
        log_outcome(executed).map(|(e, _)| e)
    }

    /// Runs `commands` issued now by `actor`, in order, in one database transaction (each its
    /// own command of the log): many commands for one commit. The outcomes in order.
    pub fn run_batch_blocking(&self, actor: Actor, commands: Vec<AnyCommand>) -> anyhow::Result<Vec<Outcome>> {
        let now = self.now();
        let envs: Vec<_> = commands.into_iter().map(|c| Envelope::new(actor.clone(), c, now)).collect();
        let batch = self.db.write_blocking(|conn| {
            let batch = core::execute_batch(conn, &envs, now)?;
            if let Err(e) = self.feed.catch_up(conn) {
                tracing::warn!(error = %e, "open pages could not be told about a change");
            }
            Ok(batch)
        })?;
        if let Some(e) = batch.interrupted {
            return Err(e);
        }
        batch.decided.into_iter().map(|d| Ok(d?.outcome)).collect()
    }

    pub fn forget_club(&self) {
        let mut cache = self.club_cache.write().expect("club cache");
        *cache = (cache.0 + 1, None);
    }

    pub async fn club(&self) -> anyhow::Result<ClubSettings> {
        let generation = {
            let cache = self.club_cache.read().expect("club cache");
            if let Some(club) = &cache.1 {
                return Ok(club.clone());
            }
            cache.0
        };
        let club = self.club_from_db().await?;
        let mut cache = self.club_cache.write().expect("club cache");
        if cache.0 == generation {
            cache.1 = Some(club.clone());
        }
        Ok(club)
    }

    async fn club_from_db(&self) -> anyhow::Result<ClubSettings> {
        let fallback = self.config.clone();
        self.db
            .read(move |c| {
                Ok(crate::club::store::settings(c)?.map(|(_, s)| s).unwrap_or_else(|| ClubSettings {
                    name: fallback.club_name.clone(),
                    time_zone: fallback.time_zone.clone(),
                    locale: fallback.locale,
                    currency: fallback.currency.clone(),
                    phone_region: default_phone_region(fallback.locale).into(),
                }))
            })
            .await
    }
}

/// Tells open pages about a commit, on the connection that made it (so a page asked for next
/// already keys its caches on the new head). The command stands whatever this says.
fn tell_feed(feed: &Feed, conn: &crate::db::Conn, executed: &Executed) {
    match executed.outcome {
        Outcome::Applied { txn_seq: Some(_) } if executed.first_time => {
            if let Err(e) = feed.catch_up(conn) {
                tracing::warn!(error = %e, "open pages could not be told about a change");
            }
        }
        Outcome::Applied { txn_seq: None } if executed.first_time => feed.local_change(),
        _ => {}
    }
}

fn log_outcome(
    executed: anyhow::Result<(Executed, Envelope<AnyCommand>)>,
) -> anyhow::Result<(Executed, Envelope<AnyCommand>)> {
    use crate::core::Command;
    match &executed {
        Ok((e, env)) => match &e.outcome {
            Outcome::Applied { txn_seq } => tracing::info!(
                command = env.command.kind(), id = %env.id, actor = %env.actor.display_name(), origin = %env.origin,
                txn_seq = ?txn_seq, replay = !e.first_time, "command applied"
            ),
            Outcome::Rejected(r) => tracing::info!(
                command = env.command.kind(), id = %env.id, actor = %env.actor.display_name(), origin = %env.origin,
                reason = %r.code, replay = !e.first_time, "command rejected"
            ),
        },
        // A key sent again with another request is the caller's mistake, told to them.
        Err(err) if err.is::<core::KeyReused>() => tracing::info!(error = %err, "command refused"),
        Err(err) => tracing::error!(error = %format!("{err:#}"), "command failed"),
    }
    executed
}

/// Where phones without a country code are assumed to be, until the owner says otherwise.
fn default_phone_region(locale: crate::i18n::Locale) -> &'static str {
    match locale {
        crate::i18n::Locale::Ru => "RU",
        crate::i18n::Locale::En => "GB",
    }
}

/// Creates the data folder if needed and proves it is writable, with a message naming it.
pub fn ensure_writable(data: &Path) -> anyhow::Result<()> {
    let fix = "Fix: choose another folder with --data, or give this user write access to it.";
    crate::db::files::create_private_dir(data)
        .with_context(|| format!("cannot create the data folder {}. {fix}", data.display()))?;
    let probe = data.join(".write-test");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("the data folder {} is not writable. {fix}", data.display()))?;
    std::fs::remove_file(&probe).ok();
    Ok(())
}
