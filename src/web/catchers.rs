//! Error pages: HTML for people, application/problem+json (RFC 9457) for the API.

use askama::Template;
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::Redirect;
use rocket::serde::json::{Value, json};
use rocket::{Catcher, catch, catchers};

use super::guards;
use super::page::PageCtx;
use crate::i18n::{self, Locale};

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    ctx: PageCtx,
    status: u16,
    title: String,
    message: String,
}

async fn page(status: Status, req: &Request<'_>) -> (Status, (ContentType, String)) {
    let code = status.code;
    let known = [400, 403, 404, 413, 422, 429, 500, 503].contains(&code);
    let key = if known { code.to_string() } else { "other".into() };
    let body = match req.guard::<PageCtx>().await.succeeded() {
        Some(ctx) => {
            let title = ctx.t(&format!("error-{key}-title"));
            let message = ctx.t(&format!("error-{key}-text"));
            ErrorPage { ctx, status: code, title, message }.render().ok()
        }
        None => None,
    };
    // If even the page context failed (database down), fall back to plain text.
    let body = body.unwrap_or_else(|| format!("{code} {}", i18n::tr(Locale::En, &format!("error-{key}-title"))));
    (status, (ContentType::HTML, body))
}

/// Not logged in (or must change the password first): go to the right page instead.
#[catch(401)]
async fn unauthorized(req: &Request<'_>) -> Redirect {
    if guards::session(req).await.as_ref().is_some_and(|s| s.user.must_change_password) {
        return Redirect::to("/profile");
    }
    let here = req.uri().to_string();
    let next: String = rocket::http::RawStr::new(&here).percent_encode().to_string();
    Redirect::to(format!("/login?next={next}"))
}

#[catch(default)]
async fn html_default(status: Status, req: &Request<'_>) -> (Status, (ContentType, String)) {
    page(status, req).await
}

pub fn html() -> Vec<Catcher> {
    catchers![unauthorized, html_default]
}

fn problem(status: Status, detail: &str) -> (Status, (ContentType, Value)) {
    let body = json!({
        "type": "about:blank",
        "title": status.reason().unwrap_or("Error"),
        "status": status.code,
        "detail": detail,
    });
    (status, (ContentType::new("application", "problem+json"), body))
}

#[catch(default)]
fn api_default(status: Status, _req: &Request<'_>) -> (Status, (ContentType, Value)) {
    let detail = match status.code {
        401 => {
            "Send a valid API token: Authorization: Bearer <token>. An owner or manager issues tokens on the Staff page or with `courtside token create`."
        }
        403 => "Your role does not allow this.",
        404 => "There is no such resource.",
        422 => "The request body could not be understood.",
        _ => "The request failed.",
    };
    problem(status, detail)
}

pub fn problem_json() -> Vec<Catcher> {
    catchers![api_default]
}
