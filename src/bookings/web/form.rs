//! The booking form: a new booking from a grid cell, its live price and pass choices.

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::{Either, State, get, post};

use super::{kind_label, parse_day};
use crate::app::App;
use crate::bookings::commands::CreateBooking;
use crate::bookings::model::{Kind, LocalSlot, Player, Source};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::{self as courts, Court};
use crate::courts::web::{court_choices, length_options, start_options};
use crate::error::AppError;
use crate::members::store as members;
use crate::passes::labels::Choice as PassChoice;
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok, render};

// ---- the booking form ----

#[derive(FromForm, Default, Clone)]
pub(super) struct BookingForm {
    #[field(default = String::new())]
    pub(super) command_id: String,
    #[field(default = String::new())]
    pub(super) court_id: String,
    #[field(default = String::new())]
    pub(super) date: String,
    #[field(default = String::new())]
    pub(super) start: String,
    #[field(default = String::new())]
    pub(super) minutes: String,
    #[field(default = String::new())]
    pub(super) kind: String,
    /// What was typed in the booker field, and the member picked from the suggestions.
    #[field(default = String::new())]
    pub(super) booker: String,
    #[field(default = String::new())]
    pub(super) booker_id: String,
    /// Extra players: typed text and picked member ids, by position.
    #[field(default = Vec::new())]
    pub(super) player: Vec<String>,
    #[field(default = Vec::new())]
    pub(super) player_id: Vec<String>,
    #[field(default = String::new())]
    pub(super) note: String,
    /// A pass of the booker or a member player to pay with (new bookings only).
    #[field(default = String::new())]
    pub(super) pass_id: String,
    /// A lesson's coach (kept only for lessons).
    #[field(default = String::new())]
    pub(super) coach_id: String,
    /// Staff saw the warnings (a member on another court then, the booker's category rules
    /// broken) and went on.
    #[field(default = false)]
    pub(super) warned_ok: bool,
}

#[derive(Template)]
#[template(path = "bookings/form.html")]
pub(super) struct FormPage {
    pub(super) ctx: PageCtx,
    pub(super) booking_id: Option<String>,
    pub(super) form: BookingForm,
    /// Active coaches, as (id, name), for a lesson.
    pub(super) coaches: Vec<(String, String)>,
    pub(super) courts: Vec<Court>,
    pub(super) rules: BookingRules,
    pub(super) errors: FieldErrors,
    /// What the booking as filled in would cost ("" until court and time are chosen).
    pub(super) quote: String,
    /// The passes that could pay for it (new bookings only).
    pub(super) pass_choices: Vec<PassChoice>,
    pub(super) chosen_pass: String,
    /// What staff are warned about: saving again goes on.
    pub(super) warnings: Warnings,
    /// A new booking's slot runs into the next booking on that court: until when it is free.
    pub(super) free_note: Option<String>,
}

/// The pass choice of the booking form, refreshed as staff fill it in.
#[derive(Template)]
#[template(path = "bookings/pass_options.html")]
struct PassOptions {
    ctx: PageCtx,
    pass_choices: Vec<PassChoice>,
    chosen_pass: String,
}

impl FormPage {
    fn starts(&self) -> Vec<(String, bool)> {
        start_options(&self.rules, &self.form.start)
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        length_options(&self.ctx, &self.rules, &self.form.minutes)
    }

    fn kinds(&self) -> Vec<(&'static str, String, bool)> {
        Kind::ALL.iter().map(|k| (k.as_str(), kind_label(&self.ctx, k), self.form.kind == k.as_str())).collect()
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        court_choices(&self.courts, &self.form.court_id)
    }

    /// Three rows of extra players: (position, typed, picked id).
    fn player_rows(&self) -> Vec<(usize, String, String)> {
        (0..3)
            .map(|i| {
                (
                    i + 1,
                    self.form.player.get(i).cloned().unwrap_or_default(),
                    self.form.player_id.get(i).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    fn action(&self) -> String {
        self.booking_id.as_ref().map_or_else(|| "/bookings".to_owned(), |id| format!("/bookings/{id}"))
    }
}

pub(super) async fn form_data(app: &App) -> anyhow::Result<(Vec<Court>, BookingRules)> {
    app.db.read(|c| Ok((courts::courts(c)?, courts::rules(c)?))).await
}

/// The active coaches a lesson may name, as (id, name).
pub(super) async fn coach_choices(app: &App) -> anyhow::Result<Vec<(String, String)>> {
    let all = app.db.read(|c| Ok(crate::coaching::store::coaches(c)?)).await?;
    Ok(all.into_iter().filter(|c| c.draft.active).map(|c| (c.id, c.draft.name)).collect())
}

/// Where a new booking or series form starts: a grid cell's court, day and time, or the
/// member whose card sent the receptionist here.
#[derive(FromForm, Default)]
pub(super) struct Prefill {
    pub(super) court: Option<String>,
    /// The booking form's own field names, when its "Repeat weekly" sends what is filled in.
    pub(super) court_id: Option<String>,
    pub(super) kind: Option<String>,
    /// A lesson's coach, when the booking form's "Repeat weekly" sends it.
    pub(super) coach_id: Option<String>,
    pub(super) date: Option<String>,
    pub(super) start: Option<String>,
    pub(super) minutes: Option<String>,
    pub(super) booker_id: Option<String>,
}

impl Prefill {
    /// The court asked for, by either name.
    pub(super) fn court(&self) -> Option<String> {
        self.court.clone().or_else(|| self.court_id.clone()).filter(|c| !c.is_empty())
    }

    /// What the booking form holds, for its "Repeat weekly".
    pub(super) fn from_form(f: &BookingForm) -> Prefill {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Prefill {
            court: None,
            court_id: some(&f.court_id),
            kind: some(&f.kind),
            date: some(&f.date),
            start: some(&f.start),
            minutes: some(&f.minutes),
            booker_id: some(&f.booker_id),
            coach_id: some(&f.coach_id),
        }
    }

    pub(super) fn start(&self) -> String {
        self.start.clone().unwrap_or_else(|| "18:00".into())
    }

    /// The booker as the form shows it (name, id); both empty when none was sent or it is unknown.
    pub(super) async fn booker(&self, app: &App) -> anyhow::Result<(String, String)> {
        let lookup = self.booker_id.clone().unwrap_or_default();
        let member = app.db.read(move |c| Ok(members::member(c, &lookup)?)).await?;
        Ok(member.map(|m| (m.full_name, m.id)).unwrap_or_default())
    }
}

#[get("/bookings/new?<prefill..>")]
pub(super) async fn new_page(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    prefill: Prefill,
) -> Result<Html, AppError> {
    let (courts, rules) = form_data(app).await?;
    let (booker, booker_id) = prefill.booker(app).await?;
    let default_court = || courts.iter().find(|c| c.draft.active).map(|c| c.id.clone());
    let mut form = BookingForm {
        command_id: fresh_id(),
        court_id: prefill.court().or_else(default_court).unwrap_or_default(),
        date: parse_day(prefill.date.as_deref(), &ctx).to_string(),
        start: prefill.start(),
        minutes: prefill.minutes.unwrap_or_else(|| rules.min_minutes.max(60.min(rules.max_minutes)).to_string()),
        kind: "play".into(),
        booker,
        booker_id,
        ..Default::default()
    };
    let free_note = match free_until(app, &ctx, &form, rules).await? {
        Some((free, next)) => {
            // Offer the longest length that fits before the next booking, not a form that fails.
            let fits = length_options(&ctx, &rules, "").into_iter().map(|(m, _, _)| m).filter(|m| *m <= free).max();
            let wanted: u16 = form.minutes.parse().unwrap_or(0);
            if let Some(m) = fits.filter(|m| wanted > *m) {
                form.minutes = m.to_string();
            }
            let (free_text, least) = (ctx.duration(free), ctx.duration(rules.min_minutes));
            let args = [("time", next.as_str()), ("free", free_text.as_str()), ("least", least.as_str())];
            let id = if fits.is_some() { "booking-free-until" } else { "booking-free-too-short" };
            Some(crate::i18n::tr_args(ctx.locale, id, &args))
        }
        None => None,
    };
    let (quote, pass_choices) = form_money(app, &ctx, &form, true).await?;
    let chosen_pass = form.pass_id.clone();
    let coaches = coach_choices(app).await?;
    ok(&FormPage {
        coaches,
        ctx,
        booking_id: None,
        form,
        courts,
        rules,
        errors: FieldErrors::default(),
        quote,
        pass_choices,
        chosen_pass,
        warnings: Warnings::default(),
        free_note,
    })
}

/// When the next booking on the form's court starts within the longest booking allowed from
/// the form's start: the minutes free until then and its start ("19:00").
async fn free_until(
    app: &App,
    ctx: &PageCtx,
    form: &BookingForm,
    rules: BookingRules,
) -> anyhow::Result<Option<(u16, String)>> {
    let (Ok(day), Some(start)) = (form.date.parse::<Date>(), DayMinute::parse(&form.start)) else { return Ok(None) };
    let slot = LocalSlot { day, start, minutes: rules.max_minutes };
    let Some((from, to)) = slot.instants(&ctx.tz) else { return Ok(None) };
    let court = form.court_id.clone();
    let next = app
        .db
        .read(move |c| Ok(crate::bookings::store::active_overlapping(c, &court, from, to, "")?))
        .await?
        .into_iter()
        .filter(|b| b.starts_at > from)
        .map(|b| b.starts_at)
        .min();
    Ok(next.map(|at| {
        let free = u16::try_from(at.duration_since(from).as_mins()).unwrap_or(u16::MAX);
        (free, crate::bookings::model::clock_span(at, at, &ctx.tz).0)
    }))
}

pub(super) struct Parsed {
    pub(super) court_id: String,
    pub(super) slot: LocalSlot,
    pub(super) kind: Kind,
    pub(super) booker_id: Option<String>,
    pub(super) players: Vec<Player>,
    pub(super) note: String,
    pub(super) coach_id: Option<String>,
}

pub(super) async fn parse_form(
    app: &App,
    ctx: &PageCtx,
    f: &BookingForm,
    errors: &mut FieldErrors,
) -> anyhow::Result<Option<Parsed>> {
    let day = f.date.trim().parse::<Date>().map_err(|_| errors.add(ctx.locale, "date", "date-invalid")).ok();
    let start = DayMinute::parse(&f.start).or_else(|| {
        errors.add(ctx.locale, "start", "hours-invalid");
        None
    });
    let minutes =
        f.minutes.trim().parse::<u16>().map_err(|_| errors.add(ctx.locale, "minutes", "slot-length-misaligned")).ok();
    let kind = Kind::parse(&f.kind).unwrap_or(Kind::Play);
    let booker_id = crate::members::web::pick_member(app, ctx, &f.booker_id, &f.booker, "booker", errors).await?;
    let mut players = Vec::new();
    for i in 0..3 {
        let id = f.player_id.get(i).map(|s| s.trim()).unwrap_or_default();
        let typed = f.player.get(i).map(|s| s.trim()).unwrap_or_default();
        if !id.is_empty() {
            players.push(Player::Member(id.to_owned()));
        } else if !typed.is_empty() {
            players.push(Player::Guest(typed.to_owned()));
        }
    }
    let (Some(day), Some(start), Some(minutes)) = (day, start, minutes) else { return Ok(None) };
    if !errors.is_empty() {
        return Ok(None);
    }
    Ok(Some(Parsed {
        court_id: f.court_id.clone(),
        slot: LocalSlot { day, start, minutes },
        kind,
        booker_id,
        players,
        note: f.note.clone(),
        coach_id: Some(f.coach_id.trim().to_owned()).filter(|c| !c.is_empty()),
    }))
}

pub(super) async fn form_again(
    app: &App,
    ctx: PageCtx,
    booking_id: Option<String>,
    form: BookingForm,
    errors: FieldErrors,
) -> Page {
    form_shown(app, ctx, booking_id, form, errors, Warnings::default()).await
}

/// The form again: with its mistakes (422), or with its warnings, for staff to go on (200).
pub(super) async fn form_shown(
    app: &App,
    ctx: PageCtx,
    booking_id: Option<String>,
    mut form: BookingForm,
    errors: FieldErrors,
    warnings: Warnings,
) -> Page {
    let (courts, rules) = form_data(app).await?;
    form.command_id = fresh_id();
    let (quote, pass_choices) = form_money(app, &ctx, &form, booking_id.is_none()).await?;
    let chosen_pass = form.pass_id.clone();
    let status = if errors.is_empty() { HttpStatus::Ok } else { HttpStatus::UnprocessableEntity };
    let coaches = coach_choices(app).await?;
    let page = FormPage {
        ctx,
        booking_id,
        coaches,
        form,
        courts,
        rules,
        errors,
        quote,
        pass_choices,
        chosen_pass,
        warnings,
        free_note: None,
    };
    Ok(Either::Left(render(status, &page)?))
}

/// What staff are warned about before a booking is saved; they may go on.
#[derive(Default)]
pub(super) struct Warnings {
    /// Members of the booking already on another court at its time. Leading systems warn here
    /// rather than refuse: a coach may run two courts, a parent may book for two children.
    pub(super) elsewhere: Vec<String>,
    /// What the booking breaks of its booker's category rules (the portal would refuse it).
    pub(super) outside_rules: Vec<String>,
    /// Offers from the waiting list that hold the time for another player (the portal would
    /// refuse it).
    pub(super) held: Vec<String>,
}

impl Warnings {
    pub(super) fn is_empty(&self) -> bool {
        self.elsewhere.is_empty() && self.outside_rules.is_empty() && self.held.is_empty()
    }
}

/// The warnings of booking `p` (`except` is the booking being changed); none once staff chose
/// to go on.
pub(super) async fn warnings(
    app: &App,
    ctx: &PageCtx,
    f: &BookingForm,
    p: &Parsed,
    except: &str,
) -> anyhow::Result<Warnings> {
    let Some((from, to)) = p.slot.instants(&ctx.tz) else { return Ok(Warnings::default()) };
    if f.warned_ok {
        return Ok(Warnings::default());
    }
    let members: Vec<String> = p
        .booker_id
        .iter()
        .cloned()
        .chain(p.players.iter().filter_map(|pl| match pl {
            Player::Member(id) => Some(id.clone()),
            Player::Guest(_) => None,
        }))
        .collect();
    let (court, except, slot, tz, now) =
        (p.court_id.clone(), except.to_owned(), p.slot, ctx.tz.clone(), app.clock.now());
    let booker = p.booker_id.clone().filter(|_| p.kind != Kind::Block);
    let (found, breaches, held) = app
        .db
        .read(move |c| {
            let held: Vec<(String, jiff::Timestamp)> = crate::waitlist::store::live_overlapping(c, &court, from, to)?
                .into_iter()
                .filter(|e| e.status == crate::waitlist::model::WaitStatus::Offered)
                .filter(|e| Some(&e.member_id) != booker.as_ref())
                .filter_map(|e| e.offer_until.filter(|u| *u > now).map(|u| (e.member_name, u)))
                .collect();
            let mut found = Vec::new();
            for m in &members {
                for b in crate::bookings::store::member_elsewhere(c, m, from, to, &except)? {
                    if b.court_id == court {
                        continue;
                    }
                    let name = crate::members::store::member(c, m)?.map(|m| m.full_name).unwrap_or_default();
                    let court = crate::courts::store::court(c, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
                    found.push((name, court, b.starts_at, b.ends_at));
                }
            }
            let breaches = match booker {
                Some(id) => {
                    let (category, breaches) =
                        crate::limits::commands::breaches(c, &tz, &id, (&court, slot), &except, now)?;
                    let name = crate::members::store::member(c, &id)?.map(|m| m.full_name).unwrap_or_default();
                    Some((name, category, breaches))
                }
                None => None,
            };
            Ok((found, breaches, held))
        })
        .await?;
    let held = held
        .into_iter()
        .map(|(name, until)| {
            let until = until.to_zoned_datetime(ctx.tz.clone()).strftime("%H:%M").to_string();
            crate::i18n::tr_args(
                ctx.locale,
                "booking-held-by-offer",
                &[("name", name.as_str()), ("until", until.as_str())],
            )
        })
        .collect();
    let elsewhere = found
        .into_iter()
        .map(|(name, court, start, end)| {
            let span = crate::bookings::model::span(start, end, &ctx.tz);
            let args = [("name", name.as_str()), ("court", court.as_str()), ("time", span.as_str())];
            crate::i18n::tr_args(ctx.locale, "booking-member-elsewhere", &args)
        })
        .collect();
    let outside_rules = breaches
        .map(|(name, category, breaches)| {
            let category = category.unwrap_or_else(|| ctx.t("limits-no-category"));
            breaches
                .iter()
                .map(|b| {
                    let rule = crate::limits::describe(ctx.locale, b);
                    let args = [("name", name.as_str()), ("category", category.as_str()), ("rule", rule.as_str())];
                    crate::i18n::tr_args(ctx.locale, "limits-warning", &args)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Warnings { elsewhere, outside_rules, held })
}

/// The price of the booking as filled in so far, in words (empty while court or time is
/// missing), and, when `with_passes`, the passes of its members that could pay for it.
pub(super) async fn form_money(
    app: &App,
    ctx: &PageCtx,
    f: &BookingForm,
    with_passes: bool,
) -> Result<(String, Vec<PassChoice>), AppError> {
    let (Ok(day), Some(start), Ok(minutes)) =
        (f.date.trim().parse::<Date>(), DayMinute::parse(f.start.trim()), f.minutes.trim().parse::<u16>())
    else {
        return Ok((String::new(), Vec::new()));
    };
    if f.court_id.is_empty() || Kind::parse(&f.kind) == Some(Kind::Block) {
        return Ok((String::new(), Vec::new()));
    }
    let players: Vec<Player> = f
        .player
        .iter()
        .enumerate()
        .filter_map(|(i, typed)| match f.player_id.get(i).filter(|id| !id.is_empty()) {
            Some(id) => Some(Player::Member(id.clone())),
            None => Some(Player::Guest(typed.trim().to_owned())).filter(|_| !typed.trim().is_empty()),
        })
        .collect();
    let (court, booker) = (f.court_id.clone(), Some(f.booker_id.clone()).filter(|b| !b.is_empty()));
    let (kind, coach) =
        (Kind::parse(&f.kind).unwrap_or(Kind::Play), Some(f.coach_id.clone()).filter(|c| !c.is_empty()));
    let slot = LocalSlot { day, start, minutes };
    let today = ctx.club_day();
    let (quote, passes, fee) = app
        .db
        .read(move |c| {
            let quote = crate::prices::pricing::quote_for(c, &court, slot, booker.as_deref(), &players)?;
            let fee = crate::prices::pricing::lesson_fee(c, kind, coach.as_deref(), minutes)?;
            let holders: Vec<&str> = booker
                .iter()
                .map(String::as_str)
                .chain(players.iter().filter_map(|p| match p {
                    Player::Member(id) => Some(id.as_str()),
                    Player::Guest(_) => None,
                }))
                .collect();
            let passes = if with_passes { crate::passes::store::live_passes(c, &holders, today)? } else { Vec::new() };
            Ok((quote, passes, fee))
        })
        .await?;
    let Some(q) = quote else { return Ok((String::new(), Vec::new())) };
    let choices = crate::passes::labels::choices(ctx, &passes, &f.court_id, slot, q.total + fee);
    let mut text = ctx.ta("quote-price", "amount", ctx.money(q.total + fee));
    if fee > 0 {
        text.push_str(&ctx.ta("quote-coach", "amount", ctx.money(fee)));
    }
    if q.lights > 0 {
        text.push_str(&ctx.ta("quote-lights", "amount", ctx.money(q.lights)));
    }
    if q.guests > 0 {
        text.push_str(&ctx.ta("quote-guests", "amount", ctx.money(q.guests)));
    }
    if q.unpriced_minutes > 0 {
        text.push_str(&ctx.ta("quote-unpriced", "minutes", q.unpriced_minutes));
    }
    Ok((text, choices))
}

/// The price line of the booking form, refreshed as staff change court, time or players (the
/// form's own fields, sent as a query).
#[get("/bookings/quote?<form..>")]
pub(super) async fn quote(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    form: BookingForm,
) -> Result<String, AppError> {
    Ok(form_money(app, &ctx, &form, false).await?.0)
}

/// The pass choice of the booking form, refreshed with the price line.
#[get("/bookings/pass-options?<form..>")]
pub(super) async fn pass_options(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    form: BookingForm,
) -> Result<Html, AppError> {
    let (_, pass_choices) = form_money(app, &ctx, &form, true).await?;
    ok(&PassOptions { ctx, pass_choices, chosen_pass: form.pass_id })
}

pub(super) fn grid_link(day: Date) -> String {
    format!("/grid?date={day}")
}

#[post("/bookings", data = "<form>")]
pub(super) async fn create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<BookingForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(p) = parse_form(app, &ctx, &f, &mut errors).await? else {
        return form_again(app, ctx, None, f, errors).await;
    };
    let warnings = warnings(app, &ctx, &f, &p, "").await?;
    if !warnings.is_empty() {
        return form_shown(app, ctx, None, f, errors, warnings).await;
    }
    let id = sub.id;
    let day = p.slot.day;
    let cmd = AnyCommand::CreateBooking(CreateBooking {
        booking_id: id.to_string(),
        court_id: p.court_id,
        slot: p.slot,
        kind: p.kind,
        booker_id: p.booker_id,
        players: p.players,
        note: p.note,
        source: Source::Desk,
        pass_id: Some(f.pass_id.clone()).filter(|p| !p.is_empty()),
        coach_id: p.coach_id,
    });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(grid_link(day), "success", ctx.t("booking-created")),
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form_again(app, ctx, None, f, errors).await
        }
    }
}
