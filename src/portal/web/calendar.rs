//! Calendar feeds: each player's private address for their bookings (made on their account
//! page), and, if the club publishes them, each court's taken times. Feeds are read by calendar
//! apps without a session: the secret in the address is the key.

use askama::Template;
use jiff::SignedDuration;
use rocket::http::uri::Host;
use rocket::http::{ContentType, Status};
use rocket::{State, get, post};

use super::PortalCtx;
use crate::app::App;
use crate::auth::tokens::{hash_secret, new_secret};
use crate::bookings::model::Status as BookingStatus;
use crate::bookings::store::Booking;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::portal::calendar::{FeedEvent, feed};
use crate::portal::commands::NewCalendarFeed;
use crate::web::forms::{Csrf, NoFields};
use crate::web::guards::Player;
use crate::web::page::{Html, render};

/// A member's feed holds their bookings from this long ago on...
const FEED_PAST: SignedDuration = SignedDuration::from_hours(24 * 30);
/// ...at most this many.
const FEED_EVENTS: i64 = 300;

/// The host this request came to (`localhost` when it named none).
fn host_name(host: Option<&Host<'_>>) -> String {
    host.map_or_else(|| "localhost".to_owned(), ToString::to_string)
}

/// Where players reach this server: the club's address, or the one this request came to.
fn base(ctx: &PortalCtx, host: Option<&Host<'_>>) -> String {
    ctx.settings.link("").unwrap_or_else(|| format!("http://{}", host_name(host)))
}

/// Booking `b` as a feed's event.
fn event(b: Booking, summary: String, location: String) -> FeedEvent {
    FeedEvent {
        summary,
        location,
        cancelled: b.status == BookingStatus::Cancelled,
        booking_id: b.id,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        created_at: b.created_at,
        updated_at: b.updated_at,
    }
}

#[derive(Template)]
#[template(path = "portal/calendar.html")]
struct CalendarPage {
    ctx: PortalCtx,
    url: String,
}

impl CalendarPage {
    /// The same address for apps that subscribe to webcal:// links.
    fn webcal(&self) -> String {
        let rest = self.url.split_once("://").map_or(self.url.as_str(), |(_, r)| r);
        format!("webcal://{rest}")
    }
}

#[post("/calendar", data = "<form>")]
pub(super) async fn new_feed(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    host: Option<&Host<'_>>,
    form: Csrf<NoFields>,
) -> Result<Html, AppError> {
    let Csrf(_, sub) = form;
    let token = new_secret();
    let cmd = AnyCommand::NewCalendarFeed(NewCalendarFeed {
        member_id: p.0.member_id.clone(),
        token_hash: hash_secret(&token),
    });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let url = format!("{}/p/calendar/{token}.ics", base(&ctx, host));
            render(Status::Ok, &CalendarPage { ctx, url })
        }
        Outcome::Rejected(_) => Err(AppError::NotFound),
    }
}

/// A feed's text, served as a calendar.
pub(super) struct Ics(String);

impl<'r> rocket::response::Responder<'r, 'static> for Ics {
    fn respond_to(self, _: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        rocket::Response::build()
            .header(ContentType::new("text", "calendar").with_params(("charset", "utf-8")))
            .raw_header("Cache-Control", "no-store")
            .sized_body(self.0.len(), std::io::Cursor::new(self.0))
            .ok()
    }
}

#[get("/calendar/<file>")]
pub(super) async fn member_feed(
    ctx: PortalCtx,
    app: &State<App>,
    host: Option<&Host<'_>>,
    file: &str,
) -> Result<Option<Ics>, AppError> {
    let Some(token) = file.strip_suffix(".ics") else { return Ok(None) };
    if !ctx.settings.enabled {
        return Ok(None);
    }
    let (hash, since, club) = (hash_secret(token), ctx.now - FEED_PAST, ctx.club.name.clone());
    let locale = ctx.locale;
    let found = app
        .db
        .read(move |c| {
            let Some((member, name)) = crate::portal::store::feed_member(c, &hash)? else { return Ok(None) };
            let courts = crate::courts::store::courts(c)?;
            let events = crate::bookings::store::upcoming_of_member(c, &member, since, FEED_EVENTS)?
                .into_iter()
                .map(|b| {
                    let court = courts.iter().find(|k| k.id == b.court_id).map(|k| k.draft.name.as_str()).unwrap_or("");
                    let summary = crate::i18n::tr_args(locale, "calendar-summary", &[("court", court)]);
                    event(b, summary, club.clone())
                })
                .collect::<Vec<_>>();
            Ok(Some((name, events)))
        })
        .await?;
    let Some((name, events)) = found else { return Ok(None) };
    let title = format!("{} · {name}", ctx.club.name);
    Ok(Some(Ics(feed(&title, &host_name(host), &events, ctx.now))))
}

#[get("/courts/<court_id>/calendar.ics")]
pub(super) async fn court_feed(
    ctx: PortalCtx,
    app: &State<App>,
    host: Option<&Host<'_>>,
    court_id: &str,
) -> Result<Option<Ics>, AppError> {
    if !(ctx.settings.enabled && ctx.settings.court_feeds) {
        return Ok(None);
    }
    let (id, from, to) = (court_id.to_owned(), ctx.now - FEED_PAST, ctx.now + SignedDuration::from_hours(24 * 180));
    let found = app
        .db
        .read(move |c| {
            let Some(court) = crate::courts::store::court(c, &id)?.filter(|k| k.draft.active) else { return Ok(None) };
            let bookings = crate::bookings::store::between(c, from, to)?;
            Ok(Some((court.draft.name, bookings.into_iter().filter(|b| b.court_id == id).collect::<Vec<_>>())))
        })
        .await?;
    let Some((court, bookings)) = found else { return Ok(None) };
    let taken = ctx.t("calendar-taken");
    let events: Vec<FeedEvent> =
        bookings.into_iter().map(|b| event(b, taken.clone(), format!("{}, {court}", ctx.club.name))).collect();
    Ok(Some(Ics(feed(&format!("{} · {court}", ctx.club.name), &host_name(host), &events, ctx.now))))
}
