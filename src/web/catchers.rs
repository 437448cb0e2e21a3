//! Error pages: HTML for people, application/problem+json (RFC 9457) for the API. A request
//! that matched no route only because of its method or content type is told so (405 with
//! `Allow`, or 415) instead of "not found".

use askama::Template;
use rocket::http::{ContentType, Method, Status};
use rocket::request::Request;
use rocket::response::{self, Redirect, Responder, Response};
use rocket::serde::json::json;
use rocket::{Catcher, catch, catchers};

use super::errors::{PageMessage, Refusal, RetryAfter};
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

/// An error answer with the headers its status calls for.
struct ErrorResponse {
    status: Status,
    content_type: ContentType,
    body: String,
    allow: Option<String>,
    retry_after: Option<u64>,
}

impl<'r> Responder<'r, 'static> for ErrorResponse {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut response = Response::build();
        response
            .status(self.status)
            .header(self.content_type)
            .raw_header("Cache-Control", "no-store")
            .sized_body(self.body.len(), std::io::Cursor::new(self.body));
        if let Some(allow) = self.allow {
            response.raw_header("Allow", allow);
        }
        if let Some(seconds) = self.retry_after {
            response.raw_header("Retry-After", seconds.to_string());
        }
        response.ok()
    }
}

/// Whether a route's path template (`/api/v1/bookings/<id>`) matches a request path.
fn path_matches(template: &str, path: &str) -> bool {
    let mut want = template.split('/').filter(|s| !s.is_empty());
    let mut have = path.split('/').filter(|s| !s.is_empty());
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), _) if w.starts_with('<') && w.ends_with("..>") => return true,
            (Some(w), Some(_)) if w.starts_with('<') && w.ends_with('>') => {}
            (Some(w), Some(h)) if w == h => {}
            _ => return false,
        }
    }
}

/// For a request no route took: 405 and the methods the path takes, or 415 when a route for
/// this method wants another content type. `None` for a plain "not found".
fn misrouted(req: &Request<'_>) -> Option<(Status, Option<String>)> {
    let path = req.uri().path();
    let routes: Vec<_> = req.rocket().routes().filter(|r| path_matches(r.uri.path(), path.as_str())).collect();
    if routes.is_empty() {
        return None;
    }
    let method = req.method();
    let same_method: Vec<_> = routes.iter().filter(|r| r.method == method).collect();
    if same_method.is_empty() {
        let mut allow: Vec<&str> = routes.iter().map(|r| r.method.as_str()).collect();
        if allow.contains(&"GET") {
            allow.push("HEAD");
        }
        allow.sort_unstable();
        allow.dedup();
        return Some((Status::MethodNotAllowed, Some(allow.join(", "))));
    }
    let wants_format = same_method.iter().all(|r| r.format.is_some());
    let fits = |want: &rocket::http::MediaType, sent: &rocket::http::MediaType| {
        (want.top() == "*" || want.top() == sent.top()) && (want.sub() == "*" || want.sub() == sent.sub())
    };
    let sent_fits =
        same_method.iter().any(|r| r.format.as_ref().is_some_and(|f| req.format().is_some_and(|sent| fits(f, sent))));
    (method != Method::Get && wants_format && !sent_fits).then_some((Status::UnsupportedMediaType, None))
}

/// The status to answer: a misrouted 404 becomes 405 or 415.
fn settle(status: Status, req: &Request<'_>) -> (Status, Option<String>) {
    if status == Status::NotFound
        && let Some(found) = misrouted(req)
    {
        return found;
    }
    (status, None)
}

async fn page(status: Status, req: &Request<'_>) -> ErrorResponse {
    let (status, allow) = settle(status, req);
    let code = status.code;
    let known = [400, 403, 404, 405, 413, 415, 422, 429, 500, 503, 507].contains(&code);
    let key = if known { format!("error-{code}") } else { "error-other".into() };
    let key = req.local_cache(PageMessage::default).0.map_or(key, str::to_owned);
    let body = match req.guard::<PageCtx>().await.succeeded() {
        Some(ctx) => {
            let title = ctx.t(&format!("{key}-title"));
            let message = ctx.t(&format!("{key}-text"));
            ErrorPage { ctx, status: code, title, message }.render().ok()
        }
        None => None,
    };
    // If even the page context failed (database down), fall back to plain text.
    let body = body.unwrap_or_else(|| format!("{code} {}", i18n::tr(Locale::En, &format!("{key}-title"))));
    let retry_after = req.local_cache(RetryAfter::default).0;
    ErrorResponse { status, content_type: ContentType::HTML, body, allow, retry_after }
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
async fn html_default(status: Status, req: &Request<'_>) -> ErrorResponse {
    page(status, req).await
}

pub fn html() -> Vec<Catcher> {
    catchers![unauthorized, html_default]
}

#[catch(default)]
fn api_default(status: Status, req: &Request<'_>) -> ErrorResponse {
    let (status, allow) = settle(status, req);
    let detail = match status.code {
        400 => "The request could not be read: check the JSON and the query parameters.".to_owned(),
        401 => "Send a valid API token: Authorization: Bearer <token>. An owner or manager issues tokens on the \
                Staff page or with `courtside token create`."
            .to_owned(),
        403 => "Your role does not allow this.".to_owned(),
        404 => "There is no such resource.".to_owned(),
        405 => format!("This resource does not take {}; it takes {}.", req.method(), allow.as_deref().unwrap_or("")),
        413 => "The request body is too large.".to_owned(),
        415 => "Send the body as JSON, with Content-Type: application/json.".to_owned(),
        422 => "The request body could not be understood.".to_owned(),
        429 | 503 => "Busy: try again shortly.".to_owned(),
        507 => "The server's disk is full: nothing was saved. Tell the club's IT person.".to_owned(),
        _ => "The request failed.".to_owned(),
    };
    let detail = req.local_cache(Refusal::default).0.clone().unwrap_or(detail);
    let body = json!({
        "type": "about:blank",
        "title": status.reason().unwrap_or("Error"),
        "status": status.code,
        "detail": detail,
    })
    .to_string();
    let retry_after = req.local_cache(RetryAfter::default).0;
    let content_type = ContentType::new("application", "problem+json");
    ErrorResponse { status, content_type, body, allow, retry_after }
}

pub fn problem_json() -> Vec<Catcher> {
    catchers![api_default]
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn route_templates_match_paths() {
        assert!(path_matches("/api/v1/bookings/<id>", "/api/v1/bookings/abc"));
        assert!(path_matches("/api/v1/bookings/<id>/cancel", "/api/v1/bookings/abc/cancel"));
        assert!(!path_matches("/api/v1/bookings/<id>", "/api/v1/bookings"));
        assert!(!path_matches("/api/v1/bookings/<id>", "/api/v1/bookings/a/b"));
        assert!(path_matches("/static/<hash>/<path..>", "/static/ab/css/site.css"));
        assert!(path_matches("/members/", "/members"));
        assert!(!path_matches("/members", "/courts"));
    }
}
