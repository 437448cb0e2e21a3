//! The member form: a new member and changes to one.

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::{State, get, post};

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::members::commands::{CreateMember, UpdateMember};
use crate::members::model::{MemberDraft, display_phone, parse_tags};
use crate::members::store::{self, Category, Member};
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

// ---- the member form ----

#[derive(FromForm, Default)]
pub(super) struct MemberForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    full_name: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    birth_date: String,
    #[field(default = String::new())]
    category_id: String,
    #[field(default = String::new())]
    tags: String,
    #[field(default = String::new())]
    notes: String,
    #[field(default = false)]
    sms_consent: bool,
}

impl MemberForm {
    fn from_member(m: &Member) -> MemberForm {
        MemberForm {
            command_id: fresh_id(),
            full_name: m.full_name.clone(),
            phone: m.phone.as_deref().map(display_phone).unwrap_or_default(),
            email: m.email.clone(),
            birth_date: m.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            category_id: m.category_id.clone().unwrap_or_default(),
            tags: m.tags.join(", "),
            notes: m.notes.clone(),
            sms_consent: m.sms_consent,
        }
    }

    fn parse(&self, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<MemberDraft> {
        let birth_date = match self.birth_date.trim() {
            "" => None,
            raw => match raw.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(ctx.locale, "birth_date", "birth-date-invalid");
                    return None;
                }
            },
        };
        let draft = MemberDraft {
            full_name: self.full_name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            birth_date,
            category_id: Some(self.category_id.clone()),
            tags: parse_tags(&self.tags),
            notes: self.notes.clone(),
            sms_consent: self.sms_consent,
        }
        .tidy();
        let today = ctx.club_day();
        if let Err(problems) = draft.validate(today) {
            for (field, code) in problems {
                errors.add(ctx.locale, field, code);
            }
            return None;
        }
        Some(draft)
    }
}

#[derive(Template)]
#[template(path = "members/form.html")]
struct FormPage {
    ctx: PageCtx,
    member_id: Option<String>,
    form: MemberForm,
    categories: Vec<Category>,
    errors: FieldErrors,
}

impl FormPage {
    fn action(&self) -> String {
        self.member_id.as_ref().map_or_else(|| "/members".to_owned(), |id| format!("/members/{id}"))
    }

    fn category_options(&self) -> Vec<(&str, &str, bool)> {
        self.categories
            .iter()
            .filter(|c| c.active || c.id == self.form.category_id)
            .map(|c| (c.id.as_str(), c.name.as_str(), c.id == self.form.category_id))
            .collect()
    }
}

pub(super) async fn categories(app: &App) -> anyhow::Result<Vec<Category>> {
    app.db.read(|c| Ok(store::categories(c)?)).await
}

#[get("/new?<name>")]
pub(super) async fn new_page(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    name: Option<String>,
) -> Result<Html, AppError> {
    // A search that found nobody offers "add": the typed text becomes the name (or the phone).
    let typed = name.unwrap_or_default();
    let looks_like_phone = !typed.is_empty() && typed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let form = MemberForm {
        command_id: fresh_id(),
        full_name: if looks_like_phone { String::new() } else { typed.clone() },
        phone: if looks_like_phone { typed } else { String::new() },
        sms_consent: true,
        ..<MemberForm as Default>::default()
    };
    ok(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors: FieldErrors::default() })
}

#[post("/", data = "<form>")]
pub(super) async fn create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<MemberForm>) -> Page {
    let Csrf(mut form, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(draft) = form.parse(&ctx, &mut errors) else {
        form.command_id = fresh_id();
        return again(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors });
    };
    // The new member's id is the command id: a repeated submit lands on the same card.
    let id = sub.id;
    let cmd = AnyCommand::CreateMember(CreateMember { member_id: id.to_string(), member: draft });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            go(format!("/members/{id}"), "success", ctx.ta("member-created", "name", &form.full_name))
        }
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form.command_id = fresh_id();
            again(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors })
        }
    }
}

async fn member_or_404(app: &App, id: String) -> Result<Member, AppError> {
    app.db.read(move |c| Ok(store::member(c, &id)?)).await?.ok_or(AppError::NotFound)
}

#[get("/<id>/edit")]
pub(super) async fn edit_page(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let m = member_or_404(app, id).await?;
    ok(&FormPage {
        ctx,
        member_id: Some(m.id.clone()),
        form: MemberForm::from_member(&m),
        categories: categories(app).await?,
        errors: FieldErrors::default(),
    })
}

#[post("/<id>", data = "<form>")]
pub(super) async fn update(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<MemberForm>) -> Page {
    let Csrf(mut form, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(draft) = form.parse(&ctx, &mut errors) else {
        form.command_id = fresh_id();
        return again(&FormPage { ctx, member_id: Some(id), form, categories: categories(app).await?, errors });
    };
    let cmd = AnyCommand::UpdateMember(UpdateMember { member_id: id.clone(), member: draft });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/members/{id}"), "success", ctx.t("member-saved")),
        Outcome::Rejected(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form.command_id = fresh_id();
            again(&FormPage { ctx, member_id: Some(id), form, categories: categories(app).await?, errors })
        }
    }
}
