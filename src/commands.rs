//! Every command the club knows, in one serialisable enum: what the audit log records, what a
//! desk will send to the hub, and what `core::execute` runs.

use serde::{Deserialize, Serialize};

use crate::auth::commands::*;
use crate::club::commands::*;
use crate::core::{self, CommandError, Ctx};
use crate::courts::commands::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnyCommand {
    CreateStaffUser(CreateStaffUser),
    ChangeStaffRole(ChangeStaffRole),
    SetStaffActive(SetStaffActive),
    SetStaffPassword(SetStaffPassword),
    SetStaffLocale(SetStaffLocale),
    IssueApiToken(IssueApiToken),
    RevokeApiToken(RevokeApiToken),
    UpdateClubSettings(UpdateClubSettings),
    CreateCourt(CreateCourt),
    UpdateCourt(UpdateCourt),
    SetOpeningHours(SetOpeningHours),
    SetBookingRules(SetBookingRules),
    AddClosure(AddClosure),
    RemoveClosure(RemoveClosure),
}

impl AnyCommand {
    /// Every kind, for the audit filter.
    pub const KINDS: &[&str] = &[
        "create_staff_user",
        "change_staff_role",
        "set_staff_active",
        "set_staff_password",
        "set_staff_locale",
        "issue_api_token",
        "revoke_api_token",
        "update_club_settings",
        "create_court",
        "update_court",
        "set_opening_hours",
        "set_booking_rules",
        "add_closure",
        "remove_closure",
    ];

    /// Reads a recorded payload back (for the audit page's description).
    pub fn from_payload(payload: &str) -> Option<AnyCommand> {
        serde_json::from_str(payload).ok()
    }
}

impl core::Command for AnyCommand {
    fn kind(&self) -> &'static str {
        match self {
            AnyCommand::CreateStaffUser(_) => "create_staff_user",
            AnyCommand::ChangeStaffRole(_) => "change_staff_role",
            AnyCommand::SetStaffActive(_) => "set_staff_active",
            AnyCommand::SetStaffPassword(_) => "set_staff_password",
            AnyCommand::SetStaffLocale(_) => "set_staff_locale",
            AnyCommand::IssueApiToken(_) => "issue_api_token",
            AnyCommand::RevokeApiToken(_) => "revoke_api_token",
            AnyCommand::UpdateClubSettings(_) => "update_club_settings",
            AnyCommand::CreateCourt(_) => "create_court",
            AnyCommand::UpdateCourt(_) => "update_court",
            AnyCommand::SetOpeningHours(_) => "set_opening_hours",
            AnyCommand::SetBookingRules(_) => "set_booking_rules",
            AnyCommand::AddClosure(_) => "add_closure",
            AnyCommand::RemoveClosure(_) => "remove_closure",
        }
    }

    fn summary(&self) -> String {
        match self {
            AnyCommand::CreateStaffUser(c) => c.summary(),
            AnyCommand::ChangeStaffRole(c) => c.summary(),
            AnyCommand::SetStaffActive(c) => c.summary(),
            AnyCommand::SetStaffPassword(c) => c.summary(),
            AnyCommand::SetStaffLocale(c) => c.summary(),
            AnyCommand::IssueApiToken(c) => c.summary(),
            AnyCommand::RevokeApiToken(c) => c.summary(),
            AnyCommand::UpdateClubSettings(c) => c.summary(),
            AnyCommand::CreateCourt(c) => c.summary(),
            AnyCommand::UpdateCourt(c) => c.summary(),
            AnyCommand::SetOpeningHours(c) => c.summary(),
            AnyCommand::SetBookingRules(c) => c.summary(),
            AnyCommand::AddClosure(c) => c.summary(),
            AnyCommand::RemoveClosure(c) => c.summary(),
        }
    }

    fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        match self {
            AnyCommand::CreateStaffUser(c) => c.apply(ctx),
            AnyCommand::ChangeStaffRole(c) => c.apply(ctx),
            AnyCommand::SetStaffActive(c) => c.apply(ctx),
            AnyCommand::SetStaffPassword(c) => c.apply(ctx),
            AnyCommand::SetStaffLocale(c) => c.apply(ctx),
            AnyCommand::IssueApiToken(c) => c.apply(ctx),
            AnyCommand::RevokeApiToken(c) => c.apply(ctx),
            AnyCommand::UpdateClubSettings(c) => c.apply(ctx),
            AnyCommand::CreateCourt(c) => c.apply(ctx),
            AnyCommand::UpdateCourt(c) => c.apply(ctx),
            AnyCommand::SetOpeningHours(c) => c.apply(ctx),
            AnyCommand::SetBookingRules(c) => c.apply(ctx),
            AnyCommand::AddClosure(c) => c.apply(ctx),
            AnyCommand::RemoveClosure(c) => c.apply(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Command;

    #[test]
    fn kinds_list_is_complete_and_matches_serde_tags() {
        let sample = AnyCommand::RevokeApiToken(RevokeApiToken { token_id: "t".into() });
        let json = serde_json::to_value(&sample).unwrap();
        assert_eq!(json["type"], sample.kind());
        assert!(AnyCommand::KINDS.contains(&sample.kind()));
        assert_eq!(AnyCommand::KINDS.len(), 14);
    }
}
