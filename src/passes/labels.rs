//! A pass in words, for the pages that show one: the member card, the booking page and the
//! passes page.

use super::model::{Pass, PassKind};
use super::store::StoredPass;
use crate::bookings::model::LocalSlot;
use crate::i18n::Locale;
use crate::web::page::PageCtx;

/// "9 of 10 visits", "6 h 30 min of 10 h", "4 500 ₽ of 5 500 ₽", or the membership's share.
pub fn remaining_text(ctx: &PageCtx, p: &Pass) -> String {
    remaining_in(ctx.locale, &ctx.club.currency, p)
}

/// `remaining_text` in `locale`, money in `currency` (pages without a staff context: the portal).
pub fn remaining_in(locale: Locale, currency: &str, p: &Pass) -> String {
    let hours = |m: i64| crate::i18n::duration(locale, m.clamp(0, i64::from(u16::MAX)) as u16);
    let money = |m: i64| crate::money::amount::show(locale, m, currency);
    match (p.kind, p.remaining()) {
        (PassKind::Visits, Some(left)) => crate::i18n::tr_args(
            locale,
            "pass-visits-left",
            &[("left", &left.to_string()), ("total", &p.quantity.to_string())],
        ),
        (PassKind::Hours, Some(left)) => format!("{} / {}", hours(left), hours(p.quantity)),
        (PassKind::Value, Some(left)) => format!("{} / {}", money(left), money(p.quantity)),
        _ => crate::i18n::tr_args(locale, "pass-period-share", &[("pct", &p.discount_pct.to_string())]),
    }
}

/// A pass offered to pay a booking: usable, or shown with why not.
pub struct Choice {
    pub id: String,
    pub label: String,
    pub problem: Option<String>,
}

/// The live passes of `holders` as choices for paying `due` of a booking of `slot` on `court_id`.
pub fn choices(ctx: &PageCtx, passes: &[StoredPass], court_id: &str, slot: LocalSlot, due: i64) -> Vec<Choice> {
    passes
        .iter()
        .map(|p| Choice {
            id: p.id.clone(),
            label: format!("{} — {}: {}", p.name, p.member_name, remaining_text(ctx, &p.pass)),
            problem: p.pass.cover(court_id, slot, due).err().map(|code| ctx.t(code)),
        })
        .collect()
}
