//! Whether a court can be booked for a slot, and the free slots nearest one that could not (a
//! booking a desk made offline that the hub gave to someone else).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::model::LocalSlot;
use super::store::{self, Booking};
use crate::core::{CommandError, Rejection};
use crate::courts::model::{DayMinute, hours_on};
use crate::courts::store as courts;
use crate::db::Conn;

/// Checks that `slot` on `court_id` fits the rules, the hours and nobody else's booking;
/// returns its instants. The refusal for a taken slot names the booking that holds it.
pub fn bookable(
    conn: &Conn,
    tz: &TimeZone,
    court_id: &str,
    slot: LocalSlot,
    except: &str,
) -> Result<(Timestamp, Timestamp), CommandError> {
    let court = courts::court(conn, court_id)?.ok_or_else(|| Rejection::new("court-not-found").on("court_id"))?;
    if !court.draft.active {
        return Err(Rejection::new("court-inactive").on("court_id").arg("court", &court.draft.name).into());
    }
    let rules = courts::rules(conn)?;
    let hours = hours_on(slot.day, court_id, &courts::week(conn)?, &courts::closures_from(conn, slot.day)?);
    slot.check(&rules, hours).map_err(|(field, code)| Rejection::new(code).on(field))?;
    let (start, end) = slot.instants(tz).ok_or_else(|| Rejection::new("slot-invalid").on("start"))?;
    if let Some(holder) = store::active_overlapping(conn, court_id, start, end, except)?.first() {
        return Err(taken(holder, &court.draft.name, tz).into());
    }
    Ok((start, end))
}

fn taken(holder: &Booking, court: &str, tz: &TimeZone) -> Rejection {
    let who = holder.booker_name.clone().unwrap_or_default();
    // Who holds the court, in the message's words when no member does.
    let kind = match (&holder.booker_name, &holder.group_id) {
        (Some(_), _) => "member",
        (None, Some(_)) => "group",
        (None, None) => holder.kind.as_str(),
    };
    let (from, to) = super::model::clock_span(holder.starts_at, holder.ends_at, tz);
    Rejection::new("slot-taken")
        .on("start")
        .arg("court", court)
        .arg("from", from)
        .arg("to", to)
        .arg("who", who)
        .arg("holder", kind)
        .arg("booking", &holder.id)
}

/// Up to `limit` slots as long as `slot` that can be booked now: other courts at the same time
/// first, then the same court (and then the others) at the nearest times of that day, earlier
/// or later by up to three hours.
pub fn alternatives(
    conn: &Conn,
    tz: &TimeZone,
    court_id: &str,
    slot: LocalSlot,
    limit: usize,
) -> anyhow::Result<Vec<(String, String, LocalSlot)>> {
    let step = i32::from(courts::rules(conn)?.slot_minutes.max(1));
    let mut courts_in_order = courts::courts(conn)?;
    courts_in_order.sort_by_key(|c| c.id != court_id);
    let mut starts = vec![i32::from(slot.start.minutes())];
    for k in 1..=(180 / step) {
        starts.push(i32::from(slot.start.minutes()) - k * step);
        starts.push(i32::from(slot.start.minutes()) + k * step);
    }
    let mut found = Vec::new();
    for (n, start) in starts.into_iter().enumerate() {
        let Some(start) = u16::try_from(start).ok().and_then(DayMinute::new) else { continue };
        let candidate = LocalSlot { start, ..slot };
        for court in &courts_in_order {
            if n == 0 && court.id == court_id {
                continue;
            }
            match bookable(conn, tz, &court.id, candidate, "") {
                Ok(_) => found.push((court.id.clone(), court.draft.name.clone(), candidate)),
                Err(CommandError::Rejected(_)) => {}
                Err(CommandError::Failed(e)) => return Err(e),
            }
            if found.len() == limit {
                return Ok(found);
            }
        }
    }
    Ok(found)
}
