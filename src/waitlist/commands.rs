//! Joining and leaving the waiting list, and offering a freed time to the first in line: inside
//! the command that freed it (a cancellation, a move) or that let an offer lapse, so one
//! transaction decides and a crash can never offer one time to two players.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::model::WaitStatus;
use super::store::{self, Entry, NewEntry};
use crate::bookings::model::{LocalSlot, span};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};
use crate::sms::model::Kind;
use crate::sms::store::NewMessage;

/// A player acts only for themselves and only while the club keeps a waiting list on the
/// portal; staff (reception and up) for anyone.
fn may_act_for(ctx: &Ctx<'_>, member_id: &str) -> Result<(), CommandError> {
    match ctx.actor {
        Actor::Member { id, .. } => {
            let s = crate::portal::store::settings(ctx.tx)?;
            if !(s.enabled && s.waitlist) {
                return Err(Rejection::new("waitlist-off").into());
            }
            if id != member_id {
                return Err(Rejection::new("waitlist-entry-not-found").into());
            }
            Ok(())
        }
        _ => Ok(require(ctx.actor, Role::Reception)?),
    }
}

/// `member_id` waits for `slot` on `court_id`, which someone else holds now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinWaitlist {
    pub entry_id: String,
    pub court_id: String,
    pub slot: LocalSlot,
    pub member_id: String,
}

impl JoinWaitlist {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        may_act_for(ctx, &self.member_id)?;
        crate::core::id_is_new(store::entry(ctx.tx, &self.entry_id)?)?;
        let m = crate::members::store::member(ctx.tx, &self.member_id)?
            .filter(|m| !m.archived)
            .ok_or_else(|| Rejection::new("member-not-found").on("member_id"))?;
        let tz = crate::club::store::time_zone(ctx.tx)?;
        let (from, to) = match crate::bookings::slots::bookable(ctx.tx, &tz, &self.court_id, self.slot, "") {
            Ok(_) => return Err(Rejection::new("waitlist-slot-free").into()),
            Err(CommandError::Rejected(r)) if r.code == "slot-taken" => {
                self.slot.instants(&tz).ok_or_else(|| Rejection::new("slot-invalid"))?
            }
            Err(e) => return Err(e),
        };
        if from <= ctx.now {
            return Err(Rejection::new("portal-slot-started").into());
        }
        if store::live_overlapping(ctx.tx, &self.court_id, from, to)?.iter().any(|e| e.member_id == m.id) {
            return Err(Rejection::new("waitlist-already").into());
        }
        let entry =
            NewEntry { id: &self.entry_id, court_id: &self.court_id, starts_at: from, ends_at: to, member_id: &m.id };
        store::insert(ctx.tx, &entry, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {} {} min", self.slot.day, self.slot.start, self.slot.minutes)
    }
}

/// Leaves the list; an offer given up goes to the next in line at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaveWaitlist {
    pub entry_id: String,
}

impl LeaveWaitlist {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let e = store::entry(ctx.tx, &self.entry_id)?.ok_or_else(|| Rejection::new("waitlist-entry-not-found"))?;
        may_act_for(ctx, &e.member_id)?;
        if !e.status.is_live() {
            return Err(Rejection::new("waitlist-entry-closed").into());
        }
        store::set_status(ctx.tx, &e.id, WaitStatus::Left, None, ctx.now)?;
        if e.status == WaitStatus::Offered {
            offer_freed(ctx, &e.court_id, e.starts_at, e.ends_at)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.entry_id.clone()
    }
}

/// The scheduler's round: offers whose hold ran out lapse, and their time goes to the next in
/// line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LapseWaitlistOffers {}

impl LapseWaitlistOffers {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        if !matches!(ctx.actor, Actor::System) {
            return Err(Rejection::new("not-allowed").into());
        }
        for e in store::lapsed_offers(ctx.tx, ctx.now)? {
            store::set_status(ctx.tx, &e.id, WaitStatus::Expired, None, ctx.now)?;
            offer_freed(ctx, &e.court_id, e.starts_at, e.ends_at)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        "waiting-list offers lapsed".to_owned()
    }
}

/// Time on `court_id` in [from, to) may have come free: each entry waiting for a time in it that
/// is now free and held by no other offer is offered, first in line first. Only the hub offers
/// (it sends the SMS); a desk's cancellation offers when the hub takes it.
pub fn offer_freed(ctx: &Ctx<'_>, court_id: &str, from: Timestamp, to: Timestamp) -> Result<(), CommandError> {
    if !ctx.on_hub() {
        return Ok(());
    }
    let settings = crate::portal::store::settings(ctx.tx)?;
    if !(settings.enabled && settings.waitlist) {
        return Ok(());
    }
    for e in store::live_overlapping(ctx.tx, court_id, from, to)? {
        if e.status != WaitStatus::Waiting || e.starts_at <= ctx.now {
            continue;
        }
        if !crate::bookings::store::active_overlapping(ctx.tx, court_id, e.starts_at, e.ends_at, "")?.is_empty() {
            continue;
        }
        let held = store::live_overlapping(ctx.tx, court_id, e.starts_at, e.ends_at)?;
        if held.iter().any(|h| h.status == WaitStatus::Offered) {
            continue;
        }
        let until = ctx.now + jiff::SignedDuration::from_mins(i64::from(settings.offer_minutes));
        store::offer(ctx.tx, &e.id, until, ctx.now)?;
        send_offer(ctx, &e, until, &settings)?;
    }
    Ok(())
}

fn send_offer(
    ctx: &Ctx<'_>,
    e: &Entry,
    until: Timestamp,
    settings: &crate::portal::model::PortalSettings,
) -> Result<(), CommandError> {
    let Some(phone) = crate::members::store::member(ctx.tx, &e.member_id)?.and_then(|m| m.phone) else { return Ok(()) };
    let Some((_, club)) = crate::club::store::settings(ctx.tx)? else { return Ok(()) };
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let court = crate::courts::store::court(ctx.tx, &e.court_id)?.map(|c| c.draft.name).unwrap_or_default();
    let day = crate::i18n::date(club.locale, LocalSlot::from_instants(e.starts_at, e.ends_at, &tz).day);
    let hold = until.to_zoned_datetime(tz.clone()).strftime("%H:%M").to_string();
    let when = format!("{day} {}", span(e.starts_at, e.ends_at, &tz));
    let link = settings.link(&format!("/p/waitlist/{}", e.id));
    let args = [
        ("club", club.name.as_str()),
        ("court", court.as_str()),
        ("when", when.as_str()),
        ("until", hold.as_str()),
        ("link", link.as_deref().unwrap_or("")),
    ];
    let id = if link.is_some() { "waitlist-offer-sms" } else { "waitlist-offer-sms-no-link" };
    let body = crate::i18n::tr_args(club.locale, id, &args);
    let message = NewMessage {
        id: &format!("{}/offer", e.id),
        member_id: Some(&e.member_id),
        phone: &phone,
        body: &body,
        segments: crate::sms::model::segments(&body).parts as i64,
        kind: Kind::Offer,
        campaign_id: None,
        booking_id: None,
        not_before: ctx.now,
        deadline: Some(until),
    };
    crate::sms::store::insert_message(ctx.tx, &message, ctx.now)?;
    Ok(())
}

/// A player booked `booking_id` on `court_id` in [from, to): an offer they held for that time
/// is taken up.
pub fn offer_taken(
    ctx: &Ctx<'_>,
    member_id: &str,
    booking_id: &str,
    court_id: &str,
    (from, to): (Timestamp, Timestamp),
) -> Result<(), CommandError> {
    for e in store::live_overlapping(ctx.tx, court_id, from, to)? {
        if e.member_id == member_id && e.status == WaitStatus::Offered {
            store::set_status(ctx.tx, &e.id, WaitStatus::Booked, Some(booking_id), ctx.now)?;
        }
    }
    Ok(())
}

/// Whether [from, to) on `court_id` is held by an offer to someone other than `member_id`.
pub fn held_for_another(
    ctx: &Ctx<'_>,
    member_id: &str,
    court_id: &str,
    (from, to): (Timestamp, Timestamp),
) -> Result<bool, CommandError> {
    Ok(store::live_overlapping(ctx.tx, court_id, from, to)?.iter().any(|e| {
        e.status == WaitStatus::Offered && e.member_id != member_id && e.offer_until.is_some_and(|u| u > ctx.now)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::commands::CancelBooking;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::portal::commands::SavePortalSettings;
    use crate::portal::model::PortalSettings;
    use crate::testing::{TestDb, id, member_draft, reception, slot};

    struct Club {
        db: TestDb,
        court: String,
        anna: String,
        boris: String,
        vera: String,
    }

    /// The portal open with a 30-minute hold; Anna has Court 1 on 30 November 19:00–20:00;
    /// Boris and then Vera wait for it.
    fn club() -> Club {
        let mut db = TestDb::new();
        let settings =
            PortalSettings { enabled: true, address: "https://club.example".into(), ..PortalSettings::default() };
        db.applied(AnyCommand::SavePortalSettings(SavePortalSettings { settings, new_id: id() }));
        let court = db.court("Court 1");
        let anna = db.member("Anna", "+79161234567");
        let mut member = |name: &str, phone: &str| {
            let member_id = id();
            let draft = member_draft(name, phone);
            db.applied(AnyCommand::CreateMember(crate::members::commands::CreateMember {
                member_id: member_id.clone(),
                member: draft,
            }));
            member_id
        };
        let (boris, vera) = (member("Boris", "+79031112233"), member("Vera", "+79034445566"));
        db.book(&court, &anna, slot("2026-11-30", "19:00", 60)).unwrap();
        let mut club = Club { db, court, anna, boris, vera };
        for who in [club.boris.clone(), club.vera.clone()] {
            assert_eq!(club.join(&who, "19:00"), Ok(()));
        }
        club
    }

    impl Club {
        fn join(&mut self, member: &str, start: &str) -> Result<(), String> {
            let me = Actor::Member { id: member.into(), name: "player".into() };
            let cmd = JoinWaitlist {
                entry_id: id(),
                court_id: self.court.clone(),
                slot: slot("2026-11-30", start, 60),
                member_id: member.into(),
            };
            match self.db.run_as(&me, AnyCommand::JoinWaitlist(cmd)) {
                Outcome::Applied { .. } => Ok(()),
                Outcome::Rejected(r) => Err(r.code),
            }
        }

        /// (member, status) of every entry, first in line first.
        fn line(&self) -> Vec<(String, WaitStatus)> {
            let (from, to) = (self.db.now, self.db.now + jiff::SignedDuration::from_hours(72));
            store::live_between(&self.db.conn, from, to).unwrap().into_iter().map(|e| (e.member_id, e.status)).collect()
        }

        /// Live entries, first in line first.
        fn entries(&self) -> Vec<Entry> {
            let (from, to) = (self.db.now, self.db.now + jiff::SignedDuration::from_hours(72));
            store::live_between(&self.db.conn, from, to).unwrap()
        }

        /// Offers in the outbox (nothing sends them here).
        fn offers(&self) -> Vec<crate::sms::store::Message> {
            let outbox = crate::sms::store::due(&self.db.conn, self.db.now, false, 100).unwrap();
            outbox.into_iter().filter(|m| m.kind == Kind::Offer).collect()
        }

        fn offers_sent_to(&self, phone: &str) -> usize {
            self.offers().iter().filter(|m| m.phone == phone).count()
        }

        fn cancel_annas(&mut self) {
            let (from, to) = (self.db.now, self.db.now + jiff::SignedDuration::from_hours(72));
            let bookings = crate::bookings::store::between(&self.db.conn, from, to).unwrap();
            let id = bookings.into_iter().find(|b| b.status == crate::bookings::model::Status::Booked).unwrap().id;
            let cancel = CancelBooking { booking_id: id, reason: "Ill".into(), money_back: false };
            self.db.applied_as(&reception(), AnyCommand::CancelBooking(cancel));
        }
    }

    #[test]
    fn only_a_taken_time_to_come_can_be_waited_for_and_only_once() {
        let mut c = club();
        let boris = c.boris.clone();
        assert_eq!(c.join(&boris, "19:00"), Err("waitlist-already".into()));
        assert_eq!(c.join(&boris, "17:00"), Err("waitlist-slot-free".into()));
        c.db.now += jiff::SignedDuration::from_hours(32);
        assert_eq!(c.join(&c.anna.clone(), "19:00"), Err("portal-slot-started".into()));
    }

    /// Cancelled: Boris (first) is offered the time by SMS, Vera waits; Boris lets it lapse and
    /// Vera is offered it; she books it and the line is done. At no moment two offers.
    #[test]
    fn a_freed_time_goes_to_the_first_in_line_then_the_next() {
        let mut c = club();
        c.cancel_annas();
        assert_eq!(c.line(), vec![(c.boris.clone(), WaitStatus::Offered), (c.vera.clone(), WaitStatus::Waiting)]);
        assert_eq!(c.offers_sent_to("+79031112233"), 1);
        let due = crate::sms::store::due(&c.db.conn, c.db.now, true, 10).unwrap();
        assert!(due.iter().any(|m| m.kind == Kind::Offer), "an offer goes out in quiet hours too: its hold is short");
        let body = c.offers().remove(0).body;
        assert!(body.contains("https://club.example/p/waitlist/") && body.contains("19:00–20:00"), "{body}");

        let vera = c.vera.clone();
        let me = Actor::Member { id: vera.clone(), name: "Vera".into() };
        let mut grab = crate::testing::booking(&c.court, &vera, slot("2026-11-30", "19:00", 60));
        grab.source = crate::bookings::model::Source::Portal;
        let held = c.db.run_as(&me, AnyCommand::CreateBooking(grab.clone()));
        assert!(matches!(held, Outcome::Rejected(r) if r.code == "waitlist-held"), "held for Boris");

        c.db.now += jiff::SignedDuration::from_mins(31);
        c.db.applied_as(&Actor::System, AnyCommand::LapseWaitlistOffers(LapseWaitlistOffers {}));
        assert_eq!(c.line(), vec![(vera.clone(), WaitStatus::Offered)], "Boris's offer lapsed");
        assert_eq!(c.offers_sent_to("+79034445566"), 1);
        let veras = c.entries().remove(0).id;
        grab.booking_id = id();
        assert!(matches!(c.db.run_as(&me, AnyCommand::CreateBooking(grab)), Outcome::Applied { .. }));
        assert!(c.line().is_empty(), "Vera booked through her offer");
        assert_eq!(store::entry(&c.db.conn, &veras).unwrap().map(|e| e.status), Some(WaitStatus::Booked));
    }

    #[test]
    fn an_offer_given_up_goes_to_the_next_at_once() {
        let mut c = club();
        c.cancel_annas();
        let boris_entry = c.entries().into_iter().find(|e| e.status == WaitStatus::Offered).unwrap().id;
        let me = Actor::Member { id: c.boris.clone(), name: "Boris".into() };
        c.db.applied_as(&me, AnyCommand::LeaveWaitlist(LeaveWaitlist { entry_id: boris_entry.clone() }));
        assert_eq!(c.line(), vec![(c.vera.clone(), WaitStatus::Offered)]);
        let vera = Actor::Member { id: c.vera.clone(), name: "Vera".into() };
        let theirs = c.db.run_as(&vera, AnyCommand::LeaveWaitlist(LeaveWaitlist { entry_id: boris_entry }));
        assert!(matches!(theirs, Outcome::Rejected(r) if r.code == "waitlist-entry-not-found"), "not Vera's to leave");
    }
}
