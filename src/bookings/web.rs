//! The booking pages: the booking form and details, and weekly series. The grid pages are in
//! `grid_web`.

use askama::Template;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::{
    CancelBooking, CreateBooking, CreateSeries, EditSeries, EndSeries, SeriesSpec, SetAttendance, UpdateBooking,
};
use super::model::{Kind, LocalSlot, Player, Source, Status};
use super::store::{self, Booking};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::core::{Actor, Outcome};
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::{self as courts, Court};
use crate::error::AppError;
use crate::members::model::card_label;
use crate::members::store as members;
use crate::passes::labels::Choice as PassChoice;
use crate::payments::model::Method;
use crate::payments::store as payments;
use crate::payments::store::Payment;
use crate::payments::web::pay_form::PayForm;
use crate::prices::commands::SetBookingPrice;
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go, rejection_text};
use crate::web::guards::{Manager, Reception, Staff};
use crate::web::page::{Html, PageCtx, ok, render};

pub(super) fn today(ctx: &PageCtx) -> Date {
    ctx.now.to_zoned_datetime(ctx.tz.clone()).date()
}

pub(super) fn parse_day(raw: Option<&str>, ctx: &PageCtx) -> Date {
    raw.and_then(|d| d.trim().parse().ok()).unwrap_or_else(|| today(ctx))
}

pub(super) fn kind_label(ctx: &PageCtx, k: &Kind) -> String {
    ctx.t(&format!("kind-{}-label", k.as_str()))
}

pub(super) fn status_label(ctx: &PageCtx, s: &Status) -> String {
    ctx.t(&format!("status-{}", s.as_str()))
}

// ---- the booking form ----

#[derive(FromForm, Default, Clone)]
struct BookingForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    date: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
    #[field(default = String::new())]
    kind: String,
    /// What was typed in the booker field, and the member picked from the suggestions.
    #[field(default = String::new())]
    booker: String,
    #[field(default = String::new())]
    booker_id: String,
    /// Extra players: typed text and picked member ids, by position.
    #[field(default = Vec::new())]
    player: Vec<String>,
    #[field(default = Vec::new())]
    player_id: Vec<String>,
    #[field(default = String::new())]
    note: String,
    /// A pass of the booker or a member player to pay with (new bookings only).
    #[field(default = String::new())]
    pass_id: String,
}

#[derive(Template)]
#[template(path = "bookings/form.html")]
struct FormPage {
    ctx: PageCtx,
    booking_id: Option<String>,
    form: BookingForm,
    courts: Vec<Court>,
    rules: BookingRules,
    errors: FieldErrors,
    /// What the booking as filled in would cost ("" until court and time are chosen).
    quote: String,
    /// The passes that could pay for it (new bookings only).
    pass_choices: Vec<PassChoice>,
    chosen_pass: String,
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

    fn series_link(&self) -> String {
        format!(
            "/series/new?court={}&date={}&start={}&minutes={}&booker_id={}",
            self.form.court_id, self.form.date, self.form.start, self.form.minutes, self.form.booker_id
        )
    }
}

/// Start times a form offers: every slot step of the day, `chosen` marked.
fn start_options(rules: &BookingRules, chosen: &str) -> Vec<(String, bool)> {
    let step = rules.slot_minutes;
    (0..1440 / step)
        .filter_map(|i| DayMinute::new(i * step))
        .map(|m| (m.to_string(), m.to_string() == chosen))
        .collect()
}

/// Lengths a form offers: from the club's shortest to longest booking, `chosen` marked.
fn length_options(ctx: &PageCtx, rules: &BookingRules, chosen: &str) -> Vec<(u16, String, bool)> {
    (rules.min_minutes..=rules.max_minutes)
        .step_by(usize::from(rules.slot_minutes))
        .map(|m| (m, ctx.duration(m), chosen == m.to_string()))
        .collect()
}

/// Courts a form offers: the active ones, plus the chosen one if it is no longer in use.
fn court_choices<'a>(courts: &'a [Court], chosen: &str) -> Vec<(&'a str, &'a str, bool)> {
    courts
        .iter()
        .filter(|c| c.draft.active || c.id == chosen)
        .map(|c| (c.id.as_str(), c.draft.name.as_str(), c.id == chosen))
        .collect()
}

async fn form_data(app: &App) -> anyhow::Result<(Vec<Court>, BookingRules)> {
    app.db.read(|c| Ok((courts::courts(c)?, courts::rules(c)?))).await
}

#[get("/bookings/new?<court>&<date>&<start>&<minutes>&<booker_id>")]
async fn new_page(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    court: Option<String>,
    date: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
    booker_id: Option<String>,
) -> Result<Html, AppError> {
    let (courts, rules) = form_data(app).await?;
    // From a member's card the booker comes chosen.
    let booker_id = booker_id.unwrap_or_default();
    let lookup = booker_id.clone();
    let booker = app.db.read(move |c| Ok(members::member(c, &lookup)?)).await?;
    let form = BookingForm {
        command_id: fresh_id(),
        court_id: court.or_else(|| courts.iter().find(|c| c.draft.active).map(|c| c.id.clone())).unwrap_or_default(),
        date: parse_day(date.as_deref(), &ctx).to_string(),
        start: start.unwrap_or_else(|| "18:00".into()),
        minutes: minutes.unwrap_or_else(|| rules.min_minutes.max(60.min(rules.max_minutes)).to_string()),
        kind: "play".into(),
        booker: booker.as_ref().map(|m| m.full_name.clone()).unwrap_or_default(),
        booker_id: booker.map(|m| m.id).unwrap_or_default(),
        ..Default::default()
    };
    let (quote, pass_choices) = form_money(app, &ctx, &form, true).await?;
    let chosen_pass = form.pass_id.clone();
    ok(&FormPage {
        ctx,
        booking_id: None,
        form,
        courts,
        rules,
        errors: FieldErrors::default(),
        quote,
        pass_choices,
        chosen_pass,
    })
}

/// A booker typed but not picked from the list: a card number, or a name or phone that
/// finds exactly one member.
async fn resolve_member(app: &App, typed: &str) -> anyhow::Result<Result<Option<String>, &'static str>> {
    let typed = typed.trim().to_owned();
    if typed.is_empty() {
        return Ok(Ok(None));
    }
    let index = app.member_index.clone();
    let found = app.db.read(move |c| Ok(index.search(c, &typed, false, 2)?)).await?;
    Ok(match found.as_slice() {
        [one] => Ok(Some(one.id.clone())),
        [] => Err("booker-unknown"),
        _ => Err("booker-ambiguous"),
    })
}

struct Parsed {
    court_id: String,
    slot: LocalSlot,
    kind: Kind,
    booker_id: Option<String>,
    players: Vec<Player>,
    note: String,
}

async fn parse_form(
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
    let booker_id = if !f.booker_id.trim().is_empty() {
        Some(f.booker_id.trim().to_owned())
    } else {
        match resolve_member(app, &f.booker).await? {
            Ok(id) => id,
            Err(code) => {
                errors.add(ctx.locale, "booker", code);
                None
            }
        }
    };
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
    }))
}

async fn form_again(
    app: &App,
    ctx: PageCtx,
    booking_id: Option<String>,
    mut form: BookingForm,
    errors: FieldErrors,
) -> Page {
    let (courts, rules) = form_data(app).await?;
    form.command_id = fresh_id();
    let (quote, pass_choices) = form_money(app, &ctx, &form, booking_id.is_none()).await?;
    let chosen_pass = form.pass_id.clone();
    Ok(Either::Left(render(
        HttpStatus::UnprocessableEntity,
        &FormPage { ctx, booking_id, form, courts, rules, errors, quote, pass_choices, chosen_pass },
    )?))
}

/// The price of the booking as filled in so far, in words (empty while court or time is
/// missing), and, when `with_passes`, the passes of its members that could pay for it.
async fn form_money(
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
    let slot = LocalSlot { day, start, minutes };
    let today = today(ctx);
    let (quote, passes) = app
        .db
        .read(move |c| {
            let quote = crate::prices::pricing::quote_for(c, &court, slot, booker.as_deref(), &players)?;
            let holders: Vec<&str> = booker
                .iter()
                .map(String::as_str)
                .chain(players.iter().filter_map(|p| match p {
                    Player::Member(id) => Some(id.as_str()),
                    Player::Guest(_) => None,
                }))
                .collect();
            let passes = if with_passes { crate::passes::store::live_passes(c, &holders, today)? } else { Vec::new() };
            Ok((quote, passes))
        })
        .await?;
    let Some(q) = quote else { return Ok((String::new(), Vec::new())) };
    let choices = crate::passes::labels::choices(ctx, &passes, &f.court_id, slot, q.total);
    let mut text = ctx.ta("quote-price", "amount", ctx.money(q.total));
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
async fn quote(_r: Reception, ctx: PageCtx, app: &State<App>, form: BookingForm) -> Result<String, AppError> {
    Ok(form_money(app, &ctx, &form, false).await?.0)
}

/// The pass choice of the booking form, refreshed with the price line.
#[get("/bookings/pass-options?<form..>")]
async fn pass_options(_r: Reception, ctx: PageCtx, app: &State<App>, form: BookingForm) -> Result<Html, AppError> {
    let (_, pass_choices) = form_money(app, &ctx, &form, true).await?;
    ok(&PassOptions { ctx, pass_choices, chosen_pass: form.pass_id })
}

fn grid_link(day: Date) -> String {
    format!("/grid?date={day}")
}

#[post("/bookings", data = "<form>")]
async fn create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<BookingForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(p) = parse_form(app, &ctx, &f, &mut errors).await? else {
        return form_again(app, ctx, None, f, errors).await;
    };
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
    });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(grid_link(day), "success", ctx.t("booking-created")),
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form_again(app, ctx, None, f, errors).await
        }
    }
}

// ---- one booking ----

#[derive(Template)]
#[template(path = "bookings/show.html")]
pub(crate) struct ShowPage {
    ctx: PageCtx,
    b: Booking,
    court: String,
    slot: LocalSlot,
    players: Vec<(Player, String)>,
    history: Vec<(jiff::Timestamp, String, String)>,
    command_id: String,
    errors: FieldErrors,
    /// Payments and refunds for this booking, oldest first.
    payments: Vec<Payment>,
    /// The payment form, as last typed (or what is left to pay).
    pub(crate) pay: PayForm,
    /// A late-cancel or no-show fee standing on the booker's account.
    fee: i64,
    /// Passes of the booker and member players that could pay what is left.
    pass_choices: Vec<PassChoice>,
    /// A late cancellation kept the pass use that paid for the booking.
    pass_kept: bool,
}

impl ShowPage {
    fn when(&self) -> String {
        format!(
            "{} · {} ({})",
            crate::i18n::date(self.ctx.locale, self.slot.day),
            super::model::span(self.b.starts_at, self.b.ends_at, &self.ctx.tz),
            self.ctx.duration(self.slot.minutes)
        )
    }

    fn kind_name(&self) -> String {
        kind_label(&self.ctx, &self.b.kind)
    }

    fn status_name(&self) -> String {
        status_label(&self.ctx, &self.b.status)
    }

    fn source_name(&self) -> String {
        self.ctx.t(&format!("source-{}", self.b.source.as_str()))
    }

    fn active(&self) -> bool {
        self.b.status != Status::Cancelled
    }

    fn paid(&self) -> i64 {
        self.payments.iter().map(|p| p.amount).sum()
    }

    fn left(&self) -> i64 {
        self.b.price - self.paid()
    }

    /// Who can pay: the booker and member players (by id), for the payer choice.
    fn payers(&self) -> Vec<(String, String, bool)> {
        let booker = self.b.booker_id.iter().map(|id| (id.clone(), self.b.booker_name.clone().unwrap_or_default()));
        let players = self.players.iter().filter_map(|(p, name)| match p {
            Player::Member(id) => Some((id.clone(), name.clone())),
            Player::Guest(_) => None,
        });
        booker.chain(players).map(|(id, name)| (id.clone(), name, self.pay.payer == id)).collect()
    }

    fn methods(&self) -> Vec<(&'static str, String, bool)> {
        Method::ALL
            .iter()
            .filter(|m| **m != Method::Pass)
            .map(|m| (m.as_str(), self.ctx.t(&format!("method-{}", m.as_str())), self.pay.method == m.as_str()))
            .collect()
    }

    fn method_name(&self, m: &Method) -> String {
        self.ctx.t(&format!("method-{}", m.as_str()))
    }

    fn refundable(&self, p: &Payment) -> i64 {
        refundable(&self.payments, p)
    }

    fn player_link(&self, p: &Player) -> Option<String> {
        match p {
            Player::Member(id) => Some(format!("/members/{id}")),
            Player::Guest(_) => None,
        }
    }
}

/// What is left to refund of `p`, among a booking's `payments`.
fn refundable(payments: &[Payment], p: &Payment) -> i64 {
    if p.refund_of.is_some() {
        return 0;
    }
    p.amount + payments.iter().filter(|r| r.refund_of.as_deref() == Some(&p.id)).map(|r| r.amount).sum::<i64>()
}

pub(crate) async fn show_page(app: &App, ctx: PageCtx, id: String, errors: FieldErrors) -> Result<ShowPage, AppError> {
    let lookup = id.clone();
    let today = today(&ctx);
    let (b, court, players, records, payments, fee, passes) = app
        .db
        .read(move |c| {
            let Some(b) = store::booking(c, &lookup)? else { return Ok(None) };
            let court = courts::court(c, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
            let players = store::players(c, &b.id)?;
            let records = crate::core::commands_mentioning(c, &b.id, 30)?;
            let payments = payments::booking_payments(c, &b.id)?;
            let fee = crate::payments::store::open_fee(c, &b.id)?;
            let holders: Vec<&str> = b
                .booker_id
                .iter()
                .map(String::as_str)
                .chain(players.iter().filter_map(|(p, _)| match p {
                    Player::Member(id) => Some(id.as_str()),
                    Player::Guest(_) => None,
                }))
                .collect();
            // Passes are offered only while something is left to pay.
            let left = b.price - payments.iter().map(|p| p.amount).sum::<i64>();
            let passes = if b.status != Status::Cancelled && left > 0 {
                crate::passes::store::live_passes(c, &holders, today)?
            } else {
                Vec::new()
            };
            Ok(Some((b, court, players, records, payments, fee, passes)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let history = records
        .into_iter()
        .map(|r| {
            let mut what = ctx.t(&format!("kind-{}", r.kind));
            if let Outcome::Rejected(rej) = &r.outcome {
                what = format!("{what} — {}", rejection_text(ctx.locale, rej));
            }
            (r.executed_at, r.actor_name, what)
        })
        .collect();
    let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
    let left = b.price - payments.iter().map(|p| p.amount).sum::<i64>();
    let pay = PayForm::for_booking(b.booker_id.clone(), left, &ctx.club.currency);
    let active = b.status != Status::Cancelled;
    let pass_choices = crate::passes::labels::choices(&ctx, &passes, &b.court_id, slot, left);
    let pass_kept = !active && payments.iter().any(|p| p.method == Method::Pass && refundable(&payments, p) > 0);
    Ok(ShowPage {
        ctx,
        b,
        court,
        slot,
        players,
        history,
        command_id: fresh_id(),
        errors,
        payments,
        pay,
        fee,
        pass_choices,
        pass_kept,
    })
}

#[get("/bookings/<id>")]
async fn show(_s: Staff, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&show_page(app, ctx, id, FieldErrors::default()).await?)
}

#[get("/bookings/<id>/edit")]
async fn edit_page(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let page = show_page(app, ctx, id, FieldErrors::default()).await?;
    let (courts, rules) = form_data(app).await?;
    let b = &page.b;
    let mut form = BookingForm {
        command_id: fresh_id(),
        court_id: b.court_id.clone(),
        date: page.slot.day.to_string(),
        start: page.slot.start.to_string(),
        minutes: page.slot.minutes.to_string(),
        kind: b.kind.as_str().to_owned(),
        booker: b.booker_name.clone().unwrap_or_default(),
        booker_id: b.booker_id.clone().unwrap_or_default(),
        note: b.note.clone(),
        ..Default::default()
    };
    for (p, name) in &page.players {
        form.player.push(name.clone());
        form.player_id.push(match p {
            Player::Member(id) => id.clone(),
            Player::Guest(_) => String::new(),
        });
    }
    let booking_id = Some(b.id.clone());
    let (quote, _) = form_money(app, &page.ctx, &form, false).await?;
    ok(&FormPage {
        ctx: page.ctx,
        booking_id,
        form,
        courts,
        rules,
        errors: FieldErrors::default(),
        quote,
        pass_choices: Vec::new(),
        chosen_pass: String::new(),
    })
}

#[post("/bookings/<id>", data = "<form>")]
async fn update(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<BookingForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(p) = parse_form(app, &ctx, &f, &mut errors).await? else {
        return form_again(app, ctx, Some(id), f, errors).await;
    };
    let day = p.slot.day;
    let cmd = AnyCommand::UpdateBooking(UpdateBooking {
        booking_id: id.clone(),
        court_id: p.court_id,
        slot: p.slot,
        kind: p.kind,
        booker_id: p.booker_id,
        players: p.players,
        note: p.note,
    });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(grid_link(day), "success", ctx.t("booking-saved")),
        Outcome::Rejected(rej) if rej.code == "booking-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form_again(app, ctx, Some(id), f, errors).await
        }
    }
}

async fn on_booking(
    app: &App,
    actor: Actor,
    ctx: PageCtx,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    done: String,
) -> Page {
    match app.submit(submission, actor, cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/bookings/{id}"), "success", done),
        Outcome::Rejected(rej) if rej.code == "booking-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &rej);
            Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &show_page(app, ctx, id, errors).await?)?))
        }
    }
}

#[derive(FromForm)]
struct PriceForm {
    #[field(default = String::new())]
    price: String,
    #[field(default = String::new())]
    reason: String,
    /// Hands the price back to the price list.
    #[field(default = false)]
    list: bool,
}

/// A manager sets the price of one booking by hand, with a reason, or returns it to the price list.
#[post("/bookings/<id>/price", data = "<form>")]
async fn set_price(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PriceForm>) -> Page {
    let Csrf(f, sub) = form;
    let price = if f.list {
        None
    } else {
        match crate::money::amount::parse(&f.price, &ctx.club.currency) {
            Ok(p) => Some(p),
            Err(code) => {
                let mut errors = FieldErrors::default();
                errors.add(ctx.locale, "price", code);
                return Ok(Either::Left(render(
                    HttpStatus::UnprocessableEntity,
                    &show_page(app, ctx, id, errors).await?,
                )?));
            }
        }
    };
    let cmd = AnyCommand::SetBookingPrice(SetBookingPrice { booking_id: id.clone(), price, reason: f.reason });
    let done = ctx.t("booking-price-set");
    on_booking(app, m.0.actor(), ctx, id, &sub, cmd, done).await
}

#[derive(FromForm)]
struct CancelForm {
    #[field(default = String::new())]
    reason: String,
}

#[post("/bookings/<id>/cancel", data = "<form>")]
async fn cancel(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<CancelForm>) -> Page {
    let done = ctx.t("booking-cancelled-done");
    let cmd = AnyCommand::CancelBooking(CancelBooking { booking_id: id.clone(), reason: form.0.reason.clone() });
    on_booking(app, r.0.actor(), ctx, id, &form.1, cmd, done).await
}

#[derive(FromForm)]
struct AttendanceForm {
    #[field(default = String::new())]
    status: String,
}

#[post("/bookings/<id>/attendance", data = "<form>")]
async fn attendance(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<AttendanceForm>) -> Page {
    let status = match form.0.status.as_str() {
        "checked_in" => Status::CheckedIn,
        "no_show" => Status::NoShow,
        _ => Status::Booked,
    };
    let done = status_label(&ctx, &status);
    let cmd = AnyCommand::SetAttendance(SetAttendance { booking_id: id.clone(), status });
    on_booking(app, r.0.actor(), ctx, id, &form.1, cmd, done).await
}

// ---- series ----

#[derive(FromForm, Default, Clone)]
struct SeriesForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = Vec::new())]
    weekday: Vec<i8>,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
    #[field(default = String::new())]
    first_day: String,
    #[field(default = String::new())]
    last_day: String,
    #[field(default = String::new())]
    booker: String,
    #[field(default = String::new())]
    booker_id: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    note: String,
    /// Dates to leave out (conflicts), ticked on the preview.
    #[field(default = Vec::new())]
    skip: Vec<String>,
}

struct PlannedDay {
    day: String,
    label: String,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "bookings/series_form.html")]
struct SeriesPage {
    ctx: PageCtx,
    form: SeriesForm,
    courts: Vec<Court>,
    rules: BookingRules,
    plan: Vec<PlannedDay>,
    errors: FieldErrors,
}

impl SeriesPage {
    fn weekdays(&self) -> Vec<(i8, String, bool)> {
        (1..=7).map(|n| (n, self.ctx.t(&format!("weekday-{n}")), self.form.weekday.contains(&n))).collect()
    }

    fn starts(&self) -> Vec<(String, bool)> {
        start_options(&self.rules, &self.form.start)
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        length_options(&self.ctx, &self.rules, &self.form.minutes)
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        court_choices(&self.courts, &self.form.court_id)
    }

    fn conflicts(&self) -> usize {
        self.plan.iter().filter(|p| p.problem.is_some()).count()
    }
}

#[get("/series/new?<court>&<date>&<start>&<minutes>&<booker_id>")]
async fn series_new(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    court: Option<String>,
    date: Option<String>,
    start: Option<String>,
    minutes: Option<String>,
    booker_id: Option<String>,
) -> Result<Html, AppError> {
    let (courts, rules) = form_data(app).await?;
    let first = parse_day(date.as_deref(), &ctx);
    let booker_id = booker_id.unwrap_or_default();
    let lookup = booker_id.clone();
    let booker = app.db.read(move |c| Ok(members::member(c, &lookup)?)).await?.map(|m| m.full_name).unwrap_or_default();
    let form = SeriesForm {
        command_id: fresh_id(),
        court_id: court.unwrap_or_default(),
        weekday: vec![first.weekday().to_monday_one_offset()],
        start: start.unwrap_or_else(|| "18:00".into()),
        minutes: minutes.unwrap_or_else(|| rules.min_minutes.to_string()),
        first_day: first.to_string(),
        last_day: first.checked_add(jiff::Span::new().months(3)).unwrap_or(first).to_string(),
        booker,
        booker_id,
        kind: "play".into(),
        ..Default::default()
    };
    ok(&SeriesPage { ctx, form, courts, rules, plan: Vec::new(), errors: FieldErrors::default() })
}

async fn series_spec(
    app: &App,
    ctx: &PageCtx,
    f: &SeriesForm,
    errors: &mut FieldErrors,
) -> anyhow::Result<Option<SeriesSpec>> {
    let first = f.first_day.parse::<Date>().map_err(|_| errors.add(ctx.locale, "first_day", "date-invalid")).ok();
    let last = f.last_day.parse::<Date>().map_err(|_| errors.add(ctx.locale, "last_day", "date-invalid")).ok();
    let start = DayMinute::parse(&f.start).or_else(|| {
        errors.add(ctx.locale, "start", "hours-invalid");
        None
    });
    let minutes =
        f.minutes.parse::<u16>().map_err(|_| errors.add(ctx.locale, "minutes", "slot-length-misaligned")).ok();
    let weekdays: Vec<Weekday> = f.weekday.iter().filter_map(|n| Weekday::from_monday_one_offset(*n).ok()).collect();
    if weekdays.is_empty() {
        errors.add(ctx.locale, "weekdays", "series-no-weekdays");
    }
    let kind = Kind::parse(&f.kind).unwrap_or(Kind::Play);
    let booker_id = if !f.booker_id.trim().is_empty() {
        Some(f.booker_id.trim().to_owned())
    } else {
        match resolve_member(app, &f.booker).await? {
            Ok(id) => id,
            Err(code) => {
                errors.add(ctx.locale, "booker", code);
                None
            }
        }
    };
    let (Some(first_day), Some(last_day), Some(start), Some(minutes)) = (first, last, start, minutes) else {
        return Ok(None);
    };
    if !errors.is_empty() {
        return Ok(None);
    }
    Ok(Some(SeriesSpec {
        court_id: f.court_id.clone(),
        weekdays,
        start,
        minutes,
        first_day,
        last_day,
        kind,
        booker_id,
        players: Vec::new(),
        note: f.note.clone(),
    }))
}

/// Shows every date of the series and which ones cannot be booked; nothing is written.
#[post("/series/preview", data = "<form>")]
async fn series_preview(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    form: Csrf<SeriesForm>,
) -> Result<Html, AppError> {
    let mut f = form.0;
    let (courts, rules) = form_data(app).await?;
    let mut errors = FieldErrors::default();
    let mut plan = Vec::new();
    if let Some(spec) = series_spec(app, &ctx, &f, &mut errors).await? {
        let actor = r.0.actor();
        let now = app.now();
        let result = app
            .db
            .read(move |c| {
                let ctx = crate::core::Ctx { tx: c, actor: &actor, now, command_id: Uuid::nil() };
                Ok(super::commands::plan_series(&ctx, &spec, None).map_err(|e| match e {
                    crate::core::CommandError::Rejected(r) => Ok(r),
                    crate::core::CommandError::Failed(e) => Err(e),
                }))
            })
            .await?;
        match result {
            Ok(days) => {
                f.skip = days.iter().filter(|d| d.problem.is_some()).map(|d| d.day.to_string()).collect();
                plan = days
                    .into_iter()
                    .map(|d| PlannedDay {
                        day: d.day.to_string(),
                        label: format!(
                            "{} {}",
                            ctx.t(&format!("weekday-{}", d.day.weekday().to_monday_one_offset())),
                            crate::i18n::date(ctx.locale, d.day)
                        ),
                        problem: d.problem.as_ref().map(|p| rejection_text(ctx.locale, p)),
                    })
                    .collect();
            }
            Err(Ok(rej)) => errors.rejection(ctx.locale, &rej),
            Err(Err(e)) => return Err(e.into()),
        }
    }
    let status = if errors.is_empty() { HttpStatus::Ok } else { HttpStatus::UnprocessableEntity };
    f.command_id = fresh_id();
    render(status, &SeriesPage { ctx, form: f, courts, rules, plan, errors })
}

#[post("/series", data = "<form>")]
async fn series_create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<SeriesForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let again = |ctx: PageCtx, f: SeriesForm, errors: FieldErrors, courts: Vec<Court>, rules: BookingRules| -> Page {
        Ok(Either::Left(render(
            HttpStatus::UnprocessableEntity,
            &SeriesPage {
                ctx,
                form: SeriesForm { command_id: fresh_id(), ..f },
                courts,
                rules,
                plan: Vec::new(),
                errors,
            },
        )?))
    };
    let (courts, rules) = form_data(app).await?;
    let Some(spec) = series_spec(app, &ctx, &f, &mut errors).await? else {
        return again(ctx, f, errors, courts, rules);
    };
    let skip: Vec<Date> = f.skip.iter().filter_map(|d| d.parse().ok()).collect();
    let id = sub.id;
    let cmd = AnyCommand::CreateSeries(CreateSeries { series_id: id.to_string(), spec, skip });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/series/{id}"), "success", ctx.t("series-created")),
        Outcome::Rejected(rej) => {
            let mut text = rejection_text(ctx.locale, &rej);
            if let Some((_, day)) = rej.args.iter().find(|(k, _)| k == "date") {
                text = format!("{day}: {text}");
            }
            errors.add_text("form", text);
            again(ctx, f, errors, courts, rules)
        }
    }
}

#[derive(Template)]
#[template(path = "bookings/series.html")]
struct SeriesShow {
    ctx: PageCtx,
    series: store::Series,
    court: String,
    booker: String,
    bookings: Vec<(Booking, String)>,
    courts: Vec<Court>,
    rules: BookingRules,
    command_id: String,
    errors: FieldErrors,
}

impl SeriesShow {
    fn weekday_names(&self) -> String {
        self.series
            .weekdays
            .iter()
            .map(|d| self.ctx.t(&format!("weekday-{}", d.to_monday_one_offset())))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn status_name(&self, s: &Status) -> String {
        status_label(&self.ctx, s)
    }

    fn starts(&self) -> Vec<(String, bool)> {
        start_options(&self.rules, &self.series.start.to_string())
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        length_options(&self.ctx, &self.rules, &self.series.minutes.to_string())
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        court_choices(&self.courts, &self.series.court_id)
    }

    fn today(&self) -> String {
        today(&self.ctx).to_string()
    }

    fn next_season(&self) -> (String, String) {
        let s = &self.series;
        let length = s.first_day.until(s.last_day).map(|sp| sp.get_days()).unwrap_or(90);
        let first = s.last_day.tomorrow().unwrap_or(s.last_day);
        (first.to_string(), first.checked_add(jiff::Span::new().days(i64::from(length))).unwrap_or(first).to_string())
    }
}

async fn series_page(app: &App, ctx: PageCtx, id: String, errors: FieldErrors) -> Result<SeriesShow, AppError> {
    let tz: TimeZone = ctx.tz.clone();
    let lookup = id.clone();
    let (series, court, booker, bookings, courts, rules) = app
        .db
        .read(move |c| {
            let Some(s) = store::series(c, &lookup)? else { return Ok(None) };
            let court = courts::court(c, &s.court_id)?.map(|c| c.draft.name).unwrap_or_default();
            let booker = match &s.booker_id {
                Some(b) => members::member(c, b)?
                    .map(|m| format!("{} (№ {})", m.full_name, card_label(m.card_no)))
                    .unwrap_or_default(),
                None => String::new(),
            };
            let mut stmt_bookings = store::series_all(c, &s.id)?;
            stmt_bookings.sort_by_key(|b| b.starts_at);
            Ok(Some((s, court, booker, stmt_bookings, courts::courts(c)?, courts::rules(c)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let bookings = bookings
        .into_iter()
        .map(|b| {
            let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz);
            let label = format!(
                "{} {} {}",
                ctx.t(&format!("weekday-{}", slot.day.weekday().to_monday_one_offset())),
                crate::i18n::date(ctx.locale, slot.day),
                slot.start
            );
            (b, label)
        })
        .collect();
    Ok(SeriesShow { ctx, series, court, booker, bookings, courts, rules, command_id: fresh_id(), errors })
}

#[get("/series/<id>")]
async fn series_show(_s: Staff, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&series_page(app, ctx, id, FieldErrors::default()).await?)
}

async fn on_series(
    app: &App,
    r: &Reception,
    ctx: PageCtx,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    to: String,
    done: String,
) -> Page {
    match app.submit(submission, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(to, "success", done),
        Outcome::Rejected(rej) if rej.code == "series-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            let mut text = rejection_text(ctx.locale, &rej);
            if let Some((_, day)) = rej.args.iter().find(|(k, _)| k == "date") {
                text = format!("{day}: {text}");
            }
            errors.add_text("form", text);
            Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?))
        }
    }
}

#[derive(FromForm)]
struct SeriesEditForm {
    #[field(default = String::new())]
    from_day: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
}

#[post("/series/<id>/edit", data = "<form>")]
async fn series_edit(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<SeriesEditForm>) -> Page {
    let Csrf(f, sub) = form;
    let (Some(from_day), Some(start), Some(minutes)) =
        (f.from_day.parse::<Date>().ok(), DayMinute::parse(&f.start), f.minutes.parse::<u16>().ok())
    else {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "form", "date-invalid");
        return Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?));
    };
    let new_id = sub.id;
    let cmd = AnyCommand::EditSeries(EditSeries {
        series_id: id.clone(),
        new_series_id: new_id.to_string(),
        from_day,
        court_id: f.court_id,
        start,
        minutes,
    });
    // A split series continues under the new id; a whole-series change keeps the old one.
    let first_day = app
        .db
        .read({
            let id = id.clone();
            move |c| Ok(store::series(c, &id)?.map(|s| s.first_day))
        })
        .await?;
    let to =
        if first_day.is_some_and(|d| from_day > d) { format!("/series/{new_id}") } else { format!("/series/{id}") };
    let done = ctx.t("series-changed");
    on_series(app, &r, ctx, id, &sub, cmd, to, done).await
}

#[derive(FromForm)]
struct SeriesEndForm {
    #[field(default = String::new())]
    last_day: String,
}

#[post("/series/<id>/end", data = "<form>")]
async fn series_end(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<SeriesEndForm>) -> Page {
    let Ok(last_day) = form.0.last_day.parse::<Date>() else {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "form", "date-invalid");
        return Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?));
    };
    let cmd = AnyCommand::EndSeries(EndSeries { series_id: id.clone(), last_day });
    let done = ctx.t("series-ended");
    let to = format!("/series/{id}");
    on_series(app, &r, ctx, id, &form.1, cmd, to, done).await
}

/// "Copy to next season": the series form prefilled with the same terms and the next dates.
#[get("/series/<id>/copy")]
async fn series_copy(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let page = series_page(app, ctx, id, FieldErrors::default()).await?;
    let (first, last) = page.next_season();
    let s = &page.series;
    let form = SeriesForm {
        command_id: fresh_id(),
        court_id: s.court_id.clone(),
        weekday: s.weekdays.iter().map(|d| d.to_monday_one_offset()).collect(),
        start: s.start.to_string(),
        minutes: s.minutes.to_string(),
        first_day: first,
        last_day: last,
        booker: page.booker.clone(),
        booker_id: s.booker_id.clone().unwrap_or_default(),
        kind: s.kind.as_str().to_owned(),
        note: s.note.clone(),
        skip: Vec::new(),
    };
    let (courts, rules) = (page.courts, page.rules);
    ok(&SeriesPage { ctx: page.ctx, form, courts, rules, plan: Vec::new(), errors: FieldErrors::default() })
}

pub fn routes() -> Vec<Route> {
    routes![
        new_page,
        create,
        show,
        edit_page,
        update,
        cancel,
        set_price,
        quote,
        pass_options,
        attendance,
        series_new,
        series_preview,
        series_create,
        series_show,
        series_edit,
        series_end,
        series_copy
    ]
}
