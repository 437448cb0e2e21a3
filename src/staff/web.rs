use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use crate::app::App;
use crate::auth::commands::{
    ChangeStaffRole, CreateStaffUser, IssueApiToken, RevokeApiToken, SetStaffActive, SetStaffPassword,
};
use crate::auth::model::{NewAccount, assignable_roles, can_manage, check_password};
use crate::auth::store::{self, ApiToken, StaffUser};
use crate::auth::{password, tokens};
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::core::{Outcome, Role};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::i18n::rejection_text;
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, fresh_id, go, submit};
use crate::web::guards::{Manager, SessionInfo};
use crate::web::page::{Html, PageCtx, ok, render};

// ---- list ----

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    ctx: PageCtx,
    users: Vec<StaffUser>,
}

#[get("/")]
async fn list(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let users = app.db.read(|c| Ok(store::all_users(c)?)).await?;
    ok(&ListPage { ctx, users })
}

// ---- new ----

#[derive(Template)]
#[template(path = "staff/new.html")]
struct NewPage {
    ctx: PageCtx,
    roles: Vec<Role>,
    command_id: String,
    username: String,
    display_name: String,
    role: String,
    errors: FieldErrors,
}

#[derive(FromForm)]
struct NewForm {
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    display_name: String,
    #[field(default = String::new())]
    role: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm: String,
}

#[get("/new")]
async fn new_page(m: Manager, ctx: PageCtx) -> Result<Html, AppError> {
    let roles = assignable_roles(m.0.user.role);
    ok(&NewPage {
        ctx,
        roles,
        command_id: fresh_id(),
        username: String::new(),
        display_name: String::new(),
        role: "reception".into(),
        errors: FieldErrors::default(),
    })
}

#[post("/", data = "<form>")]
async fn create(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<NewForm>) -> Page {
    let Csrf(form, sub) = form;
    let locale = ctx.locale;
    let mut errors = FieldErrors::default();
    let account = NewAccount::parse(&form.username, &form.display_name, &form.password, &form.confirm)
        .map_err(|mistakes| errors.add_all(locale, mistakes))
        .ok();
    let roles = assignable_roles(m.0.user.role);
    let role = Role::parse(&form.role).filter(|r| roles.contains(r));
    if role.is_none() {
        errors.add(locale, "role", "role-choose");
    }
    let rerender = |ctx: PageCtx, errors: FieldErrors, form: NewForm| -> Page {
        let page = NewPage {
            ctx,
            roles: roles.clone(),
            command_id: fresh_id(),
            username: form.username,
            display_name: form.display_name,
            role: form.role,
            errors,
        };
        Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
    };
    let (Some(NewAccount { username, display_name }), Some(role)) = (account, role) else {
        return rerender(ctx, errors, form);
    };
    let user_id = Uuid::now_v7().to_string();
    let cmd = AnyCommand::CreateStaffUser(CreateStaffUser {
        user_id: user_id.clone(),
        username: username.as_str().to_owned(),
        display_name,
        role,
        locale: None,
        password_hash: password::hash_gated(&app.hash_gate, &m.0.user.id, form.password.clone()).await?,
        must_change_password: true,
    });
    let executed = app.submit(&sub, m.0.actor(), cmd).await?;
    match executed.outcome {
        Outcome::Applied { .. } => {
            // On a replayed double submit the account exists under the first submission's id.
            let created = app.db.read(move |c| Ok(store::user_by_username(c, username.as_str())?)).await?;
            let id = created.map_or(user_id, |u| u.id);
            go(format!("/staff/{id}"), "success", ctx.ta("staff-created", "name", &form.username))
        }
        Outcome::Rejected(r) => {
            errors.rejection(locale, &r);
            rerender(ctx, errors, form)
        }
    }
}

// ---- one account ----

#[derive(Template)]
#[template(path = "staff/show.html")]
struct ShowPage {
    ctx: PageCtx,
    user: StaffUser,
    tokens: Vec<ApiToken>,
    roles: Vec<Role>,
    manageable: bool,
    is_self: bool,
    command_id: String,
    token_name: String,
    new_token: Option<String>,
    errors: FieldErrors,
}

async fn show_page(
    app: &App,
    me: &SessionInfo,
    ctx: PageCtx,
    id: String,
    errors: FieldErrors,
    new_token: Option<String>,
) -> Result<ShowPage, AppError> {
    let lookup = id.clone();
    let (user, all_tokens) = app.db.read(move |c| Ok((store::user_by_id(c, &lookup)?, store::tokens(c)?))).await?;
    let user = user.ok_or(AppError::NotFound)?;
    let tokens = all_tokens.into_iter().filter(|t| t.user_id == user.id).collect();
    let is_self = user.id == me.user.id;
    Ok(ShowPage {
        manageable: can_manage(me.user.role, user.role) && !is_self,
        roles: assignable_roles(me.user.role),
        is_self,
        ctx,
        user,
        tokens,
        command_id: fresh_id(),
        token_name: String::new(),
        new_token,
        errors,
    })
}

#[get("/<id>")]
async fn show(m: Manager, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&show_page(app, &m.0, ctx, id, FieldErrors::default(), None).await?)
}

/// Runs a command from the account page: back to the page with a flash, or the page again with
/// the refusal next to the form that caused it.
async fn run_on_account(
    m: &Manager,
    ctx: PageCtx,
    app: &App,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    done: &str,
) -> Page {
    match submit(app, &ctx, m.0.actor(), submission, cmd).await? {
        Ok(()) => go(format!("/staff/{id}"), "success", ctx.t(done)),
        Err(errors) => {
            let page = show_page(app, &m.0, ctx, id, errors, None).await?;
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(FromForm)]
struct RoleForm {
    #[field(default = String::new())]
    role: String,
}

#[post("/<id>/role", data = "<form>")]
async fn change_role(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<RoleForm>) -> Page {
    let Some(role) = Role::parse(&form.0.role) else {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "role", "role-choose");
        let page = show_page(app, &m.0, ctx, id, errors, None).await?;
        return Ok(Either::Left(render(Status::UnprocessableEntity, &page)?));
    };
    let cmd = AnyCommand::ChangeStaffRole(ChangeStaffRole { user_id: id.clone(), role });
    run_on_account(&m, ctx, app, id, &form.1, cmd, "staff-role-changed").await
}

#[derive(FromForm)]
struct ActiveForm {
    #[field(default = false)]
    active: bool,
}

#[post("/<id>/active", data = "<form>")]
async fn set_active(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<ActiveForm>) -> Page {
    let active = form.0.active;
    let cmd = AnyCommand::SetStaffActive(SetStaffActive { user_id: id.clone(), active });
    let done = if active { "staff-enabled" } else { "staff-disabled" };
    run_on_account(&m, ctx, app, id, &form.1, cmd, done).await
}

#[derive(FromForm)]
struct ResetForm {
    #[field(default = String::new())]
    password: String,
}

#[post("/<id>/password", data = "<form>")]
async fn reset_password(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<ResetForm>) -> Page {
    let Csrf(form, sub) = form;
    let lookup = id.clone();
    let user = app.db.read(move |c| Ok(store::user_by_id(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    if let Err(code) = check_password(&form.password, &user.username) {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "password", code);
        let page = show_page(app, &m.0, ctx, id, errors, None).await?;
        return Ok(Either::Left(render(Status::UnprocessableEntity, &page)?));
    }
    let cmd = AnyCommand::SetStaffPassword(SetStaffPassword {
        user_id: id.clone(),
        password_hash: password::hash_gated(&app.hash_gate, &m.0.user.id, form.password).await?,
    });
    run_on_account(&m, ctx, app, id, &sub, cmd, "staff-password-reset").await
}

#[derive(FromForm)]
struct TokenForm {
    #[field(default = String::new())]
    name: String,
}

/// Issues a token and shows it once, on this response only.
#[post("/<id>/tokens", data = "<form>")]
async fn issue_token(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<TokenForm>) -> Page {
    let Csrf(form, sub) = form;
    let locale = ctx.locale;
    let secret = tokens::new_api_token();
    let cmd = AnyCommand::IssueApiToken(IssueApiToken {
        token_id: Uuid::now_v7().to_string(),
        user_id: id.clone(),
        name: form.name.clone(),
        token_hash: tokens::hash_secret(&secret),
    });
    let executed = app.submit(&sub, m.0.actor(), cmd).await?;
    match executed.outcome {
        // A replayed submit cannot show the secret again (only its hash was kept): say so.
        Outcome::Applied { .. } if !executed.first_time => {
            go(format!("/staff/{id}"), "info", ctx.t("token-already-issued"))
        }
        Outcome::Applied { .. } => {
            let page = show_page(app, &m.0, ctx, id, FieldErrors::default(), Some(secret)).await?;
            Ok(Either::Left(ok(&page)?))
        }
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.add_text(r.field.as_deref().map(|_| "token_name").unwrap_or("form"), rejection_text(locale, &r));
            let mut page = show_page(app, &m.0, ctx, id, errors, None).await?;
            page.token_name = form.name;
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        }
    }
}

#[post("/<id>/tokens/<token_id>/revoke", data = "<form>")]
async fn revoke_token(
    m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    token_id: String,
    form: Csrf<NoFields>,
) -> Page {
    let cmd = AnyCommand::RevokeApiToken(RevokeApiToken { token_id });
    run_on_account(&m, ctx, app, id, &form.1, cmd, "token-revoked").await
}

impl ShowPage {
    fn role_options(&self) -> Vec<(Role, bool)> {
        self.roles.iter().map(|r| (*r, *r == self.user.role)).collect()
    }

    fn language(&self) -> String {
        self.user.locale.map_or_else(|| self.ctx.t("language-club-default"), |l: Locale| l.native_name().to_owned())
    }
}

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, show, change_role, set_active, reset_password, issue_token, revoke_token]
}
