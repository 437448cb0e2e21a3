//! The console's desk verbs: a pairing code made on the hub, a desk paired with it, and a desk's
//! data folder made ready to run (its first snapshot downloaded, or a new one after an upgrade).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use jiff::SignedDuration;
use uuid::Uuid;

use super::commands::CreateDeskCode;
use super::store::{journal, journal_path};
use crate::app::App;
use crate::clock::Clock;
use crate::commands::AnyCommand;
use crate::config::Loaded;
use crate::core::{Actor, Outcome};
use crate::db::{DB_FILE, migrate};
use crate::sync::tls;

/// A new pairing code, valid `minutes` and once, as `XXXX-XXXX-FFFF-FFFF-FFFF-FFFF`: a secret
/// part, then the part that names the hub's certificate.
pub fn create_code(app: &App, actor: Actor, minutes: i64) -> anyhow::Result<String> {
    let identity = tls::load_or_create(&app.config.data)?;
    let mut secret = [0u8; 5];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let secret = tls::base32(&secret);
    use sha2::Digest;
    let code = format!("{secret}{}", tls::code_part(&sha2::Sha256::digest(&identity.cert)));
    let cmd = AnyCommand::CreateDeskCode(CreateDeskCode {
        code_id: Uuid::now_v7().to_string(),
        code_hash: crate::auth::tokens::hash_secret(&secret),
        expires_at: app.now() + SignedDuration::from_mins(minutes),
    });
    match app.run_blocking(actor, cmd)?.outcome {
        Outcome::Applied { .. } => Ok(grouped(&code)),
        Outcome::Rejected(r) => bail!("{}", crate::i18n::rejection_text(crate::i18n::Locale::En, &r)),
    }
}

/// The addresses desks on the LAN can reach this hub at (`host:port` of the desks' link).
pub fn hub_addresses(sync_bind: std::net::SocketAddr) -> Vec<String> {
    let port = sync_bind.port();
    if !sync_bind.ip().is_unspecified() {
        return vec![sync_bind.to_string()];
    }
    let mut found: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && i.ip().is_ipv4())
        .map(|i| format!("{}:{port}", i.ip()))
        .collect();
    if found.is_empty() {
        found.push(format!("127.0.0.1:{port}"));
    }
    found
}

fn grouped(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Pairs the desk whose data folder is `data` with the hub at `hub`. A desk paired before may be
/// paired again (with a new hub, or after it was revoked): the old journal is kept beside the new
/// one, and the commands no hub decided yet are carried over, numbered anew, to be sent.
pub fn pair(data: &Path, hub: &str, code: &str, name: &str, clock: &dyn Clock) -> anyhow::Result<String> {
    crate::app::ensure_writable(data)?;
    let path = journal_path(data);
    let mut carried = Vec::new();
    if path.exists() {
        let conn = journal::open(&path)?;
        // Commands the old hub never decided go to the new pairing's hub, in their order.
        carried = journal::pending(&conn, usize::MAX)?;
        if journal::identity(&conn)?.is_some() {
            drop(conn);
            let kept = data.join(format!("desk.db.before-pairing-{}", clock.now().as_second()));
            std::fs::rename(&path, &kept)
                .with_context(|| format!("cannot keep the old journal as {}", kept.display()))?;
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(data.join(format!("desk.db{side}")));
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (identity, club) = runtime.block_on(super::link::pair(hub, code, name))?;
    let conn = journal::open(&path)?;
    journal::save_identity(&conn, &identity, clock.now())?;
    for (n, mut env) in carried.into_iter().enumerate() {
        env.desk_seq = Some(n as i64 + 1);
        env.origin = crate::core::Origin::Desk(identity.desk_id.clone());
        journal::insert(&conn, &env)?;
    }
    Ok(club)
}

/// Turns this desk's data folder into the club's hub: run with the desk stopped, then start
/// `courtside serve` on the same folder. Returns (applied, refused) of the journal's commands.
pub fn promote(data: &Path, clock: &dyn Clock) -> anyhow::Result<(usize, usize)> {
    let identity = identity(data)?;
    let replica_path = data.join(DB_FILE);
    if !replica_path.exists() {
        bail!("{} holds no copy of the club's data: there is nothing to promote", data.display());
    }
    let mut replica = crate::db::open_connection(&replica_path, Default::default())?;
    let engine = super::engine::Engine::open(&identity.desk_id, &journal_path(data), &replica)?;
    let done = engine.promote(&mut replica, clock.now())?;
    drop((engine, replica));
    let kept = data.join(format!("desk.db.promoted-{}", clock.now().as_second()));
    std::fs::rename(journal_path(data), &kept)
        .with_context(|| format!("cannot keep the journal as {}", kept.display()))?;
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("desk.db{side}")));
    }
    Ok(done)
}

/// The desk's identity, or how to get one.
pub fn identity(data: &Path) -> anyhow::Result<journal::Identity> {
    let path = journal_path(data);
    let found = if path.exists() { journal::identity(&journal::open(&path)?)? } else { None };
    found.with_context(|| {
        format!(
            "the data folder {} holds no paired desk. Fix: make a code on the hub (Settings → Desks, or \
             `courtside desk-code create`), then run `courtside desk pair --hub HUB:8443 --code CODE`.",
            data.display()
        )
    })
}

/// Opens the desk, downloading a first snapshot if the replica is missing or was made for
/// another version of the program (a desk never migrates its replica: it takes a new copy).
pub fn open_desk(loaded: &Loaded, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let data = &loaded.config.data;
    let identity = identity(data)?;
    let replica = data.join(DB_FILE);
    let usable = replica.exists() && migrate::version_of_file(&replica)? == migrate::latest();
    if !usable {
        if replica.exists() {
            let old = data.join(format!("{DB_FILE}.other-version"));
            std::fs::rename(&replica, &old)?;
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(data.join(format!("{DB_FILE}{side}")));
            }
        }
        eprintln!("Fetching the club's data from the hub at {}…", identity.hub);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        // The hub may be restarting or the network down for a moment: wait for it rather than
        // leave the receptionist with a desk that did not start.
        let mut pause = std::time::Duration::from_secs(1);
        loop {
            match runtime.block_on(super::link::bootstrap(&identity, &journal_path(data), &replica)) {
                Ok(()) => break,
                Err(super::link::LinkError::Other(e)) => {
                    eprintln!("\nThe hub could not be reached ({e:#}); trying again in {} s…", pause.as_secs());
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_secs(5));
                }
                Err(refused) => return Err(refused.into()),
            }
        }
    }
    App::open_desk(loaded, clock, identity)
}
