//! `JsonBody<T>`: a JSON request body read as a JSON object, with a digest of its content for
//! idempotency. A body that is not JSON, not an object or does not fit `T` is refused with 422
//! and the reason (the catcher puts it in the problem's detail); other content types get 415.
//! `Write<R, T>`: everything an API write is made of, the caller, its key and its body.

use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::http::Status;
use rocket::request::Request;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::idempotency::IdempotencyKey;
use crate::text;
use crate::web::errors::Refusal;
use crate::web::guards::{Api, Rung};

pub struct JsonBody<T> {
    pub value: T,
    /// SHA-256 of the body's canonical form (keys sorted, no spacing): equal for equal content.
    pub digest: Vec<u8>,
}

fn refuse<'r, T: DeserializeOwned>(req: &'r Request<'_>, status: Status, why: String) -> Outcome<'r, JsonBody<T>> {
    req.local_cache(|| Refusal(Some(why)));
    Outcome::Error((status, ()))
}

/// Every string in `value`, keys included, without unwanted characters (`text::clean`).
fn cleaned(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(text::clean(&s).into_owned()),
        Value::Array(items) => Value::Array(items.into_iter().map(cleaned).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (text::clean(&k).into_owned(), cleaned(v))).collect())
        }
        other => other,
    }
}

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for JsonBody<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        let limit = req.limits().get("json").unwrap_or(1.mebibytes());
        let bytes = match data.open(limit).into_bytes().await {
            Ok(b) if b.is_complete() => b.into_inner(),
            Ok(_) => return refuse(req, Status::PayloadTooLarge, format!("The body is larger than {limit}.")),
            Err(e) => return refuse(req, Status::BadRequest, format!("The body could not be read: {e}.")),
        };
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => return refuse(req, Status::UnprocessableEntity, format!("The body is not valid JSON: {e}.")),
        };
        let value = cleaned(value);
        if !value.is_object() {
            return refuse(req, Status::UnprocessableEntity, "The body must be a JSON object ({...}).".into());
        }
        let digest = Sha256::digest(value.to_string().as_bytes()).to_vec();
        match serde_json::from_value(value) {
            Ok(value) => Outcome::Success(JsonBody { value, digest }),
            Err(e) => refuse(req, Status::UnprocessableEntity, format!("The body does not fit this request: {e}.")),
        }
    }
}

/// An API write: a caller with role `R` at least, its idempotency key and a `T` body. The caller
/// is checked before the body is read, as with the guards alone.
pub struct Write<R, T> {
    pub user: Api<R>,
    pub key: IdempotencyKey,
    pub input: T,
    pub digest: Vec<u8>,
}

#[rocket::async_trait]
impl<'r, R: Rung, T: DeserializeOwned> FromData<'r> for Write<R, T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        let user = match req.guard::<Api<R>>().await {
            rocket::request::Outcome::Success(user) => user,
            rocket::request::Outcome::Error((status, ())) => return Outcome::Error((status, ())),
            rocket::request::Outcome::Forward(status) => return Outcome::Forward((data, status)),
        };
        let rocket::request::Outcome::Success(key) = req.guard::<IdempotencyKey>().await else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        JsonBody::<T>::from_data(req, data).await.map(|body| Write {
            user,
            key,
            input: body.value,
            digest: body.digest,
        })
    }
}
