//! `courtside demo`: fills an empty data folder with a believable club (courts, members with
//! names and phone numbers of the club's country, a price list, weekly series, a year of
//! bookings, and the front desk's money on each day so far: payments, refunds, passes,
//! late-cancel and no-show fees) for trying Courtside out, for benchmarks and for checking that
//! the change log replays. Everything goes through the commands, like any other write.

use anyhow::bail;
use jiff::Span;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use uuid::Uuid;

use crate::app::App;
use crate::bookings::commands::{CreateBooking, CreateSeries, SeriesSpec};
use crate::bookings::model::{Kind, LocalSlot, Player, Source};
use crate::clock::TurnedClock;
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};
use crate::courts::commands::CreateCourt;
use crate::courts::model::{CourtDraft, DayMinute, Surface};
use crate::members::commands::CreateMember;
use crate::members::model::MemberDraft;

mod coaches;
mod groups;
mod money;

pub struct Options {
    pub courts: usize,
    pub members: usize,
    pub days: i64,
    pub seed: u64,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub courts: usize,
    pub coaches: usize,
    pub groups: usize,
    pub members: usize,
    pub series: usize,
    /// Series the club's rules refused (said on the console, never dropped silently).
    pub series_refused: usize,
    pub bookings: usize,
    pub payments: usize,
}

impl Summary {
    /// What the console says when the demo club is ready (`data_flag`: the `--data` to repeat).
    pub fn said(&self, took: std::time::Duration, data_flag: &str) -> String {
        let s = self;
        let mut said = format!(
            "Demo club ready in {took:.0?}: {} courts, {} coaches, {} groups, {} members, {} weekly series, {} single \
             bookings, {} payments. Start it with `courtside{data_flag} serve`.",
            s.courts, s.coaches, s.groups, s.members, s.series, s.bookings, s.payments,
        );
        if s.series_refused > 0 {
            let were = if s.series_refused == 1 { "was" } else { "were" };
            said += &format!(
                "\n{} weekly series {were} refused by the club's booking rules and left out.",
                s.series_refused
            );
        }
        said
    }
}

const RU_FIRST: &[&str] = &[
    "Александр",
    "Мария",
    "Дмитрий",
    "Анна",
    "Сергей",
    "Елена",
    "Андрей",
    "Ольга",
    "Иван",
    "Татьяна",
    "Михаил",
    "Наталья",
    "Павел",
    "Ксения",
    "Алексей",
    "Юлия",
];
const RU_LAST: &[(&str, &str)] = &[
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Фёдоров", "Фёдорова"),
    ("Орлов", "Орлова"),
];
const RU_FEMALE: &[&str] = &["Мария", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ксения", "Юлия"];
const EN_FIRST: &[&str] = &["James", "Emma", "Oliver", "Sophie", "Harry", "Lucy", "George", "Grace", "Thomas", "Chloe"];
const EN_LAST: &[&str] =
    &["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Wright", "Hughes"];

/// Sets the demo club's language and, unless courtside.toml pins them, the currency and phone
/// country that go with it (Russian: roubles and +7; English: euros and UK numbers), with the
/// default member categories named in that language.
pub fn localise(app: &App, locale: crate::i18n::Locale) -> anyhow::Result<()> {
    use crate::i18n::Locale;
    let Some((_, current)) = app.db.read_blocking(|c| Ok(crate::club::store::settings(c)?))? else {
        bail!("the club has no settings yet");
    };
    let (currency, region) = match locale {
        Locale::Ru => ("RUB", "RU"),
        Locale::En => ("EUR", "GB"),
    };
    let cmd = AnyCommand::UpdateClubSettings(crate::club::commands::UpdateClubSettings {
        settings_id: Uuid::now_v7().to_string(),
        name: current.name.clone(),
        time_zone: current.time_zone.clone(),
        locale: if app.pinned.locale { current.locale } else { locale },
        currency: if app.pinned.currency { current.currency.clone() } else { currency.into() },
        phone_region: region.into(),
    });
    if !run(app, cmd)? {
        bail!("the club settings for --locale {} were refused", locale.as_str());
    }
    app.name_default_categories(Actor::Console, current.locale, locale)
}

/// Prices before any booking, so every booking carries one: weekdays by day and evening, and
/// weekends; cancelling within a day costs half, not coming costs it all.
fn price_list(app: &App, russian: bool) -> anyhow::Result<()> {
    use crate::prices::commands::{SavePriceRule, SetMoneyPolicy};
    use crate::prices::model::PriceRule;
    use crate::prices::store::{PassUseOn, Policy};
    use Weekday::*;
    let hm = |h: u16| DayMinute::new(h * 60).expect("a time of day");
    let weekdays = vec![Monday, Tuesday, Wednesday, Thursday, Friday];
    let [day, evening, weekend] = match russian {
        true => ["Будни, день", "Будни, вечер", "Выходные"],
        false => ["Weekday daytime", "Weekday evening", "Weekend"],
    };
    let rules = [
        (day, weekdays.clone(), hm(0), hm(17), rub(app, 1200)?),
        (evening, weekdays, hm(17), DayMinute::MIDNIGHT_END, rub(app, 1800)?),
        (weekend, vec![Saturday, Sunday], hm(0), DayMinute::MIDNIGHT_END, rub(app, 1500)?),
    ];
    for (name, weekdays, from, to, per_hour) in rules {
        let rule = PriceRule::band(name, weekdays, from, to, per_hour);
        run(app, AnyCommand::SavePriceRule(SavePriceRule { rule_id: Uuid::now_v7().to_string(), rule }))?;
    }
    let policy = Policy {
        lights_from: None,
        lights_per_hour: 0,
        guest_fee: rub(app, 300)?,
        cancel_window_hours: 24,
        late_cancel_pct: 50,
        no_show_pct: 100,
        pass_use_on: PassUseOn::Booking,
    };
    run(app, AnyCommand::SetMoneyPolicy(SetMoneyPolicy { policy, new_id: Uuid::now_v7().to_string() }))?;
    Ok(())
}

/// A demo amount in the club's minor units: `roubles` in a rouble club, about as much in
/// another currency (one unit for 60 roubles, whole units).
fn rub(app: &App, roubles: i64) -> anyhow::Result<i64> {
    let currency =
        app.db.read_blocking(|c| Ok(crate::club::store::settings(c)?))?.map(|(_, s)| s.currency).unwrap_or_default();
    let major = if currency == "RUB" { roubles } else { (roubles / 60).max(1) };
    Ok(major * 10i64.pow(crate::money::amount::exponent(&currency)))
}

fn run(app: &App, cmd: AnyCommand) -> anyhow::Result<bool> {
    Ok(matches!(app.run_blocking(Actor::Console, cmd)?.outcome, Outcome::Applied { .. }))
}

/// The longest a demo series runs: a season.
const SEASON_DAYS: i64 = 365;

/// How many commands the demo runs in one database transaction at most.
const BATCH: usize = 500;

/// Members are made this many at a time, each lot on its own day of joining.
const MEMBER_BATCH: usize = 50;

/// The days over which the members joined, before the demo's history begins.
const JOINING_DAYS: i64 = 180;

/// Runs `cmds` in one database transaction (each its own command of the log): one commit
/// instead of one each. Whether each was applied.
fn run_all(app: &App, cmds: Vec<AnyCommand>) -> anyhow::Result<Vec<bool>> {
    let outcomes = app.run_batch_blocking(Actor::Console, cmds)?;
    Ok(outcomes.into_iter().map(|o| matches!(o, Outcome::Applied { .. })).collect())
}

/// A line on the console saying how far a step is, on a terminal only.
struct Progress {
    label: &'static str,
    all: usize,
    shown: Option<usize>,
    terminal: bool,
}

impl Progress {
    fn new(label: &'static str, all: usize) -> Progress {
        use std::io::IsTerminal;
        Progress { label, all, shown: None, terminal: std::io::stderr().is_terminal() }
    }

    fn at(&mut self, done: usize) {
        let pct = done * 100 / self.all.max(1);
        if !self.terminal || self.shown == Some(pct) {
            return;
        }
        self.shown = Some(pct);
        eprint!("\r{}: {pct:>3}%", self.label);
        if done >= self.all {
            eprintln!();
        }
    }
}

/// A member's name: mostly Russian in a Russian club, mostly English in any other.
fn name(rng: &mut fastrand::Rng, russian: bool) -> String {
    if (rng.u8(0..100) < 85) == russian {
        let first = RU_FIRST[rng.usize(..RU_FIRST.len())];
        let (male, female) = RU_LAST[rng.usize(..RU_LAST.len())];
        let last = if RU_FEMALE.contains(&first) { female } else { male };
        format!("{last} {first}")
    } else {
        format!("{} {}", EN_FIRST[rng.usize(..EN_FIRST.len())], EN_LAST[rng.usize(..EN_LAST.len())])
    }
}

/// How likely a court is taken at a wall-clock hour: evenings and weekends are busy.
fn occupancy(hour: u16, weekday: Weekday) -> u8 {
    let weekend = matches!(weekday, Weekday::Saturday | Weekday::Sunday);
    match hour {
        7..=9 => 35,
        10..=16 if weekend => 70,
        10..=16 => 30,
        17..=21 => 85,
        _ => 40,
    }
}

/// Dates of a planned series that cannot be booked (left out, as staff would on the preview).
fn conflicting_dates(app: &App, spec: &SeriesSpec) -> anyhow::Result<Vec<Date>> {
    let now = app.now();
    app.db.read_blocking(|c| {
        let planned = crate::core::dry_run(c, &Actor::Console, now, |ctx| {
            crate::bookings::commands::plan_series(ctx, spec, None)
        })?;
        Ok(planned.map_or_else(
            |_| Vec::new(),
            |days| days.into_iter().filter(|d| d.problem.is_some()).map(|d| d.day).collect(),
        ))
    })
}

fn slot_is_free(app: &App, tz: &TimeZone, court: &str, slot: LocalSlot) -> anyhow::Result<bool> {
    let Some((start, end)) = slot.instants(tz) else { return Ok(false) };
    app.db.read_blocking(|c| Ok(crate::bookings::store::active_overlapping(c, court, start, end, "")?.is_empty()))
}

/// Fills the club; `clock` is the app's, turned back through the past for the desk's history.
pub fn fill(app: &App, clock: &TurnedClock, opts: &Options) -> anyhow::Result<Summary> {
    let existing = app.db.read_blocking(|c| Ok(crate::members::store::count(c)?))?;
    if existing.0 + existing.1 > 0 {
        bail!("this data folder already has members; `demo` only fills an empty club. Fix: use a new --data folder.");
    }
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let mut summary = Summary::default();
    let club = app.db.read_blocking(|c| Ok(crate::club::store::settings(c)?))?.map(|(_, s)| s);
    let russian = club.is_some_and(|s| s.locale == crate::i18n::Locale::Ru);
    let mut courts = Vec::new();
    for i in 0..opts.courts {
        let id = Uuid::now_v7().to_string();
        let indoor = i < opts.courts / 2;
        let (hall, court, inside, outside) = match russian {
            true => ("Зал", "Корт", "Крытые", "Открытые"),
            false => ("Hall", "Court", "Indoor", "Outdoor"),
        };
        let court = CourtDraft {
            name: format!("{} {}", if indoor { hall } else { court }, i + 1),
            surface: if indoor {
                Surface::Hard
            } else if i % 2 == 0 {
                Surface::Clay
            } else {
                Surface::ArtificialGrass
            },
            indoor,
            floodlights: indoor || i % 3 != 0,
            group: if indoor { inside.into() } else { outside.into() },
            display_order: i as i64 + 1,
            active: true,
        };
        if run(app, AnyCommand::CreateCourt(CreateCourt { court_id: id.clone(), court }))? {
            courts.push(id);
            summary.courts += 1;
        }
    }
    let club = app.db.read_blocking(|c| Ok(crate::club::store::settings(c)?))?;
    let tz = club.and_then(|(_, s)| TimeZone::get(&s.time_zone).ok()).unwrap_or(TimeZone::UTC);
    let today = app.now().to_zoned_datetime(tz.clone()).date();
    let first = today.checked_sub(Span::new().days(opts.days / 2))?;
    let last = first.checked_add(Span::new().days(opts.days - 1))?;
    let categories = app.db.read_blocking(|c| Ok(crate::members::store::categories(c)?))?;
    let mut members = Vec::new();
    let mut progress = Progress::new("Members", opts.members);
    let mut i = 0;
    while i < opts.members {
        // The members joined over the half year before the history begins, a few at a time.
        let joined =
            first.checked_sub(Span::new().days(JOINING_DAYS - JOINING_DAYS * i as i64 / opts.members as i64))?;
        clock.turn_to(tz.to_timestamp(joined.at(10, 0, 0, 0))?);
        let drafts: Vec<CreateMember> = (i..opts.members.min(i + MEMBER_BATCH))
            .map(|i| {
                // Mobile numbers of the club's country: Russian +7 9xx, or British 077xx.
                let phone = match (rng.u8(0..100) < 90, russian) {
                    (false, _) => String::new(),
                    (true, true) => {
                        format!(
                            "+7 9{:02} {:03}-{:02}-{:02}",
                            rng.u8(0..100),
                            rng.u16(0..1000),
                            i % 100,
                            rng.u8(0..100)
                        )
                    }
                    (true, false) => {
                        format!("+44 77{}{} {:03}{:03}", rng.u8(1..8), rng.u8(0..10), rng.u16(0..1000), i % 1000)
                    }
                };
                let member = MemberDraft {
                    full_name: name(&mut rng, russian),
                    phone,
                    email: String::new(),
                    birth_date: Date::new(rng.i16(1950..2016), rng.i8(1..13), rng.i8(1..29)).ok(),
                    category_id: (!categories.is_empty()).then(|| categories[rng.usize(..categories.len())].id.clone()),
                    tags: Vec::new(),
                    notes: String::new(),
                    sms_consent: rng.u8(0..100) < 80,
                };
                CreateMember { member_id: Uuid::now_v7().to_string(), member }
            })
            .collect();
        i += drafts.len();
        let made = run_all(app, drafts.iter().cloned().map(AnyCommand::CreateMember).collect())?;
        // A random phone may repeat one already given: then the member goes without.
        let again: Vec<CreateMember> = drafts
            .iter()
            .zip(&made)
            .filter(|(_, made)| !**made)
            .map(|(d, _)| CreateMember {
                member: MemberDraft { phone: String::new(), ..d.member.clone() },
                ..d.clone()
            })
            .collect();
        let made_again = run_all(app, again.iter().cloned().map(AnyCommand::CreateMember).collect())?;
        let firsts = drafts.iter().zip(&made).filter(|(_, m)| **m).map(|(d, _)| d);
        let seconds = again.iter().zip(&made_again).filter(|(_, m)| **m).map(|(d, _)| d);
        members.extend(firsts.chain(seconds).map(|d| d.member_id.clone()));
        progress.at(i);
    }
    clock.resume();
    summary.members = members.len();
    if courts.is_empty() || members.is_empty() {
        return Ok(summary);
    }
    price_list(app, russian)?;
    let coaches = coaches::make(app, &mut rng, russian, coaches::how_many(courts.len()))?;
    summary.coaches = coaches.len();
    // Permanent bookings: about ten a court, weekly at the same time all season (fewer in a
    // small club: one in eight members), made again each season of at most a year (a series
    // may span 400 days).
    for _ in 0..(courts.len() * 10).min(members.len() / 8) {
        let mut spec = SeriesSpec {
            court_id: courts[rng.usize(..courts.len())].clone(),
            weekdays: vec![Weekday::from_monday_one_offset(rng.i8(1..8))?],
            start: DayMinute::new(60 * rng.u16(8..22)).expect("valid"),
            minutes: 60,
            first_day: first,
            last_day: last,
            kind: if rng.u8(0..100) < 25 { Kind::Lesson } else { Kind::Play },
            booker_id: Some(members[rng.usize(..members.len())].clone()),
            players: Vec::new(),
            note: String::new(),
            coach_id: None,
            group_id: None,
        };
        if spec.kind == Kind::Lesson && !coaches.is_empty() {
            spec.coach_id = Some(coaches[rng.usize(..coaches.len())].clone());
        }
        while spec.first_day <= last {
            spec.last_day = last.min(spec.first_day.checked_add(Span::new().days(SEASON_DAYS - 1))?);
            let skip = conflicting_dates(app, &spec)?;
            let series = CreateSeries { series_id: Uuid::now_v7().to_string(), spec: spec.clone(), skip };
            if run(app, AnyCommand::CreateSeries(series))? {
                summary.series += 1;
            } else {
                summary.series_refused += 1;
            }
            spec.first_day = spec.last_day.tomorrow()?;
        }
    }
    // Groups run this season, from up to eight months back: in a long history the earlier years
    // have none, and the journals of the past month are kept.
    let season = first.max(today.checked_sub(Span::new().days(SEASON_DAYS * 2 / 3))?);
    summary.groups = groups::make(app, &mut rng, russian, (&coaches, &courts, &members), (season, last))?;
    // Single bookings at realistic occupancy; taken slots are skipped, not refused. A day's
    // bookings never overlap each other, so the day is checked against what is stored, then
    // booked in one go.
    let mut day = first;
    let mut progress = Progress::new("Bookings", opts.days as usize);
    let mut days_done = 0;
    while day <= last {
        let mut todays = Vec::new();
        for court in &courts {
            let mut hour = 7u16;
            while hour < 23 {
                let minutes = if hour < 22 && rng.u8(0..100) < 30 { 120 } else { 60 };
                if rng.u8(0..100) < occupancy(hour, day.weekday()) {
                    let booker = members[rng.usize(..members.len())].clone();
                    let players = if rng.u8(0..100) < 40 {
                        vec![Player::Member(members[rng.usize(..members.len())].clone())]
                    } else {
                        Vec::new()
                    };
                    let slot = LocalSlot { day, start: DayMinute::new(hour * 60).expect("valid"), minutes };
                    if slot_is_free(app, &tz, court, slot)? {
                        todays.push(AnyCommand::CreateBooking(CreateBooking {
                            booking_id: Uuid::now_v7().to_string(),
                            court_id: court.clone(),
                            slot,
                            kind: Kind::Play,
                            booker_id: Some(booker.clone()),
                            players: players.into_iter().filter(|p| *p != Player::Member(booker.clone())).collect(),
                            note: String::new(),
                            source: if rng.u8(0..100) < 20 { Source::Api } else { Source::Desk },
                            pass_id: None,
                            coach_id: None,
                        }));
                    }
                }
                hour += minutes / 60;
            }
        }
        summary.bookings += run_all(app, todays)?.into_iter().filter(|made| *made).count();
        day = day.tomorrow()?;
        days_done += 1;
        progress.at(days_done);
    }
    summary.payments = money::fill(app, clock, &mut rng, &members, (&tz, first), russian)?;
    coaches::approve_last_week(app, &coaches, app.now().to_zoned_datetime(tz.clone()).date())?;
    Ok(summary)
}
