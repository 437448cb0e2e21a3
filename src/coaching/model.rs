//! A coach's profile and its rules. No I/O.

use serde::{Deserialize, Serialize};

use crate::bookings::model::Conditions;

/// What a manager fills in for a coach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachDraft {
    /// The name members and the grid see ("Anna Petrova").
    pub name: String,
    /// `#rrggbb`, lessons' colour on the grid.
    pub colour: String,
    /// What a lesson adds to court rent, per hour, in minor units.
    pub lesson_fee: i64,
    /// The coach's rate for the coach pay report: minor units per lesson hour, per lesson or
    /// per attendee, or a percentage of the lessons' revenue, as `pay_model` says. (The column
    /// keeps the name it had when pay was by the hour only.)
    pub pay_per_hour: i64,
    /// How the coach is paid; a profile saved before there was a choice is paid by the hour.
    #[serde(default)]
    pub pay_model: PayModel,
    /// The rate for group sessions, when it differs from the rate for lessons (`pay_per_hour`).
    #[serde(default)]
    pub group_rate: Option<i64>,
    /// The courts, weekdays and hours the coach takes lessons; a lesson outside is refused. A
    /// profile saved before there was a choice works any time.
    #[serde(default)]
    pub works: Conditions,
    pub active: bool,
}

/// How a coach's pay is worked out from the lessons and group sessions they held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayModel {
    /// The rate for each hour held.
    #[default]
    Hour,
    /// The rate for each lesson or group session held, however long.
    Lesson,
    /// The rate for each player who came: one for a lesson held, each present or on trial for a
    /// group session.
    Attendee,
    /// The rate as a percentage of what the lessons and sessions held brought in.
    Share,
}

impl PayModel {
    pub const ALL: [PayModel; 4] = [PayModel::Hour, PayModel::Lesson, PayModel::Attendee, PayModel::Share];

    pub fn as_str(self) -> &'static str {
        match self {
            PayModel::Hour => "hour",
            PayModel::Lesson => "lesson",
            PayModel::Attendee => "attendee",
            PayModel::Share => "share",
        }
    }

    pub fn parse(s: &str) -> Option<PayModel> {
        PayModel::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// What one lesson or session held pays at `rate`.
    pub fn pay(self, rate: i64, l: &LessonRow) -> i64 {
        match self {
            PayModel::Hour => by_the_hour(rate, l.minutes),
            PayModel::Lesson => rate,
            PayModel::Attendee => rate * l.group_came.unwrap_or(1),
            PayModel::Share => (l.revenue * rate + 50).div_euclid(100),
        }
    }
}

pub const MAX_NAME: usize = 80;
/// Colours offered for a new coach, in turn: distinct on the grid's light background.
pub const PALETTE: [&str; 8] = ["#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#ef6c00", "#283593", "#ad1457", "#5d4037"];

impl CoachDraft {
    pub fn tidy(mut self) -> Self {
        self.name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.colour = self.colour.trim().to_ascii_lowercase();
        self
    }

    /// The first problem as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.name.is_empty() {
            return Err(("name", "coach-name-required"));
        }
        if self.name.chars().count() > MAX_NAME {
            return Err(("name", "coach-name-too-long"));
        }
        if !is_colour(&self.colour) {
            return Err(("colour", "coach-colour-invalid"));
        }
        let most = crate::money::amount::MAX_MAJOR * 100;
        if !(0..=most).contains(&self.lesson_fee) {
            return Err(("lesson_fee", "amount-invalid"));
        }
        for (field, rate) in [("pay_per_hour", Some(self.pay_per_hour)), ("group_rate", self.group_rate)] {
            let Some(rate) = rate else { continue };
            if self.pay_model == PayModel::Share && !(0..=100).contains(&rate) {
                return Err((field, "coach-share-range"));
            }
            if !(0..=most).contains(&rate) {
                return Err((field, "amount-invalid"));
            }
        }
        if self.works.to <= self.works.from {
            return Err(("to", "price-band-empty"));
        }
        Ok(())
    }

    /// The rate a lesson or group session is paid at.
    pub fn rate(&self, l: &LessonRow) -> i64 {
        match (l.group_came, self.group_rate) {
            (Some(_), Some(rate)) => rate,
            _ => self.pay_per_hour,
        }
    }
}

/// `#rrggbb` in lower case: safe in a style attribute as it is.
pub fn is_colour(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// `per_hour` for `minutes`, rounded to the minor unit: what a lesson adds to court rent, or
/// what it pays its coach.
pub fn by_the_hour(per_hour: i64, minutes: i64) -> i64 {
    (per_hour * minutes + 30) / 60
}

/// A lesson as the coach pay report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonRow {
    pub coach_id: String,
    pub status: crate::bookings::model::Status,
    pub minutes: i64,
    /// Over by the report's time (a lesson still to come is not paid yet).
    pub over: bool,
    /// A group's session: how many came (a group session is held once it is over).
    pub group_came: Option<i64>,
    /// What it brought in: paid for the lesson (not by a pass, refunds taken off), or charged
    /// for the session's visits.
    pub revenue: i64,
}

/// One coach's line of the pay report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayLine {
    pub coach_id: String,
    pub name: String,
    /// Lessons held: the player came, or the lesson is over and nobody marked it otherwise.
    pub held: i64,
    pub minutes: i64,
    /// Lessons the player did not come to: not paid.
    pub no_shows: i64,
    /// Group sessions held, and how many came to them in all.
    pub sessions: i64,
    pub attendees: i64,
    pub pay: i64,
}

/// Each coach's lessons held, their hours and pay at the coach's rates, in the coaches' order.
pub fn pay_lines(coaches: &[(String, CoachDraft)], lessons: &[LessonRow]) -> Vec<PayLine> {
    use crate::bookings::model::Status;
    coaches
        .iter()
        .map(|(id, coach)| {
            let mine = lessons.iter().filter(|l| l.coach_id == *id);
            let held: Vec<&LessonRow> = mine
                .clone()
                .filter(|l| l.status == Status::CheckedIn || (l.status == Status::Booked && l.over))
                .collect();
            let sessions: Vec<&&LessonRow> = held.iter().filter(|l| l.group_came.is_some()).collect();
            PayLine {
                coach_id: id.clone(),
                name: coach.name.clone(),
                held: (held.len() - sessions.len()) as i64,
                minutes: held.iter().map(|l| l.minutes).sum(),
                no_shows: mine.filter(|l| l.status == Status::NoShow).count() as i64,
                sessions: sessions.len() as i64,
                attendees: sessions.iter().filter_map(|l| l.group_came).sum(),
                pay: held.iter().map(|l| coach.pay_model.pay(coach.rate(l), l)).sum(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> CoachDraft {
        CoachDraft {
            name: " Anna   Petrova ".into(),
            colour: "#2E7D32".into(),
            lesson_fee: 50_000,
            pay_per_hour: 80_000,
            pay_model: PayModel::Hour,
            group_rate: None,
            works: Conditions::default(),
            active: true,
        }
    }

    fn paid(name: &str, pay_model: PayModel, rate: i64) -> (String, CoachDraft) {
        (name.to_lowercase(), CoachDraft { name: name.into(), pay_model, pay_per_hour: rate, ..draft() })
    }

    #[test]
    fn a_coach_needs_a_name_and_a_colour_the_grid_can_use() {
        let tidy = draft().tidy();
        assert_eq!((tidy.name.as_str(), tidy.colour.as_str()), ("Anna Petrova", "#2e7d32"));
        assert_eq!(tidy.validate(), Ok(()));
        assert_eq!(CoachDraft { name: String::new(), ..tidy.clone() }.validate(), Err(("name", "coach-name-required")));
        for wrong in ["red", "#2e7d3", "#2e7d32;}", "#gggggg", "url(x)"] {
            let d = CoachDraft { colour: wrong.into(), ..tidy.clone() }.tidy();
            assert_eq!(d.validate(), Err(("colour", "coach-colour-invalid")), "{wrong}");
        }
        assert_eq!(CoachDraft { lesson_fee: -1, ..tidy.clone() }.validate(), Err(("lesson_fee", "amount-invalid")));
    }

    #[test]
    fn a_lessons_fee_follows_its_length() {
        assert_eq!(by_the_hour(60_000, 60), 60_000);
        assert_eq!(by_the_hour(60_000, 90), 90_000);
        assert_eq!(by_the_hour(1_000, 45), 750);
        assert_eq!(by_the_hour(0, 120), 0);
    }

    /// Paid: lessons the player came to, and those over that nobody marked, and group sessions
    /// held; not no-shows, not lessons or sessions still to come, not another coach's.
    #[test]
    fn a_coach_is_paid_for_the_lessons_held() {
        use crate::bookings::model::Status;
        let row = |coach: &str, status, minutes, over| LessonRow {
            coach_id: coach.into(),
            status,
            minutes,
            over,
            group_came: None,
            revenue: 150_000,
        };
        let session = |came| LessonRow { group_came: Some(came), ..row("anna", Status::Booked, 60, true) };
        let lessons = [
            session(5),
            session(3),
            LessonRow { over: false, ..session(0) },
            row("anna", Status::CheckedIn, 60, true),
            row("anna", Status::Booked, 90, true),
            row("anna", Status::NoShow, 60, true),
            row("anna", Status::Booked, 60, false),
            row("boris", Status::CheckedIn, 60, true),
        ];
        let coaches = [paid("Anna", PayModel::Hour, 80_000), paid("Vera", PayModel::Hour, 50_000)];
        let lines = pay_lines(&coaches, &lessons);
        assert_eq!(
            lines[0],
            PayLine {
                coach_id: "anna".into(),
                name: "Anna".into(),
                held: 2,
                minutes: 270,
                no_shows: 1,
                sessions: 2,
                attendees: 8,
                pay: 360_000
            }
        );
        assert_eq!((lines[1].held, lines[1].pay), (0, 0), "a coach without lessons is listed with nothing");
        // The same four held (two lessons, sessions of 5 and 3) by the other models.
        for (model, rate, pay) in [
            (PayModel::Lesson, 100_000, 400_000),
            (PayModel::Attendee, 20_000, 20_000 * (5 + 3 + 1 + 1)),
            (PayModel::Share, 40, 4 * 60_000),
        ] {
            let coaches = [paid("Anna", model, rate)];
            assert_eq!(pay_lines(&coaches, &lessons)[0].pay, pay, "{model:?}");
        }
        // Group sessions at their own rate: two lessons (60 + 90 minutes) at 800, two sessions
        // (an hour each) at 500 an hour.
        let (id, mut anna) = paid("Anna", PayModel::Hour, 80_000);
        anna.group_rate = Some(50_000);
        assert_eq!(pay_lines(&[(id, anna)], &lessons)[0].pay, 200_000 + 100_000);
    }

    #[test]
    fn a_coach_works_within_a_band_of_the_day() {
        let mut d = draft().tidy();
        d.works.from = crate::courts::model::DayMinute::parse("18:00").unwrap();
        d.works.to = crate::courts::model::DayMinute::parse("09:00").unwrap();
        assert_eq!(d.validate(), Err(("to", "price-band-empty")));
        d.group_rate = Some(-1);
        assert_eq!(d.validate(), Err(("group_rate", "amount-invalid")), "the first problem first");
    }

    #[test]
    fn a_share_is_a_percentage() {
        let share = |rate| CoachDraft { pay_model: PayModel::Share, pay_per_hour: rate, ..draft() }.tidy().validate();
        assert_eq!(share(100), Ok(()));
        assert_eq!(share(101), Err(("pay_per_hour", "coach-share-range")));
        let group =
            CoachDraft { pay_model: PayModel::Share, pay_per_hour: 40, group_rate: Some(120), ..draft() }.tidy();
        assert_eq!(group.validate(), Err(("group_rate", "coach-share-range")));
    }
}
