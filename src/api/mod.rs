//! The JSON API under /api/v1: bearer tokens only, problem+json errors, described by the
//! OpenAPI document it serves.

mod body;
mod bookings;
mod courts;
mod idempotency;
mod members;
mod openapi;
mod passes;
mod payments;
mod prices;
pub mod problem;
mod shifts;
mod sms;

use rocket::serde::json::{Json, Value, json};
use rocket::{Route, get, routes};

use crate::web::guards::ApiUser;

/// What a route that reads answers: the JSON, or problem+json.
pub type Answer = Result<Json<Value>, problem::Problem>;

/// What a route that creates answers: 201 with the new thing, or problem+json.
pub type Created = Result<(rocket::http::Status, Json<Value>), problem::Problem>;

/// Runs a command as the request's submission; a refusal becomes problem+json.
async fn execute(
    app: &crate::App,
    actor: crate::core::Actor,
    submission: &crate::core::Submission,
    cmd: crate::commands::AnyCommand,
) -> Result<(), problem::Problem> {
    match app.submit(submission, actor, cmd).await?.outcome {
        crate::core::Outcome::Applied { .. } => Ok(()),
        crate::core::Outcome::Rejected(r) => Err(problem::Problem::rejected(&r)),
    }
}

#[get("/me")]
fn me(user: ApiUser) -> Json<Value> {
    let u = user.0;
    Json(json!({
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.as_str(),
        "locale": u.locale.map(|l| l.as_str()),
    }))
}

#[get("/openapi.json")]
fn openapi_document() -> Json<Value> {
    Json(openapi::document())
}

pub fn routes() -> Vec<Route> {
    routes![
        me,
        openapi_document,
        courts::list,
        courts::create,
        courts::update,
        members::search,
        members::get,
        members::create,
        members::update,
        members::archive,
        bookings::list,
        bookings::get,
        bookings::create,
        bookings::update,
        bookings::cancel,
        bookings::check_in,
        bookings::create_series,
        bookings::edit_series,
        bookings::end_series,
        prices::quote,
        payments::create,
        payments::get,
        payments::refund,
        payments::ledger,
        passes::products,
        passes::of_member,
        passes::get,
        passes::sell,
        passes::freeze,
        passes::unfreeze,
        passes::pay_booking,
        shifts::current,
        shifts::get,
        shifts::open,
        shifts::move_cash,
        shifts::close,
        sms::send,
        sms::get,
        sms::create_campaign,
        sms::list_campaigns,
        sms::get_campaign,
    ]
}

/// Every (method, path) the OpenAPI document describes, for the test that keeps it complete.
pub fn described_routes() -> Vec<(String, String)> {
    openapi::described(&openapi::document())
}
