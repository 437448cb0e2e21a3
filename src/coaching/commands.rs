//! A coach's profile (managers), and the rules of a lesson's coach, checked inside the booking
//! commands.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::model::CoachDraft;
use super::store;
use crate::bookings::model::Kind;
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

/// A coach only for a lesson, only an active coach, and never in two places at once (the
/// schema's trigger holds the same line against a race; this says it in words).
pub fn check_lesson(
    ctx: &Ctx<'_>,
    kind: Kind,
    coach_id: Option<&str>,
    (from, to): (Timestamp, Timestamp),
    except: &str,
) -> Result<(), CommandError> {
    let Some(coach_id) = coach_id else { return Ok(()) };
    if kind != Kind::Lesson {
        return Err(Rejection::new("coach-only-lessons").on("coach_id").into());
    }
    let coach = store::coach(ctx.tx, coach_id)?.filter(|c| c.draft.active);
    let coach = coach.ok_or_else(|| Rejection::new("coach-not-found").on("coach_id"))?;
    if let Some((start, end)) = store::busy(ctx.tx, coach_id, from, to, except)? {
        let tz = crate::club::store::time_zone(ctx.tx)?;
        let (from, to) = crate::bookings::model::clock_span(start, end, &tz);
        return Err(Rejection::new("coach-busy")
            .on("coach_id")
            .arg("coach", &coach.draft.name)
            .arg("from", from)
            .arg("to", to)
            .into());
    }
    Ok(())
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
}
