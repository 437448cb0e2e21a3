//! `GET /live`: the WebSocket every open staff page keeps to its own server, to hear that club
//! data changed and refetch the parts it shows (static/js/live.js).
//!
//! The socket is poked by the feed's watch and reads from the page's own position, so a page
//! misses nothing and nothing piles up for it: a frame is built only when the socket can take it,
//! and says everything since the last one. A socket that cannot take a frame within a few
//! seconds, or has not answered a ping for a while, is closed; the page reconnects from where
//! it was. Staff only: the session cookie is checked on upgrade, and so is the page's origin.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rocket::futures::{SinkExt, StreamExt};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::json;
use rocket::{Route, Shutdown, State, get, routes};
use rocket_ws::{Channel, Config, Message, WebSocket, stream::DuplexStream};
use tokio::time::{Instant, interval, timeout};

use super::guards::Staff;
use crate::app::App;
use crate::sync::feed::{Feed, Since};

/// How often the server pings (and tells the page it is there).
const BEAT: Duration = Duration::from_secs(15);
/// A socket silent this long (no pong, no frame) is taken for dead.
const SILENCE: Duration = Duration::from_secs(45);
/// A frame the browser does not take within this time closes its socket.
const SEND_LIMIT: Duration = Duration::from_secs(5);
/// Open sockets at most; each is a staff page, so this is far above any club's need.
const MAX_SOCKETS: usize = 512;

/// How many sockets are open.
#[derive(Default)]
pub struct Sockets(AtomicUsize);

/// Holds one of the `MAX_SOCKETS` places while a socket is open.
struct Place(Arc<Sockets>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Sockets {
    fn take(self: &Arc<Self>) -> Option<Place> {
        let taken = self.0.fetch_add(1, Ordering::Relaxed);
        let place = Place(self.clone());
        (taken < MAX_SOCKETS).then_some(place)
    }
}

/// The upgrade comes from a page of this very server: a browser always sends `Origin`, and a
/// page on another site must not listen in with the staff member's cookie.
pub struct SameOrigin;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SameOrigin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let host = req.headers().get_one("Host");
        let origin = req.headers().get_one("Origin").map(|o| o.split_once("://").map_or(o, |(_, rest)| rest));
        match (host, origin) {
            (Some(host), Some(origin)) if host.eq_ignore_ascii_case(origin) => Outcome::Success(SameOrigin),
            _ => Outcome::Error((Status::Forbidden, ())),
        }
    }
}

#[get("/live?<log>&<at>&<local>")]
fn live(
    ws: WebSocket,
    _staff: Staff,
    _origin: SameOrigin,
    app: &State<App>,
    sockets: &State<Arc<Sockets>>,
    log: String,
    at: i64,
    local: Option<u64>,
    shutdown: Shutdown,
) -> Result<Channel<'static>, Status> {
    let place = sockets.take().ok_or(Status::ServiceUnavailable)?;
    let feed = app.feed.clone();
    // A page only ever receives small frames and sends pongs: keep every buffer small.
    let config = Config {
        max_message_size: Some(4 << 10),
        max_frame_size: Some(4 << 10),
        write_buffer_size: 0,
        max_write_buffer_size: 64 << 10,
        ..Config::default()
    };
    Ok(ws.config(config).channel(move |stream| {
        Box::pin(async move {
            follow(stream, &feed, log, at, local, shutdown).await;
            drop(place);
            Ok(())
        })
    }))
}

/// Sends `frame`; false when the page did not take it in time or is gone.
async fn send(stream: &mut DuplexStream, frame: Message) -> bool {
    matches!(timeout(SEND_LIMIT, stream.send(frame)).await, Ok(Ok(())))
}

/// Tells the page what changed since (`log`, `at`) and, for this machine's own tables, since its
/// count of their changes `local` whenever the feed moves, until the page goes. A page that gives
/// no count is taken as current: a change between its render and its socket would otherwise be
/// missed (an SMS delivered just then stayed "sent" on the campaign's page).
async fn follow(
    mut stream: DuplexStream,
    feed: &Feed,
    mut log: String,
    mut at: i64,
    local: Option<u64>,
    mut shutdown: Shutdown,
) {
    let mut watch = feed.subscribe();
    let current = watch.borrow_and_update().local;
    let mut local = local.unwrap_or(current);
    let mut heard = Instant::now();
    let mut beat = interval(BEAT);
    beat.reset();
    if !send(&mut stream, Message::text(json!({ "t": "hello" }).to_string())).await {
        return;
    }
    loop {
        let now_local = watch.borrow_and_update().local;
        let frame = match feed.since(&log, at) {
            Since::Current => None,
            Since::Changed { head, tables } => {
                at = head;
                Some(json!({ "t": "changed", "at": head, "tables": tables }))
            }
            Since::Reset { log_id, head } => {
                (log, at) = (log_id.to_string(), head);
                Some(json!({ "t": "reset", "log": log, "at": head }))
            }
        };
        if let Some(frame) = frame
            && !send(&mut stream, Message::text(frame.to_string())).await
        {
            return;
        }
        if now_local != local {
            local = now_local;
            if !send(&mut stream, Message::text(json!({ "t": "local", "n": local }).to_string())).await {
                return;
            }
        }
        tokio::select! {
            changed = watch.changed() => if changed.is_err() { return },
            _ = beat.tick() => {
                if heard.elapsed() > SILENCE {
                    return;
                }
                let beat = Message::text(json!({ "t": "beat" }).to_string());
                if !send(&mut stream, Message::Ping(Vec::new())).await || !send(&mut stream, beat).await {
                    return;
                }
            }
            message = stream.next() => match message {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => heard = Instant::now(),
            },
            _ = &mut shutdown => return,
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![live]
}
