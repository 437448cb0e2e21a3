//! A player cancels their own booking, seeing first what it costs (a late cancellation's fee).

use askama::Template;
use rocket::http::Status;
use rocket::{Either, State, get, post};

use super::PortalCtx;
use crate::app::App;
use crate::bookings::commands::CancelBooking;
use crate::bookings::model::{LocalSlot, Status as BookingStatus, span};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::payments::fees::{CancelMoney, cancel_money};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, fresh_id, go};
use crate::web::guards::Player;
use crate::web::page::{Html, render};

#[derive(Template)]
#[template(path = "portal/cancel.html")]
struct CancelPage {
    ctx: PortalCtx,
    booking_id: String,
    when: String,
    court: String,
    money: CancelMoney,
    command_id: String,
    errors: FieldErrors,
}

/// The page for the player's own booking `id` still to come; `None` for anything else, so ids
/// tried in the address learn nothing.
async fn page(
    app: &App,
    ctx: PortalCtx,
    p: &Player,
    id: &str,
    errors: FieldErrors,
) -> Result<Option<CancelPage>, AppError> {
    let (id, actor, member, now) = (id.to_owned(), p.0.actor(), p.0.member_id.clone(), ctx.now);
    let found = app
        .db
        .read(move |c| {
            let Some(b) = crate::bookings::store::booking(c, &id)? else { return Ok(None) };
            if b.booker_id.as_deref() != Some(member.as_str())
                || b.status != BookingStatus::Booked
                || b.starts_at <= now
            {
                return Ok(None);
            }
            let money = crate::core::dry_run(c, &actor, now, |ctx| cancel_money(ctx, &b, now))?;
            let court = crate::courts::store::court(c, &b.court_id)?.map(|k| k.draft.name).unwrap_or_default();
            Ok(money.ok().map(|m| (b, court, m)))
        })
        .await?;
    let Some((b, court, money)) = found else { return Ok(None) };
    let day = LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz).day;
    let when = format!("{}, {}", ctx.date(day), span(b.starts_at, b.ends_at, &ctx.tz));
    Ok(Some(CancelPage { ctx, booking_id: b.id, when, court, money, command_id: fresh_id(), errors }))
}

#[get("/bookings/<id>/cancel")]
pub(super) async fn cancel_page(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    id: &str,
) -> Result<Option<Html>, AppError> {
    if !ctx.settings.cancelling {
        return Ok(None);
    }
    match page(app, ctx, &p, id, FieldErrors::default()).await? {
        Some(page) => Ok(Some(render(Status::Ok, &page)?)),
        None => Ok(None),
    }
}

#[post("/bookings/<id>/cancel", data = "<form>")]
pub(super) async fn cancel(p: Player, ctx: PortalCtx, app: &State<App>, id: &str, form: Csrf<NoFields>) -> Page {
    let Csrf(_, sub) = form;
    let reason = ctx.t("portal-cancel-reason");
    let cmd = AnyCommand::CancelBooking(CancelBooking { booking_id: id.to_owned(), reason, money_back: false });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/p/", "success", ctx.t("portal-cancelled")),
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.add_text("form", crate::i18n::rejection_text(ctx.locale, &r));
            match page(app, ctx, &p, id, errors).await? {
                Some(page) => Ok(Either::Left(render(Status::UnprocessableEntity, &page)?)),
                None => Err(AppError::NotFound),
            }
        }
    }
}
