//! One booking: its page, changing it, its price by hand, cancelling and checking in.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::{Either, State, get, post};

use super::form::{
    BookingForm, FormPage, Warnings, form_again, form_data, form_money, form_shown, grid_link, parse_form, warnings,
};
use super::{kind_label, status_label};
use crate::app::App;
use crate::bookings::commands::{SetAttendance, UpdateBooking};
use crate::bookings::model::{LocalSlot, Player, Status};
use crate::bookings::store::{self, Booking};
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::core::{Actor, Outcome, Role};
use crate::courts::store::{self as courts};
use crate::desk::store::replica;
use crate::error::AppError;
use crate::passes::labels::Choice as PassChoice;
use crate::payments::model::Method;
use crate::payments::store as payments;
use crate::payments::store::Payment;
use crate::payments::web::pay_form::PayForm;
use crate::prices::commands::SetBookingPrice;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit_on};
use crate::web::guards::{Manager, Reception, Staff};
use crate::web::page::{Html, PageCtx, ok, render};

// ---- one booking ----

#[derive(Template)]
#[template(path = "bookings/show.html")]
pub(crate) struct ShowPage {
    ctx: PageCtx,
    b: Booking,
    court: String,
    /// A lesson's coach's name.
    coach: Option<String>,
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
    /// On a desk: this booking was changed here and the hub has not decided it yet.
    tentative: bool,
    /// On a desk: payments taken here the hub has not seen, whose receipt numbers may change.
    provisional: Vec<String>,
    /// Cancelling touches money: the cancel button leads to a page that shows what happens.
    cancel_asks: bool,
    /// Members waiting for this time, first in line first.
    waiting: Vec<crate::waitlist::store::Entry>,
}

impl ShowPage {
    /// Staff may put a member in line for this booking's time: it is to come and still held.
    fn can_wait(&self) -> bool {
        self.b.status == Status::Booked && self.b.starts_at > self.ctx.now && self.ctx.can("reception")
    }

    /// "Anna Smith", or "Anna Smith — offered until 19:30".
    fn waiting_line(&self, e: &crate::waitlist::store::Entry) -> String {
        match e.offer_until.filter(|_| e.status == crate::waitlist::model::WaitStatus::Offered) {
            Some(until) => {
                let at = until.to_zoned_datetime(self.ctx.tz.clone()).strftime("%H:%M").to_string();
                format!("{} — {}", e.member_name, self.ctx.ta("booking-waiting-offered", "until", at))
            }
            None => e.member_name.clone(),
        }
    }

    fn when(&self) -> String {
        format!(
            "{} · {} ({})",
            crate::i18n::date(self.ctx.locale, self.slot.day),
            crate::bookings::model::span(self.b.starts_at, self.b.ends_at, &self.ctx.tz),
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

    fn can_check_in(&self) -> bool {
        crate::bookings::model::can_check_in(self.b.status, self.b.starts_at, self.ctx.now)
    }

    fn can_mark_no_show(&self) -> bool {
        crate::bookings::model::can_mark_no_show(self.b.status, self.b.starts_at, self.ctx.now)
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

    fn method_name(&self, p: &Payment) -> String {
        self.ctx.t(p.method.label_id(p.amount))
    }

    /// For a cancelled booking: what happened to the money paid, in place of what is left to pay.
    fn cancelled_money(&self) -> String {
        let paid_in: i64 = self.payments.iter().filter(|p| p.refund_of.is_none()).map(|p| p.amount).sum();
        let refunds = self.payments.iter().filter(|p| p.refund_of.is_some());
        let to_account: i64 = -refunds.clone().filter(|p| p.method == Method::Wallet).map(|p| p.amount).sum::<i64>();
        let back: i64 = -refunds.filter(|p| p.method != Method::Wallet).map(|p| p.amount).sum::<i64>();
        let kept = paid_in - to_account - back;
        let mut parts = vec![format!("{} {}", self.ctx.t("payments-paid"), self.ctx.money(paid_in))];
        for (amount, id) in [(to_account, "pay-to-account"), (back, "pay-given-back"), (kept, "pay-kept")] {
            if amount > 0 {
                parts.push(self.ctx.ta(id, "amount", self.ctx.money(amount)));
            }
        }
        parts.join(" · ")
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
    let today = ctx.club_day();
    let on_desk = app.desk.is_some();
    let now = ctx.now;
    // Only reads: what cancelling would do with the money decides how the cancel button asks.
    let actor = Actor::System;
    let (b, (court, coach), players, records, payments, (fee, cancel_asks), passes, (tentative, provisional), waiting) =
        app.db
            .read(move |c| {
                let Some(b) = store::booking(c, &lookup)? else { return Ok(None) };
                let court = courts::court(c, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
                let coach = match &b.coach_id {
                    Some(id) => crate::coaching::store::coach(c, id)?.map(|k| k.draft.name),
                    None => None,
                };
                let players = store::players(c, &b.id)?;
                let records = crate::core::commands_mentioning(c, &b.id, 30, 0)?;
                let payments = payments::booking_payments(c, &b.id)?;
                let fee = crate::payments::store::open_fee(c, &b.id)?;
                let money =
                    crate::core::dry_run(c, &actor, now, |ctx| crate::payments::fees::cancel_money(ctx, &b, now))?;
                let cancel_asks = money.is_ok_and(|m| m.asks());
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
                let unconfirmed = if on_desk {
                    let tentative = replica::tentative_ids(c, "bookings")?.contains(&b.id);
                    let mut provisional = Vec::new();
                    for p in &payments {
                        if replica::made_tentatively(c, "payments", &p.id)? {
                            provisional.push(p.id.clone());
                        }
                    }
                    (tentative, provisional)
                } else {
                    (false, Vec::new())
                };
                let waiting = crate::waitlist::store::live_overlapping(c, &b.court_id, b.starts_at, b.ends_at)?;
                Ok(Some((
                    b,
                    (court, coach),
                    players,
                    records,
                    payments,
                    (fee, cancel_asks),
                    passes,
                    unconfirmed,
                    waiting,
                )))
            })
            .await?
            .ok_or(AppError::NotFound)?;
    let history = records
        .into_iter()
        .map(|r| {
            let what = crate::web::log_book::what(&ctx, &r);
            (r.executed_at, crate::web::log_book::who(&ctx, &r), what)
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
        coach,
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
        tentative,
        provisional,
        cancel_asks,
        waiting,
    })
}

#[get("/bookings/<id>")]
pub(super) async fn show(
    s: Staff,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
) -> Result<rocket::Either<Html, rocket::response::Redirect>, AppError> {
    let mut page = show_page(app, ctx, id, FieldErrors::default()).await?;
    // A group's session lives on the group's pages, with its journal.
    if let Some(group) = &page.b.group_id {
        let to = format!("/groups/{group}/sessions/{}", page.b.id);
        return Ok(rocket::Either::Right(rocket::response::Redirect::to(to)));
    }
    // A coach sees their own lessons only: any other booking is as good as none.
    if s.0.user.role < Role::Reception {
        if page.b.coach_id.as_deref() != Some(s.0.user.id.as_str()) {
            return Err(AppError::NotFound);
        }
        // Members waiting for the court are the desk's, not in the coach's lesson.
        page.waiting.clear();
    }
    Ok(rocket::Either::Left(ok(&page)?))
}

#[get("/bookings/<id>/edit")]
pub(super) async fn edit_page(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
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
        coach_id: b.coach_id.clone().unwrap_or_default(),
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
    let coaches = super::form::coach_choices(app).await?;
    ok(&FormPage {
        coaches,
        ctx: page.ctx,
        booking_id,
        form,
        courts,
        rules,
        errors: FieldErrors::default(),
        quote,
        pass_choices: Vec::new(),
        chosen_pass: String::new(),
        warnings: Warnings::default(),
        free_note: None,
    })
}

#[post("/bookings/<id>", data = "<form>")]
pub(super) async fn update(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<BookingForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(p) = parse_form(app, &ctx, &f, &mut errors).await? else {
        return form_again(app, ctx, Some(id), f, errors).await;
    };
    let warnings = warnings(app, &ctx, &f, &p, &id).await?;
    if !warnings.is_empty() {
        return form_shown(app, ctx, Some(id), f, errors, warnings).await;
    }
    let day = p.slot.day;
    let cmd = AnyCommand::UpdateBooking(UpdateBooking {
        booking_id: id.clone(),
        court_id: p.court_id,
        slot: p.slot,
        kind: p.kind,
        booker_id: p.booker_id,
        players: p.players,
        note: p.note,
        coach_id: p.coach_id,
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

pub(super) async fn on_booking(
    app: &App,
    actor: Actor,
    ctx: PageCtx,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    done: String,
) -> Page {
    match submit_on(app, &ctx, actor, submission, cmd, "booking-not-found").await? {
        Ok(()) => go(format!("/bookings/{id}"), "success", done),
        Err(errors) => again(&show_page(app, ctx, id, errors).await?),
    }
}

#[derive(FromForm)]
pub(super) struct PriceForm {
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
pub(super) async fn set_price(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PriceForm>) -> Page {
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
pub(super) struct AttendanceForm {
    #[field(default = String::new())]
    status: String,
}

#[post("/bookings/<id>/attendance", data = "<form>")]
pub(super) async fn attendance(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    form: Csrf<AttendanceForm>,
) -> Page {
    let status = match form.0.status.as_str() {
        "checked_in" => Status::CheckedIn,
        "no_show" => Status::NoShow,
        _ => Status::Booked,
    };
    let done = status_label(&ctx, &status);
    let cmd = AnyCommand::SetAttendance(SetAttendance { booking_id: id.clone(), status });
    if status != Status::CheckedIn {
        return on_booking(app, r.0.actor(), ctx, id, &form.1, cmd, done).await;
    }
    match submit_on(app, &ctx, r.0.actor(), &form.1, cmd, "booking-not-found").await? {
        Err(errors) => again(&show_page(app, ctx, id, errors).await?),
        Ok(()) => {
            // Checked in but not paid: straight to the payment form, saying what is left.
            let lookup = id.clone();
            let left = app
                .db
                .read(move |c| {
                    let price = store::booking(c, &lookup)?.map_or(0, |b| b.price);
                    Ok(price - payments::paid_for_booking(c, &lookup)?)
                })
                .await?;
            if left > 0 {
                let say = ctx.ta("checked-in-to-pay", "amount", ctx.money(left));
                go(format!("/bookings/{id}#payments"), "info", say)
            } else {
                go(format!("/bookings/{id}"), "success", done)
            }
        }
    }
}

#[derive(FromForm)]
pub(super) struct MoveForm {
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
}

/// Drag and drop on the grid (or Shift+arrows on a booking): the booking to another court, start
/// or length on its day, checked like any change. Back to the grid with what happened.
#[post("/bookings/<id>/move", data = "<form>")]
pub(super) async fn move_booking(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    form: Csrf<MoveForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let lookup = id.clone();
    let found = app
        .db
        .read(move |c| {
            let Some(b) = store::booking(c, &lookup)? else { return Ok(None) };
            let players = store::players(c, &b.id)?.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
            Ok(Some((b, players)))
        })
        .await?;
    let Some((b, players)) = found else { return Err(AppError::NotFound) };
    let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
    let back = |day| format!("{}&focus={id}", grid_link(day));
    let moved = LocalSlot {
        day: slot.day,
        start: crate::courts::model::DayMinute::parse(&f.start).unwrap_or(slot.start),
        minutes: f.minutes.trim().parse().unwrap_or(slot.minutes),
    };
    let court_id = if f.court_id.trim().is_empty() { b.court_id.clone() } else { f.court_id.trim().to_owned() };
    let cmd = AnyCommand::UpdateBooking(UpdateBooking {
        booking_id: id.clone(),
        court_id,
        slot: moved,
        kind: b.kind,
        booker_id: b.booker_id.clone(),
        players,
        note: b.note.clone(),
        coach_id: b.coach_id.clone(),
    });
    match submit_on(app, &ctx, r.0.actor(), &sub, cmd, "booking-not-found").await? {
        Ok(()) => go(back(slot.day), "success", ctx.t("booking-moved")),
        Err(errors) => {
            let why = ["form", "start", "minutes", "court_id", "date"].iter().find_map(|f| errors.get(f));
            go(back(slot.day), "error", why.map_or_else(|| ctx.t("booking-move-refused"), str::to_owned))
        }
    }
}
