//! /api/v1/courts: list, create, update. The same commands as the Courts pages.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, patch, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::problem::Problem;
use super::{Answer, Created};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::courts::commands::{CreateCourt, UpdateCourt};
use crate::courts::model::{CourtDraft, Surface};
use crate::courts::store::{self, Court};
use crate::web::guards::{ApiUser, Reception};

pub fn court_json(c: &Court) -> Value {
    json!({
        "id": c.id,
        "name": c.draft.name,
        "surface": c.draft.surface.as_str(),
        "indoor": c.draft.indoor,
        "floodlights": c.draft.floodlights,
        "group": c.draft.group,
        "display_order": c.draft.display_order,
        "active": c.draft.active,
    })
}

#[get("/courts")]
pub async fn list(_user: ApiUser, app: &State<App>) -> Answer {
    let courts = app.db.read(|c| Ok(store::courts(c)?)).await?;
    Ok(Json(json!({ "courts": courts.iter().map(court_json).collect::<Vec<_>>() })))
}

/// Fields of a court; on update, the ones left out keep their value.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CourtInput {
    name: Option<String>,
    surface: Option<String>,
    indoor: Option<bool>,
    floodlights: Option<bool>,
    group: Option<String>,
    display_order: Option<i64>,
    active: Option<bool>,
}

impl CourtInput {
    fn over(self, base: CourtDraft) -> Result<CourtDraft, Problem> {
        let surface = match self.surface {
            None => base.surface,
            Some(s) => Surface::parse(&s).ok_or_else(|| Problem::invalid("surface", "court-surface-choose"))?,
        };
        Ok(CourtDraft {
            name: self.name.unwrap_or(base.name),
            surface,
            indoor: self.indoor.unwrap_or(base.indoor),
            floodlights: self.floodlights.unwrap_or(base.floodlights),
            group: self.group.unwrap_or(base.group),
            display_order: self.display_order.unwrap_or(base.display_order),
            active: self.active.unwrap_or(base.active),
        })
    }
}

async fn court_or_404(app: &App, id: String) -> Result<Court, Problem> {
    app.db
        .read(move |c| Ok(store::court(c, &id)?))
        .await?
        .ok_or_else(|| Problem::new(Status::NotFound, "There is no court with this id."))
}

#[post("/courts", format = "json", data = "<input>")]
pub async fn create(app: &State<App>, input: Write<Reception, CourtInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let order = app.db.read(|c| Ok(store::next_display_order(c)?)).await?;
    let base = CourtDraft {
        name: String::new(),
        surface: Surface::Hard,
        indoor: false,
        floodlights: false,
        group: String::new(),
        display_order: order,
        active: true,
    };
    let draft = input.over(base)?;
    // The new court's id is the command's id, so a retried request answers with the same court.
    let sub = key.submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::CreateCourt(CreateCourt { court_id: id.to_string(), court: draft });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(court_json(&court_or_404(app, id.to_string()).await?)))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[patch("/courts/<id>", format = "json", data = "<input>")]
pub async fn update(app: &State<App>, id: String, input: Write<Reception, CourtInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    let current = court_or_404(app, id.clone()).await?;
    let draft = input.over(current.draft)?;
    let cmd = AnyCommand::UpdateCourt(UpdateCourt { court_id: id.clone(), court: draft });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(court_json(&court_or_404(app, id).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}
