//! Signing in with a code sent by SMS. The visitor is told the same whether or not the number
//! is a member's; a code works five minutes, for five wrong tries, once. When the club lets
//! guests in, a stranger's right code and name sign them up.

use askama::Template;
use rocket::http::{Cookie, CookieJar, RawStr, SameSite, Status};
use rocket::response::Redirect;
use rocket::{Either, State, get, post};

use super::{PortalCtx, portal_next};
use crate::app::App;
use crate::auth::tokens::{hash_secret, new_secret};
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};
use crate::error::AppError;
use crate::members::model::display_phone;
use crate::portal::commands::{NewGuest, RequestPortalCode, TryPortalCode};
use crate::portal::model::{CODE_LIFETIME, CodeState, typed_code};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, fresh_id, go};
use crate::web::guards::{ClientIp, PLAYER_COOKIE, Player};
use crate::web::page::{Html, render};

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct SignInPage {
    ctx: PortalCtx,
    command_id: String,
    phone: String,
    /// The portal page to go on to once signed in.
    next: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "portal/closed.html")]
struct ClosedPage {
    ctx: PortalCtx,
}

/// The portal is off: said on every page a visitor can reach.
pub(super) fn closed(ctx: PortalCtx) -> Result<Html, AppError> {
    render(Status::ServiceUnavailable, &ClosedPage { ctx })
}

pub(super) fn sign_in_form(ctx: PortalCtx, phone: String, next: String, errors: FieldErrors, status: Status) -> Page {
    let command_id = fresh_id();
    Ok(Either::Left(render(status, &SignInPage { ctx, command_id, phone, next, errors })?))
}

#[get("/sign-in?<next>")]
pub(super) async fn sign_in_page(ctx: PortalCtx, next: Option<&str>) -> Result<Either<Html, Redirect>, AppError> {
    let next = portal_next(next);
    if !ctx.settings.enabled {
        return Ok(Either::Left(closed(ctx)?));
    }
    if ctx.player.is_some() {
        return Ok(Either::Right(Redirect::to(next)));
    }
    let command_id = fresh_id();
    let page = SignInPage { ctx, command_id, phone: String::new(), next, errors: FieldErrors::default() };
    Ok(Either::Left(render(Status::Ok, &page)?))
}

#[derive(rocket::form::FromForm)]
pub(super) struct PhoneForm {
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    next: String,
}

/// Six random digits from the operating system's source, each value equally likely.
fn new_code() -> String {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        let n = u32::from_be_bytes(bytes);
        // Below the largest multiple of a million that fits, so no code is likelier than another.
        if n < u32::MAX - u32::MAX % 1_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

#[post("/sign-in", data = "<form>")]
pub(super) async fn ask_code(ctx: PortalCtx, app: &State<App>, ip: ClientIp, form: Csrf<PhoneForm>) -> Page {
    let Csrf(f, sub) = form;
    if !ctx.settings.enabled {
        return Ok(Either::Left(closed(ctx)?));
    }
    let next = portal_next(Some(&f.next));
    let request_id = sub.id.to_string();
    let cmd = AnyCommand::RequestPortalCode(RequestPortalCode {
        request_id: request_id.clone(),
        phone: f.phone.clone(),
        ip: ip.0,
        code: new_code(),
        locale: ctx.locale,
    });
    match app.submit(&sub, Actor::Visitor, cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Either::Right(rocket::response::Flash::new(
            Redirect::to(format!("/p/sign-in/code?r={request_id}&next={}", RawStr::new(&next).percent_encode())),
            "info",
            String::new(),
        ))),
        Outcome::Rejected(r) => {
            let status =
                if r.code == "portal-code-too-many" { Status::TooManyRequests } else { Status::UnprocessableEntity };
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &r);
            sign_in_form(ctx, f.phone, next, errors, status)
        }
    }
}

#[derive(Template)]
#[template(path = "portal/code.html")]
struct CodePage {
    ctx: PortalCtx,
    request_id: String,
    phone: String,
    command_id: String,
    /// The code no longer works: the page offers a new one instead of the form.
    closed: bool,
    next: String,
    /// What was typed, kept when only the guest's name was missing.
    code: String,
    name: String,
    errors: FieldErrors,
}

impl CodePage {
    fn minutes(&self) -> i64 {
        CODE_LIFETIME.as_mins()
    }
}

/// The number a request was for, as people read it, and whether its code can still be tried.
async fn request(app: &App, id: &str) -> Result<Option<(String, CodeState)>, AppError> {
    let (id, now) = (id.to_owned(), app.now());
    Ok(app
        .db
        .read(move |c| Ok(crate::portal::store::code(c, &id)?.map(|s| (display_phone(&s.phone), s.row.state(now)))))
        .await?)
}

fn code_form(
    ctx: PortalCtx,
    (request_id, next): (String, String),
    phone: String,
    closed: bool,
    errors: FieldErrors,
) -> Page {
    let status = if errors.is_empty() { Status::Ok } else { Status::UnprocessableEntity };
    let command_id = fresh_id();
    let (code, name) = (String::new(), String::new());
    let page = CodePage { ctx, request_id, phone, command_id, closed, next, code, name, errors };
    Ok(Either::Left(render(status, &page)?))
}

#[get("/sign-in/code?<r>&<next>")]
pub(super) async fn code_page(ctx: PortalCtx, app: &State<App>, r: &str, next: Option<&str>) -> Page {
    let Some((phone, state)) = request(app, r).await? else { return Err(AppError::NotFound) };
    code_form(ctx, (r.to_owned(), portal_next(next)), phone, state == CodeState::Closed, FieldErrors::default())
}

#[derive(rocket::form::FromForm)]
pub(super) struct CodeForm {
    #[field(default = String::new())]
    r: String,
    #[field(default = String::new())]
    code: String,
    /// A guest's name (the field shows while the club lets guests sign up).
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    next: String,
}

#[post("/sign-in/code", data = "<form>")]
pub(super) async fn try_code(ctx: PortalCtx, app: &State<App>, cookies: &CookieJar<'_>, form: Csrf<CodeForm>) -> Page {
    let Csrf(f, sub) = form;
    let Some((phone, _)) = request(app, &f.r).await? else { return Err(AppError::NotFound) };
    let next = portal_next(Some(&f.next));
    let mut errors = FieldErrors::default();
    let Some(code) = typed_code(&f.code) else {
        errors.add(ctx.locale, "code", "portal-code-format");
        return code_form(ctx, (f.r, next), phone, false, errors);
    };
    let token = new_secret();
    let token_hash = hash_secret(&token);
    let guest = ctx.settings.guests.then(|| NewGuest { member_id: fresh_id(), name: f.name.clone() });
    let cmd = AnyCommand::TryPortalCode(TryPortalCode {
        request_id: f.r.clone(),
        code: code.clone(),
        token_hash: token_hash.clone(),
        guest,
    });
    let outcome = app.submit(&sub, Actor::Visitor, cmd).await?.outcome;
    let signed_in = app.db.read(move |c| Ok(crate::portal::store::session(c, &token_hash)?.is_some())).await?;
    if signed_in {
        let cookie = Cookie::build((PLAYER_COOKIE, token)).http_only(true).same_site(SameSite::Lax).path("/p");
        cookies.add_private(cookie);
        return go(next, "success", ctx.t("portal-signed-in"));
    }
    let state = match outcome {
        Outcome::Applied { .. } => request(app, &f.r).await?.map_or(CodeState::Closed, |(_, s)| s),
        // The code was right, the number no member's: the guest's name is missing or unusable.
        Outcome::Rejected(r) if matches!(r.field.as_deref(), Some("name" | "full_name")) => {
            errors.add_text("name", crate::i18n::rejection_text(ctx.locale, &r));
            let command_id = fresh_id();
            let (request_id, closed) = (f.r, false);
            let page = CodePage { ctx, request_id, phone, command_id, closed, next, code, name: f.name, errors };
            return Ok(Either::Left(render(Status::UnprocessableEntity, &page)?));
        }
        Outcome::Rejected(_) => CodeState::Closed,
    };
    match state {
        CodeState::Open { tries_left } => {
            errors.add_text("code", ctx.ta("portal-code-wrong", "tries", tries_left));
            code_form(ctx, (f.r, next), phone, false, errors)
        }
        CodeState::Closed => {
            errors.add(ctx.locale, "code", "portal-code-closed");
            code_form(ctx, (f.r, next), phone, true, errors)
        }
    }
}

#[post("/sign-out", data = "<_form>")]
pub(super) async fn sign_out(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    cookies: &CookieJar<'_>,
    _form: Csrf<NoFields>,
) -> Page {
    let hash = p.0.token_hash.clone();
    app.db.write(move |c| Ok(crate::portal::store::delete_session(c, &hash)?)).await?;
    cookies.remove_private(Cookie::build(PLAYER_COOKIE).path("/p"));
    go("/p/sign-in", "success", ctx.t("portal-signed-out"))
}
