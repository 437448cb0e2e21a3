//! The demo club's groups: about three a coach (at most thirty), twice a week in the after-school
//! and evening hours, filled to their places with a few waiting, and the journals of the past
//! month's sessions kept.

use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Span};
use uuid::Uuid;

use super::{conflicting_dates, run, run_all};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::courts::model::DayMinute;
use crate::groups::commands::{CreateGroup, EnrolMember, Schedule, schedule_spec};
use crate::groups::journal::{MarkGroupVisits, VisitMark};
use crate::groups::model::{GroupDraft, Mark, PriceModel};

const NAMES_EN: &[&str] = &[
    "Juniors 6–8",
    "Juniors 8–10",
    "Juniors 10–12",
    "Teens",
    "Adults, beginners",
    "Adults, improvers",
    "Ladies' mornings",
    "Cardio tennis",
    "Competition squad",
    "Seniors",
];
const NAMES_RU: &[&str] = &[
    "Дети 6–8",
    "Дети 8–10",
    "Дети 10–12",
    "Подростки",
    "Взрослые, начинающие",
    "Взрослые, продолжающие",
    "Женская утренняя",
    "Кардио-теннис",
    "Соревновательная",
    "Ветераны",
];
const DAYS: [(Weekday, Weekday); 3] = [
    (Weekday::Monday, Weekday::Wednesday),
    (Weekday::Tuesday, Weekday::Thursday),
    (Weekday::Wednesday, Weekday::Friday),
];

/// Makes the groups from `first` to `last` (a season at most); how many were made.
pub fn make(
    app: &App,
    rng: &mut fastrand::Rng,
    russian: bool,
    (coaches, courts, members): (&[String], &[String], &[String]),
    (first, last): (Date, Date),
) -> anyhow::Result<usize> {
    let names = if russian { NAMES_RU } else { NAMES_EN };
    let last = last.min(first.checked_add(Span::new().days(super::SEASON_DAYS - 1))?);
    let mut made = Vec::new();
    for (i, coach) in coaches.iter().cycle().take((coaches.len() * 3).min(30)).enumerate() {
        let capacity = rng.i64(6..9);
        let monthly = rng.u8(0..100) < 40;
        // Another court, days or hour when the coach or the court is taken every time.
        for _ in 0..5 {
            let group = GroupDraft {
                name: match i / names.len() {
                    0 => names[i].to_owned(),
                    round => format!("{} {}", names[i % names.len()], round + 1),
                },
                coach_id: coach.clone(),
                court_id: courts[rng.usize(..courts.len())].clone(),
                capacity,
                minimum: capacity / 2,
                price_model: if monthly { PriceModel::Monthly } else { PriceModel::Visit },
                price: if monthly { super::rub(app, 6000)? } else { super::rub(app, 800 + 100 * rng.i64(0..5))? },
                product_id: None,
                charge_absent: true,
                active: true,
            };
            let (a, b) = DAYS[rng.usize(..DAYS.len())];
            let schedule = Schedule {
                weekdays: vec![a, b],
                start: DayMinute::new(60 * rng.u16(16..21)).expect("valid"),
                minutes: 60,
                first_day: first,
                last_day: last,
            };
            let group_id = Uuid::now_v7().to_string();
            let skip = conflicting_dates(app, &schedule_spec(&group_id, &group, &schedule))?;
            let series_id = Uuid::now_v7().to_string();
            let cmd = CreateGroup { group_id: group_id.clone(), series_id, group, schedule, skip };
            if run(app, AnyCommand::CreateGroup(cmd))? {
                made.push((group_id, capacity));
                break;
            }
        }
    }
    for (group_id, capacity) in &made {
        let take = usize::try_from(*capacity).unwrap_or(6) + rng.usize(0..3);
        let enrol = (0..take.min(members.len())).map(|_| {
            AnyCommand::EnrolMember(EnrolMember {
                entry_id: Uuid::now_v7().to_string(),
                group_id: group_id.clone(),
                member_id: members[rng.usize(..members.len())].clone(),
            })
        });
        run_all(app, enrol.collect())?;
        keep_journals(app, rng, group_id)?;
    }
    Ok(made.len())
}

/// Marks who came to the group's sessions of the past month: most, some without notice, a few
/// excused.
fn keep_journals(app: &App, rng: &mut fastrand::Rng, group_id: &str) -> anyhow::Result<()> {
    let now = app.now();
    let (id, from) = (group_id.to_owned(), now - SignedDuration::from_hours(30 * 24));
    let (sessions, roster) = app.db.read_blocking(move |c| {
        let sessions = crate::bookings::store::of_group(c, &id, from, now)?;
        Ok((sessions, crate::groups::store::roster(c, &id)?))
    })?;
    let enrolled: Vec<String> =
        roster.into_iter().filter(|e| e.place == crate::groups::model::Place::Enrolled).map(|e| e.member_id).collect();
    let journals =
        sessions.iter().filter(|s| s.ends_at <= now && s.status != crate::bookings::model::Status::Cancelled);
    let cmds = journals.map(|s| {
        let marks = enrolled
            .iter()
            .map(|m| {
                let roll = rng.u8(0..100);
                let mark = if roll < 80 {
                    Mark::Present
                } else if roll < 90 {
                    Mark::Excused
                } else {
                    Mark::Absent
                };
                VisitMark { member_id: m.clone(), mark }
            })
            .collect();
        AnyCommand::MarkGroupVisits(MarkGroupVisits { booking_id: s.id.clone(), marks })
    });
    run_all(app, cmds.collect())?;
    Ok(())
}
