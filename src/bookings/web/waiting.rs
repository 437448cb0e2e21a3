//! The desk's side of the waiting list, on a booking's page: put a member in line for the time
//! the booking holds, or take one out.

use rocket::form::FromForm;
use rocket::{State, post};

use super::booking::{on_booking, show_page};
use crate::app::App;
use crate::bookings::model::LocalSlot;
use crate::commands::AnyCommand;
use crate::error::AppError;
use crate::waitlist::commands::{JoinWaitlist, LeaveWaitlist};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, again};
use crate::web::guards::Reception;
use crate::web::page::PageCtx;

#[derive(FromForm)]
pub(super) struct WaitForm {
    /// What was typed, and the member picked from the suggestions.
    #[field(default = String::new())]
    member: String,
    #[field(default = String::new())]
    member_id: String,
}

#[post("/bookings/<id>/waitlist", data = "<form>")]
pub(super) async fn join(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<WaitForm>) -> Page {
    let Csrf(f, sub) = form;
    let lookup = id.clone();
    let b = app.db.read(move |c| Ok(crate::bookings::store::booking(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    let Some(member_id) =
        crate::members::web::pick_member(app, &ctx, &f.member_id, &f.member, "booker", &mut errors).await?
    else {
        if errors.is_empty() {
            errors.add(ctx.locale, "booker", "booker-required");
        }
        return again(&show_page(app, ctx, id, errors).await?);
    };
    let cmd = AnyCommand::JoinWaitlist(JoinWaitlist {
        entry_id: sub.id.to_string(),
        court_id: b.court_id.clone(),
        slot: LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz),
        member_id,
    });
    let done = ctx.t("booking-waiting-added");
    on_booking(app, r.0.actor(), ctx, id, &sub, cmd, done).await
}

#[post("/bookings/<id>/waitlist/<entry>/leave", data = "<form>")]
pub(super) async fn leave(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    entry: String,
    form: Csrf<NoFields>,
) -> Page {
    let Csrf(_, sub) = form;
    let cmd = AnyCommand::LeaveWaitlist(LeaveWaitlist { entry_id: entry });
    let done = ctx.t("booking-waiting-removed");
    on_booking(app, r.0.actor(), ctx, id, &sub, cmd, done).await
}
