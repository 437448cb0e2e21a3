//! The desk's end of the link: pairing, the first snapshot (with a progress line on the console),
//! and, while the desk runs, a loop that keeps a link to the hub: hello, the hub's log applied
//! under the desk's tentative work, the journal pushed in order (one push in flight), pings every
//! 3 s, and a hub silent for 9 s taken for gone (the banner says offline; the desk goes on).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::engine::{Rebased, own_schema_fingerprint};
use super::hub_link::ws_config;
use super::status::{DeskState, Problem};
use super::store::journal::{self, Identity};
use crate::app::App;
use crate::db::snapshot;
use crate::sync::protocol::{ByeCode, PROTO, SnapshotInfo, ToDesk, ToHub};
use crate::sync::tls::{self, Pin};

type Ws = WebSocketStream<TlsStream<TcpStream>>;

/// Connecting, the TLS handshake and opening the link each get this long.
const CONNECT: Duration = Duration::from_secs(3);
const PING: Duration = Duration::from_secs(3);
/// A hub not heard from for this long is taken for gone.
const HUB_SILENCE: Duration = Duration::from_secs(9);

/// Why a link could not be made or ended.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("the hub at {0} shows another certificate than the one this desk paired with")]
    WrongHub(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

async fn connect(hub: &str, pin: Pin, credential: Option<String>) -> Result<(Ws, String), LinkError> {
    let tcp = timeout(CONNECT, TcpStream::connect(hub))
        .await
        .map_err(|_| anyhow::anyhow!("the hub at {hub} did not answer"))?
        .with_context(|| format!("cannot reach the hub at {hub}"))?;
    let _ = tcp.set_nodelay(true);
    let seen = Arc::new(Mutex::new(None));
    let connector = tokio_rustls::TlsConnector::from(tls::client_config(pin, seen.clone())?);
    let name = rustls::pki_types::ServerName::try_from("courtside-hub").expect("a valid name");
    let tls = match timeout(CONNECT, connector.connect(name, tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) if e.to_string().contains("ApplicationVerificationFailure") => {
            return Err(LinkError::WrongHub(hub.to_owned()));
        }
        Ok(Err(e)) => return Err(anyhow::Error::from(e).context(format!("no secure link to {hub}")).into()),
        Err(_) => return Err(anyhow::anyhow!("the hub at {hub} did not finish the secure handshake").into()),
    };
    let mut request = format!("wss://{hub}/sync").into_client_request().map_err(anyhow::Error::from)?;
    if let Some(credential) = credential {
        request.headers_mut().insert("authorization", credential.parse().map_err(anyhow::Error::from)?);
    }
    let (ws, _) = timeout(CONNECT, tokio_tungstenite::client_async_with_config(request, tls, Some(ws_config())))
        .await
        .map_err(|_| anyhow::anyhow!("the hub at {hub} did not open the link"))?
        .map_err(anyhow::Error::from)?;
    let fingerprint = seen.lock().expect("seen certificate").clone().unwrap_or_default();
    Ok((ws, fingerprint))
}

async fn send(ws: &mut Ws, msg: &ToHub) -> anyhow::Result<()> {
    timeout(Duration::from_secs(10), ws.send(Message::Text(serde_json::to_string(msg)?))).await??;
    Ok(())
}

/// The next message from the hub: text as `ToDesk`, binary as a snapshot part. None: closed.
async fn next(ws: &mut Ws) -> anyhow::Result<Option<Incoming>> {
    loop {
        match ws.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(None),
            Some(Ok(Message::Text(text))) => return Ok(Some(Incoming::Msg(serde_json::from_str(&text)?))),
            Some(Ok(Message::Binary(data))) => return Ok(Some(Incoming::Part(data))),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

enum Incoming {
    Msg(ToDesk),
    Part(Vec<u8>),
}

/// Pairs this desk with the hub at `hub` (host:port) using a code made there; returns the
/// identity to keep and the club's name.
pub async fn pair(hub: &str, code: &str, name: &str) -> anyhow::Result<(Identity, String)> {
    let code = tls::normalise_code(code);
    if code.len() != 24 {
        bail!("a pairing code has 24 letters and digits (as XXXX-XXXX-…); this one has {}", code.len());
    }
    let (mut ws, fingerprint) = connect(hub, Pin::CodePart(code[8..].to_owned()), None).await.map_err(|e| match e {
        LinkError::WrongHub(_) => anyhow::anyhow!(
            "the program at {hub} is not the hub that made this code (its certificate does not match). \
             Fix: check the address, and that no other device answers on it."
        ),
        other => other.into(),
    })?;
    send(&mut ws, &ToHub::Pair { code: code[..8].to_owned(), name: name.to_owned() }).await?;
    match timeout(Duration::from_secs(15), next(&mut ws)).await?? {
        Some(Incoming::Msg(ToDesk::Paired { desk_id, secret, club })) => {
            let identity =
                Identity { desk_id, name: name.to_owned(), hub: hub.to_owned(), hub_cert_sha256: fingerprint, secret };
            Ok((identity, club))
        }
        Some(Incoming::Msg(ToDesk::Bye { detail, .. })) => bail!("the hub refused: {detail}"),
        _ => bail!("the hub closed the link without pairing"),
    }
}

async fn connect_as(identity: &Identity) -> Result<Ws, LinkError> {
    let credential = format!("Desk {}:{}", identity.desk_id, identity.secret);
    Ok(connect(&identity.hub, Pin::Fingerprint(identity.hub_cert_sha256.clone()), Some(credential)).await?.0)
}

/// Downloads the snapshot `info` into `dir`, resuming a part left by a cut download.
async fn download(
    ws: &mut Ws,
    info: &SnapshotInfo,
    dir: &Path,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<PathBuf> {
    let part = dir.join(format!("{}.part", info.name));
    for entry in std::fs::read_dir(dir)?.flatten() {
        let other = entry.path();
        if other.extension().is_some_and(|e| e == "part") && other != part {
            let _ = std::fs::remove_file(other);
        }
    }
    let mut offset = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    if offset > info.bytes {
        std::fs::remove_file(&part)?;
        offset = 0;
    }
    let mut file = tokio::fs::OpenOptions::new().create(true).append(true).open(&part).await?;
    send(ws, &ToHub::SnapshotPart { name: info.name.clone(), offset }).await?;
    loop {
        match timeout(Duration::from_secs(30), next(ws)).await?? {
            Some(Incoming::Part(data)) if data.len() >= 8 => {
                let at = u64::from_be_bytes(data[..8].try_into().expect("8 bytes"));
                if at != offset {
                    bail!("the snapshot arrived out of order");
                }
                if data.len() == 8 {
                    file.sync_all().await?;
                    return Ok(part);
                }
                file.write_all(&data[8..]).await?;
                offset += (data.len() - 8) as u64;
                progress(offset, info.bytes);
            }
            Some(Incoming::Msg(ToDesk::Bye { detail, .. })) => bail!("{detail}"),
            Some(Incoming::Msg(ToDesk::Pong { .. })) => {}
            _ => bail!("the snapshot download was cut"),
        }
    }
}

fn hello_without_replica(journal: &crate::db::Conn) -> anyhow::Result<ToHub> {
    Ok(ToHub::Hello {
        proto: PROTO,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_fp: own_schema_fingerprint()?,
        log_id: None,
        applied: 0,
        applied_hash: String::new(),
        decided_upto: journal::decided_upto(journal)?,
        pending: journal::pending_count(journal)?,
    })
}

/// Makes the desk's first replica: a snapshot from the hub, installed as `replica`.
/// Fetches and installs the desk's first copy of the club. `Refused` (another version, a revoked
/// desk, another hub) is for staff to act on; anything else may pass, and a cut download resumes.
pub async fn bootstrap(identity: &Identity, journal_path: &Path, replica: &Path) -> Result<(), LinkError> {
    let hello = journal::open(journal_path)
        .map_err(anyhow::Error::from)
        .and_then(|j| hello_without_replica(&j))
        .map_err(|e| LinkError::Refused(format!("this desk's journal cannot be read: {e:#}")))?;
    let mut ws = connect_as(identity).await?;
    send(&mut ws, &hello).await?;
    let first = timeout(Duration::from_secs(120), next(&mut ws)).await.map_err(|_| anyhow::anyhow!("no answer"))??;
    let info = match first {
        Some(Incoming::Msg(ToDesk::Snapshot { info, .. })) => info,
        Some(Incoming::Msg(ToDesk::Upgrade { hub_version, .. })) => {
            return Err(LinkError::Refused(format!(
                "the hub runs Courtside {hub_version} and this desk {}: install the same version on both",
                env!("CARGO_PKG_VERSION")
            )));
        }
        Some(Incoming::Msg(ToDesk::Bye { detail, .. })) => {
            return Err(LinkError::Refused(format!("the hub refused: {detail}")));
        }
        _ => return Err(anyhow::anyhow!("the hub did not offer a snapshot").into()),
    };
    let dir = replica.parent().unwrap_or(Path::new("."));
    let shown = |done: u64, all: u64| {
        eprint!(
            "\rDownloading the club's data: {:>3}% ({} of {} KB)",
            done * 100 / all.max(1),
            done / 1024,
            all / 1024
        );
    };
    let part = download(&mut ws, &info, dir, &shown).await?;
    eprintln!();
    let _ = ws.close(None).await;
    let (info2, part2, replica) = (info.clone(), part.clone(), replica.to_owned());
    tokio::task::spawn_blocking(move || snapshot::install(&part2, &info2, &replica))
        .await
        .map_err(anyhow::Error::from)??;
    let _ = std::fs::remove_file(part);
    Ok(())
}

/// Keeps the desk's link to its hub for as long as the desk runs.
pub fn spawn(app: App) {
    // Pages show the link's state in their banner: a change is a "local" change for them.
    let mut status = app.desk.as_ref().expect("a desk").subscribe();
    let feed = app.feed.clone();
    tokio::spawn(async move {
        while status.changed().await.is_ok() {
            feed.local_change();
        }
    });
    tokio::spawn(async move {
        let desk = app.desk.clone().expect("a desk");
        let mut backoff = Duration::from_millis(500);
        loop {
            let started = Instant::now();
            // Its own task: a bug that panics ends one link, not the desk's linking.
            let (a, d) = (app.clone(), desk.clone());
            let ended = match tokio::spawn(async move { session(&a, &d).await }).await {
                Ok(ended) => ended,
                Err(e) => Err(LinkError::Other(anyhow::anyhow!("the link failed: {e}"))),
            };
            let now = app.now();
            desk.set_status(|s| {
                if s.online {
                    (s.online, s.since) = (false, Some(now));
                }
            });
            let pause = match ended {
                Ok(()) => Duration::from_millis(100),
                Err(LinkError::WrongHub(hub)) => {
                    tracing::error!(%hub, "the hub's certificate changed: this desk will not talk to it");
                    desk.set_status(|s| s.problem = Some(Problem::WrongHub));
                    Duration::from_secs(60)
                }
                Err(LinkError::Refused(why)) => {
                    tracing::warn!(%why, "the hub refused this desk");
                    Duration::from_secs(60)
                }
                Err(LinkError::Other(e)) => {
                    tracing::info!(error = %format!("{e:#}"), "no link to the hub");
                    if started.elapsed() > Duration::from_secs(30) {
                        backoff = Duration::from_millis(500);
                    }
                    let jittered = backoff.mul_f64(0.5 + fastrand::f64());
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    jittered
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}

async fn session(app: &App, desk: &Arc<DeskState>) -> Result<(), LinkError> {
    let mut ws = connect_as(&desk.identity).await?;
    let d = desk.clone();
    let hello = app.db.read(move |c| d.engine.hello(c)).await?;
    send(&mut ws, &hello).await?;
    match timeout(Duration::from_secs(60), next(&mut ws)).await.map_err(|_| anyhow::anyhow!("no welcome"))?? {
        Some(Incoming::Msg(ToDesk::Welcome { desk_seq, decisions, .. })) => {
            desk.engine.hub_knows_upto(desk_seq)?;
            apply_decisions(app, desk, decisions).await?;
        }
        Some(Incoming::Msg(ToDesk::Snapshot { info, .. })) => {
            let dir = app.config.data.clone();
            let part = download(&mut ws, &info, &dir, &|_, _| {}).await?;
            let _ = ws.close(None).await;
            install_live(app, desk, &part, &info).await?;
            return Ok(());
        }
        Some(Incoming::Msg(ToDesk::Upgrade { hub_version, .. })) => {
            desk.set_status(|s| s.problem = Some(Problem::Upgrade { hub_version: hub_version.clone() }));
            return Err(LinkError::Refused(format!("the hub runs {hub_version}")));
        }
        Some(Incoming::Msg(ToDesk::Bye { code: ByeCode::Revoked, detail })) => {
            desk.set_status(|s| s.problem = Some(Problem::Revoked));
            return Err(LinkError::Refused(detail));
        }
        _ => return Err(anyhow::anyhow!("the hub did not welcome this desk").into()),
    }
    let now = app.now();
    desk.set_status(|s| (s.online, s.since, s.problem) = (true, Some(now), None));
    desk.recount();
    follow(app, desk, &mut ws).await
}

/// Puts a snapshot taken while the desk runs into the live replica (SQLite's backup, one step:
/// pages see the old data or the new, never a mix), then redoes the tentative work over it.
async fn install_live(app: &App, desk: &Arc<DeskState>, part: &Path, info: &SnapshotInfo) -> anyhow::Result<()> {
    let checked = app.config.data.join("replica-next.db");
    let (from, info2, to) = (part.to_owned(), info.clone(), checked.clone());
    tokio::task::spawn_blocking(move || snapshot::install(&from, &info2, &to)).await??;
    let (d, feed, now) = (desk.clone(), app.feed.clone(), app.now());
    app.db
        .write(move |conn| {
            snapshot::copy_into(&checked, conn)?;
            let _ = std::fs::remove_file(&checked);
            d.engine.replica_replaced(conn, now)?;
            feed.rebased(conn)?;
            Ok(())
        })
        .await?;
    let _ = std::fs::remove_file(part);
    app.forget_club();
    tracing::info!(txn_seq = info.txn_seq, "the desk took a new snapshot from the hub");
    Ok(())
}

async fn apply_decisions(
    app: &App,
    desk: &Arc<DeskState>,
    decisions: Vec<crate::sync::protocol::Decision>,
) -> anyhow::Result<()> {
    if decisions.is_empty() {
        return Ok(());
    }
    // Pages still waiting are shown their verdict; a refusal nobody waits for is a conflict.
    let waiting: Vec<_> =
        decisions.iter().filter_map(|d| desk.take_waiter(d.command_id).map(|w| (d.clone(), w))).collect();
    let shown: Vec<uuid::Uuid> = waiting.iter().map(|(d, _)| d.command_id).collect();
    let (d, feed, now) = (desk.clone(), app.feed.clone(), app.now());
    app.db
        .write(move |conn| {
            let rebased = d.engine.decided(conn, &decisions, &|id| shown.contains(&id), now)?;
            tell_feed(&feed, conn, &rebased);
            Ok(())
        })
        .await?;
    for (decision, waiter) in waiting {
        let _ = waiter.send(decision.verdict);
    }
    desk.recount();
    Ok(())
}

fn tell_feed(feed: &crate::sync::feed::Feed, conn: &crate::db::Conn, rebased: &Rebased) {
    let told = if rebased.undone { feed.rebased(conn) } else { feed.catch_up(conn) };
    if let Err(e) = told {
        tracing::warn!(error = %e, "open pages could not be told about the hub's changes");
    }
}

async fn follow(app: &App, desk: &Arc<DeskState>, ws: &mut Ws) -> Result<(), LinkError> {
    let mut heard = Instant::now();
    let mut tick = tokio::time::interval(PING);
    let mut pushing = false;
    let mut nonce = 0u64;
    push(desk, ws, &mut pushing).await?;
    loop {
        tokio::select! {
            incoming = next(ws) => {
                heard = Instant::now();
                let Some(Incoming::Msg(msg)) = incoming? else { return Ok(()) };
                match msg {
                    ToDesk::Txns { txns } => {
                        let (d, feed, now) = (desk.clone(), app.feed.clone(), app.now());
                        let applied = app.db.write(move |conn| {
                            let rebased = d.engine.rebase(conn, &txns, now).map_err(anyhow::Error::from)?;
                            tell_feed(&feed, conn, &rebased);
                            Ok(super::store::replica::confirmed(conn)?.0)
                        }).await?;
                        let pending = desk.engine.pending_count()?;
                        send(ws, &ToHub::Ack { applied, pending }).await?;
                        // The hub's rows may resolve conflicts shown in the banner.
                        if desk.status().conflicts > 0 {
                            desk.recount();
                        }
                    }
                    ToDesk::Decided { decisions } => {
                        apply_decisions(app, desk, decisions).await?;
                        pushing = false;
                        push(desk, ws, &mut pushing).await?;
                    }
                    ToDesk::PushNack { .. } => {
                        pushing = false;
                        push(desk, ws, &mut pushing).await?;
                    }
                    ToDesk::Pong { .. } | ToDesk::CaughtUp { .. } => {}
                    ToDesk::Bye { code, detail } => {
                        if code == ByeCode::Revoked {
                            desk.set_status(|s| s.problem = Some(Problem::Revoked));
                        }
                        return Err(LinkError::Refused(detail));
                    }
                    other => return Err(anyhow::anyhow!("unexpected from the hub: {other:?}").into()),
                }
            }
            _ = desk.push_wanted() => push(desk, ws, &mut pushing).await?,
            _ = tokio::time::sleep_until(heard + HUB_SILENCE) => {
                return Err(anyhow::anyhow!("the hub went silent").into());
            }
            _ = tick.tick() => {
                nonce += 1;
                send(ws, &ToHub::Ping { nonce }).await?;
            }
        }
    }
}

/// Sends the journal's undecided commands unless a push is already on its way.
async fn push(desk: &DeskState, ws: &mut Ws, pushing: &mut bool) -> anyhow::Result<()> {
    if *pushing {
        return Ok(());
    }
    let cmds = desk.engine.to_push()?;
    if cmds.is_empty() {
        return Ok(());
    }
    send(ws, &ToHub::Push { cmds }).await?;
    crate::pause::at("desk-pushed");
    *pushing = true;
    Ok(())
}
