//! How an `AppError` answers: the status it means for the client (busy, disk full, database
//! unavailable, a reused key, or a plain 500), with what the catchers need to render it.

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};

use crate::auth::gate::Busy;
use crate::core::KeyReused;
use crate::db::Trouble;
use crate::error::AppError;

/// Seconds for `Retry-After`, left in the request's cache for the catcher that renders the page.
#[derive(Debug, Clone, Copy, Default)]
pub struct RetryAfter(pub Option<u64>);

/// Why a request was refused, when a guard has more to say than its status (the catcher shows it).
#[derive(Debug, Clone, Default)]
pub struct Refusal(pub Option<String>);

/// An error page's own message (its `-title` and `-text` ids) instead of the status's.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageMessage(pub Option<&'static str>);

/// The status a failure means for the client, and when to try again: 422 for a command id sent
/// again with another request, 429/503 while password checks are busy, 507 when the disk is
/// full, 503 when the database cannot be used, else 500.
pub fn status_of(e: &anyhow::Error) -> (Status, Option<u64>) {
    if e.is::<KeyReused>() {
        return (Status::UnprocessableEntity, None);
    }
    if let Some(busy) = e.downcast_ref::<Busy>() {
        let status = if *busy == Busy::Client { Status::TooManyRequests } else { Status::ServiceUnavailable };
        return (status, Some(busy.retry_after()));
    }
    match crate::db::trouble(e) {
        Some(Trouble::Full) => (Status::InsufficientStorage, Some(60)),
        Some(Trouble::Unavailable) => (Status::ServiceUnavailable, Some(10)),
        None => (Status::InternalServerError, None),
    }
}

impl<'r, 'o: 'r> Responder<'r, 'o> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'o> {
        match self {
            AppError::NotFound => Err(Status::NotFound),
            AppError::Forbidden => Err(Status::Forbidden),
            AppError::Internal(e) => {
                // The detail goes to the log; the user gets a plain apology page.
                let (status, retry_after) = status_of(&e);
                if status == Status::InternalServerError {
                    tracing::error!(path = %req.uri().path(), error = %format!("{e:#}"), "request failed");
                } else {
                    tracing::warn!(path = %req.uri().path(), error = %format!("{e:#}"), status = status.code, "request refused");
                }
                req.local_cache(|| RetryAfter(retry_after));
                if e.is::<KeyReused>() {
                    req.local_cache(|| PageMessage(Some("error-resent")));
                }
                Err(status)
            }
        }
    }
}
