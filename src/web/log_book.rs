//! The history of commands as a log book reads: who in the page's language, where (the server
//! or a desk by name), amounts in the club's currency, and refusals marked as such. Shared by
//! the audit log, the start page and the histories on booking and member pages.

use crate::commands::AnyCommand;
use crate::core::{CommandRecord, Outcome};
use crate::web::page::PageCtx;

/// The commands that only move SMS through the provider: one run sends a batch and records the
/// answers, several lines a minute. The audit log hides them unless asked.
pub const SMS_PLUMBING: [&str; 4] = ["lease_sms", "record_sms_batch", "recover_sms_leases", "record_sms_statuses"];

/// Who issued a command: a staff member's name, or the console, setup or the server itself.
pub fn who(ctx: &PageCtx, r: &CommandRecord) -> String {
    actor_name(ctx, &r.actor_name)
}

/// An actor's name as recorded (`Actor::display_name`), in words for the console, setup, the
/// server itself and the portal.
pub fn actor_name(ctx: &PageCtx, recorded: &str) -> String {
    match recorded {
        "system" | "console" | "setup" | "portal" => ctx.t(&format!("actor-{recorded}")),
        name => match name.strip_prefix("portal: ") {
            Some(player) => ctx.ta("actor-player", "name", player),
            None => name.to_owned(),
        },
    }
}

/// Where: this server, or the desk of that name (`desks`: id and name of each paired desk).
pub fn place(ctx: &PageCtx, r: &CommandRecord, desks: &[(String, String)]) -> String {
    match r.origin.strip_prefix("desk:") {
        None => ctx.t("origin-hub"),
        Some(id) => {
            let name = desks.iter().find(|(d, _)| d == id).map_or(id, |(_, name)| name.as_str());
            ctx.ta("origin-desk", "name", name)
        }
    }
}

/// What was done, and for a refused command why, marked as refused.
pub fn what(ctx: &PageCtx, r: &CommandRecord) -> String {
    let what = ctx.t(&format!("kind-{}", r.kind));
    match &r.outcome {
        Outcome::Rejected(rej) => {
            let why = crate::i18n::rejection_text(ctx.locale, rej);
            format!("{} — {what}: {why}", ctx.t("history-refused"))
        }
        Outcome::Applied { .. } => what,
    }
}

/// The details of commands that move money, in the club's currency; `None` for the others
/// (their own summary says it).
pub fn money(ctx: &PageCtx, cmd: &AnyCommand) -> Option<String> {
    let method = |m: &crate::payments::model::Method| ctx.t(m.label_id(1));
    Some(match cmd {
        AnyCommand::TakePayment(c) => format!("{} · {}", ctx.money(c.amount), method(&c.method)),
        AnyCommand::RefundPayment(c) => format!("{} · {}", ctx.money(c.amount), c.reason),
        AnyCommand::AdjustBalance(c) => format!("{} · {}", ctx.money(c.amount), c.reason),
        AnyCommand::SetCreditLimit(c) => ctx.money(c.limit),
        AnyCommand::OpenShift(c) => ctx.ta("history-float", "amount", ctx.money(c.float)),
        AnyCommand::MoveCash(c) => format!("{} · {}", ctx.money(c.amount), c.reason),
        AnyCommand::CloseShift(c) => ctx.ta("history-counted", "amount", ctx.money(c.counted)),
        AnyCommand::SetBookingPrice(c) => match c.price {
            Some(p) => format!("{} · {}", ctx.money(p), c.reason),
            None => ctx.t("history-price-list"),
        },
        _ => return None,
    })
}
