//! What the portal lets a player do to bookings, checked inside the booking commands
//! themselves (create and cancel) when a player runs them, and the partners' SMS.

use super::store;
use crate::core::{CommandError, Ctx, Rejection};
use crate::sms::model::Kind;
use crate::sms::store::NewMessage;

/// The parts of a new booking the portal's rules look at.
pub struct PlayerBooking<'a> {
    pub booking_id: &'a str,
    /// Partners are members (found by their phone on the portal), never guests.
    pub guests: usize,
    pub court_id: &'a str,
    pub slot: crate::bookings::model::LocalSlot,
    pub kind: crate::bookings::model::Kind,
    pub source: crate::bookings::model::Source,
    pub booker_id: Option<&'a str>,
    pub pass_id: Option<&'a str>,
}

/// What the portal lets a player book for themselves: court time (no lesson, no block) with
/// themselves as the booker, not yet started, within their category's limits, while the club
/// lets players book, paid with their own pass if at all and the club allows it. Every breach
/// of the limits refuses, the first one named.
pub fn check_player_booking(ctx: &Ctx<'_>, member_id: &str, b: &PlayerBooking<'_>) -> Result<(), CommandError> {
    let settings = store::settings(ctx.tx)?;
    if !settings.enabled || !settings.booking {
        return Err(Rejection::new("portal-booking-off").into());
    }
    let own = b.booker_id == Some(member_id);
    let plain = b.kind == crate::bookings::model::Kind::Play && b.source == crate::bookings::model::Source::Portal;
    if !own || !plain {
        return Err(Rejection::new("not-allowed").into());
    }
    if let Some(pass) = b.pass_id {
        if !settings.pay_with_pass {
            return Err(Rejection::new("portal-pay-pass-off").on("pay").into());
        }
        // Another's pass is as good as none: ids tried in a form learn nothing.
        if crate::passes::store::member_of(ctx.tx, pass)?.as_deref() != Some(member_id) {
            return Err(Rejection::new("pass-not-found").on("pay").into());
        }
    }
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let Some((from, to)) = b.slot.instants(&tz).filter(|(s, _)| *s > ctx.now) else {
        return Err(Rejection::new("portal-slot-started").on("start").into());
    };
    if crate::waitlist::commands::held_for_another(ctx, member_id, b.court_id, (from, to))? {
        return Err(Rejection::new("waitlist-held").on("start").into());
    }
    let (_, breaches) =
        crate::limits::commands::breaches(ctx.tx, &tz, member_id, (b.court_id, b.slot), b.booking_id, ctx.now)?;
    if let Some(first) = breaches.first() {
        let mut r = Rejection::new(first.message()).on("minutes");
        for (name, value) in first.args() {
            r = r.arg(name, value);
        }
        return Err(r.into());
    }
    Ok(())
}

/// Partners a player added to booking `booking_id` hear of it by SMS (as a confirmation: it
/// waits for the end of quiet hours), unless they opted out of messages.
pub fn tell_partners(ctx: &Ctx<'_>, booker: &str, booking_id: &str, partners: &[String]) -> Result<(), CommandError> {
    if !ctx.on_hub() || partners.is_empty() {
        return Ok(());
    }
    let Some(b) = crate::bookings::store::booking(ctx.tx, booking_id)? else { return Ok(()) };
    let Some((_, club)) = crate::club::store::settings(ctx.tx)? else { return Ok(()) };
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let court = crate::courts::store::court(ctx.tx, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
    let day = crate::bookings::model::LocalSlot::from_instants(b.starts_at, b.ends_at, &tz).day;
    let when = format!(
        "{} {}",
        crate::i18n::date(club.locale, day),
        crate::bookings::model::span(b.starts_at, b.ends_at, &tz)
    );
    let name = crate::members::store::member(ctx.tx, booker)?.map(|m| m.full_name).unwrap_or_default();
    for partner in partners {
        let Some(m) = crate::members::store::member(ctx.tx, partner)? else { continue };
        let Some(phone) = m.phone.as_deref() else { continue };
        if m.archived || crate::sms::store::is_opted_out(ctx.tx, &m.id)? {
            continue;
        }
        let args =
            [("club", club.name.as_str()), ("name", name.as_str()), ("court", court.as_str()), ("when", when.as_str())];
        let body = crate::i18n::tr_args(club.locale, "portal-partner-sms", &args);
        let message = NewMessage {
            id: &format!("{booking_id}/partner/{}", m.id),
            member_id: Some(&m.id),
            phone,
            body: &body,
            segments: crate::sms::model::segments(&body).parts as i64,
            kind: Kind::Confirmation,
            campaign_id: None,
            booking_id: None,
            // The sender holds it through quiet hours, like any confirmation.
            not_before: ctx.now,
            deadline: Some(b.starts_at),
        };
        crate::sms::store::insert_message(ctx.tx, &message, ctx.now)?;
    }
    Ok(())
}

/// A player may cancel a booking they made while the club lets players cancel; money they paid
/// goes onto their account (less any late fee), never back in cash they are not at the desk for.
pub fn check_player_cancel(
    ctx: &Ctx<'_>,
    member_id: &str,
    booking: &crate::bookings::store::Booking,
    money_back: bool,
) -> Result<(), CommandError> {
    let settings = store::settings(ctx.tx)?;
    if !settings.enabled || !settings.cancelling {
        return Err(Rejection::new("portal-cancelling-off").into());
    }
    // Someone else's booking is as good as none: ids tried in a URL learn nothing.
    if booking.booker_id.as_deref() != Some(member_id) {
        return Err(Rejection::new("booking-not-found").into());
    }
    if money_back {
        return Err(Rejection::new("not-allowed").into());
    }
    if booking.starts_at <= ctx.now {
        return Err(Rejection::new("portal-slot-started").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::AnyCommand;
    use crate::core::{Actor, Outcome};
    use crate::limits::commands::SetCategoryLimits;
    use crate::limits::model::{Limits, UNCATEGORISED};
    use crate::portal::commands::SavePortalSettings;
    use crate::portal::model::PortalSettings;
    use crate::testing::{TestDb, booking, id, slot};

    fn open(db: &mut TestDb, booking: bool) {
        let settings = PortalSettings { enabled: true, booking, ..PortalSettings::default() };
        db.applied(AnyCommand::SavePortalSettings(SavePortalSettings { settings, new_id: id() }));
    }

    fn as_player(db: &mut TestDb, member: &str, cmd: crate::bookings::commands::CreateBooking) -> Result<(), String> {
        let me = Actor::Member { id: member.into(), name: "Anna".into() };
        match db.run_as(&me, AnyCommand::CreateBooking(cmd)) {
            Outcome::Applied { .. } => Ok(()),
            Outcome::Rejected(r) => Err(r.code),
        }
    }

    /// A player books only court time for themselves, from the portal, while it takes bookings,
    /// before the start and within their limits.
    #[test]
    fn a_player_books_only_for_themselves_within_the_rules() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let (anna, boris) = (db.member("Anna", ""), db.member("Boris", ""));
        let portal = |member: &str, day: &str, start: &str| {
            let mut b = booking(&court, member, slot(day, start, 60));
            b.source = crate::bookings::model::Source::Portal;
            b
        };
        assert_eq!(as_player(&mut db, &anna, portal(&anna, "2026-11-30", "18:00")), Err("portal-booking-off".into()));
        open(&mut db, false);
        assert_eq!(as_player(&mut db, &anna, portal(&anna, "2026-11-30", "18:00")), Err("portal-booking-off".into()));
        open(&mut db, true);
        assert_eq!(as_player(&mut db, &anna, portal(&boris, "2026-11-30", "18:00")), Err("not-allowed".into()));
        let mut lesson = portal(&anna, "2026-11-30", "18:00");
        lesson.kind = crate::bookings::model::Kind::Lesson;
        assert_eq!(as_player(&mut db, &anna, lesson), Err("not-allowed".into()));
        let from_desk = booking(&court, &anna, slot("2026-11-30", "18:00", 60));
        assert_eq!(as_player(&mut db, &anna, from_desk), Err("not-allowed".into()), "source is the portal");
        assert_eq!(as_player(&mut db, &anna, portal(&anna, "2026-11-29", "11:00")), Err("portal-slot-started".into()));
        let limits = Limits { max_active: Some(1), ..Limits::default() };
        db.applied(AnyCommand::SetCategoryLimits(SetCategoryLimits { key: UNCATEGORISED.into(), limits }));
        assert_eq!(as_player(&mut db, &anna, portal(&anna, "2026-11-30", "18:00")), Ok(()));
        assert_eq!(as_player(&mut db, &anna, portal(&anna, "2026-11-30", "20:00")), Err("limits-too-many".into()));
    }
}
