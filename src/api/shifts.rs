//! The cash desk: open a shift, move cash, close it with the count, and read its X/Z figures.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::problem::Problem;
use super::{Answer, Created};
use crate::app::App;
use crate::cash::commands::{CloseShift, MoveCash, OpenShift};
use crate::cash::model::Report;
use crate::cash::store as cash;
use crate::cash::store::report;
use crate::commands::AnyCommand;
use crate::web::guards::{Api, Reception};

/// A shift with its figures: the X report while open, the Z report once closed.
fn report_json(r: &Report) -> Value {
    let s = &r.shift;
    json!({
        "id": s.id,
        "opened_at": s.opened_at.to_string(),
        "opened_by": s.opened_by,
        "float": s.float,
        "closed_at": s.closed_at.map(|t| t.to_string()),
        "closed_by": s.closed_by,
        "counted": s.counted,
        "difference": s.counted.map(|c| c - r.expected_cash),
        "note": s.note,
        "expected_cash": r.expected_cash,
        "by_method": r.by_method().iter().map(|(m, taken, refunded)| {
            json!({ "method": m.as_str(), "taken": taken, "refunded": refunded })
        }).collect::<Vec<_>>(),
        "by_purpose": r.by_purpose().iter().map(|(p, net)| json!({ "purpose": p.as_str(), "net": net })).collect::<Vec<_>>(),
        "movements": r.movements.iter().map(|m| json!({ "at": m.at.to_string(), "amount": m.amount, "reason": m.reason, "taken_by": m.taken_by })).collect::<Vec<_>>(),
    })
}

async fn shift_or_404(app: &App, id: Option<String>) -> Result<Value, Problem> {
    let till = app.till().to_owned();
    let r = app
        .db
        .read(move |c| {
            let shift = match &id {
                Some(id) => cash::shift(c, id)?,
                None => cash::open_shift(c, &till)?,
            };
            Ok(shift.map(|s| report(c, s)).transpose()?)
        })
        .await?;
    r.map(|r| report_json(&r))
        .ok_or_else(|| Problem::new(Status::NotFound, "No such shift (the cash desk may be closed)."))
}

#[get("/shifts/current")]
pub async fn current(_u: Api<Reception>, app: &State<App>) -> Answer {
    Ok(Json(shift_or_404(app, None).await?))
}

#[get("/shifts/<id>", rank = 2)]
pub async fn get(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    Ok(Json(shift_or_404(app, Some(id)).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenInput {
    float: i64,
}

#[post("/shifts", format = "json", data = "<input>")]
pub async fn open(app: &State<App>, input: Write<Reception, OpenInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let sub = key.submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::OpenShift(OpenShift { shift_id: id.to_string(), float: input.float });
    super::execute(app, user.actor(), &sub, cmd).await?;
    Ok((Status::Created, Json(shift_or_404(app, Some(id.to_string())).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// Positive: cash put in; negative: taken out.
    amount: i64,
    reason: String,
}

#[post("/shifts/current/movements", format = "json", data = "<input>")]
pub async fn move_cash(app: &State<App>, input: Write<Reception, MoveInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let sub = key.submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd =
        AnyCommand::MoveCash(MoveCash { movement_id: id.to_string(), amount: input.amount, reason: input.reason });
    super::execute(app, user.actor(), &sub, cmd).await?;
    Ok((Status::Created, Json(shift_or_404(app, None).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    counted: i64,
    #[serde(default)]
    note: String,
}

#[post("/shifts/<id>/close", format = "json", data = "<input>")]
pub async fn close(app: &State<App>, id: String, input: Write<Reception, CloseInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    let cmd = AnyCommand::CloseShift(CloseShift { shift_id: id.clone(), counted: input.counted, note: input.note });
    super::execute(app, user.actor(), &key.submission(&user.0.id, &digest), cmd).await?;
    Ok(Json(shift_or_404(app, Some(id)).await?))
}
