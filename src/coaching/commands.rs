//! A coach's profile (managers), and the rules of a lesson's coach, checked inside the booking
//! commands.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::model::{CoachDraft, pay_lines};
use super::store;
use crate::bookings::model::{Kind, LocalSlot, Outside};
use crate::core::{CommandError, Ctx, Rejection, Role, require};

/// Makes staff account `coach_id` a coach with this profile, or changes the profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveCoach {
    pub coach_id: String,
    pub coach: CoachDraft,
}

impl SaveCoach {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if crate::auth::store::user_by_id(ctx.tx, &self.coach_id)?.is_none() {
            return Err(Rejection::new("staff-not-found").on("coach_id").into());
        }
        let draft = self.coach.clone().tidy();
        draft.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
        store::put_coach(ctx.tx, &self.coach_id, &draft, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.coach.name.clone()
    }
}

/// Approves coach `coach_id`'s pay for the days `first_day..=last_day` (club time) as the pay
/// report works it out now; the figures are kept as approved. A period overlapping one already
/// approved for the coach is refused: no lesson is paid twice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApprovePay {
    pub approval_id: String,
    pub coach_id: String,
    pub first_day: Date,
    pub last_day: Date,
}

impl ApprovePay {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        crate::core::id_is_new(store::approval(ctx.tx, &self.approval_id)?)?;
        let coach = store::coach(ctx.tx, &self.coach_id)?.ok_or_else(|| Rejection::new("coach-not-found"))?;
        let (first, last) = (self.first_day, self.last_day);
        if last < first || (last - first).get_days() > 366 {
            return Err(Rejection::new("coach-pay-period-invalid").into());
        }
        let tz = crate::club::store::time_zone(ctx.tx)?;
        if last >= ctx.now.to_zoned_datetime(tz.clone()).date() {
            return Err(Rejection::new("coach-pay-period-not-over").into());
        }
        let overlapping = store::approvals_overlapping(ctx.tx, first, last)?;
        if let Some(a) = overlapping.iter().find(|a| a.coach_id == self.coach_id) {
            return Err(Rejection::new("coach-pay-overlap")
                .arg("from", a.first_day.to_string())
                .arg("to", a.last_day.to_string())
                .into());
        }
        let start = |d: Result<Date, jiff::Error>| {
            d.and_then(|d| d.to_zoned_datetime(tz.clone()))
                .map(|z| z.timestamp())
                .map_err(|_| Rejection::new("coach-pay-period-invalid"))
        };
        let (from, to) = (start(Ok(first))?, start(last.tomorrow())?);
        let lessons = store::lessons_between(ctx.tx, from, to, ctx.now)?;
        let me = [(coach.id.clone(), coach.draft.clone())];
        let Some(line) = pay_lines(&me, &lessons).pop() else { return Err(Rejection::new("coach-not-found").into()) };
        let approval = store::Approval {
            id: self.approval_id.clone(),
            coach_id: coach.id,
            first_day: first,
            last_day: last,
            held: line.held,
            minutes: line.minutes,
            sessions: line.sessions,
            attendees: line.attendees,
            amount: line.pay,
            approved_by: ctx.actor.display_name(),
            approved_at: ctx.now,
        };
        store::insert_approval(ctx.tx, &approval)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}–{}", self.coach_id, self.first_day, self.last_day)
    }
}

/// Withdraws an approval of a coach's pay (a mistake, or to approve the period again).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WithdrawPayApproval {
    pub approval_id: String,
}

impl WithdrawPayApproval {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        if store::approval(ctx.tx, &self.approval_id)?.is_none() {
            return Err(Rejection::new("coach-pay-approval-not-found").into());
        }
        store::withdraw_approval(ctx.tx, &self.approval_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        self.approval_id.clone()
    }
}

/// A lesson's coach, read once for every date a booking or a series asks about.
pub struct LessonCoach {
    coach: store::Coach,
    tz: jiff::tz::TimeZone,
}

impl LessonCoach {
    /// A coach only for a lesson, and only an active coach; `None` when there is no coach.
    pub fn of(ctx: &Ctx<'_>, kind: Kind, coach_id: Option<&str>) -> Result<Option<LessonCoach>, CommandError> {
        let Some(coach_id) = coach_id else { return Ok(None) };
        if kind != Kind::Lesson {
            return Err(Rejection::new("coach-only-lessons").on("coach_id").into());
        }
        let coach = store::coach(ctx.tx, coach_id)?.filter(|c| c.draft.active);
        let coach = coach.ok_or_else(|| Rejection::new("coach-not-found").on("coach_id"))?;
        Ok(Some(LessonCoach { coach, tz: crate::club::store::time_zone(ctx.tx)? }))
    }

    /// Only on the courts and at the times the coach works, and never in two places at once (the
    /// schema's trigger holds that line against a race; this says it in words). `except` is the
    /// booking being changed: one that keeps its coach, court and time keeps its place when the
    /// coach's hours have changed since.
    pub fn check(
        &self,
        ctx: &Ctx<'_>,
        court_id: &str,
        (from, to): (Timestamp, Timestamp),
        except: &str,
    ) -> Result<(), CommandError> {
        let (coach, tz) = (&self.coach, &self.tz);
        let unchanged = crate::bookings::store::booking(ctx.tx, except)?.is_some_and(|b| {
            b.coach_id.as_deref() == Some(coach.id.as_str())
                && b.court_id == court_id
                && (b.starts_at, b.ends_at) == (from, to)
        });
        if !unchanged && let Err(outside) = coach.draft.works.allow(court_id, LocalSlot::from_instants(from, to, tz)) {
            let w = &coach.draft.works;
            let code = match outside {
                Outside::Court => "coach-off-court",
                Outside::Day => "coach-off-day",
                Outside::Time => "coach-off-time",
            };
            return Err(Rejection::new(code)
                .on("coach_id")
                .arg("coach", &coach.draft.name)
                .arg("from", w.from.to_string())
                .arg("to", w.to.to_string())
                .into());
        }
        if let Some((start, end)) = store::busy(ctx.tx, &coach.id, from, to, except)? {
            let (from, to) = crate::bookings::model::clock_span(start, end, tz);
            return Err(Rejection::new("coach-busy")
                .on("coach_id")
                .arg("coach", &coach.draft.name)
                .arg("from", from)
                .arg("to", to)
                .into());
        }
        Ok(())
    }
}

/// The rules of a lesson's coach for one booking (`LessonCoach` for many dates).
pub fn check_lesson(
    ctx: &Ctx<'_>,
    kind: Kind,
    coach_id: Option<&str>,
    court_id: &str,
    at: (Timestamp, Timestamp),
    except: &str,
) -> Result<(), CommandError> {
    match LessonCoach::of(ctx, kind, coach_id)? {
        Some(coach) => coach.check(ctx, court_id, at, except),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::core::Outcome;
    use crate::testing::{TestDb, booking, id, reception, slot};

    fn lesson(db: &mut TestDb, court: &str, member: &str, coach: &str, start: &str) -> Result<String, String> {
        let mut b = booking(court, member, slot("2026-11-30", start, 60));
        b.kind = Kind::Lesson;
        b.coach_id = Some(coach.into());
        let id = b.booking_id.clone();
        match db.run_as(&reception(), AnyCommand::CreateBooking(b)) {
            Outcome::Applied { .. } => Ok(id),
            Outcome::Rejected(r) => Err(r.code),
        }
    }

    #[test]
    fn only_a_manager_makes_a_staff_account_a_coach() {
        let mut db = TestDb::new();
        let anna = db.coach("Anna");
        let draft = CoachDraft {
            name: "Anna P".into(),
            colour: "#123456".into(),
            lesson_fee: 0,
            pay_per_hour: 0,
            pay_model: Default::default(),
            group_rate: None,
            works: Default::default(),
            active: true,
        };
        let again = SaveCoach { coach_id: anna.clone(), coach: draft.clone() };
        assert!(matches!(db.run_as(&reception(), AnyCommand::SaveCoach(again.clone())), Outcome::Rejected(_)));
        db.applied(AnyCommand::SaveCoach(again));
        assert_eq!(store::coach(&db.conn, &anna).unwrap().unwrap().draft.name, "Anna P");
        let nobody = SaveCoach { coach_id: "no such account".into(), coach: draft };
        assert_eq!(db.refused(AnyCommand::SaveCoach(nobody)).code, "staff-not-found");
    }

    /// A coach is in one place at a time: a second lesson overlapping the first on another court
    /// is refused in words, and the schema refuses it too when the code is bypassed.
    #[test]
    fn a_coach_is_never_in_two_lessons_at_once() {
        let mut db = TestDb::new();
        db.price_per_hour(1000);
        let (one, two) = (db.court("Court 1"), db.court("Court 2"));
        let member = db.member("Anna", "");
        let coach = db.coach("Boris");
        let first = lesson(&mut db, &one, &member, &coach, "18:00").expect("a lesson");
        assert_eq!(lesson(&mut db, &two, &member, &coach, "18:30"), Err("coach-busy".into()));
        assert!(lesson(&mut db, &two, &member, &coach, "19:00").is_ok(), "back to back is fine");
        let b = crate::bookings::store::booking(&db.conn, &first).unwrap().unwrap();
        assert_eq!(b.price, 1000 + 500, "court rent and the coach's fee");

        let mut play = booking(&two, &member, slot("2026-11-30", "10:00", 60));
        play.coach_id = Some(coach.clone());
        assert_eq!(db.refused(AnyCommand::CreateBooking(play)).code, "coach-only-lessons");

        let raw = db.conn.execute(
            "INSERT INTO bookings (id, court_id, starts_at, ends_at, kind, status, source, coach_id, created_at, updated_at) \
             SELECT 'raw', ?1, starts_at, ends_at, 'lesson', 'booked', 'desk', coach_id, 0, 0 FROM bookings WHERE id = ?2",
            [&two, &first],
        );
        assert!(raw.unwrap_err().to_string().contains("coach already booked"), "the trigger holds the line");
    }

    /// A coach takes lessons only on their courts, days and hours. A lesson booked before the
    /// hours were set keeps its place when only its note changes, not when it moves.
    #[test]
    fn a_coach_takes_lessons_only_where_and_when_they_work() {
        use crate::bookings::commands::UpdateBooking;
        use crate::bookings::model::Conditions;
        use crate::courts::model::DayMinute;
        use jiff::civil::Weekday;
        let mut db = TestDb::new();
        let (one, two) = (db.court("Court 1"), db.court("Court 2"));
        let member = db.member("Anna", "");
        let coach = db.coach("Boris");
        let early = lesson(&mut db, &one, &member, &coach, "08:00").expect("any time before hours are set");
        let mut draft = store::coach(&db.conn, &coach).unwrap().unwrap().draft;
        draft.works = Conditions {
            court_ids: vec![one.clone()],
            weekdays: vec![Weekday::Monday, Weekday::Wednesday],
            from: DayMinute::parse("16:00").unwrap(),
            to: DayMinute::parse("21:00").unwrap(),
        };
        db.applied(AnyCommand::SaveCoach(SaveCoach { coach_id: coach.clone(), coach: draft }));

        // 30 November 2026 is a Monday.
        assert_eq!(lesson(&mut db, &two, &member, &coach, "18:00"), Err("coach-off-court".into()));
        assert_eq!(lesson(&mut db, &one, &member, &coach, "15:30"), Err("coach-off-time".into()));
        assert_eq!(lesson(&mut db, &one, &member, &coach, "20:30"), Err("coach-off-time".into()), "ends at 21:30");
        assert!(lesson(&mut db, &one, &member, &coach, "20:00").is_ok());
        let mut tuesday = booking(&one, &member, slot("2026-12-01", "18:00", 60));
        tuesday.kind = Kind::Lesson;
        tuesday.coach_id = Some(coach.clone());
        let refused = db.refused(AnyCommand::CreateBooking(tuesday));
        assert_eq!((refused.code.as_str(), refused.field.as_deref()), ("coach-off-day", Some("coach_id")));

        let mut edit = UpdateBooking {
            booking_id: early,
            court_id: one.clone(),
            slot: slot("2026-11-30", "08:00", 60),
            kind: Kind::Lesson,
            booker_id: Some(member.clone()),
            players: Vec::new(),
            note: "racket to be restrung".into(),
            coach_id: Some(coach.clone()),
        };
        db.applied(AnyCommand::UpdateBooking(edit.clone()));
        edit.slot = slot("2026-11-30", "09:00", 60);
        assert_eq!(db.refused(AnyCommand::UpdateBooking(edit)).code, "coach-off-time");
    }

    #[test]
    fn a_coach_not_taking_lessons_cannot_be_booked() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let member = db.member("Anna", "");
        let coach = db.coach("Vera");
        let off = CoachDraft {
            name: "Vera".into(),
            colour: "#2e7d32".into(),
            lesson_fee: 0,
            pay_per_hour: 0,
            pay_model: Default::default(),
            group_rate: None,
            works: Default::default(),
            active: false,
        };
        db.applied(AnyCommand::SaveCoach(SaveCoach { coach_id: coach.clone(), coach: off }));
        assert_eq!(lesson(&mut db, &court, &member, &coach, "18:00"), Err("coach-not-found".into()));
    }

    /// A weekly series of lessons keeps its coach on every date; a date the coach is busy
    /// elsewhere is named in the plan and left out when asked.
    #[test]
    fn a_weekly_series_of_lessons_keeps_its_coach() {
        use crate::bookings::commands::{CreateSeries, SeriesSpec, plan_series};
        let mut db = TestDb::new();
        let (one, two) = (db.court("Court 1"), db.court("Court 2"));
        let member = db.member("Anna", "");
        let coach = db.coach("Boris");
        let mut busy = booking(&two, &member, slot("2026-12-08", "18:00", 60));
        busy.kind = Kind::Lesson;
        busy.coach_id = Some(coach.clone());
        db.applied(AnyCommand::CreateBooking(busy));
        let spec = SeriesSpec {
            court_id: one,
            weekdays: vec![jiff::civil::Weekday::Tuesday],
            start: crate::courts::model::DayMinute::parse("18:00").unwrap(),
            minutes: 60,
            first_day: "2026-12-01".parse().unwrap(),
            last_day: "2026-12-15".parse().unwrap(),
            kind: Kind::Lesson,
            booker_id: Some(member),
            players: Vec::new(),
            note: String::new(),
            coach_id: Some(coach.clone()),
            group_id: None,
        };
        let plan =
            crate::core::dry_run(&db.conn, &reception(), db.now, |ctx| plan_series(ctx, &spec, None)).unwrap().unwrap();
        let problems: Vec<(String, String)> =
            plan.iter().filter_map(|d| d.problem.as_ref().map(|p| (d.day.to_string(), p.code.clone()))).collect();
        assert_eq!(problems, [("2026-12-08".to_owned(), "coach-busy".to_owned())]);
        // What the plan offers instead is free for the coach too: not while they teach.
        let instead: Vec<String> = plan[1].instead.iter().map(|(_, start)| start.to_string()).collect();
        assert!(!instead.is_empty(), "another time is offered");
        assert!(instead.iter().all(|t| t.as_str() <= "17:00" || t.as_str() >= "19:00"), "{instead:?}");
        let series_id = id();
        let skip = vec!["2026-12-08".parse().unwrap()];
        db.applied(AnyCommand::CreateSeries(CreateSeries { series_id: series_id.clone(), spec, skip }));
        let (from, to) = ("2026-12-01T00:00:00Z".parse().unwrap(), "2026-12-16T00:00:00Z".parse().unwrap());
        let lessons = crate::bookings::store::of_coach(&db.conn, &coach, from, to).unwrap();
        let days: Vec<String> = lessons
            .iter()
            .filter(|b| b.series_id.as_deref() == Some(series_id.as_str()))
            .map(|b| b.starts_at.to_string()[..10].to_owned())
            .collect();
        assert_eq!(days, ["2026-12-01", "2026-12-15"]);
    }

    /// A desk that was offline booked the coach at a time the hub has given away meanwhile: the
    /// hub refuses the desk's lesson, as it would a taken court.
    #[test]
    fn a_desks_lesson_for_a_coach_busy_on_the_hub_is_refused() {
        let mut db = TestDb::new();
        let (one, two) = (db.court("Court 1"), db.court("Court 2"));
        let member = db.member("Anna", "");
        let coach = db.coach("Boris");
        lesson(&mut db, &one, &member, &coach, "18:00").expect("the hub's lesson");
        let mut offline = booking(&two, &member, slot("2026-11-30", "18:00", 60));
        offline.kind = Kind::Lesson;
        offline.coach_id = Some(coach.clone());
        let issued = db.now - jiff::SignedDuration::from_mins(30);
        match db.run_from_desk("desk-1", issued, AnyCommand::CreateBooking(offline)) {
            Outcome::Rejected(r) => assert_eq!(r.code, "coach-busy"),
            Outcome::Applied { .. } => panic!("a coach in two places"),
        }
    }

    /// Pay is approved for a period once it is over, as the report works it out then; a
    /// period overlapping an approved one waits until that approval is withdrawn.
    #[test]
    fn pay_is_approved_once_for_a_period_that_is_over() {
        let mut db = TestDb::new(); // 29 November, 12:00
        let court = db.court("Court 1");
        let member = db.member("Anna", "");
        let coach = db.coach("Vera"); // 800 an hour
        lesson(&mut db, &court, &member, &coach, "10:00").unwrap(); // 30 November
        let approve = |first: &str, last: &str| ApprovePay {
            approval_id: id(),
            coach_id: coach.clone(),
            first_day: first.parse().unwrap(),
            last_day: last.parse().unwrap(),
        };
        let november = approve("2026-11-01", "2026-11-30");
        assert_eq!(db.refused(AnyCommand::ApprovePay(november.clone())).code, "coach-pay-period-not-over");
        db.now += jiff::SignedDuration::from_hours(48);
        db.applied(AnyCommand::ApprovePay(november.clone()));
        let kept = store::approval(&db.conn, &november.approval_id).unwrap().unwrap();
        assert_eq!((kept.held, kept.minutes, kept.amount, kept.approved_by.as_str()), (1, 60, 800, "olga"));
        let overlap = db.refused(AnyCommand::ApprovePay(approve("2026-11-30", "2026-11-30")));
        assert_eq!(overlap.code, "coach-pay-overlap");
        assert!(overlap.args.contains(&("from".into(), "2026-11-01".into())), "{overlap:?}");
        let withdraw = WithdrawPayApproval { approval_id: november.approval_id.clone() };
        db.applied(AnyCommand::WithdrawPayApproval(withdraw.clone()));
        assert_eq!(db.refused(AnyCommand::WithdrawPayApproval(withdraw)).code, "coach-pay-approval-not-found");
        db.applied(AnyCommand::ApprovePay(approve("2026-11-30", "2026-11-30")));
        let reception_may_not = db.run_as(&reception(), AnyCommand::ApprovePay(approve("2026-11-29", "2026-11-29")));
        assert!(matches!(reception_may_not, Outcome::Rejected(_)));
    }
}
