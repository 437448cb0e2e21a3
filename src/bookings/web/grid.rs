//! The grid pages: the day grid (and its fragment, refreshed in place), one court's week and
//! the printable day sheet.
//!
//! The day grid is rendered once per day, language and data version and kept (see
//! `web::render_cache`): desks ask for the same day far more often than anyone books. Only the
//! current-time line is added per request.

use std::sync::Arc;

use askama::Template;
use jiff::civil::Date;
use rocket::{Route, State, get, routes};

use super::{kind_label, parse_day, status_label};
use crate::app::App;
use crate::bookings::grid::{self, DayGrid, GridInput};
use crate::bookings::model::{Kind, LocalSlot, Status, day_bounds};
use crate::bookings::store::{self, Booking};
use crate::courts::model::DayMinute;
use crate::courts::store::{self as courts, Court};
use crate::desk::store::replica;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};
use crate::web::render_cache::RenderCache;

fn court_detail(ctx: &PageCtx, c: &Court) -> String {
    let mut parts = vec![ctx.t(&format!("surface-{}", c.draft.surface.as_str()))];
    if c.draft.indoor {
        parts.push(ctx.t("court-indoor"));
    }
    if c.draft.floodlights {
        parts.push(ctx.t("court-lights-short"));
    }
    parts.join(" · ")
}

/// Everything the grid of `day` needs, in one read.
async fn day_grid(app: &App, ctx: &PageCtx, day: Date) -> Result<DayGrid, AppError> {
    let tz = ctx.tz.clone();
    let (from, to) = day_bounds(day, &tz).ok_or(AppError::NotFound)?;
    let on_desk = app.desk.is_some();
    let (court_list, rules, week, closures, bookings, paid, tentative, waiting, (coaches, groups)) = app
        .db
        .read(move |c| {
            let with_players = store::between_with_players(c, from, to)?;
            // A booking from the night before may still be on today's grid.
            let paid =
                crate::payments::store::paid_for_bookings_between(c, from - jiff::SignedDuration::from_hours(24), to)?;
            let (list, rules, week) = (courts::courts(c)?, courts::rules(c)?, courts::week(c)?);
            let tentative = if on_desk { replica::tentative_ids(c, "bookings")? } else { Default::default() };
            let waiting = crate::waitlist::store::live_between(c, from, to)?
                .into_iter()
                .map(|e| (e.court_id, e.starts_at, e.ends_at))
                .collect::<Vec<_>>();
            let coaches = crate::coaching::store::coaches(c)?
                .into_iter()
                .map(|k| (k.id, (k.draft.name, k.draft.colour)))
                .collect::<std::collections::HashMap<_, _>>();
            let groups = crate::groups::store::names(c)?.into_iter().collect::<std::collections::HashMap<_, _>>();
            let closures = courts::closures_from(c, day)?;
            Ok((list, rules, week, closures, with_players, paid, tentative, waiting, (coaches, groups)))
        })
        .await?;
    let input = GridInput {
        day,
        tz: &tz,
        courts: &court_list,
        rules,
        week: &week,
        closures: &closures,
        bookings: &bookings,
        paid: &paid,
        tentative: &tentative,
        waiting: &waiting,
        coaches: &coaches,
        groups: &groups,
    };
    Ok(grid::build(&input, |c| court_detail(ctx, c)))
}

// ---- the day grid ----

/// What a rendered day grid depends on besides the data.
#[derive(PartialEq)]
pub struct GridKey {
    day: Date,
    locale: Locale,
}

/// A day grid's courts, times, free slots and bookings as HTML, with what the frame around it needs.
pub struct RenderedGrid {
    step: u16,
    first: DayMinute,
    rows: usize,
    courts: usize,
    body: String,
}

pub type GridCache = RenderCache<GridKey, RenderedGrid>;

/// Room for a week of days in both languages (a fortnight in one): a day of 12 courts is about
/// 90 KB of HTML, and the cache is a good part of a Pi's budget (tests/cli/memory.rs).
pub fn grid_cache() -> GridCache {
    RenderCache::new(16)
}

#[derive(Template)]
#[template(path = "bookings/grid_body.html")]
struct GridBody<'a> {
    ctx: &'a PageCtx,
    grid: &'a DayGrid,
}

impl GridBody<'_> {
    fn kind_class(&self, k: &Kind) -> &'static str {
        k.as_str()
    }

    fn kind_name(&self, k: &Kind) -> String {
        kind_label(self.ctx, k)
    }

    fn status_name(&self, s: &Status) -> String {
        status_label(self.ctx, s)
    }

    fn pay_name(&self, p: &grid::PayState) -> String {
        self.ctx.t(&format!("grid-pay-{}", p.as_str()))
    }
}

async fn rendered_grid(app: &App, cache: &GridCache, ctx: &PageCtx, day: Date) -> Result<Arc<RenderedGrid>, AppError> {
    // Read before the grid, so a change racing the build makes the next request rebuild.
    let version = app.feed.position().of_log();
    let key = GridKey { day, locale: ctx.locale };
    if let Some(hit) = cache.get(&key, &version) {
        return Ok(hit);
    }
    let grid = day_grid(app, ctx, day).await?;
    let mut body = GridBody { ctx, grid: &grid }.render()?;
    // Kept for as long as the data does not change: without the room the rendering grew into.
    body.shrink_to_fit();
    let rendered =
        Arc::new(RenderedGrid { step: grid.step, first: grid.first, rows: grid.rows, courts: grid.courts.len(), body });
    cache.put(key, version, rendered.clone());
    Ok(rendered)
}

#[derive(Template)]
#[template(path = "bookings/day.html")]
struct DayPage {
    ctx: PageCtx,
    day: Date,
    grid: Arc<RenderedGrid>,
}

#[derive(Template)]
#[template(path = "bookings/grid.html")]
struct GridFragment {
    ctx: PageCtx,
    day: Date,
    grid: Arc<RenderedGrid>,
}

/// Helpers shared by the page and the fragment.
trait GridView {
    fn ctx(&self) -> &PageCtx;
    fn day(&self) -> Date;
    fn g(&self) -> &RenderedGrid;

    fn day_title(&self) -> String {
        let d = self.day();
        format!(
            "{}, {}",
            self.ctx().t(&format!("weekday-{}", d.weekday().to_monday_one_offset())),
            crate::i18n::date(self.ctx().locale, d)
        )
    }

    fn day_param(&self, offset: i64) -> String {
        self.day().checked_add(jiff::Span::new().days(offset)).unwrap_or(self.day()).to_string()
    }

    /// Where the red current-time line goes, when today is on screen.
    fn now_style(&self) -> Option<String> {
        let g = self.g();
        let row = grid::now_row(self.day(), g.first, g.step, g.rows, self.ctx().now, &self.ctx().tz)?;
        Some(format!("top: calc(var(--head) + ({row} - 1) * var(--row))"))
    }

    fn grid_style(&self) -> String {
        // Rows keep a similar height in time whatever the step: 15 min = 0.8rem, 30 = 1.45rem, 60 = 2.6rem.
        let row = match self.g().step {
            15 => "0.8rem",
            60 => "2.6rem",
            _ => "1.45rem",
        };
        format!("--courts: {}; --rows: {}; --row: {row}", self.g().courts.max(1), self.g().rows)
    }
}

impl GridView for DayPage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }
    fn day(&self) -> Date {
        self.day
    }
    fn g(&self) -> &RenderedGrid {
        &self.grid
    }
}

impl GridView for GridFragment {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }
    fn day(&self) -> Date {
        self.day
    }
    fn g(&self) -> &RenderedGrid {
        &self.grid
    }
}

#[get("/grid?<date>")]
async fn day(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    cache: &State<GridCache>,
    date: Option<String>,
) -> Result<Html, AppError> {
    let day = parse_day(date.as_deref(), &ctx);
    let grid = rendered_grid(app, cache, &ctx, day).await?;
    ok(&DayPage { ctx, day, grid })
}

/// The grid alone, for refreshing it in place.
#[get("/grid/fragment?<date>")]
async fn fragment(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    cache: &State<GridCache>,
    date: Option<String>,
) -> Result<Html, AppError> {
    let day = parse_day(date.as_deref(), &ctx);
    let grid = rendered_grid(app, cache, &ctx, day).await?;
    ok(&GridFragment { ctx, day, grid })
}

// ---- one court's week ----

struct WeekDay {
    day: Date,
    title: String,
    bookings: Vec<(Booking, String)>,
}

#[derive(Template)]
#[template(path = "bookings/week.html")]
struct WeekPage {
    ctx: PageCtx,
    court: Court,
    courts: Vec<Court>,
    monday: Date,
    days: Vec<WeekDay>,
}

impl WeekPage {
    fn shift(&self, weeks: i64) -> String {
        self.monday.checked_add(jiff::Span::new().weeks(weeks)).unwrap_or(self.monday).to_string()
    }

    fn kind_name(&self, k: &Kind) -> String {
        kind_label(&self.ctx, k)
    }
}

#[get("/grid/week?<court>&<date>")]
async fn week(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    court: Option<String>,
    date: Option<String>,
) -> Result<Html, AppError> {
    let day = parse_day(date.as_deref(), &ctx);
    let monday =
        day.checked_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset()))).unwrap_or(day);
    let tz = ctx.tz.clone();
    let (from, _) = day_bounds(monday, &tz).ok_or(AppError::NotFound)?;
    let (to, _) =
        day_bounds(monday.checked_add(jiff::Span::new().days(7)).unwrap_or(monday), &tz).ok_or(AppError::NotFound)?;
    let (all, court, bookings) = app
        .db
        .read(move |c| {
            let all = courts::courts(c)?;
            let Some(court) = court.and_then(|id| all.iter().find(|c| c.id == id)).or(all.first()).cloned() else {
                return Ok(None);
            };
            // The one court's active bookings, from its index: not every court's week, filtered here.
            let bookings = store::active_overlapping(c, &court.id, from, to, "")?;
            Ok(Some((all, court, bookings)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let mut days: Vec<WeekDay> = (0..7)
        .map(|i| {
            let d = monday.checked_add(jiff::Span::new().days(i)).unwrap_or(monday);
            WeekDay {
                day: d,
                title: format!("{} {}", ctx.t(&format!("weekday-{}", i + 1)), crate::i18n::date(ctx.locale, d)),
                bookings: Vec::new(),
            }
        })
        .collect();
    for b in bookings {
        let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz);
        if let Some(d) = days.iter_mut().find(|d| d.day == slot.day) {
            let end =
                DayMinute::new((slot.start.minutes() + slot.minutes).min(1440)).unwrap_or(DayMinute::MIDNIGHT_END);
            d.bookings.push((b, format!("{}–{}", slot.start, end)));
        }
    }
    ok(&WeekPage { ctx, court, courts: all, monday, days })
}

// ---- printable day sheet ----

struct SheetCourt {
    name: String,
    lines: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "bookings/print.html")]
struct PrintPage {
    ctx: PageCtx,
    title: String,
    courts: Vec<SheetCourt>,
}

#[get("/grid/print?<date>")]
async fn print(_r: Reception, ctx: PageCtx, app: &State<App>, date: Option<String>) -> Result<Html, AppError> {
    let day = parse_day(date.as_deref(), &ctx);
    let g = day_grid(app, &ctx, day).await?;
    let title = format!("{} — {}", ctx.club.name, crate::i18n::date(ctx.locale, day));
    let courts = g
        .courts
        .iter()
        .map(|c| SheetCourt {
            name: c.name.clone(),
            lines: g
                .blocks
                .iter()
                .filter(|b| b.column == c.column)
                .map(|b| (b.time.clone(), b.title.clone(), kind_label(&ctx, &b.kind), b.players.clone()))
                .collect(),
        })
        .collect();
    ok(&PrintPage { ctx, title, courts })
}

pub fn routes() -> Vec<Route> {
    routes![day, fragment, week, print]
}
