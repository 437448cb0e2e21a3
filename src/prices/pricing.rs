//! Prices bookings from the price list, inside the commands that make and change them, so the
//! price stored with a booking is always the one its court, time and players called for.

use jiff::tz::TimeZone;

use super::model::{Quote, QuoteInput, quote};
use super::store;
use crate::bookings::model::{Kind, LocalSlot, Player};
use crate::bookings::store as bookings;
use crate::courts::store as courts;
use crate::db::{Conn, SqlError};
use crate::members::store as members;

/// What a booking of `slot` on `court_id` for these people would cost now.
pub fn quote_for(
    conn: &Conn,
    court_id: &str,
    slot: LocalSlot,
    booker_id: Option<&str>,
    players: &[Player],
) -> Result<Option<Quote>, SqlError> {
    let Some(court) = courts::court(conn, court_id)? else { return Ok(None) };
    let category = match booker_id {
        Some(id) => members::member(conn, id)?.and_then(|m| m.category_id),
        None => None,
    };
    let policy = store::policy(conn)?;
    let input = QuoteInput {
        court_id,
        floodlights: court.draft.floodlights,
        slot,
        category_id: category.as_deref(),
        guests: players.iter().filter(|p| matches!(p, Player::Guest(_))).count(),
        step: courts::rules(conn)?.slot_minutes,
    };
    Ok(Some(quote(&store::price_rules(conn)?, &policy.extras(), &input)))
}

/// What a lesson's coach adds to court rent for `minutes` (nothing for other bookings).
pub fn lesson_fee(conn: &Conn, kind: Kind, coach_id: Option<&str>, minutes: u16) -> Result<i64, SqlError> {
    let Some(coach) = coach_id.filter(|_| kind == Kind::Lesson) else { return Ok(0) };
    let fee = crate::coaching::store::coach(conn, coach)?.map_or(0, |c| c.draft.lesson_fee);
    Ok(crate::coaching::model::by_the_hour(fee, i64::from(minutes)))
}

/// Sets booking `id`'s price from the price list, unless a manager set it by hand. Blocks cost
/// nothing, nor does a group's session: its members pay by the group's price model.
pub fn reprice(conn: &Conn, id: &str, tz: &TimeZone) -> Result<(), SqlError> {
    let Some(b) = bookings::booking(conn, id)? else { return Ok(()) };
    if !b.price_note.is_empty() {
        return Ok(());
    }
    let price = if b.kind == Kind::Block || b.group_id.is_some() {
        0
    } else {
        let players: Vec<Player> = bookings::players(conn, id)?.into_iter().map(|(p, _)| p).collect();
        let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, tz);
        let rent = quote_for(conn, &b.court_id, slot, b.booker_id.as_deref(), &players)?.map_or(0, |q| q.total);
        rent + lesson_fee(conn, b.kind, b.coach_id.as_deref(), slot.minutes)?
    };
    bookings::set_price(conn, id, price, "")
}
