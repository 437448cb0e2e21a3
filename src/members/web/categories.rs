//! Member categories (managers).

use askama::Template;
use rocket::form::FromForm;
use rocket::{State, get, post};
use uuid::Uuid;

use super::form::categories;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::error::AppError;
use crate::members::commands::{CreateCategory, UpdateCategory};
use crate::members::store::Category;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

// ---- categories ----

#[derive(Template)]
#[template(path = "members/categories.html")]
struct CategoriesPage {
    ctx: PageCtx,
    categories: Vec<Category>,
    command_id: String,
    name: String,
    errors: FieldErrors,
}

#[get("/categories")]
pub(super) async fn categories_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&CategoriesPage {
        ctx,
        categories: categories(app).await?,
        command_id: fresh_id(),
        name: String::new(),
        errors: FieldErrors::default(),
    })
}

#[derive(FromForm)]
pub(super) struct CategoryForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = false)]
    active: bool,
}

async fn run_category(
    app: &App,
    m: &Manager,
    ctx: PageCtx,
    (form, sub): (CategoryForm, Submission),
    cmd: AnyCommand,
) -> Page {
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/members/categories", "success", ctx.t("category-saved")),
        Err(errors) => again(&CategoriesPage {
            ctx,
            categories: categories(app).await?,
            command_id: fresh_id(),
            name: form.name,
            errors,
        }),
    }
}

#[post("/categories", data = "<form>")]
pub(super) async fn create_category(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<CategoryForm>) -> Page {
    let Csrf(f, sub) = form;
    let cmd =
        AnyCommand::CreateCategory(CreateCategory { category_id: Uuid::now_v7().to_string(), name: f.name.clone() });
    run_category(app, &m, ctx, (f, sub), cmd).await
}

#[post("/categories/<cid>", data = "<form>")]
pub(super) async fn update_category(
    m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    cid: String,
    form: Csrf<CategoryForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let cmd = AnyCommand::UpdateCategory(UpdateCategory { category_id: cid, name: f.name.clone(), active: f.active });
    run_category(app, &m, ctx, (f, sub), cmd).await
}
