//! Payments, refunds and member ledgers. Amounts are integers in minor units of the club currency.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::problem::Problem;
use super::{Answer, Created};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::payments::commands::{RefundPayment, TakePayment};
use crate::payments::model::{Method, Purpose};
use crate::payments::store as payments;
use crate::payments::store::Payment;
use crate::web::guards::{Api, Reception};

pub(super) fn payment_json(p: &Payment) -> Value {
    json!({
        "id": p.id,
        "receipt_no": p.receipt_no,
        "at": p.at.to_string(),
        "member_id": p.member_id,
        "booking_id": p.booking_id,
        "purpose": p.purpose.as_str(),
        "method": p.method.as_str(),
        "amount": p.amount,
        "refund_of": p.refund_of,
        "payer_name": p.payer_name,
        "note": p.note,
        "taken_by": p.taken_by,
        "pass_id": p.pass_id,
    })
}

async fn payment_or_404(app: &App, id: String) -> Result<Value, Problem> {
    let p = app.db.read(move |c| Ok(payments::payment(c, &id)?)).await?;
    p.map(|p| payment_json(&p)).ok_or_else(|| Problem::new(Status::NotFound, "No such payment."))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    member_id: Option<String>,
    amount: i64,
    method: String,
    /// Pays this booking; without it the payment tops up the member's account.
    booking_id: Option<String>,
    payer_name: Option<String>,
    note: Option<String>,
    /// Same as the Idempotency-Key header.
    command_id: Option<String>,
}

#[post("/payments", format = "json", data = "<input>")]
pub async fn create(app: &State<App>, input: Write<Reception, PaymentInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let method = Method::parse(&input.method).ok_or_else(|| Problem::invalid("method", "method-choose"))?;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::TakePayment(TakePayment {
        payment_id: id.to_string(),
        member_id: input.member_id,
        purpose: if input.booking_id.is_some() { Purpose::Booking } else { Purpose::TopUp },
        booking_id: input.booking_id,
        method,
        amount: input.amount,
        payer_name: input.payer_name.unwrap_or_default(),
        note: input.note.unwrap_or_default(),
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(payment_or_404(app, id.to_string()).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[get("/payments/<id>")]
pub async fn get(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    Ok(Json(payment_or_404(app, id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundInput {
    amount: i64,
    reason: String,
    #[serde(default)]
    to_wallet: bool,
    command_id: Option<String>,
}

#[post("/payments/<id>/refund", format = "json", data = "<input>")]
pub async fn refund(app: &State<App>, id: String, input: Write<Reception, RefundInput>) -> Created {
    let Write { user, key, input, digest } = input;
    payment_or_404(app, id.clone()).await?;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let refund_id = sub.id;
    let cmd = AnyCommand::RefundPayment(RefundPayment {
        refund_id: refund_id.to_string(),
        payment_id: id,
        amount: input.amount,
        to_wallet: input.to_wallet,
        reason: input.reason,
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(payment_or_404(app, refund_id.to_string()).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[get("/members/<id>/ledger")]
pub async fn ledger(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    let found = app
        .db
        .read(move |c| {
            if crate::members::store::member(c, &id)?.is_none() {
                return Ok(None);
            }
            Ok(Some((payments::entries(c, &id)?, payments::balance(c, &id)?)))
        })
        .await?;
    let (entries, balance) = found.ok_or_else(|| Problem::new(Status::NotFound, "No such member."))?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({ "id": e.id, "at": e.at.to_string(), "kind": e.kind, "amount": e.amount,
                    "booking_id": e.booking_id, "payment_id": e.payment_id, "reason": e.reason })
        })
        .collect();
    Ok(Json(json!({ "entries": entries, "balance": balance, "currency": app.club().await?.currency })))
}
