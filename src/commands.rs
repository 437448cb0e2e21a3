//! Every command the club knows, in one serialisable enum: what the audit log records, what a
//! desk will send to the hub, and what `core::execute` runs.

use serde::{Deserialize, Serialize};

use crate::auth::commands::*;
use crate::bookings::commands::*;
use crate::cash::commands::*;
use crate::club::commands::*;
use crate::coaching::commands::{ApprovePay, SaveCoach, WithdrawPayApproval};
use crate::core::{self, CommandError, Ctx};
use crate::courts::commands::*;
use crate::desk::commands::*;
use crate::groups::commands::{
    AddGroupSession, CancelGroupSession, CreateGroup, EnrolMember, LeaveGroup, MoveMember, UpdateGroup,
};
use crate::groups::journal::MarkGroupVisits;
use crate::limits::commands::SetCategoryLimits;
use crate::members::commands::*;
use crate::passes::commands::*;
use crate::payments::commands::*;
use crate::payments::fees::WaiveFee;
use crate::portal::commands::{
    BookAsPlayer, NewCalendarFeed, OpenPlayerSession, RequestPortalCode, SavePortalSettings, SetPlayerPassword,
    SetPortalLogo, TryPortalCode,
};
use crate::prices::commands::*;
use crate::sms::commands::*;
use crate::waitlist::commands::{JoinWaitlist, LapseWaitlistOffers, LeaveWaitlist};

/// How a command from a desk is decided (docs/sync-protocol.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Something that happened at the desk (money received or given back, a check-in, a
    /// no-show, a pass used): always accepted, compensated rather than refused.
    Fact,
    /// A claim on something others may claim too (a slot, a member's record): decided by the
    /// hub in the order commands arrive, and possibly refused.
    Claim,
    /// Rules and settings (prices, policies, staff, club settings, SMS, tokens, imports): made
    /// on the hub only; a desk refuses them while it cannot reach the hub.
    HubOnly,
}

/// Declares `AnyCommand` from (variant, kind, class) triples; each variant wraps the struct of
/// the same name, which has `apply` and `summary`.
macro_rules! commands {
    ($($variant:ident => $kind:literal ($class:ident),)+) => {
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum AnyCommand {
            $($variant($variant),)+
        }

        impl AnyCommand {
            /// Every kind, for the audit filter.
            pub const KINDS: &[&str] = &[$($kind,)+];

            /// How the hub treats this command when a desk sends it.
            pub fn class(&self) -> Class {
                match self {
                    $(AnyCommand::$variant(_) => Class::$class,)+
                }
            }

            /// The class of a kind by name; None for a kind this version does not know.
            pub fn class_of(kind: &str) -> Option<Class> {
                match kind {
                    $($kind => Some(Class::$class),)+
                    _ => None,
                }
            }
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
    CreateStaffUser => "create_staff_user" (HubOnly),
    ChangeStaffRole => "change_staff_role" (HubOnly),
    SetStaffActive => "set_staff_active" (HubOnly),
    SetStaffPassword => "set_staff_password" (HubOnly),
    SetStaffLocale => "set_staff_locale" (HubOnly),
    IssueApiToken => "issue_api_token" (HubOnly),
    RevokeApiToken => "revoke_api_token" (HubOnly),
    UpdateClubSettings => "update_club_settings" (HubOnly),
    CreateCourt => "create_court" (HubOnly),
    UpdateCourt => "update_court" (HubOnly),
    SetOpeningHours => "set_opening_hours" (HubOnly),
    SetBookingRules => "set_booking_rules" (HubOnly),
    AddClosure => "add_closure" (HubOnly),
    RemoveClosure => "remove_closure" (HubOnly),
    CreateMember => "create_member" (Claim),
    UpdateMember => "update_member" (Claim),
    SetMemberArchived => "set_member_archived" (Claim),
    DeleteMember => "delete_member" (Claim),
    MergeMembers => "merge_members" (Claim),
    LinkFamily => "link_family" (Claim),
    UnlinkFamily => "unlink_family" (Claim),
    CreateCategory => "create_category" (HubOnly),
    UpdateCategory => "update_category" (HubOnly),
    SetCategoryLimits => "set_category_limits" (HubOnly),
    SaveCoach => "save_coach" (HubOnly),
    ApprovePay => "approve_pay" (HubOnly),
    WithdrawPayApproval => "withdraw_pay_approval" (HubOnly),
    CreateGroup => "create_group" (HubOnly),
    UpdateGroup => "update_group" (HubOnly),
    EnrolMember => "enrol_member" (Claim),
    LeaveGroup => "leave_group" (Claim),
    MoveMember => "move_member" (Claim),
    AddGroupSession => "add_group_session" (Claim),
    CancelGroupSession => "cancel_group_session" (Claim),
    MarkGroupVisits => "mark_group_visits" (Fact),
    ImportMembers => "import_members" (HubOnly),
    CreateBooking => "create_booking" (Claim),
    UpdateBooking => "update_booking" (Claim),
    CancelBooking => "cancel_booking" (Claim),
    SetAttendance => "set_attendance" (Fact),
    CreateSeries => "create_series" (Claim),
    EditSeries => "edit_series" (Claim),
    EndSeries => "end_series" (Claim),
    SavePriceRule => "save_price_rule" (HubOnly),
    SetMoneyPolicy => "set_money_policy" (HubOnly),
    SetBookingPrice => "set_booking_price" (Claim),
    TakePayment => "take_payment" (Fact),
    RefundPayment => "refund_payment" (Fact),
    AdjustBalance => "adjust_balance" (HubOnly),
    SetCreditLimit => "set_credit_limit" (HubOnly),
    OpenShift => "open_shift" (Fact),
    MoveCash => "move_cash" (Fact),
    CloseShift => "close_shift" (Fact),
    WaiveFee => "waive_fee" (Claim),
    SavePassProduct => "save_pass_product" (HubOnly),
    SellPass => "sell_pass" (Fact),
    FreezePass => "freeze_pass" (Claim),
    UnfreezePass => "unfreeze_pass" (Claim),
    UsePass => "use_pass" (Fact),
    SaveSmsProvider => "save_sms_provider" (HubOnly),
    ResumeSms => "resume_sms" (HubOnly),
    SaveSmsSettings => "save_sms_settings" (HubOnly),
    SetSmsOptOut => "set_sms_opt_out" (HubOnly),
    SendSms => "send_sms" (HubOnly),
    CreateCampaign => "create_campaign" (HubOnly),
    CancelCampaign => "cancel_campaign" (HubOnly),
    LeaseSms => "lease_sms" (HubOnly),
    RecordSmsBatch => "record_sms_batch" (HubOnly),
    RecoverSmsLeases => "recover_sms_leases" (HubOnly),
    RecordSmsStatuses => "record_sms_statuses" (HubOnly),
    CreateDeskCode => "create_desk_code" (HubOnly),
    PairDesk => "pair_desk" (HubOnly),
    RevokeDesk => "revoke_desk" (HubOnly),
    SeeDesk => "see_desk" (HubOnly),
    ResolveConflict => "resolve_conflict" (Fact),
    SavePortalSettings => "save_portal_settings" (HubOnly),
    RequestPortalCode => "request_portal_code" (HubOnly),
    TryPortalCode => "try_portal_code" (HubOnly),
    NewCalendarFeed => "new_calendar_feed" (HubOnly),
    SetPlayerPassword => "set_player_password" (HubOnly),
    OpenPlayerSession => "open_player_session" (HubOnly),
    BookAsPlayer => "book_as_player" (HubOnly),
    SetPortalLogo => "set_portal_logo" (HubOnly),
    JoinWaitlist => "join_waitlist" (Claim),
    LeaveWaitlist => "leave_waitlist" (Claim),
    LapseWaitlistOffers => "lapse_waitlist_offers" (HubOnly),
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

    /// Every kind has a class, and the ones a desk most needs are where the protocol says.
    #[test]
    fn every_kind_has_a_class() {
        for kind in AnyCommand::KINDS {
            assert!(AnyCommand::class_of(kind).is_some(), "{kind} has no class");
        }
        let facts = ["take_payment", "refund_payment", "set_attendance", "use_pass", "sell_pass", "move_cash"];
        let claims = ["create_booking", "update_booking", "cancel_booking", "create_series", "create_member"];
        let hub_only =
            ["save_price_rule", "set_money_policy", "create_staff_user", "update_club_settings", "issue_api_token"];
        for (kinds, class) in [(&facts[..], Class::Fact), (&claims[..], Class::Claim), (&hub_only[..], Class::HubOnly)]
        {
            for kind in kinds {
                assert_eq!(AnyCommand::class_of(kind), Some(class), "{kind}");
            }
        }
        let sms = AnyCommand::KINDS.iter().filter(|k| k.contains("sms") || k.contains("campaign"));
        assert!(sms.into_iter().all(|k| AnyCommand::class_of(k) == Some(Class::HubOnly)), "SMS is the hub's");
        assert_eq!(AnyCommand::class_of("teleport_court"), None);
        let sample = AnyCommand::RevokeApiToken(RevokeApiToken { token_id: "t".into() });
        assert_eq!(sample.class(), Class::HubOnly);
    }
}
