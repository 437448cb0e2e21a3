//! `AppError`: what a handler can fail with. `web::errors` turns it into a status, and the
//! catchers turn that into an HTML error page or, under /api, application/problem+json.

use crate::auth::gate::Busy;

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

impl From<Busy> for AppError {
    fn from(e: Busy) -> Self {
        AppError::Internal(e.into())
    }
}
