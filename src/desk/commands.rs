//! Commands of the hub's desk list: a pairing code made by a manager, a desk paired with it,
//! revoked, or seen on its link. All hub-only; they touch tables only the hub keeps.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::store::registry;
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};

/// A one-time code that pairs one desk before `expires_at`; only its secret part's hash is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateDeskCode {
    pub code_id: String,
    pub code_hash: String,
    pub expires_at: Timestamp,
}

impl CreateDeskCode {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        crate::core::id_is_new(registry::open_code(ctx.tx, &self.code_hash)?)?;
        registry::insert_code(
            ctx.tx,
            &self.code_id,
            &self.code_hash,
            self.expires_at,
            &ctx.actor.display_name(),
            ctx.now,
        )?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("code {} until {}", self.code_id, self.expires_at)
    }
}

/// A desk that showed a valid code is paired under a new id with its secret's hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PairDesk {
    pub desk_id: String,
    pub name: String,
    pub code_hash: String,
    pub secret_hash: String,
}

impl PairDesk {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        if *ctx.actor != Actor::System {
            return Err(Rejection::new("not-allowed").into());
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(Rejection::new("desk-name-invalid").on("name").into());
        }
        let Some((code_id, expires_at)) = registry::open_code(ctx.tx, &self.code_hash)? else {
            return Err(Rejection::new("desk-code-invalid").on("code").into());
        };
        if expires_at <= ctx.now {
            return Err(Rejection::new("desk-code-invalid").on("code").into());
        }
        if registry::desk_name_taken(ctx.tx, name)? {
            return Err(Rejection::new("desk-name-taken").on("name").arg("name", name).into());
        }
        crate::core::id_is_new(registry::desk_by_id(ctx.tx, &self.desk_id)?)?;
        registry::insert_desk(ctx.tx, &self.desk_id, name, &self.secret_hash, &code_id, ctx.now)?;
        registry::use_code(ctx.tx, &code_id, &self.desk_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ({})", self.name, self.desk_id)
    }
}

/// A desk that may no longer connect (a stolen or retired PC). Its journal stays where it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevokeDesk {
    pub desk_id: String,
}

impl RevokeDesk {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        registry::desk_by_id(ctx.tx, &self.desk_id)?.ok_or_else(|| Rejection::new("desk-not-found"))?;
        if registry::revoke_desk(ctx.tx, &self.desk_id, &ctx.actor.display_name(), ctx.now)? == 0 {
            return Err(Rejection::new("desk-already-revoked").into());
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.desk_id.clone()
    }
}

/// A desk connected, running `app_version`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeeDesk {
    pub desk_id: String,
    pub app_version: String,
}

impl SeeDesk {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        if *ctx.actor != Actor::System {
            return Err(Rejection::new("not-allowed").into());
        }
        registry::desk_seen(ctx.tx, &self.desk_id, &self.app_version, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}", self.desk_id, self.app_version)
    }
}
