//! The portal's commands: the club's switches, a visitor asking for a sign-in code, and a try
//! of a code (which signs the player in when it is right).

use serde::{Deserialize, Serialize};

use super::model::{
    ASK_WINDOW, CODE_LIFETIME, CODES_KEPT, CODES_PER_ADDRESS, CODES_PER_PHONE, CODES_PER_WINDOW, CodeState,
    PortalSettings,
};
use super::store::{self, NewCode};
use crate::auth::tokens::{hash_secret, same_secret};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};
use crate::i18n::Locale;
use crate::sms::model::Kind;
use crate::sms::store::NewMessage;

/// Only someone on the portal asks for and tries codes (not staff, not a desk).
fn require_visitor(actor: &Actor) -> Result<(), Rejection> {
    if matches!(actor, Actor::Visitor) { Ok(()) } else { Err(Rejection::new("not-allowed")) }
}

/// A code's hash, tied to its request so equal codes of two requests differ.
pub fn code_hash(request_id: &str, code: &str) -> String {
    hash_secret(&format!("{request_id}/{code}"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavePortalSettings {
    pub settings: PortalSettings,
    pub new_id: String,
}

impl SavePortalSettings {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let settings = self.settings.clone().tidy();
        settings.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
        store::put_settings(ctx.tx, &settings, &self.new_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let s = &self.settings;
        let on = |b: bool| if b { "on" } else { "off" };
        format!("portal {}, booking {}, cancelling {}", on(s.enabled), on(s.booking), on(s.cancelling))
    }
}

/// A visitor asks for a sign-in code for `phone`. A code is made whoever's number it is, and
/// sent only to a member's: the visitor sees the same either way.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestPortalCode {
    pub request_id: String,
    /// As typed.
    pub phone: String,
    pub ip: String,
    pub code: String,
    pub locale: Locale,
}

impl RequestPortalCode {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_visitor(ctx.actor)?;
        if !store::settings(ctx.tx)?.enabled {
            return Err(Rejection::new("portal-closed").into());
        }
        crate::core::id_is_new(store::code(ctx.tx, &self.request_id)?)?;
        let (_, club) = crate::club::store::settings(ctx.tx)?.ok_or_else(|| Rejection::new("portal-closed"))?;
        let phone = crate::members::model::normalize_phone(&self.phone, &club.phone_region)
            .map_err(|code| Rejection::new(code).on("phone"))?
            .ok_or_else(|| Rejection::new("sms-phone-required").on("phone"))?;
        store::forget_codes_before(ctx.tx, ctx.now - CODES_KEPT)?;
        let (for_phone, from_ip, all) = store::codes_since(ctx.tx, &phone, &self.ip, ctx.now - ASK_WINDOW)?;
        if for_phone >= CODES_PER_PHONE || from_ip >= CODES_PER_ADDRESS || all >= CODES_PER_WINDOW {
            return Err(Rejection::new("portal-code-too-many").arg("minutes", ASK_WINDOW.as_mins()).into());
        }
        let member = crate::members::store::active_by_phone(ctx.tx, &phone)?;
        let expires_at = ctx.now + CODE_LIFETIME;
        let code = NewCode {
            id: &self.request_id,
            phone: &phone,
            ip: &self.ip,
            member_id: member.as_ref().map(|m| m.id.as_str()),
            code_hash: &code_hash(&self.request_id, &self.code),
            expires_at,
        };
        store::insert_code(ctx.tx, &code, ctx.now)?;
        if let Some(m) = member {
            let args = [("club", club.name.as_str()), ("code", self.code.as_str())];
            let body = crate::i18n::tr_args(self.locale, "portal-code-sms", &args);
            let message = NewMessage {
                id: &self.request_id,
                member_id: Some(&m.id),
                phone: &phone,
                body: &body,
                segments: crate::sms::model::segments(&body).parts as i64,
                kind: Kind::Code,
                campaign_id: None,
                booking_id: None,
                not_before: ctx.now,
                deadline: Some(expires_at),
            };
            crate::sms::store::insert_message(ctx.tx, &message, ctx.now)?;
        }
        Ok(())
    }

    /// Never the code: the audit log is read by staff.
    pub fn summary(&self) -> String {
        format!("sign-in code for {}", self.phone)
    }
}

/// A visitor types the code of request `request_id`. Always recorded: a wrong code counts a
/// try; the right one, while the code is open and the number is a member's, starts the session
/// `token_hash`. The page then reads which it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TryPortalCode {
    pub request_id: String,
    pub code: String,
    pub token_hash: String,
}

impl TryPortalCode {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_visitor(ctx.actor)?;
        let Some(stored) = store::code(ctx.tx, &self.request_id)? else {
            return Err(Rejection::new("portal-code-closed").into());
        };
        if !matches!(stored.row.state(ctx.now), CodeState::Open { .. }) {
            return Err(Rejection::new("portal-code-closed").into());
        }
        let right = same_secret(&stored.code_hash, &code_hash(&self.request_id, &self.code));
        match stored.member_id.as_deref() {
            Some(member) if right => {
                store::mark_used(ctx.tx, &self.request_id, ctx.now)?;
                store::insert_session(ctx.tx, &self.token_hash, member, ctx.now)?;
            }
            _ => store::add_try(ctx.tx, &self.request_id)?,
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        "sign-in code tried".to_owned()
    }
}

/// A member's calendar feed gets a new secret address; the old one stops working.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCalendarFeed {
    pub member_id: String,
    pub token_hash: String,
}

impl NewCalendarFeed {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        match ctx.actor {
            Actor::Member { id, .. } if *id == self.member_id => {}
            Actor::Member { .. } => return Err(Rejection::new("not-allowed").into()),
            _ => require(ctx.actor, Role::Reception)?,
        }
        if !store::settings(ctx.tx)?.enabled {
            return Err(Rejection::new("portal-closed").into());
        }
        store::replace_feed(ctx.tx, &self.member_id, &self.token_hash, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        "new calendar address".to_owned()
    }
}

/// What the portal lets a player book for themselves: court time (no lesson, no block) with
/// themselves as the booker, not yet started, within their category's limits, while the club
/// lets players book. Every breach of the limits refuses, the first one named.
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
    pub with_pass: bool,
}

pub fn check_player_booking(ctx: &Ctx<'_>, member_id: &str, b: &PlayerBooking<'_>) -> Result<(), CommandError> {
    let settings = store::settings(ctx.tx)?;
    if !settings.enabled || !settings.booking {
        return Err(Rejection::new("portal-booking-off").into());
    }
    let own = b.booker_id == Some(member_id);
    let plain = b.kind == crate::bookings::model::Kind::Play
        && b.source == crate::bookings::model::Source::Portal
        && !b.with_pass;
    if !own || !plain {
        return Err(Rejection::new("not-allowed").into());
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
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::limits::commands::SetCategoryLimits;
    use crate::limits::model::{Limits, UNCATEGORISED};
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
