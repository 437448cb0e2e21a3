//! SMS to a group's members: a session cancelled or added, a place that came free for someone
//! waiting. Only the hub queues them (it keeps the outbox), when it decides the command; each
//! message's id comes from what it is about, so deciding twice queues it once.

use super::store::{Group, RosterEntry};
use crate::bookings::store::Booking;
use crate::core::{CommandError, Ctx};
use crate::sms::model::Kind;
use crate::sms::store::NewMessage;

/// What the roster hears about a session.
pub enum News<'a> {
    Cancelled(&'a str),
    Extra,
}

/// Tells each enrolled member with a phone (who has not opted out) about `session`.
pub fn roster(ctx: &Ctx<'_>, g: &Group, session: &Booking, news: News<'_>) -> Result<(), CommandError> {
    if !ctx.on_hub() {
        return Ok(());
    }
    let Some((_, club)) = crate::club::store::settings(ctx.tx)? else { return Ok(()) };
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let day = crate::i18n::date(club.locale, session.starts_at.to_zoned_datetime(tz.clone()).date());
    let when = format!("{day} {}", crate::bookings::model::span(session.starts_at, session.ends_at, &tz));
    let court = crate::courts::store::court(ctx.tx, &session.court_id)?.map(|c| c.draft.name).unwrap_or_default();
    let (id, kind, reason) = match news {
        News::Cancelled(reason) => ("group-sms-cancelled", Kind::Cancellation, reason),
        News::Extra => ("group-sms-extra", Kind::Confirmation, ""),
    };
    let args = [
        ("club", club.name.as_str()),
        ("group", g.draft.name.as_str()),
        ("when", when.as_str()),
        ("court", court.as_str()),
        ("reason", reason),
    ];
    let body = crate::i18n::tr_args(club.locale, id, &args).trim().to_owned();
    for e in super::store::roster(ctx.tx, &g.id)? {
        if e.place == super::model::Place::Enrolled {
            let deadline = session.starts_at;
            send(ctx, &e, &format!("{}/{}/{}", session.id, e.member_id, kind.as_str()), kind, &body, deadline)?;
        }
    }
    Ok(())
}

/// Tells `e`, who waited, that they now have a place in group `g`.
pub fn moved_up(ctx: &Ctx<'_>, g: &Group, e: &RosterEntry) -> Result<(), CommandError> {
    if !ctx.on_hub() {
        return Ok(());
    }
    let Some((_, club)) = crate::club::store::settings(ctx.tx)? else { return Ok(()) };
    let args = [("club", club.name.as_str()), ("group", g.draft.name.as_str())];
    let body = crate::i18n::tr_args(club.locale, "group-sms-place", &args);
    let deadline = ctx.now + jiff::SignedDuration::from_hours(72);
    send(ctx, e, &format!("{}/place", e.id), Kind::Confirmation, &body, deadline)
}

fn send(
    ctx: &Ctx<'_>,
    e: &RosterEntry,
    id: &str,
    kind: Kind,
    body: &str,
    deadline: jiff::Timestamp,
) -> Result<(), CommandError> {
    let Some(phone) = e.phone.as_deref() else { return Ok(()) };
    if crate::sms::store::is_opted_out(ctx.tx, &e.member_id)? || deadline <= ctx.now {
        return Ok(());
    }
    let message = NewMessage {
        id,
        member_id: Some(&e.member_id),
        phone,
        body,
        segments: crate::sms::model::segments(body).parts as i64,
        kind,
        campaign_id: None,
        booking_id: None,
        not_before: ctx.now,
        deadline: Some(deadline),
    };
    crate::sms::store::insert_message(ctx.tx, &message, ctx.now)?;
    Ok(())
}
