//! A player's own password, when the club allows them: signing in with phone and password
//! (throttled like the staff login, and as slow for a stranger's number as for a member's), and
//! setting, changing or removing it from the account.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::{Either, State, get, post};

use super::sign_in::{closed, sign_in_form};
use super::{PortalCtx, portal_next};
use crate::app::App;
use crate::auth::gate::Busy;
use crate::auth::throttle::password_tag;
use crate::auth::tokens::{hash_secret, new_secret};
use crate::auth::{model::check_password, password};
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};
use crate::error::AppError;
use crate::portal::commands::{OpenPlayerSession, SetPlayerPassword};
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go};
use crate::web::guards::{ClientIp, PLAYER_COOKIE, Player};
use crate::web::page::{Html, render};

/// The throttle's account key for a player: apart from staff usernames.
fn throttle_key(phone: &str) -> String {
    format!("player:{phone}")
}

#[derive(FromForm)]
pub(super) struct PasswordSignIn {
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
}

/// The sign-in page again, with `message` over the password form.
fn refused(ctx: PortalCtx, phone: String, next: String, status: Status, message: String) -> Page {
    let mut errors = FieldErrors::default();
    errors.add_text("password", message);
    sign_in_form(ctx, phone, next, errors, status)
}

#[post("/sign-in/password", data = "<form>")]
pub(super) async fn sign_in(
    ctx: PortalCtx,
    app: &State<App>,
    cookies: &CookieJar<'_>,
    ip: ClientIp,
    form: Csrf<PasswordSignIn>,
) -> Page {
    let Csrf(f, sub) = form;
    if !ctx.settings.enabled {
        return Ok(Either::Left(closed(ctx)?));
    }
    if !ctx.settings.passwords {
        return Err(AppError::NotFound);
    }
    let next = portal_next(Some(&f.next));
    let phone = crate::members::model::normalize_phone(&f.phone, &ctx.club.phone_region).ok().flatten();
    let key = throttle_key(phone.as_deref().unwrap_or(f.phone.trim()));
    let found = app
        .db
        .read(move |c| {
            let Some(member) = phone.map(|p| crate::members::store::active_by_phone(c, &p)).transpose()?.flatten()
            else {
                return Ok(None);
            };
            Ok(crate::portal::store::password_hash(c, &member.id)?.map(|h| (member.id, h)))
        })
        .await?;
    let now = app.now();
    let tag = password_tag(found.as_ref().map(|(_, h)| h.as_str()));
    if let Err(wait) = app.throttle.check(&key, &ip.0, tag, false, now) {
        let minutes = wait.as_secs().unsigned_abs().div_ceil(60).max(1);
        let message = ctx.ta("login-throttled", "minutes", minutes);
        let page = refused(ctx, f.phone, next, Status::TooManyRequests, message)?;
        return Ok(page.map_left(|html| html.retry_after(wait.as_secs().unsigned_abs().max(1))));
    }
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let right = match password::verify_gated(&app.hash_gate, &ip.0, f.password, stored).await {
        Ok(right) => right,
        Err(busy) => {
            let status = if busy == Busy::Client { Status::TooManyRequests } else { Status::ServiceUnavailable };
            let message = ctx.t("login-busy");
            let page = refused(ctx, f.phone, next, status, message)?;
            return Ok(page.map_left(|html| html.retry_after(busy.retry_after())));
        }
    };
    let Some((member_id, password_hash)) = found.filter(|_| right) else {
        app.throttle.failed(&key, &ip.0, tag, now);
        let message = ctx.t("portal-password-wrong");
        return refused(ctx, f.phone, next, Status::Unauthorized, message);
    };
    app.throttle.succeeded(&key, &ip.0);
    let token = new_secret();
    let token_hash = hash_secret(&token);
    let cmd = AnyCommand::OpenPlayerSession(OpenPlayerSession { member_id, password_hash, token_hash });
    match app.submit(&sub, Actor::Visitor, cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let cookie = Cookie::build((PLAYER_COOKIE, token)).http_only(true).same_site(SameSite::Lax).path("/p");
            cookies.add_private(cookie);
            go(next, "success", ctx.t("portal-signed-in"))
        }
        Outcome::Rejected(r) => {
            let message = crate::i18n::rejection_text(ctx.locale, &r);
            refused(ctx, f.phone, next, Status::UnprocessableEntity, message)
        }
    }
}

#[derive(Template)]
#[template(path = "portal/password.html")]
struct PasswordPage {
    ctx: PortalCtx,
    /// The player keeps a password now: the form asks for it, and offers to remove it.
    has_password: bool,
    command_id: String,
    errors: FieldErrors,
}

/// Member `member`'s stored password hash, if they keep one.
async fn stored_password(app: &App, member: &str) -> Result<Option<String>, AppError> {
    let member = member.to_owned();
    Ok(app.db.read(move |c| Ok(crate::portal::store::password_hash(c, &member)?)).await?)
}

#[get("/account/password")]
pub(super) async fn page(p: Player, ctx: PortalCtx, app: &State<App>) -> Result<Option<Html>, AppError> {
    let has_password = stored_password(app, &p.0.member_id).await?.is_some();
    if !ctx.settings.passwords && !has_password {
        return Ok(None);
    }
    let page = PasswordPage { ctx, has_password, command_id: fresh_id(), errors: FieldErrors::default() };
    Ok(Some(render(Status::Ok, &page)?))
}

#[derive(FromForm)]
pub(super) struct PasswordForm {
    #[field(default = String::new())]
    current: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    repeat: String,
    /// Removes the password instead of setting one.
    #[field(default = false)]
    remove: bool,
}

#[post("/account/password", data = "<form>")]
pub(super) async fn save(p: Player, ctx: PortalCtx, app: &State<App>, ip: ClientIp, form: Csrf<PasswordForm>) -> Page {
    let Csrf(f, sub) = form;
    let stored = stored_password(app, &p.0.member_id).await?;
    let has = stored.is_some();
    if !ctx.settings.passwords && !has {
        return Err(AppError::NotFound);
    }
    let again = |ctx: PortalCtx, errors: FieldErrors, status: Status| -> Page {
        let page = PasswordPage { ctx, has_password: has, command_id: fresh_id(), errors };
        Ok(Either::Left(render(status, &page)?))
    };
    let mut errors = FieldErrors::default();
    // Whoever holds the phone now proves the password before changing it.
    if let Some(stored) = stored {
        let key = throttle_key(&p.0.member_id);
        let now = app.now();
        let tag = password_tag(Some(&stored));
        if app.throttle.check(&key, &ip.0, tag, false, now).is_err() {
            errors.add(ctx.locale, "current", "login-busy");
            return again(ctx, errors, Status::TooManyRequests);
        }
        let right = password::verify_gated(&app.hash_gate, &ip.0, f.current, Some(stored)).await.unwrap_or(false);
        if !right {
            app.throttle.failed(&key, &ip.0, tag, now);
            errors.add(ctx.locale, "current", "portal-password-current-wrong");
            return again(ctx, errors, Status::UnprocessableEntity);
        }
    }
    let hash = if f.remove {
        None
    } else {
        let phone = app
            .db
            .read({
                let id = p.0.member_id.clone();
                move |c| Ok(crate::members::store::member(c, &id)?.and_then(|m| m.phone).unwrap_or_default())
            })
            .await?;
        if let Err(code) = check_password(&f.password, &phone) {
            errors.add(ctx.locale, "password", code);
        } else if f.password != f.repeat {
            errors.add(ctx.locale, "repeat", "password-mismatch");
        }
        if !errors.is_empty() {
            return again(ctx, errors, Status::UnprocessableEntity);
        }
        Some(password::hash_gated(&app.hash_gate, &ip.0, f.password).await?)
    };
    let removed = hash.is_none();
    let cmd = AnyCommand::SetPlayerPassword(SetPlayerPassword {
        member_id: p.0.member_id.clone(),
        password_hash: hash,
        session_hash: p.0.token_hash.clone(),
    });
    match app.submit(&sub, p.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let said = if removed { "portal-password-removed" } else { "portal-password-saved" };
            go("/p/account", "success", ctx.t(said))
        }
        Outcome::Rejected(r) => {
            errors.add_text("form", crate::i18n::rejection_text(ctx.locale, &r));
            again(ctx, errors, Status::UnprocessableEntity)
        }
    }
}
