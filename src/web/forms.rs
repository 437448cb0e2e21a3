//! Form plumbing: the CSRF check that guards every state-changing form, per-field errors for
//! re-rendering a form with the input kept, and the hidden command id that makes a double
//! submit harmless.

use std::borrow::Cow;

use askama::Template;
use rocket::Either;
use rocket::data::{Data, FromData, Outcome, ToByteUnit};
use rocket::form::{Form, FromForm};
use rocket::http::{RawStr, Status};
use rocket::request::Request;
use rocket::response::{Flash, Redirect};
use uuid::Uuid;

use super::guards;
use super::page::{Html, PageCtx, pre_session_csrf, render};
use crate::auth::tokens::same_secret;
use crate::core::{Rejection, Submission};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::text;

/// A form whose `csrf` field matched the session's token (or, before login, the visitor's
/// CSRF cookie). Anything else is refused with 403 before the form is even parsed. It comes
/// with its `Submission`: the command id its hidden `command_id` field names, and a fingerprint
/// of who sent what to which address, so a double submit is one command and a stale form sent
/// again with other values is refused rather than answered with the first result.
pub struct Csrf<T>(pub T, pub Submission);

#[derive(Debug)]
pub enum CsrfError {
    TooLarge,
    Io,
    Mismatch,
    Malformed(String),
}

#[rocket::async_trait]
impl<'r, T> FromData<'r> for Csrf<T>
where
    T: for<'a> FromForm<'a> + Send + 'static,
{
    type Error = CsrfError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> Outcome<'r, Self> {
        let limit = req.limits().get("form").unwrap_or(64.kibibytes());
        let body = match data.open(limit).into_string().await {
            Ok(s) if s.is_complete() => s.into_inner(),
            Ok(_) => return Outcome::Error((Status::PayloadTooLarge, CsrfError::TooLarge)),
            Err(_) => return Outcome::Error((Status::BadRequest, CsrfError::Io)),
        };
        let sent = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("csrf="))
            .map(|v| RawStr::new(v).url_decode_lossy().into_owned())
            .unwrap_or_default();
        // Portal forms carry the player's token, staff forms the staff session's: a browser
        // signed in as both is never confused.
        let on_portal = req.uri().path().starts_with("/p/");
        let expected = match (on_portal, guards::session(req).await, guards::player(req).await) {
            (false, Some(s), _) => s.csrf.clone(),
            (true, _, Some(p)) => p.csrf.clone(),
            _ => pre_session_csrf(req),
        };
        if sent.is_empty() || !same_secret(&sent, &expected) {
            // Debug only: anyone can send these, and the journal must not fill with them.
            tracing::debug!(path = %req.uri().path(), "form refused: missing or wrong CSRF token");
            return Outcome::Error((Status::Forbidden, CsrfError::Mismatch));
        }
        let submission = submission_of(req, &body).await;
        let body = cleaned(&body);
        match Form::<T>::parse_encoded(RawStr::new(&body)) {
            Ok(form) => Outcome::Success(Csrf(form, submission)),
            Err(errors) => Outcome::Error((Status::UnprocessableEntity, CsrfError::Malformed(errors.to_string()))),
        }
    }
}

/// The form body with unwanted characters (`text::clean`) taken out of every field; fields
/// without any are passed on exactly as sent.
fn cleaned(body: &str) -> Cow<'_, str> {
    let decode = |part: &str| RawStr::new(&part.replace('+', " ")).url_decode_lossy().into_owned();
    let mut changed = false;
    let pairs: Vec<Cow<'_, str>> = body
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decode(name), decode(value));
            if text::clean(&name) == name && text::clean(&value) == value {
                return Cow::Borrowed(pair);
            }
            changed = true;
            let encode = |s: &str| RawStr::new(&text::clean(s)).percent_encode().to_string();
            Cow::Owned(format!("{}={}", encode(&name), encode(&value)))
        })
        .collect();
    if changed { Cow::Owned(pairs.join("&")) } else { Cow::Borrowed(body) }
}

/// The submission a form body makes: its `command_id` (fresh if missing or garbled) and a
/// fingerprint of the user, the address and every field but the CSRF token.
async fn submission_of(req: &Request<'_>, body: &str) -> Submission {
    let field = |name: &str| {
        body.split('&')
            .find_map(|pair| pair.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .map(|v| RawStr::new(v).url_decode_lossy().into_owned())
    };
    let id = command_id(&field("command_id").unwrap_or_default());
    let user = match (req.uri().path().starts_with("/p/"), guards::player(req).await) {
        (true, Some(p)) => format!("player:{}", p.member_id),
        _ => guards::session(req).await.as_ref().map_or_else(String::new, |s| s.user.id.clone()),
    };
    let fields: Vec<&str> = body.split('&').filter(|pair| !pair.starts_with("csrf=")).collect();
    let uri = req.uri().to_string();
    Submission::new(
        id,
        &[user.as_bytes(), req.method().as_str().as_bytes(), uri.as_bytes(), fields.join("&").as_bytes()],
    )
}

/// What a form's handler answers: the page (again, with what was typed and why it was refused),
/// or a redirect with a flash message.
pub type Page = Result<Either<Html, Flash<Redirect>>, AppError>;

/// Goes to `to` with a flash message of `kind` ("success", "error" or "info").
pub fn go(to: impl Into<String>, kind: &str, message: impl Into<String>) -> Page {
    Ok(Either::Right(Flash::new(Redirect::to(to.into()), kind, message.into())))
}

/// Goes to `to` saying `message` was done.
pub fn done(to: impl Into<String>, message: impl Into<String>) -> Page {
    go(to, "success", message)
}

/// The form again (422), with what was typed and why it was refused.
pub fn again<T: Template>(page: &T) -> Page {
    Ok(Either::Left(render(Status::UnprocessableEntity, page)?))
}

/// Runs a form's command as its submission: `Ok` once applied, or the refusal in words next to
/// its field, for showing the form `again`.
pub async fn submit(
    app: &crate::App,
    ctx: &PageCtx,
    actor: crate::core::Actor,
    submission: &Submission,
    cmd: crate::commands::AnyCommand,
) -> Result<Result<(), FieldErrors>, AppError> {
    Ok(match app.submit(submission, actor, cmd).await?.outcome {
        crate::core::Outcome::Applied { .. } => Ok(()),
        crate::core::Outcome::Rejected(r) => Err(FieldErrors::of_rejection(ctx, &r)),
    })
}

/// `submit` for a command about the entity a page shows: refused with `not_found` (the entity
/// is gone), it is a 404; any other refusal is the reason for showing the page again.
pub async fn submit_on(
    app: &crate::App,
    ctx: &PageCtx,
    actor: crate::core::Actor,
    submission: &Submission,
    cmd: crate::commands::AnyCommand,
    not_found: &str,
) -> Result<Result<(), FieldErrors>, AppError> {
    match app.submit(submission, actor, cmd).await?.outcome {
        crate::core::Outcome::Applied { .. } => Ok(Ok(())),
        crate::core::Outcome::Rejected(r) if r.code == not_found => Err(AppError::NotFound),
        crate::core::Outcome::Rejected(r) => Ok(Err(FieldErrors::of_rejection(ctx, &r))),
    }
}

/// A form with nothing to read but what `Csrf` takes itself (the token and the command id).
pub struct NoFields;

#[rocket::async_trait]
impl<'v> FromForm<'v> for NoFields {
    type Context = ();

    fn init(_: rocket::form::Options) {}

    fn push_value(_: &mut (), _: rocket::form::ValueField<'v>) {}

    async fn push_data(_: &mut (), _: rocket::form::DataField<'v, '_>) {}

    fn finalize(_: ()) -> rocket::form::Result<'v, Self> {
        Ok(NoFields)
    }
}

/// Messages per form field, already translated.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, locale: Locale, field: &str, message_id: &str) {
        self.0.push((field.to_owned(), i18n::tr(locale, message_id)));
    }

    /// Mistakes a model found, as (field, message id) pairs.
    pub fn add_all(&mut self, locale: Locale, mistakes: Vec<(&str, &str)>) {
        for (field, message_id) in mistakes {
            self.add(locale, field, message_id);
        }
    }

    pub fn add_text(&mut self, field: &str, text: String) {
        self.0.push((field.to_owned(), text));
    }

    /// A refusal in words, next to its field, with amounts shown as money rather than minor units.
    pub fn of_rejection(ctx: &PageCtx, r: &Rejection) -> FieldErrors {
        let mut shown = r.clone();
        for (name, value) in &mut shown.args {
            if ["due", "balance", "left", "cash"].contains(&name.as_str())
                && let Ok(minor) = value.parse::<i64>()
            {
                *value = ctx.money(minor);
            }
        }
        let mut errors = FieldErrors::default();
        errors.rejection(ctx.locale, &shown);
        errors
    }

    /// A command's rejection, shown next to its field (or at the top of the form).
    pub fn rejection(&mut self, locale: Locale, r: &Rejection) {
        let field = r.field.clone().unwrap_or_else(|| "form".into());
        self.0.push((field, i18n::rejection_text(locale, r)));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The command id a form carried, or a fresh one if it was missing or garbled.
fn command_id(raw: &str) -> Uuid {
    Uuid::parse_str(raw.trim()).unwrap_or_else(|_| Uuid::now_v7())
}

/// Runs a form's command as its submission: `None` once applied, else why not.
pub async fn run(
    app: &crate::App,
    actor: crate::core::Actor,
    submission: &Submission,
    cmd: crate::commands::AnyCommand,
) -> Result<Option<Rejection>, AppError> {
    Ok(match app.submit(submission, actor, cmd).await?.outcome {
        crate::core::Outcome::Applied { .. } => None,
        crate::core::Outcome::Rejected(r) => Some(r),
    })
}

/// A fresh id for the next rendering of a form.
pub fn fresh_id() -> String {
    Uuid::now_v7().to_string()
}

/// Where to go after login or a language switch: a path on this site, with anything a URI
/// cannot hold (spaces, control characters, other scripts) percent-encoded; "/" otherwise.
pub fn safe_next(next: &str) -> String {
    if !next.starts_with('/') || next.starts_with("//") || next.starts_with("/\\") {
        return "/".into();
    }
    let mut out = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if rocket::http::uri::Origin::parse(&out).is_ok() { out } else { "/".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next("/staff?x=1"), "/staff?x=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/members?q=a b"), "/members?q=a%20b");
        assert_eq!(safe_next("/a\u{1}b"), "/a%01b");
        assert_eq!(safe_next("/members?q=Иван"), "/members?q=%D0%98%D0%B2%D0%B0%D0%BD");
    }

    #[test]
    fn unwanted_characters_leave_form_fields_and_nothing_else_changes() {
        assert!(matches!(cleaned("csrf=x&full_name=Anna+Smith"), Cow::Borrowed(_)));
        #[derive(FromForm)]
        struct Member {
            full_name: String,
            note: String,
        }
        let body = cleaned("csrf=x&full_name=Anna%00+Smith%E2%80%AE&note=a%2Bb%0A%01");
        let form = Form::<Member>::parse_encoded(RawStr::new(&body)).unwrap();
        assert_eq!(form.full_name, "Anna Smith");
        assert_eq!(form.note, "a+b\n");
    }
}
