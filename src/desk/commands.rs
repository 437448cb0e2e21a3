//! Commands of the hub's desk list: a pairing code made by a manager, a desk paired with it,
//! revoked, or seen on its link; all hub-only, on tables only the hub keeps. And the one a desk
//! sends too: a conflict dealt with.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::store::{registry, resolutions};
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

/// A desk connected, running `app_version`, with the hub's log applied up to `applied`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeeDesk {
    pub desk_id: String,
    pub app_version: String,
    /// Missing in the records of versions that did not say.
    #[serde(default)]
    pub applied: i64,
}

impl SeeDesk {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        if *ctx.actor != Actor::System {
            return Err(Rejection::new("not-allowed").into());
        }
        registry::desk_seen(ctx.tx, &self.desk_id, &self.app_version, self.applied, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}", self.desk_id, self.app_version)
    }
}

/// Staff dealt with a desk's command the hub refused (`command_id`): booked it elsewhere, left
/// it, or put it right by hand. Done on the desk or on the hub, whichever comes first counts; a
/// second is a no-op, so a desk that resolved it offline never gets a conflict about a conflict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResolveConflict {
    pub command_id: String,
    pub resolution: String,
}

impl ResolveConflict {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        if resolutions::resolution(ctx.tx, &self.command_id)?.is_some() {
            return Ok(());
        }
        // A desk knows its refused commands from its journal, not from this database; the hub
        // checks that it did refuse one from a desk.
        if ctx.on_hub() {
            let refused = crate::core::command_record(ctx.tx, &self.command_id)?
                .is_some_and(|r| !r.is_applied() && r.origin.starts_with("desk:"));
            if !refused {
                return Err(Rejection::new("conflict-not-found").into());
            }
        }
        let resolution: String = self.resolution.trim().chars().take(200).collect();
        resolutions::insert(ctx.tx, &self.command_id, &resolution, &ctx.actor.display_name(), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.command_id, self.resolution)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::{Envelope, Origin, Outcome};
    use crate::testing::{TestDb, booking, id, reception, slot};

    fn resolve(command_id: &str, how: &str) -> AnyCommand {
        AnyCommand::ResolveConflict(ResolveConflict { command_id: command_id.into(), resolution: how.into() })
    }

    /// Desk 1 books `court` at `start` on the 20th; the command's id and outcome.
    fn book_from_desk(db: &mut TestDb, court: &str, member: &str, start: &str) -> (String, Outcome) {
        let cmd = AnyCommand::CreateBooking(booking(court, member, slot("2026-12-20", start, 60)));
        let mut env = Envelope::new(reception(), cmd, db.now);
        env.origin = Origin::Desk("desk-1".into());
        let outcome = crate::core::execute(&mut db.conn, &env, db.now).unwrap().outcome;
        (env.id.to_string(), outcome)
    }

    /// A refusal from a desk is resolved once, whoever tries again; nothing else can be resolved.
    #[test]
    fn a_desks_refusal_is_resolved_once_and_only_a_refusal_is() {
        let mut db = TestDb::new();
        let (court, member) = (db.court("Court 1"), db.member("Anna Smith", "+79161234567"));
        db.book(&court, &member, slot("2026-12-20", "12:00", 60)).unwrap();
        let (lost, outcome) = book_from_desk(&mut db, &court, &member, "12:00");
        assert!(matches!(outcome, Outcome::Rejected(_)));
        assert_eq!(resolutions::open_refusal_count(&db.conn).unwrap(), 1);

        db.applied_as(&reception(), resolve(&lost, "left it"));
        db.applied_as(&reception(), resolve(&lost, "booked it elsewhere"));
        let (how, ..) = resolutions::resolution(&db.conn, &lost).unwrap().unwrap();
        assert_eq!(how, "left it", "a second resolution changes nothing");
        assert_eq!(resolutions::open_refusal_count(&db.conn).unwrap(), 0);

        let (kept, outcome) = book_from_desk(&mut db, &court, &member, "14:00");
        assert!(matches!(outcome, Outcome::Applied { .. }));
        assert_eq!(
            db.refused(resolve(&kept, "left it")).code,
            "conflict-not-found",
            "an applied command is no conflict"
        );
        assert_eq!(db.refused(resolve(&id(), "left it")).code, "conflict-not-found");
    }
}
