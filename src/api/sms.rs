//! SMS: queue a message to a member or a number (202: the hub's sender takes it from there),
//! follow its status, and create, list and follow campaigns with their delivery counts.
//! Costs are decimal strings in the provider's currency (SMS prices go below a kopeck/cent).

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
use crate::sms::audience::Audience;
use crate::sms::commands::{CreateCampaign, SendSms};
use crate::sms::model::{Kind, show_micros};
use crate::sms::store::{self, Campaign, Counts, Message};
use crate::web::guards::{Api, Manager, Reception};

fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id,
        "status": m.status.as_str(),
        "cost": m.cost_micros.map(show_micros),
        "currency": m.cost_currency,
        "segments": m.segments,
        "phone": m.phone,
        "member_id": m.member_id,
        "kind": m.kind.as_str(),
        "campaign_id": m.campaign_id,
        "booking_id": m.booking_id,
        "error": m.error,
        "created_at": m.created_at.to_string(),
        "sent_at": m.sent_at.map(|t| t.to_string()),
    })
}

fn campaign_json(c: &Campaign, n: &Counts) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "text": c.body,
        "status": c.status,
        "send_at": c.send_at.to_string(),
        "recipients": c.recipients,
        "created_by": c.created_by,
        "created_at": c.created_at.to_string(),
        "counts": {
            "pending": n.pending, "sent": n.sent, "delivered": n.delivered, "failed": n.failed,
            "expired": n.expired, "unknown": n.unknown, "cancelled": n.cancelled,
        },
        "segments": n.segments,
        "cost": show_micros(n.cost_micros),
        "currency": n.cost_currency,
    })
}

async fn message_or_404(app: &App, id: String) -> Result<Value, Problem> {
    let m = app.db.read(move |c| Ok(store::message(c, &id)?)).await?;
    m.map(|m| message_json(&m)).ok_or_else(|| Problem::new(Status::NotFound, "No such message."))
}

async fn campaign_or_404(app: &App, id: String) -> Result<Value, Problem> {
    let found = app
        .db
        .read(move |c| {
            let Some(camp) = store::campaign(c, &id)? else { return Ok(None) };
            let n = store::campaign_counts(c, &id)?;
            Ok(Some((camp, n)))
        })
        .await?;
    found.map(|(c, n)| campaign_json(&c, &n)).ok_or_else(|| Problem::new(Status::NotFound, "No such campaign."))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    phone: Option<String>,
    member_id: Option<String>,
    text: String,
    command_id: Option<String>,
}

#[post("/sms/messages", format = "json", data = "<input>")]
pub async fn send(app: &State<App>, input: Write<Reception, MessageInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::SendSms(SendSms {
        message_id: id.to_string(),
        member_id: input.member_id,
        phone: input.phone,
        text: input.text,
        kind: Kind::Manual,
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Accepted, Json(message_or_404(app, id.to_string()).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[get("/sms/messages/<id>")]
pub async fn get(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    Ok(Json(message_or_404(app, id).await?))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    name: String,
    text: String,
    audience: Audience,
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    send_at: Option<jiff::Timestamp>,
    command_id: Option<String>,
}

#[post("/sms/campaigns", format = "json", data = "<input>")]
pub async fn create_campaign(app: &State<App>, input: Write<Manager, CampaignInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::CreateCampaign(CreateCampaign {
        campaign_id: id.to_string(),
        name: input.name,
        text: input.text,
        audience: input.audience,
        send_at: input.send_at,
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(campaign_or_404(app, id.to_string()).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[get("/sms/campaigns")]
pub async fn list_campaigns(_m: Api<Manager>, app: &State<App>) -> Answer {
    let all = app
        .db
        .read(|c| {
            store::campaigns(c, 500)?
                .into_iter()
                .map(|camp| {
                    let n = store::campaign_counts(c, &camp.id)?;
                    Ok(campaign_json(&camp, &n))
                })
                .collect::<anyhow::Result<Vec<Value>>>()
        })
        .await?;
    Ok(Json(json!({ "campaigns": all })))
}

#[get("/sms/campaigns/<id>")]
pub async fn get_campaign(_m: Api<Manager>, app: &State<App>, id: String) -> Answer {
    Ok(Json(campaign_or_404(app, id).await?))
}
