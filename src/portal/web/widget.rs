//! The booking widget for the club's own web site: the free court time of the coming days as
//! JSON for `widget.js` (answered to the sites the club lists, by CORS), and as a small page for
//! an iframe (framed only by those sites). Taken or free, never who booked; a start leads into
//! the portal with the slot chosen.

use std::sync::Arc;

use askama::Template;
use jiff::ToSpan;
use jiff::civil::Date;
use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{State, get};
use serde::Serialize;

use super::PortalCtx;
use crate::app::App;
use crate::bookings::availability::{self, CourtDay};
use crate::error::AppError;
use crate::web::render_cache::RenderCache;

/// Days a widget may ask for: a week by default, two at most.
const DEFAULT_DAYS: u16 = 7;
const MAX_DAYS: u16 = 14;

/// The `Origin` a browser sent with a cross-site request.
pub(super) struct RequestOrigin(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestOrigin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(RequestOrigin(req.headers().get_one("Origin").map(str::to_owned)))
    }
}

#[derive(Serialize)]
pub(super) struct WidgetCourt {
    id: String,
    name: String,
    free: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct WidgetDay {
    date: Date,
    label: String,
    courts: Vec<WidgetCourt>,
}

#[derive(Serialize)]
pub(super) struct Availability {
    club: String,
    days: Vec<WidgetDay>,
}

/// A day's label in the page's language: "Mon 30".
fn day_label(ctx: &PortalCtx, d: Date) -> String {
    format!("{} {}", ctx.t(&format!("weekday-short-{}", d.weekday().to_monday_one_offset())), d.day())
}

/// The courts of `day` with the starts still to come.
fn to_come(ctx: &PortalCtx, day: Date, courts: Vec<CourtDay>) -> Vec<CourtDay> {
    courts
        .into_iter()
        .map(|mut c| {
            c.free.retain(|f| {
                let slot = crate::bookings::model::LocalSlot { day, start: f.start, minutes: f.longest.max(1) };
                slot.instants(&ctx.tz).is_some_and(|(s, _)| s > ctx.now)
            });
            c
        })
        .collect()
}

async fn days_from(app: &App, ctx: &PortalCtx, first: Date, days: u16) -> Result<Vec<(Date, Vec<CourtDay>)>, AppError> {
    let tz = ctx.tz.clone();
    let found = app.db.read(move |c| availability::of_days(c, &tz, first, days)).await?;
    Ok(found.into_iter().map(|(d, courts)| (d, to_come(ctx, d, courts))).collect())
}

/// What the widget's JSON depends on besides the data: the days asked for, the language of the
/// day labels, and the minute (starts that have begun drop out).
#[derive(PartialEq)]
pub struct WidgetKey {
    days: u16,
    locale: crate::i18n::Locale,
    minute: i64,
}

/// The widget's answers, kept until the data or the minute changes: every visitor of the club's
/// site asks the same question.
pub type WidgetCache = RenderCache<WidgetKey, String>;

pub fn widget_cache() -> WidgetCache {
    RenderCache::new(8)
}

/// JSON with CORS for one listed origin (and never a wildcard).
pub(super) struct CorsJson {
    body: Arc<String>,
    allow: Option<String>,
}

impl<'r> rocket::response::Responder<'r, 'static> for CorsJson {
    fn respond_to(self, _: &'r Request<'_>) -> rocket::response::Result<'static> {
        let body = self.body.as_bytes().to_vec();
        let mut res = rocket::Response::build();
        res.header(ContentType::JSON)
            .header(Header::new("Vary", "Origin"))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(body.len(), std::io::Cursor::new(body));
        if let Some(origin) = self.allow {
            res.header(Header::new("Access-Control-Allow-Origin", origin));
        }
        res.ok()
    }
}

#[get("/widget/availability.json?<days>")]
pub(super) async fn availability_json(
    ctx: PortalCtx,
    app: &State<App>,
    cache: &State<WidgetCache>,
    origin: RequestOrigin,
    days: Option<u16>,
) -> Result<Option<CorsJson>, AppError> {
    if !(ctx.settings.enabled && ctx.settings.widget) {
        return Ok(None);
    }
    let allow = origin.0.filter(|o| ctx.settings.allows_origin(o));
    let n = days.unwrap_or(DEFAULT_DAYS).clamp(1, MAX_DAYS);
    // Read before the data, so a change racing the build makes the next request build again.
    let version = app.feed.position().of_log();
    let key = WidgetKey { days: n, locale: ctx.locale, minute: ctx.now.as_second().div_euclid(60) };
    if let Some(body) = cache.get(&key, &version) {
        return Ok(Some(CorsJson { body, allow }));
    }
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let found = days_from(app, &ctx, today, n).await?;
    let days = found
        .into_iter()
        .map(|(date, courts)| WidgetDay {
            date,
            label: day_label(&ctx, date),
            courts: courts
                .into_iter()
                .map(|c| WidgetCourt {
                    id: c.court_id,
                    name: c.name,
                    free: c.free.iter().map(|f| f.start.to_string()).collect(),
                })
                .collect(),
        })
        .collect();
    let body = serde_json::to_string(&Availability { club: ctx.club.name.clone(), days })
        .map_err(|e| AppError::Internal(e.into()))?;
    let body = Arc::new(body);
    cache.put(key, version, body.clone());
    Ok(Some(CorsJson { body, allow }))
}

#[derive(Template)]
#[template(path = "portal/widget.html")]
struct WidgetPage {
    ctx: PortalCtx,
    day: Date,
    days: Vec<(Date, String, bool)>,
    courts: Vec<CourtDay>,
    n: u16,
}

/// The iframe's page, framed only by the listed sites.
pub(super) struct Framed {
    html: String,
    ancestors: String,
}

impl<'r> rocket::response::Responder<'r, 'static> for Framed {
    fn respond_to(self, _: &'r Request<'_>) -> rocket::response::Result<'static> {
        let csp = format!(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; \
             frame-ancestors {}",
            self.ancestors
        );
        rocket::Response::build()
            .status(Status::Ok)
            .header(ContentType::HTML)
            .raw_header("Content-Security-Policy", csp)
            .raw_header("Cache-Control", "no-store")
            .sized_body(self.html.len(), std::io::Cursor::new(self.html))
            .ok()
    }
}

#[get("/widget?<date>&<days>")]
pub(super) async fn widget_page(
    ctx: PortalCtx,
    app: &State<App>,
    date: Option<&str>,
    days: Option<u16>,
) -> Result<Option<Framed>, AppError> {
    if !(ctx.settings.enabled && ctx.settings.widget) {
        return Ok(None);
    }
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let n = days.unwrap_or(DEFAULT_DAYS).clamp(1, MAX_DAYS);
    let last = today + i64::from(n - 1).days();
    let day = date.and_then(|d| d.parse::<Date>().ok()).filter(|d| *d >= today && *d <= last).unwrap_or(today);
    let courts = days_from(app, &ctx, day, 1).await?.pop().map(|(_, c)| c).unwrap_or_default();
    let days = (0..n).map(|i| today + i64::from(i).days()).map(|d| (d, day_label(&ctx, d), d == day)).collect();
    let ancestors = if ctx.settings.widget_origins.is_empty() {
        "'self'".to_owned()
    } else {
        format!("'self' {}", ctx.settings.widget_origins.join(" "))
    };
    let html = WidgetPage { ctx, day, days, courts, n }.render()?;
    Ok(Some(Framed { html, ancestors }))
}
