//! Booking messages: a reminder N hours before each booking (exactly one per booking, moved when
//! the booking moves, cancelled when it is cancelled), and the optional confirmation and
//! cancellation messages. Called by the booking commands inside their own transaction, so a
//! booking and its messages are written together or not at all.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::model::{self, Kind, Vars};
use super::store::{self, NewMessage, Settings};
use crate::bookings::model::Status as BookingStatus;
use crate::bookings::store::{self as bookings, Booking};
use crate::core::{CommandError, Ctx};
use crate::i18n::{self, Locale};

/// What just happened to a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Made at the desk, on the portal or through the API.
    Created,
    /// Moved, extended or its booker changed.
    Changed,
    Cancelled,
    /// One occurrence of a new weekly series: a reminder, no confirmation each week.
    SeriesCreated,
    /// An occurrence dropped because its series changed or ended: no cancellation message.
    SeriesReleased,
}

/// The message ids for one booking are derived from it, so replaying the same command on
/// another machine writes the same rows.
fn message_id(booking_id: &str, kind: Kind) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("courtside-sms:{}:{booking_id}", kind.as_str()).as_bytes()).to_string()
}

/// The built-in or the club's own template for `kind`.
pub fn template(s: &Settings, kind: Kind, locale: Locale) -> String {
    let custom = match kind {
        Kind::Reminder => &s.tpl_reminder,
        Kind::Confirmation => &s.tpl_confirmation,
        _ => &s.tpl_cancellation,
    };
    if custom.trim().is_empty() { i18n::tr(locale, &format!("sms-default-{}", kind.as_str())) } else { custom.clone() }
}

/// The booker of `b`, with a phone, who has not opted out.
fn recipient(ctx: &Ctx<'_>, b: &Booking) -> Result<Option<(String, String, String)>, CommandError> {
    let Some(member_id) = &b.booker_id else { return Ok(None) };
    let Some(m) = crate::members::store::member(ctx.tx, member_id)? else { return Ok(None) };
    let Some(phone) = m.phone.clone() else { return Ok(None) };
    if m.archived || store::is_opted_out(ctx.tx, &m.id)? {
        return Ok(None);
    }
    Ok(Some((m.id, m.full_name, phone)))
}

fn vars(ctx: &Ctx<'_>, b: &Booking, name: &str, locale: Locale) -> Result<Vars, CommandError> {
    let club = crate::club::store::settings(ctx.tx)?.map(|(_, s)| s);
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let court = crate::courts::store::court(ctx.tx, &b.court_id)?.map(|c| c.draft.name).unwrap_or_default();
    let start = b.starts_at.to_zoned_datetime(tz);
    Ok(Vars {
        name: name.split_whitespace().next().unwrap_or(name).to_owned(),
        court,
        date: i18n::date(locale, start.date()),
        time: format!("{:02}:{:02}", start.hour(), start.minute()),
        club: club.map(|c| c.name).unwrap_or_default(),
    })
}

/// Brings the booking's messages in line with what just happened to it.
/// Only the hub keeps the outbox: a desk's tentative run leaves it alone, and the hub follows
/// the booking when it decides the command.
pub fn follow(ctx: &Ctx<'_>, booking_id: &str, event: Event) -> Result<(), CommandError> {
    if !ctx.on_hub() {
        return Ok(());
    }
    let Some(b) = bookings::booking(ctx.tx, booking_id)? else { return Ok(()) };
    let settings = store::settings(ctx.tx)?;
    let locale = crate::club::store::settings(ctx.tx)?.map_or(Locale::En, |(_, s)| s.locale);
    let existing = store::booking_message(ctx.tx, &b.id, Kind::Reminder)?;
    let active = matches!(b.status, BookingStatus::Booked);

    if !active || matches!(event, Event::Cancelled | Event::SeriesReleased) {
        if let Some(r) = existing {
            store::cancel_pending(ctx.tx, &[r.id.as_str()], "booking-cancelled", ctx.now)?;
        }
        if event == Event::Cancelled && settings.cancellations {
            queue_now(ctx, &b, &settings, Kind::Cancellation, locale)?;
        }
        return Ok(());
    }
    let Some((member_id, name, phone)) = recipient(ctx, &b)? else {
        // The booker changed to someone without a phone (or who opted out).
        if let Some(r) = existing {
            store::cancel_pending(ctx.tx, &[r.id.as_str()], "no-recipient", ctx.now)?;
        }
        return Ok(());
    };
    if event == Event::Created && settings.confirmations {
        queue_now(ctx, &b, &settings, Kind::Confirmation, locale)?;
    }
    if settings.reminder_hours <= 0 {
        return Ok(());
    }
    let tz = crate::club::store::time_zone(ctx.tx)?;
    let when = model::reminder_time(b.starts_at, settings.reminder_hours, settings.quiet, &tz, ctx.now);
    let body = model::fill(&template(&settings, Kind::Reminder, locale), &vars(ctx, &b, &name, locale)?);
    let segments = model::segments(&body).parts as i64;
    match (existing, when) {
        (Some(r), Some(at)) if r.status == super::model::Status::Pending => {
            store::reschedule(ctx.tx, &r.id, &body, segments, at, b.starts_at, ctx.now)?;
        }
        (Some(r), None) => {
            store::cancel_pending(ctx.tx, &[r.id.as_str()], "too-late", ctx.now)?;
        }
        // Already sent (or cancelled earlier): exactly one reminder per booking.
        (Some(_), Some(_)) => {}
        (None, Some(at)) => {
            let to = Recipient { member_id: &member_id, phone: &phone };
            queue(ctx, &b, to, Kind::Reminder, &body, at, b.starts_at)?;
        }
        (None, None) => {}
    }
    Ok(())
}

/// A confirmation or cancellation message, once per booking, sent as soon as quiet hours allow.
fn queue_now(ctx: &Ctx<'_>, b: &Booking, s: &Settings, kind: Kind, locale: Locale) -> Result<(), CommandError> {
    if store::booking_message(ctx.tx, &b.id, kind)?.is_some() {
        return Ok(());
    }
    let Some((member_id, name, phone)) = recipient(ctx, b)? else { return Ok(()) };
    let body = model::fill(&template(s, kind, locale), &vars(ctx, b, &name, locale)?);
    // A confirmation is pointless once the booking started; a cancellation within a day.
    let deadline: Timestamp =
        if kind == Kind::Confirmation { b.starts_at } else { ctx.now + SignedDuration::from_hours(24) };
    let to = Recipient { member_id: &member_id, phone: &phone };
    queue(ctx, b, to, kind, &body, ctx.now, deadline)?;
    Ok(())
}

struct Recipient<'a> {
    member_id: &'a str,
    phone: &'a str,
}

/// Queues one message about booking `b`, to be sent from `not_before` and not after `deadline`.
fn queue(
    ctx: &Ctx<'_>,
    b: &Booking,
    to: Recipient<'_>,
    kind: Kind,
    body: &str,
    not_before: Timestamp,
    deadline: Timestamp,
) -> Result<(), CommandError> {
    let message = NewMessage {
        id: &message_id(&b.id, kind),
        member_id: Some(to.member_id),
        phone: to.phone,
        body,
        segments: model::segments(body).parts as i64,
        kind,
        campaign_id: None,
        booking_id: Some(&b.id),
        not_before,
        deadline: Some(deadline),
    };
    store::insert_message(ctx.tx, &message, ctx.now)?;
    Ok(())
}
