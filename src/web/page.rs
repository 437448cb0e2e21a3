//! What every page needs (`PageCtx`: user, language, club, CSRF token, flash message) and the
//! HTML responder that renders a template with the right status and cache headers.

use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rocket::http::{ContentType, Cookie, SameSite, Status};
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};

use super::guards::{self, SessionInfo};
use crate::auth::tokens::new_secret;
use crate::club::model::ClubSettings;
use crate::core::Role;
use crate::i18n::{self, Locale};

/// Cookie holding the CSRF token of a visitor who has no session yet (login and setup forms).
pub const PRE_SESSION_CSRF: &str = "courtside_csrf";
/// Language chosen on the login page by someone not logged in.
pub const LANG_COOKIE: &str = "courtside_lang";

pub struct PageCtx {
    pub session: Option<SessionInfo>,
    pub locale: Locale,
    pub club: ClubSettings,
    pub tz: TimeZone,
    pub csrf: String,
    pub flash: Option<(String, String)>,
    pub path: String,
    /// Path and query, for links that come back here.
    pub uri: String,
    pub now: Timestamp,
    /// Where the log stood before this page read anything, and how many changes this machine's
    /// own tables had had (staff pages): live.js follows both from here, so a change made while
    /// the page was being built or its socket opened is not missed.
    pub live: Option<(std::sync::Arc<str>, i64, u64)>,
    /// On a desk: the state of its link to the hub, for the banner.
    pub desk: Option<crate::desk::status::LinkStatus>,
    /// Refused desk work waiting for staff (see `conflicts_banner`).
    pub conflicts: usize,
}

impl PageCtx {
    pub fn t(&self, id: &str) -> String {
        i18n::tr(self.locale, id)
    }

    pub fn ta(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::tr_args(self.locale, id, &[(name, &value.to_string())])
    }

    /// Message `id` with several named values.
    pub fn tas(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        i18n::tr_args(self.locale, id, &args)
    }

    /// An amount in minor units of the club currency, as this page's language writes money.
    pub fn money(&self, minor: impl crate::money::amount::Minor) -> String {
        crate::money::amount::show(self.locale, minor.minor(), &self.club.currency)
    }

    /// An amount for a form field ("1200.50"), in the club currency.
    pub fn money_plain(&self, minor: impl crate::money::amount::Minor) -> String {
        crate::money::amount::plain(minor.minor(), &self.club.currency)
    }

    /// "1 h 30 min" for a length in minutes.
    pub fn duration(&self, minutes: u16) -> String {
        i18n::duration(self.locale, minutes)
    }

    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// Switches the language of someone not logged in, coming back to this very page.
    pub fn lang_link(&self, locale: &Locale) -> String {
        let back = rocket::http::RawStr::new(&self.uri).percent_encode().to_string();
        format!("/lang/{}?next={back}", locale.as_str())
    }

    pub fn asset(&self, path: &str) -> String {
        super::assets::url(path)
    }

    pub fn when(&self, at: &Timestamp) -> String {
        i18n::datetime(self.locale, *at, &self.tz)
    }

    /// A day as the language writes it.
    pub fn date(&self, day: &jiff::civil::Date) -> String {
        i18n::date(self.locale, *day)
    }

    /// Today in the club's time zone, in words.
    pub fn today(&self) -> String {
        i18n::date(self.locale, self.club_day())
    }

    /// Today's date in the club's time zone.
    pub fn club_day(&self) -> jiff::civil::Date {
        self.now.to_zoned_datetime(self.tz.clone()).date()
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn user_name(&self) -> String {
        self.session.as_ref().map(|s| s.user.display_name.clone()).unwrap_or_default()
    }

    pub fn logged_in(&self) -> bool {
        self.session.is_some()
    }

    /// Whether the logged-in user holds at least the named role (for showing navigation).
    pub fn can(&self, role: &str) -> bool {
        let needed = Role::parse(role).unwrap_or(Role::Owner);
        self.session.as_ref().is_some_and(|s| s.user.role >= needed && !s.user.must_change_password)
    }

    /// `aria-current` for the navigation link under `prefix`.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" { self.path == "/" } else { self.path.starts_with(prefix) };
        if here { "page" } else { "false" }
    }

    /// `aria-current` for a navigation link that covers several areas.
    pub fn current_any(&self, prefixes: &[&str]) -> &'static str {
        if prefixes.iter().any(|p| self.path.starts_with(p)) { "page" } else { "false" }
    }

    pub fn role_name(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.as_str()))
    }

    /// The desk's banner: (css class, text), when this server is a desk with something to say.
    pub fn desk_banner(&self) -> Option<(&'static str, String)> {
        use crate::desk::status::Problem;
        let status = self.desk.as_ref()?;
        let problem = status.problem.as_ref().map(|p| match p {
            Problem::Upgrade { hub_version } => self.ta("desk-banner-upgrade", "version", hub_version),
            Problem::Revoked => self.t("desk-banner-revoked"),
            Problem::WrongHub => self.t("desk-banner-wrong-hub"),
        });
        let since = status
            .since
            .map(|t| t.to_zoned_datetime(self.tz.clone()).strftime("%H:%M").to_string())
            .unwrap_or_default();
        match (problem, status.online) {
            (Some(problem), _) => Some((
                "desk-banner alert",
                format!("{problem} {}", self.ta("desk-banner-pending", "n", status.pending)),
            )),
            (None, false) if status.since.is_some() => Some((
                "desk-banner warn",
                format!(
                    "{} {}",
                    self.ta("desk-banner-offline-since", "time", since),
                    self.ta("desk-banner-pending", "n", status.pending)
                ),
            )),
            (None, false) => Some((
                "desk-banner warn",
                format!("{} {}", self.t("desk-banner-connecting"), self.ta("desk-banner-pending", "n", status.pending)),
            )),
            (None, true) if status.pending > 0 => {
                Some(("desk-banner", self.ta("desk-banner-sending", "n", status.pending)))
            }
            (None, true) => None,
        }
    }

    /// The banner of refused desk work waiting for staff, if any: a desk's own, or on the hub
    /// every desk's.
    pub fn conflicts_banner(&self) -> Option<String> {
        match (&self.desk, self.conflicts) {
            (_, 0) => None,
            (Some(_), n) => Some(self.ta("desk-banner-conflicts", "n", n)),
            (None, n) => Some(self.ta("hub-banner-refusals", "n", n)),
        }
    }

    pub fn locales(&self) -> [Locale; 2] {
        Locale::ALL
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageCtx {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let app = guards::app(req);
        let session = guards::session(req).await.clone();
        let club = match app.club().await {
            Ok(club) => club,
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "cannot read club settings");
                return Outcome::Error((Status::InternalServerError, ()));
            }
        };
        let cookie_lang = req.cookies().get(LANG_COOKIE).and_then(|c| Locale::parse(c.value()));
        let locale = session.as_ref().and_then(|s| s.user.locale).or(cookie_lang).unwrap_or(club.locale);
        let csrf = match &session {
            Some(s) => s.csrf.clone(),
            None => pre_session_csrf(req),
        };
        let live = session.as_ref().map(|_| {
            let p = app.feed.position();
            (p.log_id, p.head, p.local)
        });
        let desk = app.desk.as_ref().map(|d| d.status());
        let conflicts = match (&desk, &session) {
            (Some(d), _) => d.conflicts,
            (None, Some(s)) if s.user.role >= Role::Reception => app.refusals.get(&app.db, app.feed.position()).await,
            _ => 0,
        };
        // A flash is for the page the browser goes to next: a script's background fetch (live
        // refresh, search) must not take it, or the page after a redirect loses its message.
        let navigating = req.headers().get_one("Sec-Fetch-Mode").is_none_or(|m| m == "navigate");
        let flash = match navigating {
            true => req.guard::<Option<FlashMessage<'_>>>().await.succeeded().flatten(),
            false => None,
        };
        let tz = TimeZone::get(&club.time_zone).unwrap_or(TimeZone::UTC);
        Outcome::Success(PageCtx {
            session,
            locale,
            club,
            tz,
            csrf,
            flash: flash.map(|f| (f.kind().to_owned(), f.message().to_owned())),
            path: req.uri().path().to_string(),
            uri: req.uri().to_string(),
            now: app.now(),
            live,
            desk,
            conflicts,
        })
    }
}

/// The visitor's pre-session CSRF token, created (and set as a cookie) on first need.
pub fn pre_session_csrf(req: &Request<'_>) -> String {
    if let Some(c) = req.cookies().get(PRE_SESSION_CSRF) {
        return c.value().to_owned();
    }
    let token = req.local_cache(new_secret).clone();
    let cookie = Cookie::build((PRE_SESSION_CSRF, token.clone())).http_only(true).same_site(SameSite::Strict).path("/");
    req.cookies().add(cookie);
    token
}

/// A rendered page with its status. Pages are never cached: they show live club data.
pub struct Html {
    pub status: Status,
    pub body: String,
    /// Seconds for `Retry-After`, on a "too many" or "busy" answer.
    retry_after: Option<u64>,
}

impl Html {
    pub fn retry_after(self, seconds: u64) -> Html {
        Html { retry_after: Some(seconds), ..self }
    }
}

impl<'r> Responder<'r, 'static> for Html {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut response = Response::build();
        response
            .status(self.status)
            .header(ContentType::HTML)
            .raw_header("Cache-Control", "no-store")
            .sized_body(self.body.len(), std::io::Cursor::new(self.body));
        if let Some(seconds) = self.retry_after {
            response.raw_header("Retry-After", seconds.to_string());
        }
        response.ok()
    }
}

pub fn render<T: Template>(status: Status, page: &T) -> Result<Html, crate::error::AppError> {
    Ok(Html { status, body: page.render()?, retry_after: None })
}

pub fn ok<T: Template>(page: &T) -> Result<Html, crate::error::AppError> {
    render(Status::Ok, page)
}

/// A spreadsheet download, saved under `name`.
#[derive(rocket::Responder)]
pub struct CsvFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: rocket::http::Header<'static>,
}

impl CsvFile {
    pub fn new(name: &str, body: Vec<u8>) -> Self {
        CsvFile::of(name, body, ContentType::CSV)
    }

    /// An Excel workbook (`.xlsx`).
    pub fn xlsx(name: &str, body: Vec<u8>) -> Self {
        let xlsx = ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        CsvFile::of(name, body, xlsx)
    }

    fn of(name: &str, body: Vec<u8>, content_type: ContentType) -> Self {
        let disposition = format!("attachment; filename=\"{name}\"");
        CsvFile { body, content_type, disposition: rocket::http::Header::new("Content-Disposition", disposition) }
    }
}
