//! Login, logout, first-run setup, and each user's own profile (password and language).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use super::gate::Busy;
use super::model::{NewAccount, check_password};
use super::{password, store, throttle, tokens};
use crate::app::{App, Pinned};
use crate::auth::commands::{CreateStaffUser, SetStaffLocale, SetStaffPassword};
use crate::club::model::ClubSettings;
use crate::club::web::{ClubFields, command as club_command, currency_name, zone_names};
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome, Role};
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::i18n::{self, Locale};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, again, fresh_id, go, safe_next};
use crate::web::guards::{ClientIp, SESSION_COOKIE, Staff, end_session};
use crate::web::page::{Html, LANG_COOKIE, PRE_SESSION_CSRF, PageCtx, ok, render};

/// Starts a session for `user_id` and sets its cookie.
async fn open_session(
    app: &App,
    cookies: &CookieJar<'_>,
    user_id: String,
    ip: String,
    agent: Option<String>,
) -> anyhow::Result<()> {
    let token = tokens::new_secret();
    let csrf = tokens::new_secret();
    let hash = tokens::hash_secret(&token);
    let now = app.now();
    app.db
        .write(move |c| Ok(store::insert_session(c, &hash, &user_id, &csrf, now, Some(&ip), agent.as_deref())?))
        .await?;
    cookies.add_private(Cookie::build((SESSION_COOKIE, token)).http_only(true).same_site(SameSite::Lax).path("/"));
    cookies.remove(Cookie::from(PRE_SESSION_CSRF));
    Ok(())
}

// ---- login / logout ----

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    username: String,
    next: String,
    error: Option<String>,
    no_users: bool,
}

#[derive(FromForm)]
struct LoginForm {
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
}

async fn no_users(app: &App) -> anyhow::Result<bool> {
    Ok(app.db.read(|c| Ok(store::user_count(c)?)).await? == 0)
}

#[get("/login?<next>")]
async fn login_page(ctx: PageCtx, app: &State<App>, next: Option<String>) -> Page {
    let next = safe_next(next.as_deref().unwrap_or("/"));
    if ctx.logged_in() {
        return Ok(Either::Right(Flash::new(Redirect::to(next), "", "")));
    }
    let no_users = no_users(app).await?;
    Ok(Either::Left(ok(&LoginPage { ctx, username: String::new(), next, error: None, no_users })?))
}

#[post("/login", data = "<form>")]
async fn login(
    ctx: PageCtx,
    app: &State<App>,
    cookies: &CookieJar<'_>,
    ip: ClientIp,
    agent: UserAgent,
    form: Csrf<LoginForm>,
) -> Page {
    let form = form.0;
    let now = app.now();
    let next = safe_next(&form.next);
    let locale = ctx.locale;
    let fail = |ctx: PageCtx, status: Status, message: String, username: String, next: String| -> Page {
        Ok(Either::Left(render(status, &LoginPage { ctx, username, next, error: Some(message), no_users: false })?))
    };
    let username = form.username.clone();
    let user = app.db.read(move |c| Ok(store::user_by_username(c, &username)?)).await?;
    let tag = throttle::password_tag(user.as_ref().map(|u| u.password_hash.as_str()));
    let fresh_reset = user.as_ref().is_some_and(|u| u.must_change_password);
    if let Err(wait) = app.throttle.check(&form.username, &ip.0, tag, fresh_reset, now) {
        tracing::debug!(ip = %ip.0, "login throttled");
        let seconds = wait.as_secs().unsigned_abs().max(1);
        let message = if seconds < 60 {
            i18n::tr_args(locale, "login-throttled-seconds", &[("seconds", &seconds.to_string())])
        } else {
            i18n::tr_args(locale, "login-throttled", &[("minutes", &seconds.div_ceil(60).to_string())])
        };
        let page = fail(ctx, Status::TooManyRequests, message, form.username, next)?;
        return Ok(page.map_left(|html| html.retry_after(seconds)));
    }
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = match password::verify_gated(&app.hash_gate, &ip.0, form.password.clone(), stored).await {
        Ok(verified) => verified,
        Err(busy) => {
            let status = if busy == Busy::Client { Status::TooManyRequests } else { Status::ServiceUnavailable };
            let page = fail(ctx, status, i18n::tr(locale, "login-busy"), form.username, next)?;
            return Ok(page.map_left(|html| html.retry_after(busy.retry_after())));
        }
    };
    // A disabled account answers exactly as a wrong password does: nobody learns whether the
    // password of a disabled account is right.
    let Some(user) = user.filter(|u| verified && u.active) else {
        app.throttle.failed(&form.username, &ip.0, tag, now);
        tracing::info!(ip = %ip.0, "login failed");
        return fail(ctx, Status::Unauthorized, i18n::tr(locale, "login-wrong"), form.username, next);
    };
    app.throttle.succeeded(&form.username, &ip.0);
    tracing::info!(user = %user.username, ip = %ip.0, "logged in");
    open_session(app, cookies, user.id.clone(), ip.0, agent.0).await?;
    let to = if user.must_change_password { "/profile".to_owned() } else { next };
    let greeting = i18n::tr_args(user.locale.unwrap_or(locale), "login-welcome", &[("name", &user.display_name)]);
    go(to, "success", greeting)
}

/// The browser's User-Agent, kept with the session so staff can recognise their devices.
pub struct UserAgent(Option<String>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for UserAgent {
    type Error = ();

    async fn from_request(req: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        let agent = req.headers().get_one("User-Agent").map(|s| s.chars().take(200).collect());
        rocket::request::Outcome::Success(UserAgent(agent))
    }
}

#[post("/logout", data = "<_form>")]
async fn logout(me: Staff, ctx: PageCtx, app: &State<App>, cookies: &CookieJar<'_>, _form: Csrf<NoFields>) -> Page {
    end_session(cookies, app, &me.0).await?;
    tracing::info!(user = %me.0.user.username, "logged out");
    go("/login", "success", ctx.t("logout-done"))
}

#[get("/lang/<code>?<next>")]
fn set_anonymous_language(code: &str, next: Option<String>, cookies: &CookieJar<'_>) -> Redirect {
    if let Some(locale) = Locale::parse(code) {
        cookies.add(Cookie::build((LANG_COOKIE, locale.as_str())).same_site(SameSite::Lax).path("/").permanent());
    }
    Redirect::to(safe_next(next.as_deref().unwrap_or("/login")))
}

// ---- first-run setup ----

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    ctx: PageCtx,
    token: String,
    valid: bool,
    username: String,
    display_name: String,
    /// The club's settings as proposed (from the configuration) or as typed.
    form: ClubSettings,
    pinned: Pinned,
    zones: Vec<String>,
    suggest_zone: bool,
    errors: FieldErrors,
}

impl SetupPage {
    fn new(ctx: PageCtx, app: &App, token: String, valid: bool) -> SetupPage {
        let form = ctx.club.clone();
        SetupPage {
            ctx,
            token,
            valid,
            username: String::new(),
            display_name: String::new(),
            form,
            pinned: app.pinned,
            zones: zone_names(),
            suggest_zone: true,
            errors: FieldErrors::default(),
        }
    }

    fn currency_hint(&self) -> String {
        currency_name(self.ctx.locale, &self.form.currency)
    }
}

#[derive(FromForm)]
struct SetupForm {
    #[field(default = String::new())]
    token: String,
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    display_name: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm: String,
    club: ClubFields,
}

fn setup_token_matches(app: &App, token: &str) -> Option<bool> {
    app.setup_token().map(|expected| tokens::same_secret(&expected, token.trim()))
}

#[get("/setup?<token>")]
async fn setup_page(ctx: PageCtx, app: &State<App>, token: Option<String>) -> Page {
    let token = token.unwrap_or_default();
    match setup_token_matches(app, &token) {
        None => go("/login", "info", ctx.t("setup-already-done")),
        Some(valid) => {
            let status = if valid { Status::Ok } else { Status::Forbidden };
            Ok(Either::Left(render(status, &SetupPage::new(ctx, app, token, valid))?))
        }
    }
}

/// Creates the first owner and, as that owner, sets the club's zone, language, currency and
/// phone country: a club that starts in the server's zone (UTC on most images) would otherwise
/// take its first bookings at the wrong hour.
#[post("/setup", data = "<form>")]
async fn setup(
    ctx: PageCtx,
    app: &State<App>,
    cookies: &CookieJar<'_>,
    ip: ClientIp,
    agent: UserAgent,
    form: Csrf<SetupForm>,
) -> Page {
    let form = form.0;
    let current = ctx.club.clone();
    let club = form.club.wanted(&current, app.pinned);
    let mut page = SetupPage::new(ctx, app, form.token.clone(), true);
    page.username = form.username.clone();
    page.display_name = form.display_name.clone();
    page.form = club.clone();
    page.suggest_zone = false;
    match setup_token_matches(app, &form.token) {
        None => return go("/login", "info", page.ctx.t("setup-already-done")),
        Some(false) => {
            page.valid = false;
            return Ok(Either::Left(render(Status::Forbidden, &page)?));
        }
        Some(true) => {}
    }
    let locale = page.ctx.locale;
    let account = NewAccount::parse(&form.username, &form.display_name, &form.password, &form.confirm)
        .map_err(|mistakes| page.errors.add_all(locale, mistakes))
        .ok();
    if let Err(problems) = club.validate() {
        page.errors.add_all(locale, problems);
    }
    let Some(NewAccount { username, display_name }) = account.filter(|_| page.errors.is_empty()) else {
        return again(&page);
    };
    let user_id = Uuid::now_v7().to_string();
    let owner = Actor::Staff { id: user_id.clone(), name: display_name.clone(), role: Role::Owner };
    let cmd = AnyCommand::CreateStaffUser(CreateStaffUser {
        user_id: user_id.clone(),
        username: username.as_str().to_owned(),
        display_name,
        role: Role::Owner,
        locale: Some(locale),
        password_hash: password::hash_gated(&app.hash_gate, &ip.0, form.password.clone()).await?,
        must_change_password: false,
    });
    match app.run(Actor::Setup, cmd).await? {
        Outcome::Applied { .. } => {}
        Outcome::Rejected(r) if r.code == "setup-done" => {
            return go("/login", "info", page.ctx.t("setup-already-done"));
        }
        Outcome::Rejected(r) => {
            page.errors.rejection(locale, &r);
            return again(&page);
        }
    }
    app.finish_setup();
    // Checked above, so a refusal here is unexpected: the owner can still set it in Settings.
    if let Outcome::Rejected(r) = app.run(owner.clone(), club_command(&club)).await? {
        tracing::warn!(code = %r.code, "the club settings chosen at setup were refused");
    }
    let (renamer, from, to) = (app.inner().clone(), current.locale, club.locale);
    tokio::task::spawn_blocking(move || renamer.name_default_categories(owner, from, to))
        .await
        .map_err(anyhow::Error::from)??;
    open_session(app, cookies, user_id, ip.0, agent.0).await?;
    go("/", "success", page.ctx.t("setup-welcome"))
}

// ---- own profile ----

#[derive(Template)]
#[template(path = "auth/profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    must_change: bool,
    chosen_locale: String,
    command_id: String,
    errors: FieldErrors,
}

impl ProfilePage {
    fn new(ctx: PageCtx, errors: FieldErrors) -> Self {
        let user = ctx.session.as_ref().map(|s| s.user.clone());
        ProfilePage {
            must_change: user.as_ref().is_some_and(|u| u.must_change_password),
            chosen_locale: user.and_then(|u| u.locale).map(|l| l.as_str().to_owned()).unwrap_or_default(),
            ctx,
            command_id: fresh_id(),
            errors,
        }
    }
}

#[get("/profile")]
async fn profile(_me: Staff, ctx: PageCtx) -> Result<Html, AppError> {
    ok(&ProfilePage::new(ctx, FieldErrors::default()))
}

#[derive(FromForm)]
struct LanguageForm {
    #[field(default = String::new())]
    locale: String,
}

#[post("/profile/language", data = "<form>")]
async fn set_language(me: Staff, app: &State<App>, form: Csrf<LanguageForm>) -> Page {
    let locale = Locale::parse(&form.0.locale);
    let cmd = AnyCommand::SetStaffLocale(SetStaffLocale { user_id: me.0.user.id.clone(), locale });
    let shown = locale.unwrap_or(app.club().await?.locale);
    match app.submit(&form.1, me.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/profile", "success", i18n::tr(shown, "profile-language-saved")),
        Outcome::Rejected(r) => go("/profile", "error", rejection_text(shown, &r)),
    }
}

#[derive(FromForm)]
struct PasswordForm {
    #[field(default = String::new())]
    current: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm: String,
}

#[post("/profile/password", data = "<form>")]
async fn change_password(
    me: Staff,
    ctx: PageCtx,
    app: &State<App>,
    cookies: &CookieJar<'_>,
    ip: ClientIp,
    agent: UserAgent,
    form: Csrf<PasswordForm>,
) -> Page {
    let Csrf(form, sub) = form;
    let user = me.0.user.clone();
    let locale = ctx.locale;
    let mut errors = FieldErrors::default();
    let (current, stored) = (form.current.clone(), user.password_hash.clone());
    let current_ok = password::verify_gated(&app.hash_gate, &ip.0, current, Some(stored)).await?;
    if !current_ok {
        errors.add(locale, "current", "password-current-wrong");
    }
    if let Err(code) = check_password(&form.password, &user.username) {
        errors.add(locale, "password", code);
    } else if form.password != form.confirm {
        errors.add(locale, "confirm", "password-mismatch");
    } else if form.password == form.current {
        errors.add(locale, "password", "password-unchanged");
    }
    if !errors.is_empty() {
        return Ok(Either::Left(render(Status::UnprocessableEntity, &ProfilePage::new(ctx, errors))?));
    }
    let cmd = AnyCommand::SetStaffPassword(SetStaffPassword {
        user_id: user.id.clone(),
        password_hash: password::hash_gated(&app.hash_gate, &ip.0, form.password).await?,
    });
    match app.submit(&sub, me.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            // The command ended every session of this account; this device continues in a new one.
            open_session(app, cookies, user.id, ip.0, agent.0).await?;
            go("/", "success", ctx.t("password-changed"))
        }
        Outcome::Rejected(r) => {
            errors.rejection(locale, &r);
            Ok(Either::Left(render(Status::UnprocessableEntity, &ProfilePage::new(ctx, errors))?))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        login_page,
        login,
        logout,
        set_anonymous_language,
        setup_page,
        setup,
        profile,
        set_language,
        change_password
    ]
}
