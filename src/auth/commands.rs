//! Commands that change staff accounts and API tokens.

use serde::{Deserialize, Serialize};

use super::model::{Username, can_manage, parse_display_name};
use super::store::{self, StaffUser};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};
use crate::i18n::Locale;

fn target(ctx: &Ctx<'_>, user_id: &str) -> Result<StaffUser, CommandError> {
    Ok(store::user_by_id(ctx.tx, user_id)?.ok_or_else(|| Rejection::new("user-not-found"))?)
}

/// Refuses unless the actor may manage an account holding `role`.
fn may_manage(actor: &Actor, role: Role) -> Result<(), Rejection> {
    require(actor, Role::Manager)?;
    match actor.role() {
        Some(mine) if can_manage(mine, role) => Ok(()),
        _ => Err(Rejection::new("role-not-allowed").arg("role", role.as_str())),
    }
}

fn not_self(actor: &Actor, user_id: &str) -> Result<(), Rejection> {
    if actor.user_id() == Some(user_id) { Err(Rejection::new("not-on-yourself")) } else { Ok(()) }
}

/// The club must always keep one active owner who can log in.
fn keeps_an_owner(ctx: &Ctx<'_>, user: &StaffUser) -> Result<(), CommandError> {
    if user.role == Role::Owner && user.active && store::active_owner_count(ctx.tx)? <= 1 {
        return Err(Rejection::new("last-owner").into());
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateStaffUser {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Option<Locale>,
    pub password_hash: String,
    pub must_change_password: bool,
}

impl CreateStaffUser {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        match ctx.actor {
            // The setup page may only create the very first account, and it must be the owner.
            Actor::Setup => {
                if store::user_count(ctx.tx)? > 0 {
                    return Err(Rejection::new("setup-done").into());
                }
                if self.role != Role::Owner {
                    return Err(Rejection::new("role-not-allowed").arg("role", self.role.as_str()).into());
                }
            }
            actor => may_manage(actor, self.role)?,
        }
        let username = Username::parse(&self.username).map_err(|code| Rejection::new(code).on("username"))?;
        let display_name =
            parse_display_name(&self.display_name).map_err(|code| Rejection::new(code).on("display_name"))?;
        if let Some(existing) = store::user_by_username(ctx.tx, username.as_str())? {
            return Err(Rejection::new("username-taken").on("username").arg("username", existing.username).into());
        }
        let user = StaffUser {
            id: self.user_id.clone(),
            username: username.as_str().to_owned(),
            display_name,
            role: self.role,
            locale: self.locale,
            password_hash: self.password_hash.clone(),
            must_change_password: self.must_change_password,
            active: true,
            created_at: ctx.now,
        };
        store::insert_user(ctx.tx, &user, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ({}, {})", self.username, self.display_name, self.role.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeStaffRole {
    pub user_id: String,
    pub role: Role,
}

impl ChangeStaffRole {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let user = target(ctx, &self.user_id)?;
        not_self(ctx.actor, &user.id)?;
        may_manage(ctx.actor, user.role)?;
        may_manage(ctx.actor, self.role)?;
        if user.role == self.role {
            return Ok(());
        }
        keeps_an_owner(ctx, &user)?;
        store::set_role(ctx.tx, &user.id, self.role, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} → {}", self.user_id, self.role.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetStaffActive {
    pub user_id: String,
    pub active: bool,
}

impl SetStaffActive {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let user = target(ctx, &self.user_id)?;
        not_self(ctx.actor, &user.id)?;
        may_manage(ctx.actor, user.role)?;
        if user.active == self.active {
            return Ok(());
        }
        if !self.active {
            keeps_an_owner(ctx, &user)?;
            // A disabled account is logged out everywhere at once, and its tokens end for good.
            store::delete_sessions_of(ctx.tx, &user.id)?;
            store::revoke_tokens_of(ctx.tx, &user.id, ctx.now)?;
        }
        store::set_active(ctx.tx, &user.id, self.active, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} active={}", self.user_id, self.active)
    }
}

/// A new password: chosen by the user (after proving the old one at the edge) or set by a
/// manager, in which case the user must change it at next login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetStaffPassword {
    pub user_id: String,
    pub password_hash: String,
}

impl SetStaffPassword {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let user = target(ctx, &self.user_id)?;
        let own = ctx.actor.user_id() == Some(user.id.as_str());
        if !own {
            may_manage(ctx.actor, user.role)?;
        }
        store::set_password(ctx.tx, &user.id, &self.password_hash, !own, ctx.now)?;
        // Every session and API token of the account ends; the web layer opens a fresh session
        // for the user's own change.
        store::delete_sessions_of(ctx.tx, &user.id)?;
        store::revoke_tokens_of(ctx.tx, &user.id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.user_id.clone()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetStaffLocale {
    pub user_id: String,
    pub locale: Option<Locale>,
}

impl SetStaffLocale {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let user = target(ctx, &self.user_id)?;
        if ctx.actor.user_id() != Some(user.id.as_str()) {
            may_manage(ctx.actor, user.role)?;
        }
        store::set_locale(ctx.tx, &user.id, self.locale, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} → {}", self.user_id, self.locale.map_or("club default", Locale::as_str))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueApiToken {
    pub token_id: String,
    pub user_id: String,
    pub name: String,
    /// SHA-256 of the secret; the secret itself is shown once and never stored.
    pub token_hash: String,
}

impl IssueApiToken {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let user = target(ctx, &self.user_id)?;
        if ctx.actor.user_id() != Some(user.id.as_str()) {
            may_manage(ctx.actor, user.role)?;
        }
        if !user.active {
            return Err(Rejection::new("user-disabled").on("user_id").into());
        }
        if user.must_change_password {
            return Err(Rejection::new("token-password-change-first").on("name").into());
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Rejection::new("token-name-invalid").on("name").into());
        }
        store::insert_token(
            ctx.tx,
            &self.token_id,
            &user.id,
            name,
            &self.token_hash,
            &ctx.actor.display_name(),
            ctx.now,
        )?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} for {}", self.name, self.user_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevokeApiToken {
    pub token_id: String,
}

impl RevokeApiToken {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let token = store::token_by_id(ctx.tx, &self.token_id)?.ok_or_else(|| Rejection::new("token-not-found"))?;
        let owner = target(ctx, &token.user_id)?;
        if ctx.actor.user_id() != Some(owner.id.as_str()) {
            may_manage(ctx.actor, owner.role)?;
        }
        store::revoke_token(ctx.tx, &self.token_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.token_id.clone()
    }
}
