//! Commands that change courts (reception and up: setting up courts is desk work) and the
//! club's schedule (managers and the owner: hours, rules and closures are club policy).

use serde::{Deserialize, Serialize};

use super::model::{BookingRules, Closure, CourtDraft, Hours, Problems, WEEKDAYS, Week};
use super::store;
use crate::core::{CommandError, Ctx, Rejection, Role, require};

fn first_problem(problems: Problems) -> CommandError {
    let (field, code) = problems[0];
    Rejection::new(code).on(field).into()
}

fn name_free(ctx: &Ctx<'_>, name: &str, except: Option<&str>) -> Result<(), CommandError> {
    match store::court_by_name(ctx.tx, name)? {
        Some(other) if Some(other.id.as_str()) != except => {
            Err(Rejection::new("court-name-taken").on("name").arg("name", other.draft.name).into())
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateCourt {
    pub court_id: String,
    pub court: CourtDraft,
}

impl CreateCourt {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let draft = self.court.clone().tidy();
        draft.validate().map_err(first_problem)?;
        name_free(ctx, &draft.name, None)?;
        crate::core::id_is_new(store::court(ctx.tx, &self.court_id)?)?;
        store::insert_court(ctx.tx, &self.court_id, &draft, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ({})", self.court.name, self.court.surface.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateCourt {
    pub court_id: String,
    pub court: CourtDraft,
}

impl UpdateCourt {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let current = store::court(ctx.tx, &self.court_id)?.ok_or_else(|| Rejection::new("court-not-found"))?;
        let draft = self.court.clone().tidy();
        draft.validate().map_err(first_problem)?;
        name_free(ctx, &draft.name, Some(&current.id))?;
        if draft != current.draft {
            store::update_court(ctx.tx, &current.id, &draft, ctx.now)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!(
            "{} ({}{})",
            self.court.name,
            self.court.surface.as_str(),
            if self.court.active { "" } else { ", inactive" }
        )
    }
}

/// The week's opening hours, Monday first; `None` closes that weekday.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetOpeningHours {
    pub week: Week,
    /// Ids for weekday rows created by this command (Monday first).
    pub new_ids: [String; 7],
}

impl SetOpeningHours {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let step = store::rules(ctx.tx)?.slot_minutes;
        for (i, day) in self.week.0.iter().enumerate() {
            if day.is_some_and(|h| !h.is_aligned(step)) {
                let field = WEEKDAYS[i].to_monday_one_offset().to_string();
                return Err(Rejection::new("hours-not-aligned").on(&format!("day{field}")).arg("step", step).into());
            }
        }
        for (i, day) in self.week.0.iter().enumerate() {
            store::set_day(ctx.tx, i as i64 + 1, *day, &self.new_ids[i])?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let day = |h: &Option<Hours>| h.map_or_else(|| "closed".to_owned(), |h| format!("{}-{}", h.opens, h.closes));
        self.week.0.iter().map(day).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetBookingRules {
    pub rules: BookingRules,
    pub new_id: String,
}

impl SetBookingRules {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        self.rules.validate().map_err(first_problem)?;
        // A coarser step must still fit the opening hours already set.
        let step = self.rules.slot_minutes;
        if store::week(ctx.tx)?.0.iter().flatten().any(|h| !h.is_aligned(step)) {
            return Err(Rejection::new("rules-step-misfits-hours").on("slot_minutes").arg("step", step).into());
        }
        store::set_rules(ctx.tx, &self.rules, &self.new_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let r = self.rules;
        format!("step {} min, {}-{} min", r.slot_minutes, r.min_minutes, r.max_minutes)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddClosure {
    pub closure: Closure,
}

impl AddClosure {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let step = store::rules(ctx.tx)?.slot_minutes;
        let mut closure = self.closure.clone();
        closure.reason = closure.reason.trim().to_owned();
        closure.validate(step).map_err(first_problem)?;
        if let Some(court) = &closure.court_id {
            store::court(ctx.tx, court)?.ok_or_else(|| Rejection::new("court-not-found").on("court_id"))?;
        }
        store::insert_closure(ctx.tx, &closure, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let c = &self.closure;
        let hours = c.hours.map_or_else(|| "closed".to_owned(), |h| format!("{}-{}", h.opens, h.closes));
        format!("{}..{} {hours} {}", c.first_day, c.last_day, c.reason)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoveClosure {
    pub closure_id: String,
}

impl RemoveClosure {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if store::delete_closure(ctx.tx, &self.closure_id)? == 0 {
            return Err(Rejection::new("closure-not-found").into());
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.closure_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, court_draft, id};

    #[test]
    fn a_court_name_is_used_once_and_a_court_id_never_twice() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let twin = db.refused(AnyCommand::CreateCourt(CreateCourt { court_id: id(), court: court_draft("court 1") }));
        assert_eq!((twin.code.as_str(), twin.field.as_deref()), ("court-name-taken", Some("name")));
        let reused =
            db.refused(AnyCommand::CreateCourt(CreateCourt { court_id: court, court: court_draft("Court 2") }));
        assert_eq!(reused.code, "id-taken");
    }
}
