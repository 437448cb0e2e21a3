//! Passes: the club's products, selling one to a member, freezing, and paying a booking with one.

use jiff::civil::Date;
use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::idempotency::IdempotencyKey;
use super::problem::Problem;
use super::{Answer, Created};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::passes::commands::{FreezePass, SellPass, UnfreezePass, UsePass};
use crate::passes::store::{self, StoredPass, StoredProduct};
use crate::payments::model::Method;
use crate::payments::store as payments;
use crate::web::guards::{Api, Reception};

fn product_json(p: &StoredProduct) -> Value {
    let c = &p.product.conditions;
    json!({
        "id": p.id,
        "name": p.product.name,
        "kind": p.product.kind.as_str(),
        "quantity": p.product.quantity,
        "bonus": p.product.bonus,
        "discount_pct": p.product.discount_pct,
        "price": p.product.price,
        "valid_days": p.product.valid_days,
        "court_ids": c.court_ids,
        "weekdays": c.weekdays.iter().map(|d| d.to_monday_one_offset()).collect::<Vec<_>>(),
        "from": c.from.to_string(),
        "to": c.to.to_string(),
        "active": p.product.active,
    })
}

fn pass_json(p: &StoredPass, today: Date) -> Value {
    json!({
        "id": p.id,
        "member_id": p.member_id,
        "product_id": p.product_id,
        "name": p.name,
        "kind": p.pass.kind.as_str(),
        "quantity": p.pass.quantity,
        "remaining": p.pass.remaining(),
        "discount_pct": p.pass.discount_pct,
        "price": p.price,
        "valid_from": p.pass.valid_from.to_string(),
        "valid_until": p.pass.valid_until.to_string(),
        "frozen_since": p.pass.frozen_since.map(|d| d.to_string()),
        "state": p.pass.state(today).as_str(),
        "sold_at": p.sold_at.to_string(),
    })
}

async fn today(app: &App) -> Result<Date, Problem> {
    let tz = super::bookings::club_tz(app).await?;
    Ok(app.now().to_zoned_datetime(tz).date())
}

async fn pass_or_404(app: &App, id: String) -> Result<Value, Problem> {
    let today = today(app).await?;
    let p = app.db.read(move |c| Ok(store::pass(c, &id)?)).await?;
    p.map(|p| pass_json(&p, today)).ok_or_else(|| Problem::new(Status::NotFound, "No such pass."))
}

#[get("/pass-products")]
pub async fn products(_u: Api<Reception>, app: &State<App>) -> Answer {
    let products = app.db.read(|c| Ok(store::products(c)?)).await?;
    Ok(Json(json!({ "products": products.iter().map(product_json).collect::<Vec<_>>() })))
}

#[get("/members/<id>/passes")]
pub async fn of_member(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    let today = today(app).await?;
    let found = app
        .db
        .read(move |c| {
            if crate::members::store::member(c, &id)?.is_none() {
                return Ok(None);
            }
            Ok(Some(store::member_passes(c, &id)?))
        })
        .await?;
    let passes = found.ok_or_else(|| Problem::new(Status::NotFound, "No such member."))?;
    Ok(Json(json!({ "passes": passes.iter().map(|p| pass_json(p, today)).collect::<Vec<_>>() })))
}

#[get("/passes/<id>")]
pub async fn get(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    Ok(Json(pass_or_404(app, id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SellInput {
    member_id: String,
    product_id: String,
    method: String,
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    valid_from: Option<Date>,
    command_id: Option<String>,
}

/// Sells a pass; the pass and its payment take the request's command id.
#[post("/passes", format = "json", data = "<input>")]
pub async fn sell(app: &State<App>, input: Write<Reception, SellInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let method = Method::parse(&input.method).ok_or_else(|| Problem::invalid("method", "method-choose"))?;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::SellPass(SellPass {
        pass_id: id.to_string(),
        payment_id: id.to_string(),
        member_id: input.member_id,
        product_id: input.product_id,
        method,
        valid_from: input.valid_from,
    });
    super::execute(app, user.actor(), &sub, cmd).await?;
    Ok((Status::Created, Json(pass_or_404(app, id.to_string()).await?)))
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeInput {
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    from: Option<Date>,
}

#[post("/passes/<id>/freeze", format = "json", data = "<input>")]
pub async fn freeze(app: &State<App>, id: String, input: Write<Reception, FreezeInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    pass_or_404(app, id.clone()).await?;
    let cmd = AnyCommand::FreezePass(FreezePass { pass_id: id.clone(), from: input.from });
    super::execute(app, user.actor(), &key.submission(&user.0.id, &digest), cmd).await?;
    Ok(Json(pass_or_404(app, id).await?))
}

#[post("/passes/<id>/unfreeze")]
pub async fn unfreeze(user: Api<Reception>, key: IdempotencyKey, app: &State<App>, id: String) -> Answer {
    pass_or_404(app, id.clone()).await?;
    let cmd = AnyCommand::UnfreezePass(UnfreezePass { pass_id: id.clone() });
    super::execute(app, user.actor(), &key.submission(&user.0.id, &[]), cmd).await?;
    Ok(Json(pass_or_404(app, id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UseInput {
    pass_id: String,
    command_id: Option<String>,
}

/// Pays what is left on a booking from a pass; answers with the payment.
#[post("/bookings/<id>/pass", format = "json", data = "<input>")]
pub async fn pay_booking(app: &State<App>, id: String, input: Write<Reception, UseInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let payment_id = sub.id;
    let cmd =
        AnyCommand::UsePass(UsePass { payment_id: payment_id.to_string(), booking_id: id, pass_id: input.pass_id });
    super::execute(app, user.actor(), &sub, cmd).await?;
    let lookup = payment_id.to_string();
    let p = app.db.read(move |c| Ok(payments::payment(c, &lookup)?)).await?;
    let p = p.ok_or_else(|| Problem::new(Status::NotFound, "No such payment."))?;
    Ok((Status::Created, Json(super::payments::payment_json(&p))))
}
