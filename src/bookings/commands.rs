//! Commands that make, change, cancel and check in bookings, and create and edit series.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::model::{Kind, LocalSlot, MAX_EXTRA_PLAYERS, Player, Source, Status, occurrence_id, series_dates};
use super::slots::bookable;
use super::store::{self, Booking, NewBooking, Series};
use crate::core::{Actor, CommandError, Ctx, Rejection, Role, require};
use crate::courts::model::DayMinute;
use crate::courts::store as courts;
use crate::members::store as members;
use crate::passes::commands as passes;
use crate::prices::pricing::reprice;
use crate::prices::store::PassUseOn;
use crate::sms::reminders as sms;
use crate::waitlist::commands as waitlist;

fn club_tz(ctx: &Ctx<'_>) -> Result<TimeZone, CommandError> {
    Ok(crate::club::store::time_zone(ctx.tx)?)
}

/// The booker and players must be real, active members (or named guests), at most 3 extra,
/// nobody twice. A block needs no booker.
fn check_people(ctx: &Ctx<'_>, kind: Kind, booker: Option<&str>, players: &[Player]) -> Result<(), CommandError> {
    if kind != Kind::Block && booker.is_none() {
        return Err(Rejection::new("booker-required").on("booker").into());
    }
    if players.len() > MAX_EXTRA_PLAYERS {
        return Err(Rejection::new("too-many-players").on("players").into());
    }
    let mut seen: Vec<&str> = booker.into_iter().collect();
    for id in booker.into_iter().chain(players.iter().filter_map(|p| match p {
        Player::Member(id) => Some(id.as_str()),
        Player::Guest(_) => None,
    })) {
        let m = members::member(ctx.tx, id)?.ok_or_else(|| Rejection::new("member-not-found").on("booker"))?;
        if m.archived {
            return Err(Rejection::new("member-archived").on("booker").arg("name", m.full_name).into());
        }
    }
    for p in players {
        match p {
            Player::Member(id) if seen.contains(&id.as_str()) => {
                return Err(Rejection::new("player-twice").on("players").into());
            }
            Player::Member(id) => seen.push(id),
            Player::Guest(name) if name.trim().is_empty() || name.chars().count() > 60 => {
                return Err(Rejection::new("guest-name-invalid").on("players").into());
            }
            Player::Guest(_) => {}
        }
    }
    Ok(())
}

fn check_note(note: &str) -> Result<(), Rejection> {
    if note.chars().count() > 500 { Err(Rejection::new("note-too-long").on("note")) } else { Ok(()) }
}

/// The booking `id`, refusing a missing or cancelled one.
fn active_booking(ctx: &Ctx<'_>, id: &str) -> Result<Booking, CommandError> {
    let b = store::booking(ctx.tx, id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
    if b.status == Status::Cancelled {
        return Err(Rejection::new("booking-cancelled").into());
    }
    Ok(b)
}

/// A group's session is changed on the group's page, where its roster hears of it.
fn not_a_group_session(b: &Booking) -> Result<(), Rejection> {
    if b.group_id.is_some() { Err(Rejection::new("group-session-on-group-page")) } else { Ok(()) }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateBooking {
    pub booking_id: String,
    pub court_id: String,
    pub slot: LocalSlot,
    pub kind: Kind,
    pub booker_id: Option<String>,
    pub players: Vec<Player>,
    pub note: String,
    pub source: Source,
    /// A pass of the booker or a member player to pay with: used now, or at check-in, as the
    /// club's policy says.
    #[serde(default)]
    pub pass_id: Option<String>,
    /// A lesson's coach (their staff account).
    #[serde(default)]
    pub coach_id: Option<String>,
}

impl CreateBooking {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        match ctx.actor {
            Actor::Member { id, .. } => {
                let asked = crate::portal::player_rules::PlayerBooking {
                    booking_id: &self.booking_id,
                    court_id: &self.court_id,
                    slot: self.slot,
                    kind: self.kind,
                    source: self.source,
                    booker_id: self.booker_id.as_deref(),
                    pass_id: self.pass_id.as_deref(),
                    guests: self.players.iter().filter(|p| matches!(p, Player::Guest(_))).count(),
                };
                crate::portal::player_rules::check_player_booking(ctx, id, &asked)?
            }
            _ => require(ctx.actor, Role::Reception)?,
        }
        crate::core::id_is_new(store::booking(ctx.tx, &self.booking_id)?)?;
        check_note(&self.note)?;
        check_people(ctx, self.kind, self.booker_id.as_deref(), &self.players)?;
        let tz = club_tz(ctx)?;
        let (start, end) = bookable(ctx.tx, &tz, &self.court_id, self.slot, &self.booking_id)?;
        crate::coaching::commands::check_lesson(
            ctx,
            self.kind,
            self.coach_id.as_deref(),
            &self.court_id,
            (start, end),
            &self.booking_id,
        )?;
        let new = NewBooking {
            id: &self.booking_id,
            court_id: &self.court_id,
            starts_at: start,
            ends_at: end,
            kind: self.kind,
            booker_id: self.booker_id.as_deref(),
            note: self.note.trim(),
            source: self.source,
            series_id: None,
            coach_id: self.coach_id.as_deref(),
            group_id: None,
        };
        store::insert(ctx.tx, &new, ctx.now)?;
        store::set_players(ctx.tx, &self.booking_id, &self.players)?;
        // The offered player booking it, on the portal or by asking the desk, takes the offer up.
        if let Some(booker) = self.booker_id.as_deref() {
            waitlist::offer_taken(ctx, booker, &self.booking_id, &self.court_id, (start, end))?;
        }
        if let Actor::Member { id, .. } = ctx.actor {
            let partners: Vec<String> = self
                .players
                .iter()
                .filter_map(|p| match p {
                    Player::Member(m) => Some(m.clone()),
                    Player::Guest(_) => None,
                })
                .collect();
            crate::portal::player_rules::tell_partners(ctx, id, &self.booking_id, &partners)?;
        }
        reprice(ctx.tx, &self.booking_id, &tz)?;
        if let Some(pass) = self.pass_id.as_deref() {
            let b = store::booking(ctx.tx, &self.booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
            let payment_id = format!("{}/pass", self.booking_id);
            if crate::prices::store::policy(ctx.tx)?.pass_use_on == PassUseOn::Booking {
                passes::pay_with_pass(ctx, &b, pass, &payment_id)?;
            } else {
                let p = crate::passes::store::pass(ctx.tx, pass)?
                    .ok_or_else(|| Rejection::new("pass-not-found").on("pass_id"))?;
                passes::check(ctx, &b, &p, b.price)?;
                store::set_pass(ctx.tx, &b.id, Some(pass))?;
            }
        }
        sms::follow(ctx, &self.booking_id, sms::Event::Created)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {} {} min", self.slot.day, self.slot.start, self.slot.minutes)
    }
}

/// Moves, extends or otherwise changes a booking; everything is checked again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateBooking {
    pub booking_id: String,
    pub court_id: String,
    pub slot: LocalSlot,
    pub kind: Kind,
    pub booker_id: Option<String>,
    pub players: Vec<Player>,
    pub note: String,
    /// A lesson's coach (their staff account).
    #[serde(default)]
    pub coach_id: Option<String>,
}

impl UpdateBooking {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let b = active_booking(ctx, &self.booking_id)?;
        not_a_group_session(&b)?;
        check_note(&self.note)?;
        check_people(ctx, self.kind, self.booker_id.as_deref(), &self.players)?;
        let tz = club_tz(ctx)?;
        let (start, end) = bookable(ctx.tx, &tz, &self.court_id, self.slot, &b.id)?;
        let coach = self.coach_id.as_deref();
        crate::coaching::commands::check_lesson(ctx, self.kind, coach, &self.court_id, (start, end), &b.id)?;
        store::update(
            ctx.tx,
            &b.id,
            &self.court_id,
            start,
            end,
            self.kind,
            (self.booker_id.as_deref(), self.coach_id.as_deref()),
            self.note.trim(),
            ctx.now,
        )?;
        store::set_players(ctx.tx, &b.id, &self.players)?;
        reprice(ctx.tx, &b.id, &tz)?;
        sms::follow(ctx, &b.id, sms::Event::Changed)?;
        waitlist::offer_freed(ctx, &b.court_id, b.starts_at, b.ends_at)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} → {} {} {} min", self.booking_id, self.slot.day, self.slot.start, self.slot.minutes)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CancelBooking {
    pub booking_id: String,
    pub reason: String,
    /// Give the money paid back the way it came (less any fee) instead of onto the account.
    #[serde(default)]
    pub money_back: bool,
}

impl CancelBooking {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        if !matches!(ctx.actor, Actor::Member { .. }) {
            require(ctx.actor, Role::Reception)?;
        }
        let b = active_booking(ctx, &self.booking_id)?;
        not_a_group_session(&b)?;
        if let Actor::Member { id, .. } = ctx.actor {
            crate::portal::player_rules::check_player_cancel(ctx, id, &b, self.money_back)?;
        }
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Rejection::new("cancel-reason-required").on("reason").into());
        }
        // Whether the cancellation is late is judged when it was made (`Ctx::acted_at`).
        store::cancel(ctx.tx, &b.id, reason, ctx.now)?;
        crate::payments::fees::on_cancel(ctx, &b, self.money_back)?;
        sms::follow(ctx, &b.id, sms::Event::Cancelled)?;
        waitlist::offer_freed(ctx, &b.court_id, b.starts_at, b.ends_at)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{}: {}", self.booking_id, self.reason)
    }
}

/// Check-in (from an hour before the start), no-show (once it has started), or back to booked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetAttendance {
    pub booking_id: String,
    pub status: Status,
}

impl SetAttendance {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        let b = active_booking(ctx, &self.booking_id)?;
        // A coach marks who came to their own lessons; everything else is the desk's.
        let own_lesson = ctx.actor.user_id().is_some_and(|me| b.coach_id.as_deref() == Some(me));
        if !own_lesson {
            require(ctx.actor, Role::Reception)?;
        }
        match self.status {
            Status::CheckedIn if ctx.acted_at() < b.starts_at - super::model::CHECK_IN_FROM => {
                return Err(Rejection::new("check-in-too-early").into());
            }
            Status::NoShow if ctx.acted_at() < b.starts_at => return Err(Rejection::new("no-show-too-early").into()),
            Status::Cancelled => return Err(Rejection::new("not-allowed").into()),
            _ => {}
        }
        if b.status != self.status {
            store::set_status(ctx.tx, &b.id, self.status, ctx.now)?;
            crate::payments::fees::on_attendance(ctx, &b, self.status)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} {}", self.booking_id, self.status.as_str())
    }
}

// ---- series ----

/// A weekly booking on `weekdays` at `start` club time, from `first_day` to `last_day`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesSpec {
    pub court_id: String,
    #[serde(with = "super::model::weekdays_serde")]
    pub weekdays: Vec<Weekday>,
    pub start: DayMinute,
    pub minutes: u16,
    pub first_day: Date,
    pub last_day: Date,
    pub kind: Kind,
    pub booker_id: Option<String>,
    pub players: Vec<Player>,
    pub note: String,
    /// A series of lessons' coach, for every date.
    #[serde(default)]
    pub coach_id: Option<String>,
    /// A group's schedule: every date is a session of the group.
    #[serde(default)]
    pub group_id: Option<String>,
}

/// One date of a planned series and, if it cannot be booked, why.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub day: Date,
    pub problem: Option<Rejection>,
    /// For a date that cannot be booked: another court free at that time, or the nearest free
    /// start on the same court, as (court id, start).
    pub instead: Vec<(String, DayMinute)>,
}

/// A series on a court that does not exist is refused as a whole, not date by date.
fn court_exists(ctx: &Ctx<'_>, court_id: &str) -> Result<(), CommandError> {
    match courts::court(ctx.tx, court_id)? {
        Some(_) => Ok(()),
        None => Err(Rejection::new("court-not-found").on("court_id").into()),
    }
}

/// Every date of the series with its problem, without writing anything (the form's preview).
pub fn plan_series(
    ctx: &Ctx<'_>,
    spec: &SeriesSpec,
    except_series: Option<&str>,
) -> Result<Vec<Occurrence>, CommandError> {
    if spec.weekdays.is_empty() {
        return Err(Rejection::new("series-no-weekdays").on("weekdays").into());
    }
    if spec.last_day < spec.first_day {
        return Err(Rejection::new("closure-dates-reversed").on("last_day").into());
    }
    if spec.first_day.until(spec.last_day).map_or(true, |s| s.get_days() > 400) {
        return Err(Rejection::new("series-too-long").on("last_day").into());
    }
    court_exists(ctx, &spec.court_id)?;
    let tz = club_tz(ctx)?;
    let coach = crate::coaching::commands::LessonCoach::of(ctx, spec.kind, spec.coach_id.as_deref())?;
    let mut out = Vec::new();
    for day in series_dates(&spec.weekdays, spec.first_day, spec.last_day) {
        let slot = LocalSlot { day, start: spec.start, minutes: spec.minutes };
        let own = except_series.map(|s| occurrence_id(s, day)).unwrap_or_default();
        let problem = match bookable(ctx.tx, &tz, &spec.court_id, slot, &own)
            .and_then(|at| coach.as_ref().map_or(Ok(()), |c| c.check(ctx, &spec.court_id, at, &own)))
        {
            Ok(()) => None,
            Err(CommandError::Rejected(r)) => Some(r),
            Err(e) => return Err(e),
        };
        let instead =
            if problem.is_some() { free_instead(ctx, &tz, (spec, coach.as_ref()), slot)? } else { Vec::new() };
        out.push(Occurrence { day, problem, instead });
    }
    if out.is_empty() {
        return Err(Rejection::new("series-empty").on("weekdays").into());
    }
    Ok(out)
}

/// Where a series date that cannot be booked could go instead: the first other court free at
/// the same time, and the nearest free start on the same court within two hours.
fn free_instead(
    ctx: &Ctx<'_>,
    tz: &TimeZone,
    (spec, coach): (&SeriesSpec, Option<&crate::coaching::commands::LessonCoach>),
    slot: LocalSlot,
) -> Result<Vec<(String, DayMinute)>, CommandError> {
    // Free for the court, and for the lesson's coach: their courts, their hours, not teaching.
    let free = |court: &str, slot: LocalSlot| match bookable(ctx.tx, tz, court, slot, "")
        .and_then(|at| coach.map_or(Ok(()), |c| c.check(ctx, court, at, "")))
    {
        Ok(()) => Ok(true),
        Err(CommandError::Rejected(_)) => Ok(false),
        Err(e) => Err(e),
    };
    let mut out = Vec::new();
    for court in courts::courts(ctx.tx)?.into_iter().filter(|c| c.draft.active && c.id != spec.court_id) {
        if free(&court.id, slot)? {
            out.push((court.id, slot.start));
            break;
        }
    }
    let step = courts::rules(ctx.tx)?.slot_minutes.max(1);
    let at = |shift: i32| {
        let m = i32::from(slot.start.minutes()) + shift;
        u16::try_from(m).ok().and_then(DayMinute::new)
    };
    let shifts = (1..=120 / i32::from(step)).flat_map(|k| [k * i32::from(step), -k * i32::from(step)]);
    for start in shifts.filter_map(at) {
        if free(&spec.court_id, LocalSlot { start, ..slot })? {
            out.push((spec.court_id.clone(), start));
            break;
        }
    }
    Ok(out)
}

fn write_occurrences(ctx: &Ctx<'_>, series_id: &str, spec: &SeriesSpec, skip: &[Date]) -> Result<usize, CommandError> {
    let tz = club_tz(ctx)?;
    let mut made = 0;
    for occ in plan_series(ctx, spec, None)? {
        if skip.contains(&occ.day) {
            continue;
        }
        if let Some(mut r) = occ.problem {
            // Staff chose not to skip this date: refuse the whole series, naming it.
            r.args.push(("date".into(), occ.day.to_string()));
            r.field = Some("series".into());
            return Err(r.into());
        }
        let id = occurrence_id(series_id, occ.day);
        let (start, end) = LocalSlot { day: occ.day, start: spec.start, minutes: spec.minutes }
            .instants(&tz)
            .ok_or_else(|| Rejection::new("slot-invalid"))?;
        let new = NewBooking {
            id: &id,
            court_id: &spec.court_id,
            starts_at: start,
            ends_at: end,
            kind: spec.kind,
            booker_id: spec.booker_id.as_deref(),
            note: spec.note.trim(),
            source: Source::Desk,
            series_id: Some(series_id),
            coach_id: spec.coach_id.as_deref(),
            group_id: spec.group_id.as_deref(),
        };
        store::insert(ctx.tx, &new, ctx.now)?;
        store::set_players(ctx.tx, &id, &spec.players)?;
        reprice(ctx.tx, &id, &tz)?;
        sms::follow(ctx, &id, sms::Event::SeriesCreated)?;
        made += 1;
    }
    if made == 0 {
        return Err(Rejection::new("series-empty").on("weekdays").into());
    }
    Ok(made)
}

fn series_row(id: &str, spec: &SeriesSpec) -> Series {
    Series {
        id: id.to_owned(),
        court_id: spec.court_id.clone(),
        weekdays: spec.weekdays.clone(),
        start: spec.start,
        minutes: spec.minutes,
        first_day: spec.first_day,
        last_day: spec.last_day,
        kind: spec.kind,
        booker_id: spec.booker_id.clone(),
        note: spec.note.trim().to_owned(),
        coach_id: spec.coach_id.clone(),
        group_id: spec.group_id.clone(),
    }
}

/// Writes series `id` and its bookings, but on `skip` dates (for `CreateSeries` and a group's
/// schedule, which check who may and what else the spec must be first).
pub fn add_series(ctx: &Ctx<'_>, id: &str, spec: &SeriesSpec, skip: &[Date]) -> Result<(), CommandError> {
    store::insert_series(ctx.tx, &series_row(id, spec), ctx.now)?;
    write_occurrences(ctx, id, spec, skip)?;
    Ok(())
}

/// Creates a series and its bookings; dates in `skip` (conflicts staff chose to leave out) are
/// not booked. Any other date that cannot be booked refuses the whole series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateSeries {
    pub series_id: String,
    pub spec: SeriesSpec,
    pub skip: Vec<Date>,
}

impl CreateSeries {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        crate::core::id_is_new(store::series(ctx.tx, &self.series_id)?)?;
        check_note(&self.spec.note)?;
        check_people(ctx, self.spec.kind, self.spec.booker_id.as_deref(), &self.spec.players)?;
        court_exists(ctx, &self.spec.court_id)?;
        add_series(ctx, &self.series_id, &self.spec, &self.skip)
    }

    pub fn summary(&self) -> String {
        let s = &self.spec;
        format!("{}..{} {} {} min, skipping {}", s.first_day, s.last_day, s.start, s.minutes, self.skip.len())
    }
}

/// Changes court, time or length of a series from `from_day` on ("this and following"), or of
/// all its future dates when `from_day` is None. Earlier dates keep the old terms: the series is
/// split, and the new part gets its own id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditSeries {
    pub series_id: String,
    pub new_series_id: String,
    pub from_day: Date,
    pub court_id: String,
    pub start: DayMinute,
    pub minutes: u16,
}

impl EditSeries {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let old = store::series(ctx.tx, &self.series_id)?.ok_or_else(|| Rejection::new("series-not-found"))?;
        court_exists(ctx, &self.court_id)?;
        let tz = club_tz(ctx)?;
        let from = self.from_day.max(old.first_day);
        let from_instant = from.to_zoned_datetime(tz.clone()).map_err(|e| CommandError::Failed(e.into()))?.timestamp();
        let moving = store::series_bookings_from(ctx.tx, &old.id, from_instant)?;
        // Paid dates keep their payments: they are moved one by one, not re-made with the series.
        for b in &moving {
            if crate::payments::store::has_payments(ctx.tx, &b.id)? {
                let day = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz).day;
                return Err(Rejection::new("series-date-paid").arg("date", day).into());
            }
        }
        let booked_days: Vec<Date> =
            moving.iter().map(|b| LocalSlot::from_instants(b.starts_at, b.ends_at, &tz).day).collect();
        // Free the old dates first, so a booking moved by less than its length does not collide with itself.
        for b in &moving {
            store::cancel(ctx.tx, &b.id, "series changed", ctx.now)?;
            sms::follow(ctx, &b.id, sms::Event::SeriesReleased)?;
        }
        let spec = SeriesSpec {
            court_id: self.court_id.clone(),
            weekdays: old.weekdays.clone(),
            start: self.start,
            minutes: self.minutes,
            first_day: from,
            last_day: old.last_day,
            kind: old.kind,
            booker_id: old.booker_id.clone(),
            players: moving
                .first()
                .map(|b| store::players(ctx.tx, &b.id))
                .transpose()?
                .unwrap_or_default()
                .into_iter()
                .map(|(p, _)| p)
                .collect(),
            note: old.note.clone(),
            coach_id: old.coach_id.clone(),
            group_id: old.group_id.clone(),
        };
        // Dates that were already released (cancelled occurrences) stay released.
        let all_days = series_dates(&spec.weekdays, spec.first_day, spec.last_day);
        let skip: Vec<Date> = all_days.into_iter().filter(|d| !booked_days.contains(d)).collect();
        if from > old.first_day {
            let before = from.yesterday().map_err(|e| CommandError::Failed(e.into()))?;
            store::set_series_last_day(ctx.tx, &old.id, before, ctx.now)?;
            store::insert_series(ctx.tx, &series_row(&self.new_series_id, &spec), ctx.now)?;
            write_occurrences(ctx, &self.new_series_id, &spec, &skip)?;
        } else {
            store::delete_series_bookings(ctx.tx, &old.id)?;
            store::update_series(ctx.tx, &series_row(&old.id, &spec), ctx.now)?;
            write_occurrences(ctx, &old.id, &spec, &skip)?;
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} from {}: {} {} min", self.series_id, self.from_day, self.start, self.minutes)
    }
}

/// Ends a series early: its bookings after `last_day` are cancelled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndSeries {
    pub series_id: String,
    pub last_day: Date,
}

impl EndSeries {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Reception)?;
        let s = store::series(ctx.tx, &self.series_id)?.ok_or_else(|| Rejection::new("series-not-found"))?;
        if self.last_day >= s.last_day {
            return Err(Rejection::new("series-end-not-earlier").on("last_day").into());
        }
        let tz = club_tz(ctx)?;
        let after = self.last_day.tomorrow().map_err(|e| CommandError::Failed(e.into()))?;
        let from = after.to_zoned_datetime(tz).map_err(|e| CommandError::Failed(e.into()))?.timestamp();
        for b in store::series_bookings_from(ctx.tx, &s.id, from)? {
            store::cancel(ctx.tx, &b.id, "series ended", ctx.now)?;
            sms::follow(ctx, &b.id, sms::Event::SeriesReleased)?;
        }
        store::set_series_last_day(ctx.tx, &s.id, self.last_day.max(s.first_day), ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        format!("{} ends {}", self.series_id, self.last_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, slot};

    #[test]
    fn a_slot_is_held_by_one_booking_until_it_is_cancelled() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        let boris = db.member("Boris Petrov", "");
        let first = db.book(&court, &anna, slot("2026-12-01", "18:00", 60)).unwrap();
        let overlap = db.book(&court, &boris, slot("2026-12-01", "18:30", 60)).unwrap_err();
        assert_eq!(overlap.code, "slot-taken");
        assert!(overlap.args.contains(&("who".into(), "Anna Smith".into())), "{overlap:?}");
        assert!(overlap.args.contains(&("booking".into(), first.clone())));
        assert!(db.book(&court, &boris, slot("2026-12-01", "19:00", 60)).is_ok(), "back to back is fine");
        db.applied(AnyCommand::CancelBooking(CancelBooking {
            booking_id: first,
            reason: "rain".into(),
            money_back: false,
        }));
        assert!(db.book(&court, &boris, slot("2026-12-01", "18:00", 60)).is_ok(), "a cancelled booking frees its slot");
    }

    #[test]
    fn a_series_preview_writes_nothing_and_names_each_taken_date() {
        let mut db = TestDb::new();
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        db.book(&court, &anna, slot("2026-12-08", "19:00", 60)).unwrap();
        let spec = SeriesSpec {
            court_id: court,
            weekdays: vec![jiff::civil::Weekday::Tuesday],
            start: crate::courts::model::DayMinute::parse("19:00").unwrap(),
            minutes: 60,
            first_day: "2026-12-01".parse().unwrap(),
            last_day: "2026-12-22".parse().unwrap(),
            kind: Kind::Play,
            booker_id: Some(anna),
            players: Vec::new(),
            note: String::new(),
            coach_id: None,
            group_id: None,
        };
        let before = crate::core::head_txn_seq(&db.conn).unwrap();
        let plan =
            crate::core::dry_run(&db.conn, &crate::testing::reception(), db.now, |ctx| plan_series(ctx, &spec, None))
                .unwrap()
                .unwrap();
        let taken: Vec<String> = plan.iter().filter(|d| d.problem.is_some()).map(|d| d.day.to_string()).collect();
        assert_eq!(plan.len(), 4);
        assert_eq!(taken, ["2026-12-08"]);
        assert_eq!(crate::core::head_txn_seq(&db.conn).unwrap(), before, "a preview writes nothing");
    }
}
