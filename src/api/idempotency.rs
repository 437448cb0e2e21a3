//! `Idempotency-Key`: a retried POST carries the same key and gets the first result. The key
//! becomes the command id (a UUID as is; any other text is hashed with the caller's id).

use rocket::request::{FromRequest, Outcome, Request};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub struct IdempotencyKey(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IdempotencyKey {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(IdempotencyKey(req.headers().get_one("Idempotency-Key").map(|k| k.trim().to_owned())))
    }
}

impl IdempotencyKey {
    /// The command id for this request by `user_id`: from the key, or fresh without one.
    pub fn command_id(&self, user_id: &str) -> Uuid {
        match self.0.as_deref().filter(|k| !k.is_empty()) {
            None => Uuid::now_v7(),
            Some(k) => Uuid::parse_str(k).unwrap_or_else(|_| {
                let digest = Sha256::digest(format!("{user_id}\n{k}").as_bytes());
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(&digest[..16]);
                uuid::Builder::from_custom_bytes(bytes).into_uuid()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_gives_the_same_id_per_user() {
        let k = IdempotencyKey(Some("order-17".into()));
        assert_eq!(k.command_id("u1"), k.command_id("u1"));
        assert_ne!(k.command_id("u1"), k.command_id("u2"));
        let uuid = "01938a3e-0000-7000-8000-000000000001";
        assert_eq!(IdempotencyKey(Some(uuid.into())).command_id("u1").to_string(), uuid);
        assert_ne!(IdempotencyKey(None).command_id("u1"), IdempotencyKey(None).command_id("u1"));
    }
}
