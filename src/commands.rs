//! Every command the club knows, in one serialisable enum: what the audit log records, what a
//! desk will send to the hub, and what `core::execute` runs.

use serde::{Deserialize, Serialize};

use crate::auth::commands::*;
use crate::club::commands::*;
use crate::core::{self, CommandError, Ctx};

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
        assert_eq!(AnyCommand::KINDS.len(), 8);
    }
}
