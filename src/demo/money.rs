//! The demo club's front desk: every day of its history a shift, payments for most played
//! bookings (some refunded), check-ins and no-shows, each at its own time; then today, passes
//! sold and used, a few cancellations of coming bookings (late ones cost a fee), partners
//! dropping out of a few, a duplicate member merged, and the SMS texts set up with sending left
//! off.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use super::{BATCH, rub, run, run_all};
use crate::app::App;
use crate::bookings::commands::{CancelBooking, SetAttendance, UpdateBooking};
use crate::bookings::model::{Conditions, LocalSlot, Status};
use crate::bookings::store::Booking;
use crate::cash::commands::{CloseShift, OpenShift};
use crate::clock::TurnedClock;
use crate::commands::AnyCommand;
use crate::courts::model::DayMinute;
use crate::members::commands::{CreateMember, MergeMembers};
use crate::members::model::MemberDraft;
use crate::passes::commands::{SavePassProduct, SellPass, UsePass};
use crate::passes::model::{PassKind, Product};
use crate::payments::commands::{RefundPayment, TakePayment};
use crate::payments::model::{Method, Purpose};
use crate::sms::commands::SaveSmsSettings;

fn id() -> String {
    Uuid::now_v7().to_string()
}

/// The demo's free text (reasons, notes, the pass's name) in the club's language.
struct Words {
    rain: &'static str,
    ill: &'static str,
    plans_changed: &'static str,
    partner_out: &'static str,
    pass: &'static str,
    registered_twice: &'static str,
}

const ENGLISH: Words = Words {
    rain: "Court closed early for rain",
    ill: "Ill",
    plans_changed: "Plans changed",
    partner_out: "Partner dropped out",
    pass: "10 visits",
    registered_twice: "Registered twice at the desk",
};

const RUSSIAN: Words = Words {
    rain: "Корт закрыли раньше из-за дождя",
    ill: "Заболел",
    plans_changed: "Изменились планы",
    partner_out: "Партнёр не сможет прийти",
    pass: "10 посещений",
    registered_twice: "Записали второй раз на ресепшене",
};

/// Of a hundred bookings, how many are called off on the day.
const CALLED_OFF_PCT: u8 = 3;

/// Fills the desk's history from `first` to now, then the month ahead; returns how many
/// payments were taken. `clock` is the app's: it is turned back through the past, then resumed.
pub(super) fn fill(
    app: &App,
    clock: &TurnedClock,
    rng: &mut fastrand::Rng,
    members: &[String],
    (tz, first): (&TimeZone, Date),
    russian: bool,
) -> anyhow::Result<usize> {
    let w = if russian { &RUSSIAN } else { &ENGLISH };
    let mut payments = desk_days(app, clock, rng, (tz, first), w)?;
    clock.resume();
    let now = app.now();
    let bookings = app
        .db
        .read_blocking(|c| Ok(crate::bookings::store::between(c, now, now + SignedDuration::from_hours(30 * 24))?))?;
    let holders = sell_passes(app, rng, members, w)?;
    // What happens to each coming booking, in order; run in batches (each command on its own).
    let mut plan = Vec::new();
    for b in bookings.iter().filter(|b| b.booker_id.is_some() && b.status == Status::Booked && b.starts_at >= now) {
        let booker = b.booker_id.clone().unwrap_or_default();
        upcoming(app, (&mut plan, rng), (b, &booker), &holders, tz, w)?;
    }
    if !plan.iter().any(|c| matches!(c, AnyCommand::UpdateBooking(_))) {
        // Chance gave no edited booking; a demo club shows one all the same.
        let cancelled =
            |b: &Booking| plan.iter().any(|c| matches!(c, AnyCommand::CancelBooking(x) if x.booking_id == b.id));
        let upcoming =
            bookings.iter().filter(|b| b.starts_at >= now && b.status == Status::Booked && b.group_id.is_none());
        for b in upcoming.filter(|b| !cancelled(b)).collect::<Vec<_>>() {
            let before = plan.len();
            partner_drops_out(app, &mut plan, b, tz, w)?;
            if plan.len() > before {
                break;
            }
        }
    }
    for chunk in plan.chunks(BATCH) {
        payments += taken(chunk, run_all(app, chunk.to_vec())?);
    }
    merge_a_duplicate(app, members, w)?;
    sms_texts(app)?;
    Ok(payments)
}

/// Each day from `first` to today at the desk: a shift opens in the morning, the bookings
/// begun so far are settled as they start (`played`), and the till is counted and the shift
/// closed at night, except today's, which stays open. Returns how many payments were taken.
fn desk_days(
    app: &App,
    clock: &TurnedClock,
    rng: &mut fastrand::Rng,
    (tz, first): (&TimeZone, Date),
    w: &Words,
) -> anyhow::Result<usize> {
    let now = app.now();
    let today = tz.to_datetime(now).date();
    let at = |day: Date, time: Time| -> anyhow::Result<Timestamp> { Ok(tz.to_timestamp(day.to_datetime(time))?) };
    let mut progress = super::Progress::new("Payments", (today - first).get_days().max(0) as usize + 1);
    let (mut day, mut payments) = (first, 0);
    while day <= today {
        let (opens, closes) = (at(day, Time::constant(6, 45, 0, 0))?, at(day, Time::constant(23, 30, 0, 0))?);
        clock.turn_to(opens);
        let shift_id = id();
        run(app, AnyCommand::OpenShift(OpenShift { shift_id: shift_id.clone(), float: rub(app, 5000)? }))?;
        let bookings = app.db.read_blocking(move |c| Ok(crate::bookings::store::between(c, opens, closes)?))?;
        let played_by_now = bookings.iter().filter(|b| {
            b.starts_at >= opens && b.starts_at < now && b.booker_id.is_some() && b.status == Status::Booked
        });
        for starting in played_by_now.collect::<Vec<_>>().chunk_by(|a, b| a.starts_at == b.starts_at) {
            // A few call off half an hour before, too late not to owe the fee.
            clock.turn_to(starting[0].starts_at - SignedDuration::from_mins(30));
            let (called_off, coming): (Vec<&Booking>, Vec<&Booking>) =
                starting.iter().partition(|_| rng.u8(0..100) < CALLED_OFF_PCT);
            let cancels = called_off.iter().map(|b| {
                AnyCommand::CancelBooking(CancelBooking {
                    booking_id: b.id.clone(),
                    reason: w.ill.into(),
                    money_back: false,
                })
            });
            if !called_off.is_empty() {
                run_all(app, cancels.collect())?;
            }
            // Settled a few minutes after the start, when the players are in.
            clock.turn_to(starting[0].starts_at + SignedDuration::from_mins(5));
            let mut plan = Vec::new();
            for b in coming {
                played(&mut plan, rng, b, b.booker_id.as_deref().unwrap_or_default(), w);
            }
            payments += taken(&plan, run_all(app, plan.clone())?);
        }
        if day < today {
            clock.turn_to(closes);
            let counted = app.db.read_blocking(|c| {
                let shift = crate::cash::store::open_shift(c, crate::core::MAIN_TILL)?;
                Ok(shift.map(|s| crate::cash::store::expected_cash(c, &s)).transpose()?.unwrap_or_default())
            })?;
            run(app, AnyCommand::CloseShift(CloseShift { shift_id, counted, note: String::new() }))?;
        }
        day = day.tomorrow()?;
        progress.at((day - first).get_days() as usize);
    }
    Ok(payments)
}

/// How many of `cmds` that were `made` took a payment.
fn taken(cmds: &[AnyCommand], made: Vec<bool>) -> usize {
    cmds.iter().zip(made).filter(|(c, made)| *made && matches!(c, AnyCommand::TakePayment(_))).count()
}

/// A booking that has been played: mostly paid and checked in, sometimes refunded in part,
/// sometimes a no-show (which costs its fee).
fn played(plan: &mut Vec<AnyCommand>, rng: &mut fastrand::Rng, b: &Booking, booker: &str, w: &Words) {
    let roll = rng.u8(0..100);
    if roll >= 85 {
        plan.push(AnyCommand::SetAttendance(SetAttendance { booking_id: b.id.clone(), status: Status::NoShow }));
        return;
    }
    let payment_id = id();
    if b.price > 0 {
        plan.push(AnyCommand::TakePayment(TakePayment {
            payment_id: payment_id.clone(),
            member_id: Some(booker.to_owned()),
            booking_id: Some(b.id.clone()),
            purpose: Purpose::Booking,
            method: if roll < 50 { Method::Cash } else { Method::Card },
            amount: b.price,
            payer_name: String::new(),
            note: String::new(),
        }));
    }
    plan.push(AnyCommand::SetAttendance(SetAttendance { booking_id: b.id.clone(), status: Status::CheckedIn }));
    if b.price > 0 && roll < 3 {
        plan.push(AnyCommand::RefundPayment(RefundPayment {
            refund_id: id(),
            payment_id,
            amount: b.price / 2,
            to_wallet: roll < 2,
            reason: w.rain.into(),
        }));
    }
}

/// A booking still to come: paid from the booker's pass now and then, rarely cancelled (within
/// the last day, at a fee).
fn upcoming(
    app: &App,
    (plan, rng): (&mut Vec<AnyCommand>, &mut fastrand::Rng),
    (b, booker): (&Booking, &str),
    holders: &[(String, String)],
    tz: &TimeZone,
    w: &Words,
) -> anyhow::Result<()> {
    let roll = rng.u8(0..100);
    if roll < 4 {
        let reason = if b.starts_at - app.now() < SignedDuration::from_hours(24) { w.ill } else { w.plans_changed };
        plan.push(AnyCommand::CancelBooking(CancelBooking {
            booking_id: b.id.clone(),
            reason: reason.into(),
            money_back: false,
        }));
    } else if roll < 8 {
        partner_drops_out(app, plan, b, tz, w)?;
    } else if let Some((_, pass_id)) = holders.iter().find(|(member, _)| member == booker).filter(|_| roll < 60) {
        plan.push(AnyCommand::UsePass(UsePass {
            payment_id: id(),
            booking_id: b.id.clone(),
            pass_id: pass_id.clone(),
        }));
    }
    Ok(())
}

/// The booker plays alone (or finds someone at the club) after the partner named dropped out.
fn partner_drops_out(
    app: &App,
    plan: &mut Vec<AnyCommand>,
    b: &Booking,
    tz: &TimeZone,
    w: &Words,
) -> anyhow::Result<()> {
    let id = b.id.clone();
    if app.db.read_blocking(move |c| Ok(crate::bookings::store::players(c, &id)?))?.is_empty() {
        return Ok(());
    }
    let cmd = UpdateBooking {
        booking_id: b.id.clone(),
        court_id: b.court_id.clone(),
        slot: LocalSlot::from_instants(b.starts_at, b.ends_at, tz),
        kind: b.kind,
        booker_id: b.booker_id.clone(),
        players: Vec::new(),
        note: w.partner_out.into(),
        coach_id: b.coach_id.clone(),
    };
    plan.push(AnyCommand::UpdateBooking(cmd));
    Ok(())
}

/// A ten-visit pass, sold to about one member in ten; returns (member, pass).
fn sell_passes(
    app: &App,
    rng: &mut fastrand::Rng,
    members: &[String],
    w: &Words,
) -> anyhow::Result<Vec<(String, String)>> {
    let product_id = id();
    let product = Product {
        name: w.pass.into(),
        kind: PassKind::Visits,
        quantity: 10,
        bonus: 0,
        discount_pct: 0,
        price: rub(app, 12_000)?,
        valid_days: 180,
        conditions: Conditions {
            court_ids: Vec::new(),
            weekdays: Vec::new(),
            from: DayMinute::new(7 * 60).expect("a time of day"),
            to: DayMinute::MIDNIGHT_END,
        },
        active: true,
    };
    run(app, AnyCommand::SavePassProduct(SavePassProduct { product_id: product_id.clone(), product }))?;
    let sales: Vec<SellPass> = members
        .iter()
        .filter(|_| rng.u8(0..100) < 10)
        .map(|member| SellPass {
            pass_id: id(),
            payment_id: id(),
            member_id: member.clone(),
            product_id: product_id.clone(),
            method: Method::Card,
            valid_from: None,
        })
        .collect();
    let mut holders = Vec::new();
    for chunk in sales.chunks(BATCH) {
        let sold = run_all(app, chunk.iter().cloned().map(AnyCommand::SellPass).collect())?;
        holders.extend(
            chunk.iter().zip(sold).filter(|(_, sold)| *sold).map(|(s, _)| (s.member_id.clone(), s.pass_id.clone())),
        );
    }
    Ok(holders)
}

/// The first member registered a second time without a phone, then merged back.
fn merge_a_duplicate(app: &App, members: &[String], w: &Words) -> anyhow::Result<()> {
    let Some(keep) = members.first() else { return Ok(()) };
    let Some(original) = app.db.read_blocking(|c| Ok(crate::members::store::member(c, keep)?))? else {
        return Ok(());
    };
    let duplicate = id();
    let draft = MemberDraft {
        full_name: original.full_name,
        phone: String::new(),
        email: original.email,
        birth_date: original.birth_date,
        category_id: original.category_id,
        tags: Vec::new(),
        notes: w.registered_twice.into(),
        sms_consent: false,
    };
    if run(app, AnyCommand::CreateMember(CreateMember { member_id: duplicate.clone(), member: draft }))? {
        run(app, AnyCommand::MergeMembers(MergeMembers { keep_id: keep.clone(), merge_id: duplicate }))?;
    }
    Ok(())
}

/// The club's own SMS texts; reminders and confirmations stay off, so the demo's made-up phone
/// numbers are never sent anything even after a provider is set up.
fn sms_texts(app: &App) -> anyhow::Result<()> {
    let settings = crate::sms::store::Settings {
        tpl_reminder: "{name}, see you on {court} at {time} on {date}. {club}".into(),
        ..Default::default()
    };
    run(app, AnyCommand::SaveSmsSettings(SaveSmsSettings { settings_id: id(), settings }))?;
    Ok(())
}
