//! The hub's end of the desks' link: a TLS listener (the hub's own certificate, `sync::tls`) that
//! takes WebSockets from desks. A desk proves itself with its id and secret in the upgrade's
//! `Authorization` header (or shows a pairing code); then the link reads the log from the desk's
//! position and sends it (poked by the feed after every commit, reading from the database: never
//! a queue that could grow), decides the commands it pushes, and streams snapshots.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, timeout};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

use super::commands::{PairDesk, SeeDesk};
use super::store::registry;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};
use crate::db::snapshot;
use crate::sync::protocol::{
    ByeCode, MAX_MESSAGE, MESSAGE_ROW_BYTES, PROTO, SnapshotReason, TXNS_PER_MESSAGE, ToDesk, ToHub,
};
use crate::sync::{hub, store as log, tls};

/// Links at most: a club has a handful of desks; the rest waits in the kernel's backlog.
const MAX_LINKS: usize = 32;
/// A link silent this long is taken for dead (desks ping every 3 s).
const SILENCE: Duration = Duration::from_secs(30);
/// Handshakes (TLS, WebSocket, the first message) that take longer are dropped.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// A frame a desk does not take within this time closes its link.
const SEND_LIMIT: Duration = Duration::from_secs(20);
/// Snapshot files go out in frames of this size.
const CHUNK: usize = 256 * 1024;
/// After this many wrong pairing codes, pairing pauses for a minute.
const WRONG_CODES: u32 = 5;

pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig { max_message_size: Some(MAX_MESSAGE), max_frame_size: Some(MAX_MESSAGE), ..Default::default() }
}

/// Listens for desks until `stop` turns true.
pub async fn serve(app: App, bind: SocketAddr, mut stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let identity = tls::load_or_create(&app.config.data)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(tls::server_config(&identity)?);
    let listener = TcpListener::bind(bind).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen for desks on {bind}: {e}. Fix: free that port, or choose another with sync_bind."
        )
    })?;
    tracing::info!(%bind, fingerprint = %identity.fingerprint(), "listening for desks");
    crate::db::snapshot::remove_leftovers(&app.config.data.join("snapshots"))?;
    let places = Arc::new(Semaphore::new(MAX_LINKS));
    let pairing = Arc::new(PairingGuard::default());
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a desk's connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.changed() => return Ok(()),
        };
        let Ok(place) = places.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many desk links; one refused");
            continue;
        };
        let (app, acceptor, stop, pairing) = (app.clone(), acceptor.clone(), stop.clone(), pairing.clone());
        tokio::spawn(async move {
            let _place = place;
            if let Err(e) = link(app, acceptor, tcp, peer, stop, pairing).await {
                tracing::info!(%peer, error = %format!("{e:#}"), "desk link ended");
            }
        });
    }
}

type Ws<S> = WebSocketStream<S>;

async fn link(
    app: App,
    acceptor: tokio_rustls::TlsAcceptor,
    tcp: TcpStream,
    peer: SocketAddr,
    stop: watch::Receiver<bool>,
    pairing: Arc<PairingGuard>,
) -> anyhow::Result<()> {
    let _ = tcp.set_nodelay(true);
    let tls = timeout(HANDSHAKE, acceptor.accept(tcp)).await??;
    let mut credential = None;
    // The callback's shape is tungstenite's.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| {
        credential = request.headers().get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(response)
    };
    let mut ws =
        timeout(HANDSHAKE, tokio_tungstenite::accept_hdr_async_with_config(tls, callback, Some(ws_config()))).await??;
    let first = match timeout(HANDSHAKE, next_message(&mut ws)).await?? {
        Some(first) => first,
        None => return Ok(()),
    };
    match first {
        ToHub::Pair { code, name } => pair(&app, &mut ws, &code, &name, &pairing, peer).await,
        ToHub::Hello { proto, app_version, schema_fp, log_id, applied, applied_hash, decided_upto, pending } => {
            let Some(desk_id) = authenticate(&app, credential.as_deref()).await? else {
                tracing::warn!(%peer, "a desk link without a valid credential was refused");
                return bye(&mut ws, ByeCode::Revoked, "this desk is not paired with this hub (or was revoked)").await;
            };
            let position = hub::DeskPosition { proto, schema_fp, log_id, applied, applied_hash, decided_upto };
            let session = Session { app, desk_id, peer, ws, sent: applied, stop };
            session.run(position, app_version, pending).await
        }
        other => bye(&mut ws, ByeCode::Protocol, &format!("a link starts with hello or pair, not {other:?}")).await,
    }
}

/// Reads the next text message as a `ToHub` (None when the desk closed).
async fn next_message<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut Ws<S>) -> anyhow::Result<Option<ToHub>> {
    loop {
        match ws.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(None),
            Some(Ok(Message::Text(text))) => return Ok(Some(serde_json::from_str(&text)?)),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

async fn send<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut Ws<S>, msg: &ToDesk) -> anyhow::Result<()> {
    timeout(SEND_LIMIT, ws.send(Message::Text(serde_json::to_string(msg)?))).await??;
    Ok(())
}

async fn bye<S: AsyncRead + AsyncWrite + Unpin>(ws: &mut Ws<S>, code: ByeCode, detail: &str) -> anyhow::Result<()> {
    send(ws, &ToDesk::Bye { code, detail: detail.to_owned() }).await?;
    let _ = ws.close(None).await;
    Ok(())
}

/// The desk's id if `Authorization: Desk <id>:<secret>` names an active desk with that secret.
async fn authenticate(app: &App, header: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some((id, secret)) = header.and_then(|h| h.strip_prefix("Desk ")).and_then(|c| c.split_once(':')) else {
        return Ok(None);
    };
    let (id, hash) = (id.to_owned(), crate::auth::tokens::hash_secret(secret));
    let desk = app.db.read(move |c| Ok(registry::desk_by_id(c, &id)?)).await?;
    Ok(desk.filter(|d| d.revoked_at.is_none() && constant_time_eq(&d.secret_hash, &hash)).map(|d| d.id))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts wrong pairing codes: after `WRONG_CODES`, no code is looked at for a minute, so a
/// guest's phone on the LAN cannot try its way through the codes.
#[derive(Default)]
struct PairingGuard {
    state: std::sync::Mutex<(u32, Option<Instant>)>,
}

impl PairingGuard {
    fn paused(&self) -> bool {
        let mut state = self.state.lock().expect("pairing guard");
        match state.1 {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *state = (0, None);
                false
            }
            None => false,
        }
    }

    fn wrong(&self) {
        let mut state = self.state.lock().expect("pairing guard");
        state.0 += 1;
        if state.0 >= WRONG_CODES {
            state.1 = Some(Instant::now() + Duration::from_secs(60));
        }
    }
}

async fn pair<S: AsyncRead + AsyncWrite + Unpin>(
    app: &App,
    ws: &mut Ws<S>,
    code: &str,
    name: &str,
    guard: &PairingGuard,
    peer: SocketAddr,
) -> anyhow::Result<()> {
    if guard.paused() {
        return bye(ws, ByeCode::Unknown, "too many wrong pairing codes: try again in a minute").await;
    }
    let secret_part: String = tls::normalise_code(code).chars().take(8).collect();
    let desk_id = Uuid::now_v7().to_string();
    let secret = crate::auth::tokens::new_secret();
    let cmd = AnyCommand::PairDesk(PairDesk {
        desk_id: desk_id.clone(),
        name: name.to_owned(),
        code_hash: crate::auth::tokens::hash_secret(&secret_part),
        secret_hash: crate::auth::tokens::hash_secret(&secret),
    });
    match app.run(Actor::System, cmd).await? {
        Outcome::Applied { .. } => {
            tracing::info!(%peer, desk = %desk_id, name, "desk paired");
            let club = app.club().await?.name;
            send(ws, &ToDesk::Paired { desk_id, secret, club }).await?;
            let _ = ws.close(None).await;
            Ok(())
        }
        Outcome::Rejected(r) => {
            if r.code == "desk-code-invalid" {
                guard.wrong();
            }
            tracing::warn!(%peer, reason = %r.code, "a desk's pairing was refused");
            bye(ws, ByeCode::Unknown, &crate::i18n::rejection_text(crate::i18n::Locale::En, &r)).await
        }
    }
}

struct Session<S> {
    app: App,
    desk_id: String,
    peer: SocketAddr,
    ws: Ws<S>,
    /// The last transaction sent on this link.
    sent: i64,
    stop: watch::Receiver<bool>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    async fn run(mut self, position: hub::DeskPosition, app_version: String, pending: i64) -> anyhow::Result<()> {
        let desk = self.desk_id.clone();
        let greeting = self.app.db.read(move |c| hub::greet(c, &desk, &position)).await?;
        match greeting {
            hub::Greeting::Upgrade { hub_schema_fp } => {
                let hub_version = env!("CARGO_PKG_VERSION").to_owned();
                tracing::warn!(desk = %self.desk_id, desk_version = %app_version, "a desk runs another version");
                let (peer, now) = (self.peer.to_string(), self.app.now());
                self.app.desk_links.turned_away(&self.desk_id, &peer, &app_version, pending, now);
                send(&mut self.ws, &ToDesk::Upgrade { hub_version, hub_proto: PROTO, hub_schema_fp }).await?;
                let _ = self.ws.close(None).await;
                return Ok(());
            }
            hub::Greeting::Snapshot(reason) => return self.snapshot(reason).await,
            hub::Greeting::Welcome { log_id, head, desk_seq, decisions } => {
                let hub_ts = self.app.now().as_millisecond();
                send(&mut self.ws, &ToDesk::Welcome { log_id, head, hub_ts, desk_seq, decisions }).await?;
            }
        }
        let seen = AnyCommand::SeeDesk(SeeDesk { desk_id: self.desk_id.clone(), app_version, applied: self.sent });
        self.app.run(Actor::System, seen).await?;
        let now = self.app.now();
        self.app.desk_links.connected(&self.desk_id, &self.peer.to_string(), self.sent, pending, now);
        let result = self.follow().await;
        self.app.desk_links.gone(&self.desk_id, self.app.now());
        result
    }

    /// Sends the log as it grows and answers the desk, until either side ends the link.
    async fn follow(&mut self) -> anyhow::Result<()> {
        let mut feed = self.app.feed.subscribe();
        let mut heard = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        self.send_log().await?;
        loop {
            tokio::select! {
                msg = next_message(&mut self.ws) => {
                    heard = Instant::now();
                    match msg? {
                        None => return Ok(()),
                        Some(msg) => self.answer(msg).await?,
                    }
                }
                changed = feed.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    self.send_log().await?;
                }
                _ = tick.tick() => {
                    if heard.elapsed() > SILENCE {
                        anyhow::bail!("the desk went silent");
                    }
                    let id = self.desk_id.clone();
                    let desk = self.app.db.read(move |c| Ok(registry::desk_by_id(c, &id)?)).await?;
                    if desk.is_none_or(|d| d.revoked_at.is_some()) {
                        return bye(&mut self.ws, ByeCode::Revoked, "this desk was revoked on the hub").await;
                    }
                }
                _ = self.stop.changed() => {
                    return bye(&mut self.ws, ByeCode::ShuttingDown, "the hub is shutting down").await;
                }
            }
        }
    }

    async fn answer(&mut self, msg: ToHub) -> anyhow::Result<()> {
        match msg {
            ToHub::Push { cmds } => {
                let (desk, feed, now) = (self.desk_id.clone(), self.app.feed.clone(), self.app.now());
                let pushed = self
                    .app
                    .db
                    .write(move |c| {
                        let pushed = hub::push(c, &desk, &cmds, now)?;
                        if let Err(e) = feed.catch_up(c) {
                            tracing::warn!(error = %e, "open pages could not be told about a desk's commands");
                        }
                        Ok(pushed)
                    })
                    .await?;
                let pushed = match pushed {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(desk = %self.desk_id, error = %e, "a desk broke the protocol");
                        return bye(&mut self.ws, ByeCode::Protocol, &e.to_string()).await;
                    }
                };
                // A refusal writes no club data but fills the inbox every page counts.
                if pushed.decisions.iter().any(|d| !matches!(d.verdict, crate::sync::protocol::Verdict::Applied { .. }))
                {
                    self.app.feed.local_change();
                }
                for d in &pushed.decisions {
                    tracing::info!(desk = %self.desk_id, command = %d.command_id, desk_seq = d.desk_seq, verdict = ?d.verdict, "desk command decided");
                }
                crate::pause::at("hub-decided");
                // The transactions first: a desk that hears a verdict already holds its rows.
                self.send_log().await?;
                send(&mut self.ws, &ToDesk::Decided { decisions: pushed.decisions }).await?;
                if let Some(expected) = pushed.expected {
                    send(&mut self.ws, &ToDesk::PushNack { expected }).await?;
                }
            }
            ToHub::Ack { applied, pending } => self.app.desk_links.progress(&self.desk_id, applied, pending),
            ToHub::Ping { nonce } => {
                let head = self.app.feed.position().head;
                send(&mut self.ws, &ToDesk::Pong { nonce, head, hub_ts: self.app.now().as_millisecond() }).await?;
            }
            ToHub::SnapshotPart { name, offset } => self.stream_snapshot(&name, offset).await?,
            other => return bye(&mut self.ws, ByeCode::Protocol, &format!("unexpected {other:?}")).await,
        }
        Ok(())
    }

    /// Everything after `sent`, in messages of whole transactions, then `caught_up`.
    async fn send_log(&mut self) -> anyhow::Result<()> {
        let mut sent_any = false;
        loop {
            let after = self.sent;
            let txns =
                self.app.db.read(move |c| Ok(log::txns_after(c, after, TXNS_PER_MESSAGE, MESSAGE_ROW_BYTES)?)).await?;
            let Some(last) = txns.last().map(|t| t.txn_seq) else {
                return match sent_any {
                    true => send(&mut self.ws, &ToDesk::CaughtUp { head: self.sent }).await,
                    false => Ok(()),
                };
            };
            send(&mut self.ws, &ToDesk::Txns { txns }).await?;
            crate::pause::at("hub-sending-log");
            (self.sent, sent_any) = (last, true);
        }
    }

    async fn snapshot(mut self, reason: SnapshotReason) -> anyhow::Result<()> {
        let dir = self.app.config.data.join("snapshots");
        let made = self.app.db.read(move |c| snapshot::build(c, &dir)).await?;
        tracing::info!(desk = %self.desk_id, ?reason, bytes = made.info.bytes, "a desk takes a snapshot");
        send(&mut self.ws, &ToDesk::Snapshot { reason, info: made.info }).await?;
        // The desk asks for the file (from where a cut download stopped), then reconnects.
        loop {
            match timeout(SILENCE, next_message(&mut self.ws)).await?? {
                Some(ToHub::SnapshotPart { name, offset }) => self.stream_snapshot(&name, offset).await?,
                Some(ToHub::Ping { nonce }) => {
                    let head = self.app.feed.position().head;
                    send(&mut self.ws, &ToDesk::Pong { nonce, head, hub_ts: self.app.now().as_millisecond() }).await?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Sends the snapshot file `name` from `offset` as binary frames (8 bytes of offset, then
    /// data); an empty frame ends it. A name the hub no longer has gets a bye: ask again.
    async fn stream_snapshot(&mut self, name: &str, offset: u64) -> anyhow::Result<()> {
        let path = self.app.config.data.join("snapshots").join(name);
        let plain = !name.contains(['/', '\\']) && !name.starts_with('.');
        let Some(mut file) = (if plain { tokio::fs::File::open(&path).await.ok() } else { None }) else {
            return bye(&mut self.ws, ByeCode::Unknown, "that snapshot is gone: connect again for a new one").await;
        };
        file.seek(std::io::SeekFrom::Start(offset)).await?;
        let mut at = offset;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = file.read(&mut buf).await?;
            let mut frame = Vec::with_capacity(8 + n);
            frame.extend_from_slice(&at.to_be_bytes());
            frame.extend_from_slice(&buf[..n]);
            timeout(SEND_LIMIT, self.ws.send(Message::Binary(frame))).await??;
            if n == 0 {
                return Ok(());
            }
            at += n as u64;
        }
    }
}
