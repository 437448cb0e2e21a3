//! /api/v1/members: search, get, create, update, archive. The same commands as the pages.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, patch, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::problem::{Problem, Query};
use super::{Answer, Created};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::members::commands::{CreateMember, SetMemberArchived, UpdateMember};
use crate::members::model::MemberDraft;
use crate::members::store::{self, Member};
use crate::web::guards::{Api, Reception};

pub fn member_json(m: &Member) -> Value {
    json!({
        "id": m.id,
        "card_no": m.card_no,
        "full_name": m.full_name,
        "phone": m.phone,
        "email": m.email,
        "birth_date": m.birth_date.map(|d| d.to_string()),
        "category_id": m.category_id,
        "category": m.category,
        "tags": m.tags,
        "notes": m.notes,
        "sms_consent": m.sms_consent,
        "archived": m.archived,
        "merged_into": m.merged_into,
    })
}

#[get("/members?<q>&<limit>&<archived>")]
pub async fn search(
    _u: Api<Reception>,
    app: &State<App>,
    q: Query<'_, '_>,
    limit: Query<'_, '_>,
    archived: Query<'_, '_>,
) -> Answer {
    let limit = match Problem::query::<usize>(limit, "limit") {
        Ok(None) => 20,
        Ok(Some(n)) if (1..=200).contains(&n) => n,
        _ => return Err(Problem::invalid("limit", "api-limit-invalid")),
    };
    let archived = Problem::query::<bool>(archived, "archived")?.unwrap_or(false);
    let q = Problem::query::<String>(q, "q")?.unwrap_or_default();
    let index = app.member_index.clone();
    let region = app.club().await?.phone_region;
    let found = app
        .db
        .read(move |c| {
            Ok(if q.trim().is_empty() {
                store::first_by_name(c, archived, limit)?
            } else {
                index.search(c, &q, &region, archived, limit)?
            })
        })
        .await?;
    Ok(Json(json!({ "members": found.iter().map(member_json).collect::<Vec<_>>() })))
}

async fn member_or_404(app: &App, id: String) -> Result<Member, Problem> {
    app.db
        .read(move |c| Ok(store::member(c, &id)?))
        .await?
        .ok_or_else(|| Problem::new(Status::NotFound, "There is no member with this id."))
}

#[get("/members/<id>")]
pub async fn get(_u: Api<Reception>, app: &State<App>, id: String) -> Answer {
    Ok(Json(member_json(&member_or_404(app, id).await?)))
}

/// Member fields; on update, the ones left out keep their value.
#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    full_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    birth_date: Option<jiff::civil::Date>,
    category_id: Option<String>,
    tags: Option<Vec<String>>,
    notes: Option<String>,
    sms_consent: Option<bool>,
}

impl MemberInput {
    fn over(self, base: MemberDraft) -> MemberDraft {
        MemberDraft {
            full_name: self.full_name.unwrap_or(base.full_name),
            phone: self.phone.unwrap_or(base.phone),
            email: self.email.unwrap_or(base.email),
            birth_date: self.birth_date.or(base.birth_date),
            category_id: self.category_id.or(base.category_id),
            tags: self.tags.unwrap_or(base.tags),
            notes: self.notes.unwrap_or(base.notes),
            sms_consent: self.sms_consent.unwrap_or(base.sms_consent),
        }
    }
}

fn draft_of(m: &Member) -> MemberDraft {
    MemberDraft {
        full_name: m.full_name.clone(),
        phone: m.phone.clone().unwrap_or_default(),
        email: m.email.clone(),
        birth_date: m.birth_date,
        category_id: m.category_id.clone(),
        tags: m.tags.clone(),
        notes: m.notes.clone(),
        sms_consent: m.sms_consent,
    }
}

#[post("/members", format = "json", data = "<input>")]
pub async fn create(app: &State<App>, input: Write<Reception, MemberInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let blank = MemberDraft {
        full_name: String::new(),
        phone: String::new(),
        email: String::new(),
        birth_date: None,
        category_id: None,
        tags: Vec::new(),
        notes: String::new(),
        sms_consent: false,
    };
    let draft = input.over(blank);
    let sub = key.submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::CreateMember(CreateMember { member_id: id.to_string(), member: draft });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(member_json(&member_or_404(app, id.to_string()).await?)))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[patch("/members/<id>", format = "json", data = "<input>")]
pub async fn update(app: &State<App>, id: String, input: Write<Reception, MemberInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    let current = member_or_404(app, id.clone()).await?;
    let draft = input.over(draft_of(&current));
    let cmd = AnyCommand::UpdateMember(UpdateMember { member_id: id.clone(), member: draft });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(member_json(&member_or_404(app, id).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInput {
    #[serde(default = "yes")]
    archived: bool,
}

fn yes() -> bool {
    true
}

#[post("/members/<id>/archive", format = "json", data = "<input>")]
pub async fn archive(app: &State<App>, id: String, input: Write<Reception, ArchiveInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    member_or_404(app, id.clone()).await?;
    let cmd = AnyCommand::SetMemberArchived(SetMemberArchived { member_id: id.clone(), archived: input.archived });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(member_json(&member_or_404(app, id).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}
