//! The portal's commands: the club's switches, a visitor asking for a sign-in code, and a try
//! of a code (which signs the player in when it is right).

use serde::{Deserialize, Serialize};

use super::model::{
    ASK_WINDOW, CODE_LIFETIME, CODES_KEPT, CODES_PER_ADDRESS, CODES_PER_PHONE, CODES_PER_WINDOW, CodeState,
    PortalSettings,
};
use super::store::{self, NewCode};
use crate::auth::tokens::{hash_secret, same_secret};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};
use crate::i18n::Locale;
use crate::sms::model::Kind;
use crate::sms::store::NewMessage;

/// Only someone on the portal asks for and tries codes (not staff, not a desk).
fn require_visitor(actor: &Actor) -> Result<(), Rejection> {
    if matches!(actor, Actor::Visitor) { Ok(()) } else { Err(Rejection::new("not-allowed")) }
}

/// A code's hash, tied to its request so equal codes of two requests differ.
pub fn code_hash(request_id: &str, code: &str) -> String {
    hash_secret(&format!("{request_id}/{code}"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavePortalSettings {
    pub settings: PortalSettings,
    pub new_id: String,
}

impl SavePortalSettings {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        store::put_settings(ctx.tx, &self.settings, &self.new_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let s = &self.settings;
        let on = |b: bool| if b { "on" } else { "off" };
        format!("portal {}, booking {}, cancelling {}", on(s.enabled), on(s.booking), on(s.cancelling))
    }
}

/// A visitor asks for a sign-in code for `phone`. A code is made whoever's number it is, and
/// sent only to a member's: the visitor sees the same either way.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestPortalCode {
    pub request_id: String,
    /// As typed.
    pub phone: String,
    pub ip: String,
    pub code: String,
    pub locale: Locale,
}

impl RequestPortalCode {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_visitor(ctx.actor)?;
        if !store::settings(ctx.tx)?.enabled {
            return Err(Rejection::new("portal-closed").into());
        }
        crate::core::id_is_new(store::code(ctx.tx, &self.request_id)?)?;
        let (_, club) = crate::club::store::settings(ctx.tx)?.ok_or_else(|| Rejection::new("portal-closed"))?;
        let phone = crate::members::model::normalize_phone(&self.phone, &club.phone_region)
            .map_err(|code| Rejection::new(code).on("phone"))?
            .ok_or_else(|| Rejection::new("sms-phone-required").on("phone"))?;
        store::forget_codes_before(ctx.tx, ctx.now - CODES_KEPT)?;
        let (for_phone, from_ip, all) = store::codes_since(ctx.tx, &phone, &self.ip, ctx.now - ASK_WINDOW)?;
        if for_phone >= CODES_PER_PHONE || from_ip >= CODES_PER_ADDRESS || all >= CODES_PER_WINDOW {
            return Err(Rejection::new("portal-code-too-many").arg("minutes", ASK_WINDOW.as_mins()).into());
        }
        let member = crate::members::store::active_by_phone(ctx.tx, &phone)?;
        let expires_at = ctx.now + CODE_LIFETIME;
        let code = NewCode {
            id: &self.request_id,
            phone: &phone,
            ip: &self.ip,
            member_id: member.as_ref().map(|m| m.id.as_str()),
            code_hash: &code_hash(&self.request_id, &self.code),
            expires_at,
        };
        store::insert_code(ctx.tx, &code, ctx.now)?;
        if let Some(m) = member {
            let args = [("club", club.name.as_str()), ("code", self.code.as_str())];
            let body = crate::i18n::tr_args(self.locale, "portal-code-sms", &args);
            let message = NewMessage {
                id: &self.request_id,
                member_id: Some(&m.id),
                phone: &phone,
                body: &body,
                segments: crate::sms::model::segments(&body).parts as i64,
                kind: Kind::Code,
                campaign_id: None,
                booking_id: None,
                not_before: ctx.now,
                deadline: Some(expires_at),
            };
            crate::sms::store::insert_message(ctx.tx, &message, ctx.now)?;
        }
        Ok(())
    }

    /// Never the code: the audit log is read by staff.
    pub fn summary(&self) -> String {
        format!("sign-in code for {}", self.phone)
    }
}

/// A visitor types the code of request `request_id`. Always recorded: a wrong code counts a
/// try; the right one, while the code is open and the number is a member's, starts the session
/// `token_hash`. The page then reads which it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TryPortalCode {
    pub request_id: String,
    pub code: String,
    pub token_hash: String,
}

impl TryPortalCode {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_visitor(ctx.actor)?;
        let Some(stored) = store::code(ctx.tx, &self.request_id)? else {
            return Err(Rejection::new("portal-code-closed").into());
        };
        if !matches!(stored.row.state(ctx.now), CodeState::Open { .. }) {
            return Err(Rejection::new("portal-code-closed").into());
        }
        let right = same_secret(&stored.code_hash, &code_hash(&self.request_id, &self.code));
        match stored.member_id.as_deref() {
            Some(member) if right => {
                store::mark_used(ctx.tx, &self.request_id, ctx.now)?;
                store::insert_session(ctx.tx, &self.token_hash, member, ctx.now)?;
            }
            _ => store::add_try(ctx.tx, &self.request_id)?,
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        "sign-in code tried".to_owned()
    }
}
