//! Request guards: the session behind the cookie, the role ladder, the client's address, and
//! the bearer token of the JSON API. Every handler's signature says who may call it.

use std::marker::PhantomData;
use std::net::IpAddr;

use jiff::SignedDuration;
use rocket::http::{CookieJar, Status};
use rocket::request::{FromRequest, Outcome, Request};

use crate::app::App;
use crate::auth::store::{self, StaffUser};
use crate::auth::tokens::hash_secret;
use crate::core::{Actor, Role};

pub const SESSION_COOKIE: &str = "courtside_session";
/// A player's portal session: another cookie, another table, never a staff session.
pub const PLAYER_COOKIE: &str = "courtside_player";

/// A live session: the user behind it and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: StaffUser,
    pub csrf: String,
    pub token_hash: String,
}

impl SessionInfo {
    pub fn actor(&self) -> Actor {
        Actor::Staff { id: self.user.id.clone(), name: self.user.display_name.clone(), role: self.user.role }
    }
}

pub fn app<'r>(req: &'r Request<'_>) -> &'r App {
    req.rocket().state::<App>().expect("App is managed")
}

/// The session of this request, looked up once and cached. Expired sessions are deleted here.
pub async fn session<'r>(req: &'r Request<'_>) -> &'r Option<SessionInfo> {
    req.local_cache_async(async {
        let app = app(req);
        let token = req.cookies().get_private(SESSION_COOKIE)?.value().to_owned();
        let hash = hash_secret(&token);
        let now = app.now();
        let lookup = hash.clone();
        let found = app.db.read(move |c| Ok(store::session(c, &lookup)?)).await.ok()??;
        let idle = SignedDuration::from_mins(app.config.session.idle_minutes);
        let max = SignedDuration::from_hours(app.config.session.max_hours);
        let expired = now.duration_since(found.last_seen_at) > idle || now.duration_since(found.created_at) > max;
        if expired || !found.user.active {
            let gone = hash.clone();
            let _ = app.db.write(move |c| Ok(store::delete_session(c, &gone)?)).await;
            req.cookies().remove_private(SESSION_COOKIE);
            return None;
        }
        // Record activity at most once a minute: idle expiry needs no finer grain.
        if now.duration_since(found.last_seen_at) > SignedDuration::from_mins(1) {
            let seen = hash.clone();
            let _ = app.db.write(move |c| Ok(store::touch_session(c, &seen, now)?)).await;
        }
        Some(SessionInfo { user: found.user, csrf: found.csrf_token, token_hash: hash })
    })
    .await
}

/// A player signed in to the portal.
#[derive(Debug, Clone)]
pub struct PlayerInfo {
    pub member_id: String,
    pub name: String,
    pub token_hash: String,
    /// Derived from the cookie's secret (never stored): the token the portal's forms carry.
    pub csrf: String,
}

impl PlayerInfo {
    pub fn actor(&self) -> Actor {
        Actor::Member { id: self.member_id.clone(), name: self.name.clone() }
    }
}

/// The CSRF token of a player's session with cookie secret `token`.
pub fn player_csrf(token: &str) -> String {
    hash_secret(&format!("portal-csrf/{token}"))
}

/// The player of this request, looked up once and cached. Expired sessions, and those of a
/// member since archived or merged, are deleted here.
pub async fn player<'r>(req: &'r Request<'_>) -> &'r Option<PlayerInfo> {
    use crate::portal::model::{SESSION_IDLE, SESSION_MAX};
    use crate::portal::store as portal;
    req.local_cache_async(async {
        let app = app(req);
        let token = req.cookies().get_private(PLAYER_COOKIE)?.value().to_owned();
        let hash = hash_secret(&token);
        let now = app.now();
        let lookup = hash.clone();
        let found = app.db.read(move |c| Ok(portal::session(c, &lookup)?)).await.ok()??;
        let expired =
            now.duration_since(found.last_seen_at) > SESSION_IDLE || now.duration_since(found.created_at) > SESSION_MAX;
        if expired || !found.active {
            let gone = hash.clone();
            let _ = app.db.write(move |c| Ok(portal::delete_session(c, &gone)?)).await;
            req.cookies().remove_private(PLAYER_COOKIE);
            return None;
        }
        if !found.portal_open {
            return None;
        }
        if now.duration_since(found.last_seen_at) > SignedDuration::from_mins(10) {
            let seen = hash.clone();
            let _ = app.db.write(move |c| Ok(portal::touch_session(c, &seen, now)?)).await;
        }
        Some(PlayerInfo { member_id: found.member_id, name: found.name, token_hash: hash, csrf: player_csrf(&token) })
    })
    .await
}

/// A signed-in player (portal pages); anyone else is sent to the portal's sign-in.
pub struct Player(pub PlayerInfo);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Player {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match player(req).await.clone() {
            Some(p) => Outcome::Success(Player(p)),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

/// Paths a user who must change their password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    path == "/profile" || path.starts_with("/profile/") || path == "/logout"
}

async fn staff_at_least(req: &Request<'_>, role: Role) -> Outcome<SessionInfo, ()> {
    let Some(s) = session(req).await.clone() else {
        // A signed-in player is told no, not sent to the staff login.
        let status = if player(req).await.is_some() { Status::Forbidden } else { Status::Unauthorized };
        return Outcome::Error((status, ()));
    };
    if s.user.must_change_password && !allowed_before_password_change(req.uri().path().as_str()) {
        return Outcome::Error((Status::Unauthorized, ()));
    }
    if s.user.role < role {
        return Outcome::Error((Status::Forbidden, ()));
    }
    Outcome::Success(s)
}

/// A rung of the role ladder: the page guards below, which the API's `Api<R>` names too, so
/// a page and the API route showing the same data ask for the same role.
pub trait Rung: Send + Sync + 'static {
    const ROLE: Role;
}

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name(pub SessionInfo);

        impl Rung for $name {
            const ROLE: Role = $role;
        }

        #[rocket::async_trait]
        impl<'r> FromRequest<'r> for $name {
            type Error = ();

            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                staff_at_least(req, $role).await.map($name)
            }
        }
    };
}

role_guard!(
    /// Any logged-in staff member (coach and up).
    Staff,
    Role::Coach
);
role_guard!(
    /// Reception and up.
    Reception,
    Role::Reception
);
role_guard!(
    /// Manager and owner.
    Manager,
    Role::Manager
);
role_guard!(
    /// The owner only.
    Owner,
    Role::Owner
);

/// The client's address, for throttling and the session record: the connection's address,
/// unless it is a configured reverse proxy, whose `X-Forwarded-For` then names the client.
pub struct ClientIp(pub String);

/// The nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
fn forwarded_for(req: &Request<'_>, trusted: &[IpAddr]) -> Option<IpAddr> {
    let header = req.headers().get("X-Forwarded-For").collect::<Vec<_>>().join(",");
    header.rsplit(',').map(str::trim).map_while(|hop| hop.parse::<IpAddr>().ok()).find(|ip| !trusted.contains(ip))
}

pub fn client_ip(req: &Request<'_>) -> Option<IpAddr> {
    let remote = req.remote()?.ip();
    let trusted = &app(req).config.trusted_proxies;
    if trusted.contains(&remote) { forwarded_for(req, trusted).or(Some(remote)) } else { Some(remote) }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(ClientIp(client_ip(req).map_or_else(|| "unknown".into(), |ip| ip.to_string())))
    }
}

/// A caller of the JSON API holding at least the role of rung `R` (`Api<Reception>` may do what
/// the `Reception` pages may), identified by `Authorization: Bearer <token>`. Cookies are never
/// accepted there, so the API needs no CSRF protection.
pub struct Api<R>(pub StaffUser, PhantomData<R>);

/// Any staff member with a token.
pub type ApiUser = Api<Staff>;

impl<R> Api<R> {
    pub fn actor(&self) -> Actor {
        Actor::Staff { id: self.0.id.clone(), name: self.0.display_name.clone(), role: self.0.role }
    }
}

#[rocket::async_trait]
impl<'r, R: Rung> FromRequest<'r> for Api<R> {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(token) = req.headers().get_one("Authorization").and_then(|h| h.strip_prefix("Bearer ")) else {
            return Outcome::Error((Status::Unauthorized, ()));
        };
        let hash = hash_secret(token.trim());
        match app(req).db.read(move |c| Ok(store::user_by_token(c, &hash)?)).await {
            Ok(Some(user)) if user.role < R::ROLE => Outcome::Error((Status::Forbidden, ())),
            Ok(Some(user)) => Outcome::Success(Api(user, PhantomData)),
            Ok(None) => Outcome::Error((Status::Unauthorized, ())),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "token lookup failed");
                Outcome::Error((Status::InternalServerError, ()))
            }
        }
    }
}

/// Ends the session behind this request's cookie (logout).
pub async fn end_session(req_cookies: &CookieJar<'_>, app: &App, info: &SessionInfo) -> anyhow::Result<()> {
    let hash = info.token_hash.clone();
    app.db.write(move |c| Ok(store::delete_session(c, &hash)?)).await?;
    req_cookies.remove_private(SESSION_COOKIE);
    Ok(())
}
