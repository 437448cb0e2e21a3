//! The price of a booking before it is made.

use rocket::serde::json::{Json, Value, json};
use rocket::{State, get};

use super::Answer;
use super::bookings::{club_tz, local_start};
use super::problem::{Problem, Query};
use crate::app::App;
use crate::bookings::model::{LocalSlot, Player};
use crate::web::guards::{Api, Reception};

#[get("/prices/quote?<court_id>&<start>&<minutes>&<member_id>&<guests>")]
pub async fn quote(
    _u: Api<Reception>,
    app: &State<App>,
    court_id: Query<'_, '_>,
    start: Query<'_, '_>,
    minutes: Query<'_, '_>,
    member_id: Query<'_, '_>,
    guests: Query<'_, '_>,
) -> Answer {
    let court_id = Problem::query::<String>(court_id, "court_id")?;
    let start = Problem::query::<String>(start, "start")?;
    let minutes = Problem::query::<u16>(minutes, "minutes")?;
    let member_id = Problem::query::<String>(member_id, "member_id")?;
    let guests = Problem::query::<usize>(guests, "guests")?;
    let tz = club_tz(app).await?;
    let court_id = court_id.ok_or_else(|| Problem::invalid("court_id", "court-not-found"))?;
    let (day, start) = local_start(start.as_deref().unwrap_or_default(), &tz)?;
    let minutes = minutes
        .filter(|m| (1..=24 * 60).contains(m))
        .ok_or_else(|| Problem::invalid("minutes", "slot-length-misaligned"))?;
    let guests = guests.unwrap_or(0).min(3);
    let players: Vec<Player> = (0..guests).map(|i| Player::Guest(format!("guest {}", i + 1))).collect();
    let slot = LocalSlot { day, start, minutes };
    let lookup = member_id.clone();
    let (quote, member_known) = app
        .db
        .read(move |c| {
            let known = match &lookup {
                Some(id) => crate::members::store::member(c, id)?.is_some(),
                None => true,
            };
            Ok((crate::prices::pricing::quote_for(c, &court_id, slot, lookup.as_deref(), &players)?, known))
        })
        .await?;
    if !member_known {
        return Err(Problem::invalid("member_id", "member-not-found"));
    }
    let q = quote.ok_or_else(|| Problem::invalid("court_id", "court-not-found"))?;
    let lines: Vec<Value> =
        q.lines.iter().map(|l| json!({ "rule": l.rule, "minutes": l.minutes, "amount": l.amount })).collect();
    Ok(Json(json!({
        "amount": q.total,
        "currency": app.club().await?.currency,
        "lights": q.lights,
        "guests": q.guests,
        "unpriced_minutes": q.unpriced_minutes,
        "lines": lines,
    })))
}
