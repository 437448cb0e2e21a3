//! API errors as application/problem+json (RFC 9457), with the field a refusal is about.

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::json;

use crate::core::Rejection;
use crate::i18n::Locale;

/// How an API route takes a query parameter, so `Problem::query` can tell absent from repeated.
pub type Query<'v, 'e> = Result<&'v str, rocket::form::Errors<'e>>;

#[derive(Debug)]
pub struct Problem {
    pub status: Status,
    pub detail: String,
    pub code: Option<String>,
    pub field: Option<String>,
    /// The refusal's details (e.g. `booking_id` of the booking holding a slot).
    pub args: Vec<(String, String)>,
    /// Seconds for `Retry-After` (busy, or the database unavailable).
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: Status, detail: impl Into<String>) -> Problem {
        Problem { status, detail: detail.into(), code: None, field: None, args: Vec::new(), retry_after: None }
    }

    /// A command's refusal: 409 for "already taken", 404 for "not found", 403 for role
    /// refusals, 422 for everything else; the sentence in the API's language (English).
    pub fn rejected(r: &Rejection) -> Problem {
        let status = match r.code.as_str() {
            c if c.ends_with("-taken") || c.starts_with("series-conflict") => Status::Conflict,
            c if c.ends_with("-not-found") => Status::NotFound,
            "not-allowed" | "role-not-allowed" => Status::Forbidden,
            _ => Status::UnprocessableEntity,
        };
        Problem {
            status,
            detail: crate::i18n::rejection_text(Locale::En, r),
            code: Some(r.code.clone()),
            field: r.field.clone(),
            args: r.args.clone(),
            retry_after: None,
        }
    }

    /// A query parameter given at most once, as the type it must be: absent is `None`; given
    /// twice, or unreadable as `T`, it is refused (422 naming it) rather than quietly ignored.
    pub fn query<T: std::str::FromStr>(raw: Query<'_, '_>, field: &str) -> Result<Option<T>, Problem> {
        let refused = || Problem::invalid(field, "api-query-invalid");
        match raw {
            Ok(text) => text.trim().parse::<T>().map(Some).map_err(|_| refused()),
            Err(e) if e.iter().all(|e| matches!(e.kind, rocket::form::error::ErrorKind::Missing)) => Ok(None),
            Err(_) => Err(refused()),
        }
    }

    pub fn invalid(field: &str, code: &str) -> Problem {
        Problem {
            status: Status::UnprocessableEntity,
            detail: crate::i18n::tr(Locale::En, code),
            code: Some(code.to_owned()),
            field: Some(field.to_owned()),
            args: Vec::new(),
            retry_after: None,
        }
    }
}

impl From<anyhow::Error> for Problem {
    fn from(e: anyhow::Error) -> Problem {
        if e.is::<crate::core::KeyReused>() {
            let detail = "This Idempotency-Key was already used with a different request (another body or \
                          resource). Use a new key for a new request; nothing was done.";
            return Problem {
                code: Some("idempotency-key-reused".into()),
                ..Problem::new(Status::UnprocessableEntity, detail)
            };
        }
        let (status, retry_after) = crate::web::errors::status_of(&e);
        let detail = match status.code {
            500 => {
                tracing::error!(error = %format!("{e:#}"), "API request failed");
                "The request failed; nothing was half-saved. Try again."
            }
            507 => "The server's disk is full: nothing was saved. Tell the club's IT person, then try again.",
            _ => "The server cannot take this right now; nothing was saved. Try again shortly.",
        };
        if status.code != 500 {
            tracing::warn!(error = %format!("{e:#}"), status = status.code, "API request refused");
        }
        Problem { retry_after, ..Problem::new(status, detail) }
    }
}

impl<'r> Responder<'r, 'static> for Problem {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let args: serde_json::Map<String, serde_json::Value> =
            self.args.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        let mut body = json!({
            "type": "about:blank",
            "title": self.status.reason().unwrap_or("Error"),
            "status": self.status.code,
            "detail": self.detail,
            "code": self.code,
            "field": self.field,
            "instance": req.uri().path().to_string(),
        });
        if !args.is_empty() {
            // The holder of a taken slot is named at the top level too, for scripts.
            if let Some(id) = args.get("booking") {
                body["booking_id"] = id.clone();
            }
            body["args"] = serde_json::Value::Object(args);
        }
        let body = body.to_string();
        let mut response = Response::build();
        response
            .status(self.status)
            .header(ContentType::new("application", "problem+json"))
            .sized_body(body.len(), std::io::Cursor::new(body));
        if let Some(seconds) = self.retry_after {
            response.raw_header("Retry-After", seconds.to_string());
        }
        response.ok()
    }
}
