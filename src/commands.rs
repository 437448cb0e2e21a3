//! Every command the club knows, in one serialisable enum: what the audit log records, what a
//! desk will send to the hub, and what `core::execute` runs.

use serde::{Deserialize, Serialize};

use crate::auth::commands::*;
use crate::bookings::commands::*;
use crate::cash::commands::*;
use crate::club::commands::*;
use crate::core::{self, CommandError, Ctx};
use crate::courts::commands::*;
use crate::members::commands::*;
use crate::passes::commands::*;
use crate::payments::commands::*;
use crate::payments::fees::WaiveFee;
use crate::prices::commands::*;
use crate::sms::commands::*;

/// Declares `AnyCommand` from (variant, kind) pairs; each variant wraps the struct of the same
/// name, which has `apply` and `summary`.
macro_rules! commands {
    ($($variant:ident => $kind:literal,)+) => {
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum AnyCommand {
            $($variant($variant),)+
        }

        impl AnyCommand {
            /// Every kind, for the audit filter.
            pub const KINDS: &[&str] = &[$($kind,)+];
        }

        impl core::Command for AnyCommand {
            fn kind(&self) -> &'static str {
                match self {
                    $(AnyCommand::$variant(_) => $kind,)+
                }
            }

            fn summary(&self) -> String {
                match self {
                    $(AnyCommand::$variant(c) => c.summary(),)+
                }
            }

            fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
                match self {
                    $(AnyCommand::$variant(c) => c.apply(ctx),)+
                }
            }
        }
    };
}

commands! {
    CreateStaffUser => "create_staff_user",
    ChangeStaffRole => "change_staff_role",
    SetStaffActive => "set_staff_active",
    SetStaffPassword => "set_staff_password",
    SetStaffLocale => "set_staff_locale",
    IssueApiToken => "issue_api_token",
    RevokeApiToken => "revoke_api_token",
    UpdateClubSettings => "update_club_settings",
    CreateCourt => "create_court",
    UpdateCourt => "update_court",
    SetOpeningHours => "set_opening_hours",
    SetBookingRules => "set_booking_rules",
    AddClosure => "add_closure",
    RemoveClosure => "remove_closure",
    CreateMember => "create_member",
    UpdateMember => "update_member",
    SetMemberArchived => "set_member_archived",
    DeleteMember => "delete_member",
    MergeMembers => "merge_members",
    LinkFamily => "link_family",
    UnlinkFamily => "unlink_family",
    CreateCategory => "create_category",
    UpdateCategory => "update_category",
    ImportMembers => "import_members",
    CreateBooking => "create_booking",
    UpdateBooking => "update_booking",
    CancelBooking => "cancel_booking",
    SetAttendance => "set_attendance",
    CreateSeries => "create_series",
    EditSeries => "edit_series",
    EndSeries => "end_series",
    SavePriceRule => "save_price_rule",
    SetMoneyPolicy => "set_money_policy",
    SetBookingPrice => "set_booking_price",
    TakePayment => "take_payment",
    RefundPayment => "refund_payment",
    AdjustBalance => "adjust_balance",
    SetCreditLimit => "set_credit_limit",
    OpenShift => "open_shift",
    MoveCash => "move_cash",
    CloseShift => "close_shift",
    WaiveFee => "waive_fee",
    SavePassProduct => "save_pass_product",
    SellPass => "sell_pass",
    FreezePass => "freeze_pass",
    UnfreezePass => "unfreeze_pass",
    UsePass => "use_pass",
    SaveSmsProvider => "save_sms_provider",
    ResumeSms => "resume_sms",
    SaveSmsSettings => "save_sms_settings",
    SetSmsOptOut => "set_sms_opt_out",
    SendSms => "send_sms",
    CreateCampaign => "create_campaign",
    CancelCampaign => "cancel_campaign",
    LeaseSms => "lease_sms",
    RecordSmsBatch => "record_sms_batch",
    RecoverSmsLeases => "recover_sms_leases",
    RecordSmsStatuses => "record_sms_statuses",
}

impl AnyCommand {
    /// Reads a recorded payload back (for the audit page's description).
    pub fn from_payload(payload: &str) -> Option<AnyCommand> {
        serde_json::from_str(payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Command;

    #[test]
    fn kinds_match_serde_tags() {
        let sample = AnyCommand::RevokeApiToken(RevokeApiToken { token_id: "t".into() });
        let json = serde_json::to_value(&sample).unwrap();
        assert_eq!(json["type"], sample.kind());
        for kind in AnyCommand::KINDS {
            assert!(crate::i18n::has(crate::i18n::Locale::En, &format!("kind-{kind}")), "no kind-{kind} message");
        }
    }
}
