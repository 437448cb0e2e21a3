//! `AppError`: what a handler can fail with. It becomes a status, and the catchers turn that
//! status into an HTML error page or, under /api, application/problem+json.

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::anyhow!("template failed: {e}"))
    }
}

impl<'r, 'o: 'r> Responder<'r, 'o> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'o> {
        match self {
            AppError::NotFound => Err(Status::NotFound),
            AppError::Forbidden => Err(Status::Forbidden),
            AppError::Internal(e) => {
                // The detail goes to the log; the user gets a plain apology page.
                tracing::error!(path = %req.uri().path(), error = %format!("{e:#}"), "request failed");
                Err(Status::InternalServerError)
            }
        }
    }
}
