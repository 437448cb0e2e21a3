//! `Idempotency-Key`: a retried request carries the same key and gets the first result. A key
//! belongs to its caller and route: the command id is derived from (caller, method, route, key),
//! so two callers or two endpoints never share one. Sent again with another body or to another
//! resource (another booking's cancel, say), it is refused with 422 `idempotency-key-reused`.

use rocket::request::{FromRequest, Outcome, Request};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::core::Submission;

pub struct IdempotencyKey {
    key: Option<String>,
    /// Method and route template, e.g. `POST /api/v1/bookings/<id>/cancel`.
    route: String,
    /// Method, path and query of this request.
    target: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IdempotencyKey {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let key = req.headers().get_one("Idempotency-Key").map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        let template = req.route().map_or_else(String::new, |r| r.uri.path().to_owned());
        Outcome::Success(IdempotencyKey {
            key,
            route: format!("{} {template}", req.method()),
            target: format!("{} {}", req.method(), req.uri()),
        })
    }
}

impl IdempotencyKey {
    /// The key from the body's `command_id` field, for requests that send none in the header.
    pub fn or_body(mut self, command_id: &Option<String>) -> Self {
        if self.key.is_none() {
            self.key = command_id.as_deref().map(str::trim).filter(|k| !k.is_empty()).map(str::to_owned);
        }
        self
    }

    /// The submission this request makes for `caller` with a body of `digest` (empty without one):
    /// a fresh command id without a key.
    pub fn submission(&self, caller: &str, digest: &[u8]) -> Submission {
        let id = match &self.key {
            None => Uuid::now_v7(),
            Some(k) => {
                let digest = Sha256::digest(format!("{caller}\n{}\n{k}", self.route).as_bytes());
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(&digest[..16]);
                uuid::Builder::from_custom_bytes(bytes).into_uuid()
            }
        };
        Submission::new(id, &[caller.as_bytes(), self.target.as_bytes(), digest])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: Option<&str>, route: &str, target: &str) -> IdempotencyKey {
        IdempotencyKey { key: k.map(str::to_owned), route: route.into(), target: target.into() }
    }

    #[test]
    fn a_key_belongs_to_its_caller_and_route() {
        let post = key(Some("order-17"), "POST /api/v1/bookings", "POST /api/v1/bookings");
        assert_eq!(post.submission("u1", b"a"), post.submission("u1", b"a"), "a retry is the same submission");
        assert_ne!(post.submission("u1", b"a").id, post.submission("u2", b"a").id, "callers do not share keys");
        let other = key(Some("order-17"), "POST /api/v1/courts", "POST /api/v1/courts");
        assert_ne!(post.submission("u1", b"a").id, other.submission("u1", b"a").id, "nor do routes");
        let changed = post.submission("u1", b"b");
        assert_eq!(changed.id, post.submission("u1", b"a").id);
        assert_ne!(changed.fingerprint, post.submission("u1", b"a").fingerprint, "another body is told apart");
        let none = key(None, "POST /api/v1/bookings", "POST /api/v1/bookings");
        assert_ne!(none.submission("u1", b"a").id, none.submission("u1", b"a").id, "no key, no repeat");
    }
}
