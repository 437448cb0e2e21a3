//! What managers decide about a group (its terms and weekly schedule) and what the desk does
//! with it: enrol, take off, move between groups, add or cancel a session. The journal's
//! marks and what they charge are in `journal`.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::model::{GroupDraft, Place, place_for_newcomer, places_free};
use super::notify;
use super::store::{self, Group};
use crate::bookings::commands::{SeriesSpec, add_series};
use crate::bookings::model::{Kind, LocalSlot, Source};
use crate::bookings::store::{self as bookings, Booking, NewBooking};
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::courts::model::DayMinute;
use crate::passes::model::PassKind;

pub(super) fn group_of(ctx: &Ctx<'_>, id: &str) -> Result<Group, CommandError> {
    Ok(store::group(ctx.tx, id)?.ok_or_else(|| Rejection::new("group-not-found"))?)
}

/// The draft's coach takes lessons, its court is open for booking, and a pass group's product
/// is one a visit can be taken from (visits, hours or a membership).
fn check_draft(ctx: &Ctx<'_>, d: &GroupDraft) -> Result<(), CommandError> {
    d.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
    let coach = crate::coaching::store::coach(ctx.tx, &d.coach_id)?.filter(|c| c.draft.active);
    coach.ok_or_else(|| Rejection::new("coach-not-found").on("coach_id"))?;
    let court = crate::courts::store::court(ctx.tx, &d.court_id)?;
    court.ok_or_else(|| Rejection::new("court-not-found").on("court_id"))?;
    if let Some(product) = &d.product_id {
        let p = crate::passes::store::product(ctx.tx, product)?;
        let p = p.ok_or_else(|| Rejection::new("group-product-required").on("product_id"))?;
        if p.product.kind == PassKind::Value {
            return Err(Rejection::new("group-product-value").on("product_id").into());
        }
    }
    Ok(())
}

/// A group's weekly schedule: the days and time its sessions hold the court.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Schedule {
    #[serde(with = "crate::bookings::model::weekdays_serde")]
    pub weekdays: Vec<Weekday>,
    pub start: DayMinute,
    pub minutes: u16,
    pub first_day: Date,
    pub last_day: Date,
}

/// The weekly series that holds a group's court for its sessions.
pub fn schedule_spec(group_id: &str, d: &GroupDraft, s: &Schedule) -> SeriesSpec {
    SeriesSpec {
        court_id: d.court_id.clone(),
        weekdays: s.weekdays.clone(),
        start: s.start,
        minutes: s.minutes,
        first_day: s.first_day,
        last_day: s.last_day,
        kind: Kind::Lesson,
        booker_id: None,
        players: Vec::new(),
        note: String::new(),
        coach_id: Some(d.coach_id.clone()),
        group_id: Some(group_id.to_owned()),
    }
}

/// Makes a group and its schedule; dates in `skip` (taken, as the form's preview showed) are
/// left out, any other date that cannot be had refuses the whole group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateGroup {
    pub group_id: String,
    pub series_id: String,
    pub group: GroupDraft,
    pub schedule: Schedule,
    pub skip: Vec<Date>,
}

impl CreateGroup {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        crate::core::id_is_new(store::group(ctx.tx, &self.group_id)?)?;
        let draft = self.group.clone().tidy();
        check_draft(ctx, &draft)?;
        store::put_group(ctx.tx, &self.group_id, &draft, ctx.now)?;
        add_series(ctx, &self.series_id, &schedule_spec(&self.group_id, &draft, &self.schedule), &self.skip)
    }

    pub fn summary(&self) -> String {
        let s = &self.schedule;
        format!("{} {}..{} {} {} min", self.group.name, s.first_day, s.last_day, s.start, s.minutes)
    }
}

/// Changes a group's terms. A new coach takes its sessions from now on (refused, naming the
/// date, where they are busy); a larger group lets the waiting list move up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateGroup {
    pub group_id: String,
    pub group: GroupDraft,
}

impl UpdateGroup {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let old = group_of(ctx, &self.group_id)?;
        let draft = self.group.clone().tidy();
        check_draft(ctx, &draft)?;
        if draft.capacity < old.enrolled {
            return Err(Rejection::new("group-capacity-below-enrolled")
                .on("capacity")
                .arg("enrolled", old.enrolled)
                .into());
        }
        if draft.coach_id != old.draft.coach_id {
            self.hand_over(ctx, &draft.coach_id)?;
        }
        store::put_group(ctx.tx, &self.group_id, &draft, ctx.now)?;
        fill_places(ctx, &self.group_id)
    }

    fn hand_over(&self, ctx: &Ctx<'_>, coach_id: &str) -> Result<(), CommandError> {
        let far = ctx.now + jiff::SignedDuration::from_hours(24 * 800);
        let tz = crate::club::store::time_zone(ctx.tx)?;
        let locale = crate::club::store::settings(ctx.tx)?.map_or(crate::i18n::Locale::En, |(_, s)| s.locale);
        let coach = crate::coaching::commands::LessonCoach::of(ctx, Kind::Lesson, Some(coach_id))?;
        for s in bookings::of_group(ctx.tx, &self.group_id, ctx.now, far)? {
            if s.status == crate::bookings::model::Status::Cancelled {
                continue;
            }
            let at = (s.starts_at, s.ends_at);
            match coach.as_ref().map_or(Ok(()), |c| c.check(ctx, &s.court_id, at, &s.id)) {
                Err(CommandError::Rejected(mut r)) if r.code == "coach-busy" || r.code.starts_with("coach-off-") => {
                    let day = s.starts_at.to_zoned_datetime(tz.clone()).date();
                    r.code = format!("group-{}", r.code);
                    return Err(r.arg("date", crate::i18n::date(locale, day)).into());
                }
                other => other?,
            }
        }
        bookings::set_group_coach(ctx.tx, &self.group_id, coach_id, ctx.now, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ({})", self.group.name, self.group_id)
    }
}

/// Free places go to the waiting list, first come first; each member moved up is told by SMS.
fn fill_places(ctx: &Ctx<'_>, group_id: &str) -> Result<(), CommandError> {
    let g = group_of(ctx, group_id)?;
    let free = places_free(g.enrolled, g.draft.capacity);
    let waiting = store::roster(ctx.tx, group_id)?.into_iter().filter(|e| e.place == Place::Waiting);
    for e in waiting.take(usize::try_from(free).unwrap_or(0)) {
        store::set_place(ctx.tx, &e.id, Place::Enrolled, ctx.now)?;
        notify::moved_up(ctx, &g, &e)?;
    }
    Ok(())
}

/// Puts a member on a group's roster: into a free place, or at the end of its waiting list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolMember {
    pub entry_id: String,
    pub group_id: String,
    pub member_id: String,
}

impl EnrolMember {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(store::entry_by_id(ctx.tx, &self.entry_id)?)?;
        enrol(ctx, &self.entry_id, &self.group_id, &self.member_id)
    }

    pub fn summary(&self) -> String {
        format!("{} into {}", self.member_id, self.group_id)
    }
}

fn enrol(ctx: &Ctx<'_>, entry_id: &str, group_id: &str, member_id: &str) -> Result<(), CommandError> {
    let g = group_of(ctx, group_id)?;
    if !g.draft.active {
        return Err(Rejection::new("group-inactive").arg("group", &g.draft.name).into());
    }
    let m = crate::members::store::member(ctx.tx, member_id)?;
    let m = m.ok_or_else(|| Rejection::new("member-not-found").on("member"))?;
    if m.archived {
        return Err(Rejection::new("member-archived").on("member").arg("name", m.full_name).into());
    }
    if let Some(e) = store::entry(ctx.tx, group_id, member_id)? {
        let code = if e.place == Place::Waiting { "group-already-waiting" } else { "group-already-enrolled" };
        return Err(Rejection::new(code).on("member").arg("name", m.full_name).into());
    }
    let place = place_for_newcomer(g.enrolled, g.waiting, g.draft.capacity);
    store::add_to_roster(ctx.tx, entry_id, (group_id, member_id), place, ctx.now)?;
    Ok(())
}

/// Takes a member off a group's roster (or its waiting list); their place goes to the first
/// who waits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaveGroup {
    pub group_id: String,
    pub member_id: String,
}

impl LeaveGroup {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        leave(ctx, &self.group_id, &self.member_id)
    }

    pub fn summary(&self) -> String {
        format!("{} from {}", self.member_id, self.group_id)
    }
}

fn leave(ctx: &Ctx<'_>, group_id: &str, member_id: &str) -> Result<(), CommandError> {
    let e = store::entry(ctx.tx, group_id, member_id)?.ok_or_else(|| Rejection::new("group-not-on-roster"))?;
    store::set_place(ctx.tx, &e.id, Place::Left, ctx.now)?;
    fill_places(ctx, group_id)
}

/// Moves a member from one group to another in one step: they leave the first only if the
/// second takes them (into a place or onto its waiting list).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoveMember {
    pub entry_id: String,
    pub group_id: String,
    pub to_group_id: String,
    pub member_id: String,
}

impl MoveMember {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(store::entry_by_id(ctx.tx, &self.entry_id)?)?;
        if self.group_id == self.to_group_id {
            return Err(Rejection::new("group-move-same").on("to_group_id").into());
        }
        leave(ctx, &self.group_id, &self.member_id)?;
        enrol(ctx, &self.entry_id, &self.to_group_id, &self.member_id).map_err(|e| match e {
            CommandError::Rejected(r) => r.on("to_group_id").into(),
            other => other,
        })
    }

    pub fn summary(&self) -> String {
        format!("{} from {} to {}", self.member_id, self.group_id, self.to_group_id)
    }
}

/// A one-off extra session of a group (a make-up, a holiday camp day); the roster is told.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddGroupSession {
    pub booking_id: String,
    pub group_id: String,
    pub court_id: String,
    pub day: Date,
    pub start: DayMinute,
    pub minutes: u16,
}

impl AddGroupSession {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(bookings::booking(ctx.tx, &self.booking_id)?)?;
        let g = group_of(ctx, &self.group_id)?;
        let tz = crate::club::store::time_zone(ctx.tx)?;
        let slot = LocalSlot { day: self.day, start: self.start, minutes: self.minutes };
        let at = crate::bookings::slots::bookable(ctx.tx, &tz, &self.court_id, slot, "")?;
        crate::coaching::commands::check_lesson(ctx, Kind::Lesson, Some(&g.draft.coach_id), &self.court_id, at, "")?;
        let new = NewBooking {
            id: &self.booking_id,
            court_id: &self.court_id,
            starts_at: at.0,
            ends_at: at.1,
            kind: Kind::Lesson,
            booker_id: None,
            note: "",
            source: Source::Desk,
            series_id: None,
            coach_id: Some(&g.draft.coach_id),
            group_id: Some(&g.id),
        };
        bookings::insert(ctx.tx, &new, ctx.now)?;
        let session =
            bookings::booking(ctx.tx, &self.booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
        notify::roster(ctx, &g, &session, notify::News::Extra)
    }

    pub fn summary(&self) -> String {
        format!("{} {} {} {} min", self.group_id, self.day, self.start, self.minutes)
    }
}

/// Cancels one session of a group (the coach is ill, the court is flooded); the roster is told
/// by SMS. A session somebody was already marked for has been held and stays.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CancelGroupSession {
    pub booking_id: String,
    pub reason: String,
}

impl CancelGroupSession {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let (g, session) = session_of(ctx, &self.booking_id)?;
        let reason = self.reason.trim();
        // The members are told why by SMS: a cancellation without a reason reads as a mistake.
        if reason.is_empty() {
            return Err(Rejection::new("group-cancel-reason-required").on("reason").into());
        }
        if reason.chars().count() > 200 {
            return Err(Rejection::new("group-cancel-reason-too-long").on("reason").into());
        }
        if !store::visits(ctx.tx, &session.id)?.is_empty() {
            return Err(Rejection::new("group-session-marked").into());
        }
        bookings::cancel(ctx.tx, &session.id, reason, ctx.now)?;
        crate::sms::reminders::follow(ctx, &session.id, crate::sms::reminders::Event::Cancelled)?;
        crate::waitlist::commands::offer_freed(ctx, &session.court_id, session.starts_at, session.ends_at)?;
        notify::roster(ctx, &g, &session, notify::News::Cancelled(reason))
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.booking_id, self.reason)
    }
}

/// A live session of a group, with its group.
pub(super) fn session_of(ctx: &Ctx<'_>, booking_id: &str) -> Result<(Group, Booking), CommandError> {
    let b = bookings::booking(ctx.tx, booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
    let Some(group_id) = b.group_id.as_deref() else { return Err(Rejection::new("booking-not-found").into()) };
    if b.status == crate::bookings::model::Status::Cancelled {
        return Err(Rejection::new("booking-cancelled").into());
    }
    Ok((group_of(ctx, group_id)?, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bookings::model::Status;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::groups::fixtures::{draft, group, sessions};
    use crate::testing::{TestDb, id, reception};

    fn enrol(db: &mut TestDb, group_id: &str, member: &str) -> Outcome {
        let cmd = EnrolMember { entry_id: id(), group_id: group_id.into(), member_id: member.into() };
        db.run_as(&reception(), AnyCommand::EnrolMember(cmd))
    }

    fn places(db: &TestDb, group_id: &str) -> Vec<(String, Place)> {
        store::roster(&db.conn, group_id).unwrap().into_iter().map(|e| (e.name, e.place)).collect()
    }

    /// The schedule books the court and the coach on every date; sessions cost nobody court
    /// rent (members pay by the group's model), and the court is taken for anyone else.
    #[test]
    fn a_group_holds_its_court_and_coach_on_every_date() {
        let mut db = TestDb::new();
        db.price_per_hour(1000);
        let court = db.court("Court 3");
        let coach = db.coach("Anna");
        let g = group(&mut db, draft(&court, &coach, 4));
        let all = sessions(&db, &g);
        assert_eq!(all.len(), 10, "Tuesdays and Thursdays of December 2026");
        assert!(all.iter().all(|s| s.coach_id.as_deref() == Some(coach.as_str()) && s.price == 0));
        let anna = db.member("Boris", "");
        let taken = db.book(&court, &anna, crate::testing::slot("2026-12-01", "17:30", 60)).unwrap_err();
        assert_eq!(taken.code, "slot-taken");
        let said = crate::i18n::rejection_text(crate::i18n::Locale::Ru, &taken);
        assert_eq!(said, "Court 3 занят 17:00–18:00: групповое занятие.");
        let not_here = crate::bookings::commands::CancelBooking {
            booking_id: all[0].id.clone(),
            reason: String::new(),
            money_back: false,
        };
        assert_eq!(db.refused(AnyCommand::CancelBooking(not_here)).code, "group-session-on-group-page");
        let mut second = draft(&court, &coach, 4);
        second.name = "Adults".into();
        let clash = CreateGroup {
            group_id: id(),
            series_id: id(),
            group: second,
            schedule: crate::groups::fixtures::schedule(),
            skip: Vec::new(),
        };
        assert_eq!(db.refused(AnyCommand::CreateGroup(clash)).code, "slot-taken");
    }

    /// Up to capacity members are enrolled, then they wait in turn; a place that comes free (or
    /// a larger group) goes to the first who waits, who is told by SMS.
    #[test]
    fn a_full_group_keeps_a_waiting_list_in_turn() {
        let mut db = TestDb::new();
        let (court, coach) = (db.court("Court 3"), db.coach("Anna"));
        let g = group(&mut db, draft(&court, &coach, 2));
        let names = ["Ann", "Ben", "Cid", "Dan"];
        let ids: Vec<String> = (0..4).map(|i| db.member(names[i], &format!("+7916123456{i}"))).collect();
        for m in &ids {
            assert!(matches!(enrol(&mut db, &g, m), Outcome::Applied { .. }));
        }
        assert!(matches!(enrol(&mut db, &g, &ids[0]), Outcome::Rejected(r) if r.code == "group-already-enrolled"));
        assert!(matches!(enrol(&mut db, &g, &ids[3]), Outcome::Rejected(r) if r.code == "group-already-waiting"));
        assert_eq!(
            places(&db, &g),
            [
                ("Ann".into(), Place::Enrolled),
                ("Ben".into(), Place::Enrolled),
                ("Cid".into(), Place::Waiting),
                ("Dan".into(), Place::Waiting)
            ]
        );
        db.applied_as(
            &reception(),
            AnyCommand::LeaveGroup(LeaveGroup { group_id: g.clone(), member_id: ids[0].clone() }),
        );
        assert_eq!(places(&db, &g)[1], ("Cid".into(), Place::Enrolled), "the first who waited moves up");
        let told = crate::sms::store::of_member(&db.conn, &ids[2], 10).unwrap();
        assert!(told.iter().any(|m| m.body.contains("Juniors 8–10")), "{told:?}");

        let mut bigger = draft(&court, &coach, 3);
        bigger.minimum = 2;
        db.applied(AnyCommand::UpdateGroup(UpdateGroup { group_id: g.clone(), group: bigger }));
        assert!(places(&db, &g).iter().all(|(_, p)| *p == Place::Enrolled));
        let smaller = UpdateGroup { group_id: g.clone(), group: draft(&court, &coach, 2) };
        assert_eq!(db.refused(AnyCommand::UpdateGroup(smaller)).code, "group-capacity-below-enrolled");
    }

    /// Moving a member is one step: into the other group (or its waiting list) and out of this
    /// one; a move the other group refuses leaves them where they were.
    #[test]
    fn a_member_moves_between_groups_in_one_step() {
        let mut db = TestDb::new();
        let (one, two, coach) = (db.court("Court 1"), db.court("Court 2"), db.coach("Anna"));
        let juniors = group(&mut db, draft(&one, &coach, 4));
        let mut d = draft(&two, &db.coach("Boris"), 1);
        d.name = "Adults".into();
        let adults = group(&mut db, d);
        let (ann, ben) = (db.member("Ann", ""), db.member("Ben", ""));
        enrol(&mut db, &juniors, &ann);
        enrol(&mut db, &adults, &ben);
        let move_ann = |to: &str| MoveMember {
            entry_id: id(),
            group_id: juniors.clone(),
            to_group_id: to.into(),
            member_id: ann.clone(),
        };
        assert_eq!(db.refused(AnyCommand::MoveMember(move_ann(&juniors))).code, "group-move-same");
        db.applied_as(&reception(), AnyCommand::MoveMember(move_ann(&adults)));
        assert!(places(&db, &juniors).is_empty());
        assert_eq!(places(&db, &adults), [("Ben".into(), Place::Enrolled), ("Ann".into(), Place::Waiting)]);
    }

    /// An extra session books court and coach and tells the roster; a cancelled one frees the
    /// court and tells them why. A session already marked was held and cannot be cancelled.
    #[test]
    fn extra_and_cancelled_sessions_reach_the_roster_by_sms() {
        let mut db = TestDb::new();
        let (court, coach) = (db.court("Court 3"), db.coach("Anna"));
        let g = group(&mut db, draft(&court, &coach, 4));
        let ann = db.member("Ann", "+79161234567");
        enrol(&mut db, &g, &ann);
        let extra = AddGroupSession {
            booking_id: id(),
            group_id: g.clone(),
            court_id: court.clone(),
            day: "2026-12-05".parse().unwrap(),
            start: DayMinute::parse("10:00").unwrap(),
            minutes: 90,
        };
        db.applied_as(&reception(), AnyCommand::AddGroupSession(extra.clone()));
        assert_eq!(sessions(&db, &g).len(), 11);
        let again = AddGroupSession { booking_id: id(), ..extra };
        assert_eq!(db.refused(AnyCommand::AddGroupSession(again)).code, "slot-taken");

        let first = sessions(&db, &g)[0].clone();
        let cancel = CancelGroupSession { booking_id: first.id.clone(), reason: "The coach is ill".into() };
        db.applied_as(&reception(), AnyCommand::CancelGroupSession(cancel));
        assert_eq!(crate::bookings::store::booking(&db.conn, &first.id).unwrap().unwrap().status, Status::Cancelled);
        let told: Vec<String> =
            crate::sms::store::of_member(&db.conn, &ann, 10).unwrap().into_iter().map(|m| m.body).collect();
        assert!(told.iter().any(|b| b.contains("cancelled") && b.contains("The coach is ill")), "{told:?}");
        assert!(told.iter().any(|b| b.contains("extra")), "{told:?}");
        assert!(db.book(&court, &ann, crate::testing::slot("2026-12-01", "17:00", 60)).is_ok(), "the court is free");
    }

    /// A new coach takes the group's coming sessions, unless they are busy at one of them.
    #[test]
    fn a_new_coach_takes_the_coming_sessions_when_free() {
        let mut db = TestDb::new();
        let (one, two) = (db.court("Court 1"), db.court("Court 2"));
        let (anna, boris) = (db.coach("Anna"), db.coach("Boris"));
        let g = group(&mut db, draft(&one, &anna, 4));
        let member = db.member("Ann", "");
        let mut busy = crate::testing::booking(&two, &member, crate::testing::slot("2026-12-03", "17:00", 60));
        busy.kind = Kind::Lesson;
        busy.coach_id = Some(boris.clone());
        let busy_id = busy.booking_id.clone();
        db.applied(AnyCommand::CreateBooking(busy));
        let hand_over = UpdateGroup { group_id: g.clone(), group: draft(&one, &boris, 4) };
        let refused = db.refused(AnyCommand::UpdateGroup(hand_over.clone()));
        assert_eq!(refused.code, "group-coach-busy");
        let cancel =
            crate::bookings::commands::CancelBooking { booking_id: busy_id, reason: "moved".into(), money_back: false };
        db.applied(AnyCommand::CancelBooking(cancel));
        db.applied(AnyCommand::UpdateGroup(hand_over));
        assert!(sessions(&db, &g).iter().all(|s| s.coach_id.as_deref() == Some(boris.as_str())));
    }

    /// A coach who does not work on the group's days is not given its sessions: the first such
    /// session is named.
    #[test]
    fn a_new_coach_must_work_at_the_groups_times() {
        let mut db = TestDb::new();
        let one = db.court("Court 1");
        let (anna, vera) = (db.coach("Anna"), db.coach("Vera"));
        let g = group(&mut db, draft(&one, &anna, 4));
        let mut works = crate::coaching::store::coach(&db.conn, &vera).unwrap().unwrap().draft;
        works.works.weekdays = vec![jiff::civil::Weekday::Tuesday];
        db.applied(AnyCommand::SaveCoach(crate::coaching::commands::SaveCoach {
            coach_id: vera.clone(),
            coach: works,
        }));
        let hand_over = UpdateGroup { group_id: g.clone(), group: draft(&one, &vera, 4) };
        let refused = db.refused(AnyCommand::UpdateGroup(hand_over));
        assert_eq!(refused.code, "group-coach-off-day", "Thursdays are not hers");
        assert!(refused.args.iter().any(|(k, v)| k == "date" && v.contains('3')), "{:?}", refused.args);
        assert!(sessions(&db, &g).iter().all(|s| s.coach_id.as_deref() == Some(anna.as_str())));
    }
}
