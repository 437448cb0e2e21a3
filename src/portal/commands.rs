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

/// The tag of members who signed themselves up on the portal.
pub const GUEST_TAG: &str = "guest";

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
        let settings = store::settings(ctx.tx)?;
        if !settings.enabled {
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
        // A stranger's number is sent the code only when the club lets guests sign up.
        if member.is_some() || settings.guests {
            let args = [("club", club.name.as_str()), ("code", self.code.as_str())];
            let body = crate::i18n::tr_args(self.locale, "portal-code-sms", &args);
            let message = NewMessage {
                id: &self.request_id,
                member_id: member.as_ref().map(|m| m.id.as_str()),
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
    /// What a visitor whose number is no member's gave to sign up as a guest, when the club
    /// lets guests in.
    #[serde(default)]
    pub guest: Option<NewGuest>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewGuest {
    pub member_id: String,
    /// As typed.
    pub name: String,
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
        if !right {
            store::add_try(ctx.tx, &self.request_id)?;
            return Ok(());
        }
        let member = match stored.member_id {
            Some(member) => member,
            None if store::settings(ctx.tx)?.guests => self.sign_up(ctx, &stored.phone)?,
            None => {
                store::add_try(ctx.tx, &self.request_id)?;
                return Ok(());
            }
        };
        store::mark_used(ctx.tx, &self.request_id, ctx.now)?;
        store::insert_session(ctx.tx, &self.token_hash, &member, ctx.now)?;
        Ok(())
    }

    /// The visitor proved the number `phone` is theirs: the member it belongs to by now, or a new
    /// guest under the name they gave. A missing name refuses, the code still open.
    fn sign_up(&self, ctx: &Ctx<'_>, phone: &str) -> Result<String, CommandError> {
        if let Some(m) = crate::members::store::active_by_phone(ctx.tx, phone)? {
            return Ok(m.id);
        }
        let guest = self.guest.as_ref().filter(|g| !g.name.trim().is_empty());
        let guest = guest.ok_or_else(|| Rejection::new("portal-guest-name").on("name"))?;
        let member = crate::members::model::MemberDraft {
            full_name: guest.name.clone(),
            phone: phone.to_owned(),
            email: String::new(),
            birth_date: None,
            category_id: None,
            tags: vec![GUEST_TAG.to_owned()],
            notes: String::new(),
            sms_consent: false,
        };
        crate::members::commands::CreateMember { member_id: guest.member_id.clone(), member }.add(ctx)?;
        Ok(guest.member_id.clone())
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

/// The member behind a player's own command, or "not allowed" for anyone else.
fn the_player<'a>(actor: &'a Actor, member_id: &str) -> Result<&'a str, Rejection> {
    match actor {
        Actor::Member { id, .. } if id == member_id => Ok(id),
        _ => Err(Rejection::new("not-allowed")),
    }
}

/// A signed-in player sets, changes or (with `None`) removes their own password; the web layer
/// proved the current one first when there was one. Their other sessions end, so a password set
/// from a borrowed phone does not leave that phone signed in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPlayerPassword {
    pub member_id: String,
    pub password_hash: Option<String>,
    /// The session that made the change, which stays.
    pub session_hash: String,
}

impl SetPlayerPassword {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let me = the_player(ctx.actor, &self.member_id)?;
        let settings = store::settings(ctx.tx)?;
        if !settings.enabled || (!settings.passwords && self.password_hash.is_some()) {
            return Err(Rejection::new("portal-passwords-off").into());
        }
        store::put_password(ctx.tx, me, self.password_hash.as_deref(), ctx.now)?;
        store::delete_other_sessions(ctx.tx, me, &self.session_hash)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        if self.password_hash.is_some() { "portal password set" } else { "portal password removed" }.to_owned()
    }
}

/// A visitor typed a member's number and the password the web layer checked against
/// `password_hash`: session `token_hash` starts, unless that password was changed meanwhile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenPlayerSession {
    pub member_id: String,
    pub password_hash: String,
    pub token_hash: String,
}

impl OpenPlayerSession {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require_visitor(ctx.actor)?;
        let settings = store::settings(ctx.tx)?;
        if !settings.enabled || !settings.passwords {
            return Err(Rejection::new("portal-passwords-off").into());
        }
        let current = store::password_hash(ctx.tx, &self.member_id)?;
        if !current.is_some_and(|h| same_secret(&h, &self.password_hash)) {
            return Err(Rejection::new("portal-password-wrong").into());
        }
        store::insert_session(ctx.tx, &self.token_hash, &self.member_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        "signed in with a password".to_owned()
    }
}

/// A player books on the portal and, when they chose to and the club allows it, pays for it from
/// their account in the same step: the booking is made paid, or not at all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookAsPlayer {
    pub booking: crate::bookings::commands::CreateBooking,
    pub from_account: bool,
}

impl BookAsPlayer {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let me = match ctx.actor {
            Actor::Member { id, .. } => id.as_str(),
            _ => return Err(Rejection::new("not-allowed").into()),
        };
        if self.from_account && self.booking.pass_id.is_some() {
            return Err(Rejection::new("portal-pay-one-way").on("pay").into());
        }
        self.booking.apply(ctx)?;
        if !self.from_account {
            return Ok(());
        }
        if !store::settings(ctx.tx)?.pay_from_account {
            return Err(Rejection::new("portal-pay-account-off").on("pay").into());
        }
        let id = &self.booking.booking_id;
        let b = crate::bookings::store::booking(ctx.tx, id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
        let due = b.price - crate::payments::store::paid_for_booking(ctx.tx, id)?;
        if due <= 0 {
            return Ok(());
        }
        let payment = crate::payments::commands::TakePayment {
            payment_id: format!("{id}/account"),
            member_id: Some(me.to_owned()),
            booking_id: Some(id.clone()),
            purpose: crate::payments::model::Purpose::Booking,
            method: crate::payments::model::Method::Wallet,
            amount: due,
            payer_name: String::new(),
            note: String::new(),
        };
        payment.take(ctx)
    }

    pub fn summary(&self) -> String {
        let paid = if self.from_account { ", paid from the account" } else { "" };
        format!("{}{paid}", self.booking.summary())
    }
}

/// Managers set (or with `None` remove) the logo on the portal's pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPortalLogo {
    /// The image, base64 (the command log holds JSON).
    pub image: Option<String>,
}

impl SetPortalLogo {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let Some(encoded) = &self.image else {
            store::put_logo(ctx.tx, None, ctx.now)?;
            return Ok(());
        };
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded)
            .map_err(|_| Rejection::new("portal-logo-kind").on("logo"))?;
        let kind = super::model::logo_type(&bytes).map_err(|code| Rejection::new(code).on("logo"))?;
        store::put_logo(ctx.tx, Some((kind, &bytes)), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        if self.image.is_some() { "portal logo set" } else { "portal logo removed" }.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::testing::{TestDb, booking, id, slot};

    fn settings(db: &mut TestDb, settings: PortalSettings) {
        db.applied(AnyCommand::SavePortalSettings(SavePortalSettings { settings, new_id: id() }));
    }

    fn ask(db: &mut TestDb, phone: &str, code: &str) -> String {
        let request_id = id();
        let cmd = RequestPortalCode {
            request_id: request_id.clone(),
            phone: phone.into(),
            ip: "127.0.0.1".into(),
            code: code.into(),
            locale: crate::i18n::Locale::En,
        };
        db.applied_as(&Actor::Visitor, AnyCommand::RequestPortalCode(cmd));
        request_id
    }

    fn try_code(db: &mut TestDb, request_id: &str, code: &str, guest: Option<&str>) -> Result<String, String> {
        let token_hash = id();
        let cmd = TryPortalCode {
            request_id: request_id.into(),
            code: code.into(),
            token_hash: token_hash.clone(),
            guest: guest.map(|name| NewGuest { member_id: id(), name: name.into() }),
        };
        match db.run_as(&Actor::Visitor, AnyCommand::TryPortalCode(cmd)) {
            Outcome::Applied { .. } => {
                Ok(store::session(&db.conn, &token_hash).unwrap().map(|s| s.member_id).unwrap_or_default())
            }
            Outcome::Rejected(r) => Err(r.code),
        }
    }

    fn sent_to(db: &TestDb, phone: &str) -> usize {
        let due = crate::sms::store::due(&db.conn, db.now, false, 100).unwrap();
        due.iter().filter(|m| m.phone == phone).count()
    }

    /// With guests let in, a stranger is sent a code, and the right code with a name makes them a
    /// member tagged guest; without a name nothing is made and the code still works. With guests
    /// kept out, a stranger is sent nothing and no code of theirs signs anyone in.
    #[test]
    fn a_stranger_signs_up_as_a_guest_only_when_the_club_lets_guests_in() {
        let mut db = TestDb::new();
        settings(&mut db, PortalSettings { enabled: true, ..PortalSettings::default() });
        let shut = ask(&mut db, "+7 916 000-11-22", "111111");
        assert_eq!(sent_to(&db, "+79160001122"), 0);
        assert_eq!(try_code(&mut db, &shut, "111111", Some("Vera Guest")), Ok(String::new()), "no session");

        settings(&mut db, PortalSettings { enabled: true, guests: true, ..PortalSettings::default() });
        let open = ask(&mut db, "+7 916 000-33-44", "222222");
        assert_eq!(sent_to(&db, "+79160003344"), 1);
        assert_eq!(try_code(&mut db, &open, "222222", Some("  ")), Err("portal-guest-name".into()));
        assert_eq!(try_code(&mut db, &open, "999999", None), Ok(String::new()), "a wrong code is a try");
        let guest = try_code(&mut db, &open, "222222", Some("Vera  Guest")).expect("signed up");
        let m = crate::members::store::member(&db.conn, &guest).unwrap().expect("a member");
        assert_eq!((m.full_name.as_str(), m.phone.as_deref()), ("Vera Guest", Some("+79160003344")));
        assert_eq!(m.tags, vec![GUEST_TAG.to_owned()]);
        assert_eq!(try_code(&mut db, &open, "222222", Some("Vera")), Err("portal-code-closed".into()), "once");

        // A member's number never makes a guest, name or not.
        let anna = db.member("Anna", "+7 916 555-66-77");
        let request = ask(&mut db, "+79165556677", "333333");
        assert_eq!(try_code(&mut db, &request, "333333", Some("Someone Else")), Ok(anna));
    }

    fn book_as(db: &mut TestDb, member: &str, cmd: BookAsPlayer) -> Result<(), String> {
        let me = Actor::Member { id: member.into(), name: "Anna".into() };
        match db.run_as(&me, AnyCommand::BookAsPlayer(cmd)) {
            Outcome::Applied { .. } => Ok(()),
            Outcome::Rejected(r) => Err(r.code),
        }
    }

    /// Paid from the account, a booking is made paid or not made at all; the club decides
    /// whether players may, and a pass pays only for its holder.
    #[test]
    fn a_player_pays_from_their_account_or_pass_only_as_the_club_allows() {
        let mut db = TestDb::new();
        db.price_per_hour(1000);
        let court = db.court("Court 1");
        let (anna, boris) = (db.member("Anna", ""), db.member("Boris", ""));
        settings(&mut db, PortalSettings { enabled: true, ..PortalSettings::default() });
        let portal = |member: &str, start: &str| {
            let mut b = booking(&court, member, slot("2026-11-30", start, 60));
            b.source = crate::bookings::model::Source::Portal;
            b
        };
        let paid = BookAsPlayer { booking: portal(&anna, "18:00"), from_account: true };
        assert_eq!(book_as(&mut db, &anna, paid.clone()), Err("portal-pay-account-off".into()));
        settings(&mut db, PortalSettings { enabled: true, pay_from_account: true, ..PortalSettings::default() });
        assert_eq!(book_as(&mut db, &anna, paid.clone()), Err("wallet-not-enough".into()));
        assert!(crate::bookings::store::booking(&db.conn, &paid.booking.booking_id).unwrap().is_none(), "not made");
        let top_up = crate::payments::commands::AdjustBalance {
            entry_id: id(),
            member_id: anna.clone(),
            amount: 1500,
            reason: "top-up".into(),
        };
        db.applied(AnyCommand::AdjustBalance(top_up));
        assert_eq!(book_as(&mut db, &anna, paid.clone()), Ok(()));
        let id = &paid.booking.booking_id;
        assert_eq!(crate::payments::store::paid_for_booking(&db.conn, id).unwrap(), 1000);
        assert_eq!(crate::payments::store::balance(&db.conn, &anna).unwrap(), 500);

        let mut with_pass = portal(&anna, "20:00");
        with_pass.pass_id = Some("a pass of Boris".into());
        let cmd = BookAsPlayer { booking: with_pass.clone(), from_account: false };
        assert_eq!(book_as(&mut db, &anna, cmd), Err("portal-pay-pass-off".into()));
        let all =
            PortalSettings { enabled: true, pay_from_account: true, pay_with_pass: true, ..PortalSettings::default() };
        settings(&mut db, all);
        let cmd = BookAsPlayer { booking: with_pass.clone(), from_account: false };
        assert_eq!(book_as(&mut db, &anna, cmd), Err("pass-not-found".into()));
        let both = BookAsPlayer { booking: with_pass, from_account: true };
        assert_eq!(book_as(&mut db, &anna, both), Err("portal-pay-one-way".into()));
        assert_eq!(
            book_as(&mut db, &boris, BookAsPlayer { booking: portal(&anna, "21:00"), from_account: false }),
            Err("not-allowed".into())
        );
    }

    /// A session opens only with the password hash that is current: one changed meanwhile, or
    /// none at all, opens nothing.
    #[test]
    fn a_password_opens_a_session_only_while_it_is_the_members_password() {
        let mut db = TestDb::new();
        let anna = db.member("Anna", "+7 916 555-66-77");
        settings(&mut db, PortalSettings { enabled: true, passwords: true, ..PortalSettings::default() });
        let open = |db: &mut TestDb, hash: &str| {
            let cmd = OpenPlayerSession { member_id: anna.clone(), password_hash: hash.into(), token_hash: id() };
            match db.run_as(&Actor::Visitor, AnyCommand::OpenPlayerSession(cmd)) {
                Outcome::Applied { .. } => Ok(()),
                Outcome::Rejected(r) => Err(r.code),
            }
        };
        assert_eq!(open(&mut db, "hash-1"), Err("portal-password-wrong".into()));
        let me = Actor::Member { id: anna.clone(), name: "Anna".into() };
        let set = |hash: &str| SetPlayerPassword {
            member_id: anna.clone(),
            password_hash: Some(hash.into()),
            session_hash: "this session".into(),
        };
        db.applied_as(&me, AnyCommand::SetPlayerPassword(set("hash-1")));
        assert_eq!(open(&mut db, "hash-1"), Ok(()));
        db.applied_as(&me, AnyCommand::SetPlayerPassword(set("hash-2")));
        assert_eq!(open(&mut db, "hash-1"), Err("portal-password-wrong".into()));
        let stranger = Actor::Member { id: "someone else".into(), name: "Boris".into() };
        assert!(matches!(db.run_as(&stranger, AnyCommand::SetPlayerPassword(set("hash-3"))), Outcome::Rejected(_)));
        settings(&mut db, PortalSettings { enabled: true, ..PortalSettings::default() });
        assert_eq!(open(&mut db, "hash-2"), Err("portal-passwords-off".into()));
    }
}
