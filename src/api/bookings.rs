//! /api/v1/bookings and /api/v1/series: the same commands as the grid and its forms.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{State, get, patch, post};
use schemars::JsonSchema;
use serde::Deserialize;

use super::body::Write;
use super::idempotency::IdempotencyKey;
use super::problem::{Problem, Query};
use super::{Answer, Created};
use crate::app::App;
use crate::bookings::commands::{
    CancelBooking, CreateBooking, CreateSeries, EditSeries, EndSeries, SeriesSpec, SetAttendance, UpdateBooking,
};
use crate::bookings::model::{Kind, LocalSlot, Player, Source, Status as BookingStatus, day_bounds};
use crate::bookings::store::{self, Booking};
use crate::commands::AnyCommand;
use crate::core::{Outcome, Role};
use crate::courts::model::DayMinute;
use crate::web::guards::{Api, ApiUser, Reception};

pub(super) async fn club_tz(app: &App) -> Result<TimeZone, Problem> {
    let club = app.club().await?;
    Ok(TimeZone::get(&club.time_zone).unwrap_or(TimeZone::UTC))
}

fn rfc3339(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn booking_json(b: &Booking, players: &[(Player, String)], tz: &TimeZone) -> Value {
    let players: Vec<Value> = players
        .iter()
        .map(|(p, name)| match p {
            Player::Member(id) => json!({ "member_id": id, "name": name }),
            Player::Guest(g) => json!({ "guest_name": g }),
        })
        .collect();
    json!({
        "id": b.id,
        "court_id": b.court_id,
        "start": rfc3339(b.starts_at, tz),
        "end": rfc3339(b.ends_at, tz),
        "minutes": b.ends_at.duration_since(b.starts_at).as_mins(),
        "kind": b.kind.as_str(),
        "status": b.status.as_str(),
        "member_id": b.booker_id,
        "member_name": b.booker_name,
        "players": players,
        "note": b.note,
        "source": b.source.as_str(),
        "series_id": b.series_id,
        "coach_id": b.coach_id,
        "cancelled_at": b.cancelled_at.map(|t| rfc3339(t, tz)),
        "cancel_reason": b.cancel_reason,
        "price": b.price,
        "price_note": b.price_note,
        "pass_id": b.pass_id,
    })
}

async fn booking_or_404(app: &App, id: String) -> Result<Value, Problem> {
    let tz = club_tz(app).await?;
    let found = app
        .db
        .read(move |c| {
            let Some(b) = store::booking(c, &id)? else { return Ok(None) };
            let players = store::players(c, &b.id)?;
            Ok(Some((b, players)))
        })
        .await?;
    let (b, players) = found.ok_or_else(|| Problem::new(Status::NotFound, "There is no booking with this id."))?;
    Ok(booking_json(&b, &players, &tz))
}

/// `start` as RFC 3339 with an offset, or local `YYYY-MM-DDTHH:MM` in the club's zone.
pub(super) fn local_start(raw: &str, tz: &TimeZone) -> Result<(Date, DayMinute), Problem> {
    let bad = || Problem::invalid("start", "api-start-invalid");
    let local: DateTime = match raw.parse::<Timestamp>() {
        Ok(t) => t.to_zoned_datetime(tz.clone()).datetime(),
        Err(_) => raw.parse::<DateTime>().map_err(|_| bad())?,
    };
    if local.second() != 0 || local.subsec_nanosecond() != 0 {
        return Err(Problem::invalid("start", "slot-start-misaligned"));
    }
    let minute =
        DayMinute::new(u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).map_err(|_| bad())?)
            .ok_or_else(bad)?;
    Ok((local.date(), minute))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayerInput {
    member_id: Option<String>,
    guest_name: Option<String>,
}

fn players_of(input: Option<Vec<PlayerInput>>) -> Result<Vec<Player>, Problem> {
    input
        .unwrap_or_default()
        .into_iter()
        .map(|p| match (p.member_id, p.guest_name) {
            (Some(id), None) => Ok(Player::Member(id)),
            (None, Some(name)) => Ok(Player::Guest(name)),
            _ => Err(Problem::invalid("players", "api-player-invalid")),
        })
        .collect()
}

fn kind_of(raw: Option<&str>, default: Kind) -> Result<Kind, Problem> {
    match raw {
        None => Ok(default),
        Some(k) => Kind::parse(k).ok_or_else(|| Problem::invalid("kind", "api-kind-invalid")),
    }
}

#[get("/bookings?<date>&<from>&<to>&<court_id>")]
pub async fn list(
    _u: Api<Reception>,
    app: &State<App>,
    date: Query<'_, '_>,
    from: Query<'_, '_>,
    to: Query<'_, '_>,
    court_id: Query<'_, '_>,
) -> Answer {
    let date = Problem::query::<String>(date, "date")?;
    let from = Problem::query::<String>(from, "from")?;
    let to = Problem::query::<String>(to, "to")?;
    let court_id = Problem::query::<String>(court_id, "court_id")?;
    let tz = club_tz(app).await?;
    // Every date given is read, used or not: a wrong one is refused, never ignored.
    let day = |raw: Option<String>, field: &str| {
        raw.map(|r| r.parse::<Date>().map_err(|_| Problem::invalid(field, "date-invalid"))).transpose()
    };
    let (date, from, to) = (day(date, "date")?, day(from, "from")?, day(to, "to")?);
    let (first, last) = match (date, from, to) {
        (Some(d), _, _) => (d, d),
        (None, Some(f), Some(t)) => (f, t),
        _ => return Err(Problem::invalid("date", "api-date-required")),
    };
    if last < first || first.until(last).map_or(true, |s| s.get_days() > 62) {
        return Err(Problem::invalid("to", "api-range-invalid"));
    }
    let (start, _) = day_bounds(first, &tz).ok_or_else(|| Problem::invalid("date", "date-invalid"))?;
    let (_, end) = day_bounds(last, &tz).ok_or_else(|| Problem::invalid("date", "date-invalid"))?;
    let rows = app
        .db
        .read(move |c| {
            let mut out = Vec::new();
            for b in store::between(c, start, end)? {
                if court_id.as_deref().is_none_or(|id| id == b.court_id) && b.starts_at >= start {
                    let players = store::players(c, &b.id)?;
                    out.push((b, players));
                }
            }
            Ok(out)
        })
        .await?;
    Ok(Json(json!({ "bookings": rows.iter().map(|(b, p)| booking_json(b, p, &tz)).collect::<Vec<_>>() })))
}

#[get("/bookings/<id>")]
pub async fn get(u: ApiUser, app: &State<App>, id: String) -> Answer {
    let found = booking_or_404(app, id).await?;
    // A coach reads their own lessons only, as on the booking's page.
    if u.0.role < Role::Reception && found["coach_id"].as_str() != Some(u.0.id.as_str()) {
        return Err(Problem::new(Status::NotFound, "There is no booking with this id."));
    }
    Ok(Json(found))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    court_id: String,
    member_id: Option<String>,
    start: String,
    minutes: u16,
    kind: Option<String>,
    players: Option<Vec<PlayerInput>>,
    note: Option<String>,
    /// A pass of the member or a member player to pay with (used now or at check-in, per policy).
    pass_id: Option<String>,
    /// A lesson's coach (their staff account's id).
    coach_id: Option<String>,
    /// Same as the Idempotency-Key header.
    command_id: Option<String>,
}

#[post("/bookings", format = "json", data = "<input>")]
pub async fn create(app: &State<App>, input: Write<Reception, BookingInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let tz = club_tz(app).await?;
    let (day, start) = local_start(&input.start, &tz)?;
    let sub = key.or_body(&input.command_id).submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::CreateBooking(CreateBooking {
        booking_id: id.to_string(),
        court_id: input.court_id,
        slot: LocalSlot { day, start, minutes: input.minutes },
        kind: kind_of(input.kind.as_deref(), Kind::Play)?,
        booker_id: input.member_id,
        players: players_of(input.players)?,
        note: input.note.unwrap_or_default(),
        source: Source::Api,
        pass_id: input.pass_id,
        coach_id: input.coach_id,
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok((Status::Created, Json(booking_or_404(app, id.to_string()).await?))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingChange {
    court_id: Option<String>,
    member_id: Option<String>,
    start: Option<String>,
    minutes: Option<u16>,
    kind: Option<String>,
    players: Option<Vec<PlayerInput>>,
    note: Option<String>,
    /// A lesson's coach (their staff account's id).
    coach_id: Option<String>,
}

#[patch("/bookings/<id>", format = "json", data = "<input>")]
pub async fn update(app: &State<App>, id: String, input: Write<Reception, BookingChange>) -> Answer {
    let Write { user, key, input, digest } = input;
    let tz = club_tz(app).await?;
    let lookup = id.clone();
    let (b, players) = app
        .db
        .read(move |c| {
            let Some(b) = store::booking(c, &lookup)? else { return Ok(None) };
            let players = store::players(c, &b.id)?;
            Ok(Some((b, players)))
        })
        .await?
        .ok_or_else(|| Problem::new(Status::NotFound, "There is no booking with this id."))?;
    let current = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz);
    let (day, start) = match &input.start {
        Some(raw) => local_start(raw, &tz)?,
        None => (current.day, current.start),
    };
    let players = match input.players {
        Some(p) => players_of(Some(p))?,
        None => players.into_iter().map(|(p, _)| p).collect(),
    };
    let cmd = AnyCommand::UpdateBooking(UpdateBooking {
        booking_id: id.clone(),
        court_id: input.court_id.unwrap_or(b.court_id),
        slot: LocalSlot { day, start, minutes: input.minutes.unwrap_or(current.minutes) },
        kind: kind_of(input.kind.as_deref(), b.kind)?,
        booker_id: input.member_id.or(b.booker_id),
        players,
        note: input.note.unwrap_or(b.note),
        coach_id: input.coach_id.or(b.coach_id),
    });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(booking_or_404(app, id).await?)),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    reason: String,
    /// Give what was paid back the way it came, less any late-cancellation fee (cash from the
    /// open till); otherwise it goes onto the members' accounts.
    #[serde(default)]
    money_back: bool,
}

#[post("/bookings/<id>/cancel", format = "json", data = "<input>")]
pub async fn cancel(app: &State<App>, id: String, input: Write<Reception, CancelInput>) -> Answer {
    let Write { user, key, input, digest } = input;
    let cmd = AnyCommand::CancelBooking(CancelBooking {
        booking_id: id.clone(),
        reason: input.reason,
        money_back: input.money_back,
    });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(booking_or_404(app, id).await?)),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[post("/bookings/<id>/check-in")]
pub async fn check_in(user: Api<Reception>, key: IdempotencyKey, app: &State<App>, id: String) -> Answer {
    let cmd = AnyCommand::SetAttendance(SetAttendance { booking_id: id.clone(), status: BookingStatus::CheckedIn });
    match app.submit(&key.submission(&user.0.id, &[]), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(booking_or_404(app, id).await?)),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

// ---- series ----

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesInput {
    court_id: String,
    /// ISO weekday numbers, 1 = Monday.
    weekdays: Vec<i8>,
    start: String,
    minutes: u16,
    #[schemars(with = "String", extend("format" = "date"))]
    first_day: Date,
    #[schemars(with = "String", extend("format" = "date"))]
    last_day: Date,
    member_id: Option<String>,
    kind: Option<String>,
    players: Option<Vec<PlayerInput>>,
    note: Option<String>,
    /// A series of lessons' coach (their staff account's id).
    coach_id: Option<String>,
    /// Skip dates that cannot be booked instead of refusing the series.
    #[serde(default)]
    skip_conflicts: bool,
}

#[post("/series", format = "json", data = "<input>")]
pub async fn create_series(app: &State<App>, input: Write<Reception, SeriesInput>) -> Created {
    let Write { user, key, input, digest } = input;
    let start = DayMinute::parse(&input.start).ok_or_else(|| Problem::invalid("start", "hours-invalid"))?;
    let weekdays: Vec<Weekday> = input
        .weekdays
        .iter()
        .map(|n| Weekday::from_monday_one_offset(*n))
        .collect::<Result<_, _>>()
        .map_err(|_| Problem::invalid("weekdays", "series-no-weekdays"))?;
    let spec = SeriesSpec {
        court_id: input.court_id,
        weekdays,
        start,
        minutes: input.minutes,
        first_day: input.first_day,
        last_day: input.last_day,
        kind: kind_of(input.kind.as_deref(), Kind::Play)?,
        booker_id: input.member_id,
        players: players_of(input.players)?,
        note: input.note.unwrap_or_default(),
        coach_id: input.coach_id,
        group_id: None,
    };
    // Which dates conflict is decided now; the command refuses if that changed meanwhile.
    let skip: Vec<Date> = if input.skip_conflicts {
        let (actor, now, plan_spec) = (user.actor(), app.now(), spec.clone());
        let planned = app
            .db
            .read(move |c| {
                crate::core::dry_run(c, &actor, now, |ctx| {
                    crate::bookings::commands::plan_series(ctx, &plan_spec, None)
                })
            })
            .await?;
        match planned {
            Ok(days) => days.into_iter().filter(|d| d.problem.is_some()).map(|d| d.day).collect(),
            Err(r) => return Err(Problem::rejected(&r)),
        }
    } else {
        Vec::new()
    };
    let sub = key.submission(&user.0.id, &digest);
    let id = sub.id;
    let cmd = AnyCommand::CreateSeries(CreateSeries { series_id: id.to_string(), spec, skip: skip.clone() });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let sid = id.to_string();
            let booked = app.db.read(move |c| Ok(store::series_all(c, &sid)?.len())).await?;
            let skipped: Vec<String> = skip.iter().map(ToString::to_string).collect();
            Ok((Status::Created, Json(json!({ "id": id.to_string(), "booked": booked, "skipped": skipped }))))
        }
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesEdit {
    #[schemars(with = "String", extend("format" = "date"))]
    from_day: Date,
    court_id: String,
    start: String,
    minutes: u16,
}

#[post("/series/<id>/edit", format = "json", data = "<input>")]
pub async fn edit_series(app: &State<App>, id: String, input: Write<Reception, SeriesEdit>) -> Answer {
    let Write { user, key, input, digest } = input;
    let start = DayMinute::parse(&input.start).ok_or_else(|| Problem::invalid("start", "hours-invalid"))?;
    let sub = key.submission(&user.0.id, &digest);
    let command = sub.id;
    let lookup = id.clone();
    let first_day = app.db.read(move |c| Ok(store::series(c, &lookup)?.map(|s| s.first_day))).await?;
    let cmd = AnyCommand::EditSeries(EditSeries {
        series_id: id.clone(),
        new_series_id: command.to_string(),
        from_day: input.from_day,
        court_id: input.court_id,
        start,
        minutes: input.minutes,
    });
    match app.submit(&sub, user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let split = first_day.is_some_and(|d| input.from_day > d);
            Ok(Json(json!({ "id": if split { command.to_string() } else { id }, "split": split })))
        }
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesEnd {
    #[schemars(with = "String", extend("format" = "date"))]
    last_day: Date,
}

#[post("/series/<id>/end", format = "json", data = "<input>")]
pub async fn end_series(app: &State<App>, id: String, input: Write<Reception, SeriesEnd>) -> Answer {
    let Write { user, key, input, digest } = input;
    let cmd = AnyCommand::EndSeries(EndSeries { series_id: id.clone(), last_day: input.last_day });
    match app.submit(&key.submission(&user.0.id, &digest), user.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Json(json!({ "id": id, "last_day": input.last_day.to_string() }))),
        Outcome::Rejected(r) => Err(Problem::rejected(&r)),
    }
}
