//! A player books free court time: a day's free starts per court, then the chosen slot with its
//! lengths and prices, then the booking itself (an ordinary `create_booking` from the portal).

use askama::Template;
use jiff::ToSpan;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{Either, State, get, post};

use super::PortalCtx;
use crate::app::App;
use crate::bookings::availability::{self, CourtDay, FreeStart};
use crate::bookings::commands::CreateBooking;
use crate::bookings::model::{Kind, LocalSlot, MAX_EXTRA_PLAYERS, Player as Playing, Source, span};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::courts::model::DayMinute;
use crate::error::AppError;
use crate::limits::model::{Attempt, Breach, Limits, Usage, check};
use crate::passes::store::StoredPass;
use crate::portal::commands::BookAsPlayer;
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go};
use crate::web::guards::Player;
use crate::web::page::{Html, render};

/// Days a player can pick from when their category sets no limit.
pub(super) const DAYS_SHOWN: u16 = 14;

#[derive(Template)]
#[template(path = "portal/day.html")]
struct DayPage {
    ctx: PortalCtx,
    day: Date,
    /// (date, label, chosen) for the day picker.
    days: Vec<(Date, String, bool)>,
    courts: Vec<CourtDay>,
}

impl DayPage {
    /// "18:00–19:30" for a taken time.
    fn taken_span(&self, start: &DayMinute, minutes: &u16) -> String {
        let end = DayMinute::new(start.minutes().saturating_add(*minutes).min(1440)).unwrap_or(DayMinute::MIDNIGHT_END);
        format!("{start}–{end}")
    }
}

/// Whether starting at `start` on `court_id` is ruled out whatever the length: a court or an
/// hour the category may not book, or too late to book.
pub(super) fn ruled_out(
    limits: &Limits,
    ctx: &PortalCtx,
    court_id: &str,
    day: Date,
    start: DayMinute,
    min: u16,
) -> bool {
    let slot = LocalSlot { day, start, minutes: min };
    let Some((starts_at, _)) = slot.instants(&ctx.tz) else { return true };
    if starts_at <= ctx.now {
        return true;
    }
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let attempt = Attempt { court_id, slot, starts_at, now: ctx.now, today };
    check(limits, &attempt, Usage::default())
        .iter()
        .any(|b| matches!(b, Breach::Court | Breach::Hours { .. } | Breach::TooLate { .. }))
}

/// What a player may book: their category's limits, the club's booking rules, and the days
/// from today to the last they may book.
pub(super) struct Window {
    pub limits: Limits,
    pub rules: crate::courts::model::BookingRules,
    pub today: Date,
    pub last: Date,
}

impl Window {
    pub async fn of(app: &App, ctx: &PortalCtx, member: &str) -> Result<Window, AppError> {
        let member = member.to_owned();
        let (limits, rules) = app
            .db
            .read(move |c| Ok((crate::limits::store::limits_of_member(c, &member)?.0, crate::courts::store::rules(c)?)))
            .await?;
        let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
        let ahead = limits.days_ahead.unwrap_or(DAYS_SHOWN - 1).min(DAYS_SHOWN - 1);
        Ok(Window { limits, rules, today, last: today + i64::from(ahead).days() })
    }

    /// Every day of the window, first to last.
    pub fn days(&self) -> impl Iterator<Item = Date> + '_ {
        self.today.series(1.day()).take_while(|d| *d <= self.last)
    }

    /// `asked` if it parses and lies within the window, else today.
    pub fn day(&self, asked: Option<&str>) -> Date {
        asked.and_then(|d| d.parse::<Date>().ok()).filter(|d| *d >= self.today && *d <= self.last).unwrap_or(self.today)
    }

    /// Drops from `free` the starts on `court_id` the player may never book.
    pub fn keep_bookable(&self, ctx: &PortalCtx, court_id: &str, day: Date, free: &mut Vec<FreeStart>) {
        free.retain(|f| !ruled_out(&self.limits, ctx, court_id, day, f.start, self.rules.min_minutes));
    }
}

#[get("/book?<date>")]
pub(super) async fn day_page(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    date: Option<&str>,
) -> Result<Html, AppError> {
    if !ctx.settings.booking {
        return Err(AppError::NotFound);
    }
    let window = Window::of(app, &ctx, &p.0.member_id).await?;
    let day = window.day(date);
    let tz = ctx.tz.clone();
    let mut courts = app.db.read(move |c| availability::of_day(c, &tz, day)).await?;
    for court in &mut courts {
        window.keep_bookable(&ctx, &court.court_id, day, &mut court.free);
    }
    let days = window.days().map(|d| (d, ctx.date(d), d == day)).collect();
    render(Status::Ok, &DayPage { ctx, day, days, courts })
}

#[derive(Template)]
#[template(path = "portal/slot.html")]
struct SlotPage {
    ctx: PortalCtx,
    court_id: String,
    court: String,
    day: Date,
    start: DayMinute,
    /// (minutes, "1 h 30 min — 1 800 ₽", chosen)
    lengths: Vec<(u16, String, bool)>,
    /// Partners' numbers as typed.
    partners: Vec<String>,
    /// How the player may pay: (value, label, chosen); empty when only at the desk.
    pay: Vec<(String, String, bool)>,
    command_id: String,
    errors: FieldErrors,
}

impl SlotPage {
    /// The three partner fields, with what was typed.
    fn partner_fields(&self) -> Vec<(usize, String)> {
        (0..MAX_EXTRA_PLAYERS).map(|i| (i + 1, self.partners.get(i).cloned().unwrap_or_default())).collect()
    }
}

impl SlotPage {
    fn when(&self) -> String {
        format!("{}, {}", self.ctx.date(self.day), self.start)
    }
}

/// The slot page: the lengths that fit from `start`, each with its price for this player.
async fn slot_page(
    app: &App,
    ctx: PortalCtx,
    member: &str,
    (court_id, day, start): (String, Date, DayMinute),
    (chosen, chosen_pay): (u16, &str),
    errors: FieldErrors,
) -> Result<Option<SlotPage>, AppError> {
    let (member, tz, cid) = (member.to_owned(), ctx.tz.clone(), court_id.clone());
    let found = app
        .db
        .read(move |c| {
            let courts = availability::of_day(c, &tz, day)?;
            let Some(court) = courts.into_iter().find(|k| k.court_id == cid) else { return Ok(None) };
            let longest = court.free.iter().find(|f| f.start == start).map_or(0, |f| f.longest);
            let rules = crate::courts::store::rules(c)?;
            let (limits, _) = crate::limits::store::limits_of_member(c, &member)?;
            let balance = crate::payments::store::balance(c, &member)?;
            let passes = crate::passes::store::live_passes(c, &[member.as_str()], day)?;
            let mut lengths = Vec::new();
            let mut m = rules.min_minutes;
            while m <= longest {
                if limits.lengths.is_empty() || limits.lengths.contains(&m) {
                    let slot = LocalSlot { day, start, minutes: m };
                    let price = crate::prices::pricing::quote_for(c, &cid, slot, Some(&member), &[])?;
                    lengths.push((m, price.map_or(0, |q| q.total)));
                }
                m += rules.slot_minutes.max(1);
            }
            Ok(Some((court.name, lengths, balance, passes)))
        })
        .await?;
    let Some((court, lengths, balance, passes)) = found else { return Ok(None) };
    let pick = if lengths.iter().any(|(m, _)| *m == chosen) { chosen } else { lengths.first().map_or(0, |(m, _)| *m) };
    let lengths = lengths
        .into_iter()
        .map(|(m, price)| (m, format!("{} — {}", crate::i18n::duration(ctx.locale, m), ctx.money(price)), m == pick))
        .collect();
    let pay = pay_options(&ctx, balance, &passes, chosen_pay);
    Ok(Some(SlotPage {
        ctx,
        court_id,
        court,
        day,
        start,
        lengths,
        partners: Vec::new(),
        pay,
        command_id: fresh_id(),
        errors,
    }))
}

/// The ways to pay the club allows this player, `chosen` checked (else at the desk).
fn pay_options(ctx: &PortalCtx, balance: i64, passes: &[StoredPass], chosen: &str) -> Vec<(String, String, bool)> {
    let mut options = Vec::new();
    if ctx.settings.pay_from_account {
        options.push(("account".to_owned(), ctx.ta("portal-pay-account", "balance", ctx.money(balance))));
    }
    if ctx.settings.pay_with_pass {
        for p in passes {
            let left = crate::passes::labels::remaining_in(ctx.locale, &ctx.club.currency, &p.pass);
            options.push((format!("pass:{}", p.id), ctx.ta("portal-pay-pass", "pass", format!("{} ({left})", p.name))));
        }
    }
    if options.is_empty() {
        return Vec::new();
    }
    let chosen = if options.iter().any(|(v, _)| v == chosen) { chosen } else { "desk" };
    std::iter::once(("desk".to_owned(), ctx.t("portal-pay-desk")))
        .chain(options)
        .map(|(v, label)| {
            let on = v == chosen;
            (v, label, on)
        })
        .collect()
}

#[get("/book/<court_id>?<date>&<start>")]
pub(super) async fn slot(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    court_id: String,
    date: &str,
    start: &str,
) -> Result<Option<Html>, AppError> {
    let (Ok(day), Some(start)) = (date.parse::<Date>(), DayMinute::parse(start)) else { return Ok(None) };
    if !ctx.settings.booking {
        return Ok(None);
    }
    match slot_page(app, ctx, &p.0.member_id, (court_id, day, start), (0, ""), FieldErrors::default()).await? {
        Some(page) => Ok(Some(render(Status::Ok, &page)?)),
        None => Ok(None),
    }
}

#[derive(FromForm)]
pub(super) struct BookForm {
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    date: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = 0)]
    minutes: u16,
    /// Partners' phone numbers, as typed (up to three).
    #[field(default = Vec::new())]
    partner: Vec<String>,
    /// "desk", "account" or "pass:<id>".
    #[field(default = String::new())]
    pay: String,
}

/// The members the typed partner numbers belong to, or why one cannot be a partner.
async fn partners(
    app: &App,
    ctx: &PortalCtx,
    me: &str,
    typed: &[String],
) -> Result<Result<Vec<Playing>, String>, AppError> {
    let typed: Vec<String> = typed.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    if typed.len() > MAX_EXTRA_PLAYERS {
        return Ok(Err(ctx.t("portal-partners-too-many")));
    }
    let (region, me) = (ctx.club.phone_region.clone(), me.to_owned());
    let locale = ctx.locale;
    Ok(app
        .db
        .read(move |c| {
            let mut found = Vec::new();
            for raw in typed {
                let phone = crate::members::model::normalize_phone(&raw, &region).ok().flatten();
                let member = match phone {
                    Some(p) => crate::members::store::active_by_phone(c, &p)?,
                    None => None,
                };
                match member {
                    Some(m) if m.id == me => return Ok(Err(crate::i18n::tr(locale, "portal-partner-self"))),
                    Some(m) => found.push(Playing::Member(m.id)),
                    None => return Ok(Err(crate::i18n::tr_args(locale, "portal-partner-unknown", &[("phone", &raw)]))),
                }
            }
            Ok(Ok(found))
        })
        .await?)
}

#[post("/book", data = "<form>")]
pub(super) async fn book(p: Player, ctx: PortalCtx, app: &State<App>, form: Csrf<BookForm>) -> Page {
    let Csrf(f, sub) = form;
    let (Ok(day), Some(start)) = (f.date.parse::<Date>(), DayMinute::parse(&f.start)) else {
        return Err(AppError::NotFound);
    };
    let slot = LocalSlot { day, start, minutes: f.minutes };
    let players = match partners(app, &ctx, &p.0.member_id, &f.partner).await? {
        Ok(players) => players,
        Err(why) => {
            let mut errors = FieldErrors::default();
            errors.add_text("partner", why);
            let member = p.0.member_id.clone();
            return match slot_page(app, ctx, &member, (f.court_id, day, start), (f.minutes, &f.pay), errors).await? {
                Some(mut page) => {
                    page.partners = f.partner;
                    Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
                }
                None => Err(AppError::NotFound),
            };
        }
    };
    let pass_id = f.pay.strip_prefix("pass:").map(str::to_owned);
    let booking = CreateBooking {
        booking_id: sub.id.to_string(),
        court_id: f.court_id.clone(),
        slot,
        kind: Kind::Play,
        booker_id: Some(p.0.member_id.clone()),
        players,
        note: String::new(),
        source: Source::Portal,
        pass_id,
        coach_id: None,
    };
    let cmd = AnyCommand::BookAsPlayer(BookAsPlayer { booking, from_account: f.pay == "account" });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let when = slot.instants(&ctx.tz).map(|(s, e)| span(s, e, &ctx.tz)).unwrap_or_default();
            let said = format!("{}, {when}", ctx.date(day));
            go("/p/", "success", ctx.ta("portal-booked", "when", said))
        }
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.add_text("form", crate::i18n::rejection_text(ctx.locale, &r));
            let member = p.0.member_id.clone();
            match slot_page(app, ctx, &member, (f.court_id, day, start), (f.minutes, &f.pay), errors).await? {
                Some(mut page) => {
                    page.partners = f.partner;
                    Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
                }
                None => Err(AppError::NotFound),
            }
        }
    }
}
