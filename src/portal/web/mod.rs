//! The portal's pages at /p/: mobile first, in the player's language, with their own session
//! and layout. `sign_in` (code by SMS or a password), `home` (the player's bookings), `book` (free court time
//! and booking it), `cancel`, `settings` (the staff page that turns the portal and its parts on).

mod account;
mod book;
mod calendar;
mod cancel;
mod home;
mod logo;
mod password;
mod settings;
mod sign_in;
mod waitlist;
mod week;
mod widget;

pub use widget::{WidgetCache, widget_cache};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rocket::http::Status;
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use rocket::response::Redirect;
use rocket::{Catcher, Route, catch, catchers, routes};

use crate::club::model::ClubSettings;
use crate::i18n::{self, Locale};
use crate::portal::model::PortalSettings;
use crate::web::guards::{self, PlayerInfo};
use crate::web::page::{LANG_COOKIE, pre_session_csrf};

/// What every portal page needs: the player (if signed in), their language, the club, the
/// portal's switches and the CSRF token of its forms.
pub struct PortalCtx {
    pub player: Option<PlayerInfo>,
    pub locale: Locale,
    pub club: ClubSettings,
    pub tz: TimeZone,
    pub settings: PortalSettings,
    /// The club's logo's version, when it has one (`/p/logo?v=`).
    pub logo: Option<i64>,
    pub csrf: String,
    pub flash: Option<(String, String)>,
    pub uri: String,
    pub now: Timestamp,
}

/// The language the browser asks for first among ours (`ru-RU,ru;q=0.9,en;q=0.8`).
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for part in header.split(',') {
        let mut bits = part.trim().split(';');
        let tag = bits.next().unwrap_or_default().trim();
        let q = bits.find_map(|b| b.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        if let Some(locale) = Locale::parse(primary)
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, locale));
        }
    }
    best.map(|(_, l)| l)
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PortalCtx {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let app = guards::app(req);
        let player = guards::player(req).await.clone();
        let read = app.db.read(|c| Ok((crate::portal::store::settings(c)?, crate::portal::store::logo_version(c)?)));
        let (club, (mut settings, logo)) = match (app.club().await, read.await) {
            (Ok(club), Ok(read)) => (club, read),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "cannot read the club's portal settings");
                return Outcome::Error((Status::InternalServerError, ()));
            }
        };
        // Sign-in codes and players' sessions live on the hub: a desk says the portal is closed.
        if app.desk.is_some() {
            settings.enabled = false;
        }
        let chosen = req.cookies().get(LANG_COOKIE).and_then(|c| Locale::parse(c.value()));
        let asked = req.headers().get_one("Accept-Language").and_then(from_accept_language);
        let locale = chosen.or(asked).unwrap_or(club.locale);
        let csrf = match &player {
            Some(p) => p.csrf.clone(),
            None => pre_session_csrf(req),
        };
        let flash = req.guard::<Option<FlashMessage<'_>>>().await.succeeded().flatten();
        let tz = TimeZone::get(&club.time_zone).unwrap_or(TimeZone::UTC);
        Outcome::Success(PortalCtx {
            player,
            locale,
            club,
            tz,
            settings,
            logo,
            csrf,
            flash: flash.map(|f| (f.kind().to_owned(), f.message().to_owned())),
            uri: req.uri().to_string(),
            now: app.now(),
        })
    }
}

impl PortalCtx {
    pub fn t(&self, id: &str) -> String {
        i18n::tr(self.locale, id)
    }

    pub fn ta(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        i18n::tr_args(self.locale, id, &[(name, &value.to_string())])
    }

    pub fn money(&self, minor: impl crate::money::amount::Minor) -> String {
        crate::money::amount::show(self.locale, minor.minor(), &self.club.currency)
    }

    pub fn asset(&self, path: &str) -> String {
        crate::web::assets::url(path)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn locales(&self) -> [Locale; 2] {
        Locale::ALL
    }

    /// Switches the language, coming back to this very page.
    pub fn lang_link(&self, locale: &Locale) -> String {
        let back = rocket::http::RawStr::new(&self.uri).percent_encode().to_string();
        format!("/lang/{}?next={back}", locale.as_str())
    }

    pub fn date(&self, day: jiff::civil::Date) -> String {
        i18n::date(self.locale, day)
    }
}

/// A portal page that needs a signed-in player sends anyone else to the sign-in, and back
/// here after it.
#[catch(401)]
fn sign_in_first(req: &Request<'_>) -> Redirect {
    let here = req.uri().to_string();
    let next = rocket::http::RawStr::new(&here).percent_encode().to_string();
    Redirect::to(format!("/p/sign-in?next={next}"))
}

/// Where to go after signing in: a portal page, never anywhere else.
pub fn portal_next(next: Option<&str>) -> String {
    let next = crate::web::forms::safe_next(next.unwrap_or("/p/"));
    if next.starts_with("/p/") { next } else { "/p/".to_owned() }
}

pub fn catchers() -> Vec<Catcher> {
    catchers![sign_in_first]
}

pub fn routes() -> Vec<Route> {
    routes![
        home::home,
        logo::logo,
        account::account,
        calendar::new_feed,
        calendar::member_feed,
        calendar::court_feed,
        book::day_page,
        book::slot,
        book::book,
        week::week,
        cancel::cancel_page,
        cancel::cancel,
        waitlist::wait_page,
        waitlist::join,
        waitlist::offer,
        waitlist::leave,
        widget::availability_json,
        widget::widget_page,
        sign_in::sign_in_page,
        sign_in::ask_code,
        sign_in::code_page,
        sign_in::try_code,
        sign_in::sign_out,
        password::sign_in,
        password::page,
        password::save
    ]
}

pub fn staff_routes() -> Vec<Route> {
    routes![settings::settings_page, settings::save_settings, logo::upload, logo::remove]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_our_languages_the_browser_asks_for_wins() {
        assert_eq!(from_accept_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Locale::Ru));
        assert_eq!(from_accept_language("de-DE,de;q=0.9,en;q=0.5,ru;q=0.4"), Some(Locale::En));
        assert_eq!(from_accept_language("en;q=0.2, ru;q=0.8"), Some(Locale::Ru));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language(""), None);
    }
}
