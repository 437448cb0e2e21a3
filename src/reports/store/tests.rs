//! The reports agree with the raw tables: random club days written through the commands
//! (bookings and lessons, payments by every method, top-ups, refunds, cancellations with their
//! fees, no-shows), then every total of the occupancy, revenue, cancellations and members
//! reports is checked against sums taken straight from `payments`, `ledger` and `bookings`.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::bookings::commands::{CancelBooking, SetAttendance};
use crate::bookings::model::{Kind, Status};
use crate::cash::commands::OpenShift;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::payments::commands::{RefundPayment, TakePayment};
use crate::payments::model::{Method, Purpose};
use crate::prices::commands::SetMoneyPolicy;
use crate::prices::store::{PassUseOn, Policy};
use crate::reports::occupancy::occupancy;
use crate::reports::revenue::{Buckets, Category, revenue};
use crate::testing::{TestDb, booking, id, reception, slot};

/// A club of three courts at 1000 an hour, a coach, six members, a late-cancel and no-show
/// fee, and an open till.
fn club() -> (TestDb, Vec<String>, Vec<String>, String) {
    let mut db = TestDb::new();
    db.price_per_hour(100_000);
    let policy = Policy {
        lights_from: None,
        lights_per_hour: 0,
        guest_fee: 0,
        cancel_window_hours: 24,
        late_cancel_pct: 50,
        no_show_pct: 100,
        pass_use_on: PassUseOn::Booking,
    };
    db.applied(AnyCommand::SetMoneyPolicy(SetMoneyPolicy { policy, new_id: id() }));
    let courts = ["Court 1", "Court 2", "Court 3"].map(|c| db.court(c)).to_vec();
    let members = (0..6).map(|i| db.member(&format!("Member {i}"), "")).collect();
    let coach = db.coach("Petrova");
    db.applied(AnyCommand::OpenShift(OpenShift { shift_id: id(), float: 0 }));
    (db, courts, members, coach)
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

fn one_step(db: &mut TestDb, rng: &mut fastrand::Rng, courts: &[String], members: &[String], coach: &str) {
    let ids = |db: &TestDb, sql: &str| -> Vec<(String, String)> {
        let mut stmt = db.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let bookings = ids(db, "SELECT id, booker_id FROM bookings WHERE status = 'booked'");
    let member = pick(rng, members).unwrap().clone();
    let cmd = match rng.u8(0..100) {
        0..35 => {
            let day = db.now.to_zoned_datetime(TimeZone::get("Europe/Moscow").unwrap()).date();
            let day = day.checked_add(jiff::Span::new().days(rng.i64(0..6))).unwrap();
            let start = format!("{:02}:{}", rng.u8(8..21), if rng.bool() { "00" } else { "30" });
            let mut b =
                booking(pick(rng, courts).unwrap(), &member, slot(&day.to_string(), &start, rng.u16(2..4) * 30));
            if rng.u8(0..4) == 0 {
                b.kind = Kind::Lesson;
                b.coach_id = Some(coach.to_owned());
            }
            AnyCommand::CreateBooking(b)
        }
        35..65 => {
            let Some((booking_id, booker)) = pick(rng, &bookings) else { return };
            let method =
                *pick(rng, &[Method::Cash, Method::Card, Method::Transfer, Method::Other, Method::Wallet]).unwrap();
            AnyCommand::TakePayment(TakePayment {
                payment_id: id(),
                member_id: Some(booker.clone()),
                booking_id: Some(booking_id.clone()),
                purpose: Purpose::Booking,
                method,
                amount: rng.i64(1..=15) * 10_000,
                payer_name: String::new(),
                note: String::new(),
            })
        }
        65..75 => AnyCommand::TakePayment(TakePayment {
            payment_id: id(),
            member_id: Some(member),
            booking_id: None,
            purpose: Purpose::TopUp,
            method: *pick(rng, &[Method::Cash, Method::Card]).unwrap(),
            amount: rng.i64(1..=20) * 5_000,
            payer_name: String::new(),
            note: String::new(),
        }),
        75..85 => {
            let paid = ids(db, "SELECT id, id FROM payments WHERE refund_of IS NULL AND method <> 'pass'");
            let Some((payment_id, _)) = pick(rng, &paid) else { return };
            AnyCommand::RefundPayment(RefundPayment {
                refund_id: id(),
                payment_id: payment_id.clone(),
                amount: rng.i64(1..=5) * 10_000,
                to_wallet: rng.bool(),
                reason: "rain".into(),
            })
        }
        85..93 => {
            let Some((booking_id, _)) = pick(rng, &bookings) else { return };
            AnyCommand::CancelBooking(CancelBooking {
                booking_id: booking_id.clone(),
                reason: "Ill".into(),
                money_back: rng.bool(),
            })
        }
        _ => {
            let Some((booking_id, _)) = pick(rng, &bookings) else { return };
            AnyCommand::SetAttendance(SetAttendance { booking_id: booking_id.clone(), status: Status::NoShow })
        }
    };
    // Refusals (a taken slot, more than is due, a no-show before the start) are part of a day.
    let _: Outcome = db.run_as(&reception(), cmd);
}

fn sum(db: &TestDb, sql: &str, from: Timestamp, to: Timestamp) -> i64 {
    db.conn.query_row(sql, [from.as_millisecond(), to.as_millisecond()], |r| r.get(0)).unwrap()
}

fn check(db: &TestDb, first: Date, last: Date) {
    let tz = TimeZone::get("Europe/Moscow").unwrap();
    let period = crate::web::period::Period { first, last };
    let (from, to) = period.instants(&tz);
    let r =
        revenue(Buckets::of(first, last), &crate::reports::store::revenue_entries(&db.conn, from, to).unwrap(), &tz);
    let money = "SELECT coalesce(sum(amount), 0) FROM payments WHERE at >= ?1 AND at < ?2 \
                 AND method IN ('cash', 'card', 'transfer', 'other')";
    assert_eq!(r.money_in(), sum(db, money, from, to), "money in, {first}–{last}");
    for (method, values) in &r.by_method {
        let sql = format!("{money} AND method = '{}'", method.as_str());
        assert_eq!(values.iter().sum::<i64>(), sum(db, &sql, from, to), "{method:?}");
    }
    let paid_for = "SELECT coalesce(sum(p.amount), 0) FROM payments p LEFT JOIN bookings b ON b.id = p.booking_id \
                    WHERE p.at >= ?1 AND p.at < ?2 AND p.method <> 'pass' AND p.purpose = 'booking'";
    let fees = "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE at >= ?1 AND at < ?2 AND kind IN ('fee', 'waiver')";
    let category = |c: Category| r.by_category.iter().find(|(k, _)| *k == c).unwrap().1.iter().sum::<i64>();
    let lessons = sum(db, &format!("{paid_for} AND b.kind = 'lesson'"), from, to);
    assert_eq!(category(Category::Lessons), lessons, "lessons");
    assert_eq!(category(Category::CourtRent), sum(db, paid_for, from, to) - lessons, "court rent");
    assert_eq!(category(Category::Fees), sum(db, fees, from, to), "fees");
    assert_eq!(r.earned(), sum(db, paid_for, from, to) + sum(db, fees, from, to), "earned");
    let takings = crate::payments::store::payments_between(&db.conn, from, to).unwrap();
    let taken: i64 = takings.iter().filter(|p| p.method.is_money()).map(|p| p.amount).sum();
    assert_eq!(r.money_in(), taken, "the revenue report and the takings agree");

    let rows = crate::reports::store::booked_rows(&db.conn, from, to, &tz).unwrap();
    let c = crate::reports::cancellations::cancellations(&rows);
    let made = "FROM bookings WHERE starts_at >= ?1 AND starts_at < ?2 AND kind <> 'block'";
    let count = |cond: &str| sum(db, &format!("SELECT count(*) {made} {cond}"), from, to);
    let fees = format!(
        "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE kind IN ('fee', 'waiver') AND booking_id IN (SELECT id {made})"
    );
    let counted = (c.total.booked, c.total.cancelled, c.total.no_shows, c.total.fees);
    let want =
        (count(""), count("AND status = 'cancelled'"), count("AND status = 'no_show'"), sum(db, &fees, from, to));
    assert_eq!(counted, want, "cancellations, {first}–{last}");
    let members: i64 = c.by_member.iter().map(|(_, _, m)| m.cancelled + m.no_shows).sum();
    assert_eq!(members, c.total.cancelled + c.total.no_shows, "every booking here has a member");

    let m = crate::reports::members::members(
        crate::reports::store::member_rows(&db.conn, from, to, from).unwrap(),
        from,
        to,
        from,
    );
    let visits: i64 = m.active.iter().map(|m| m.visits).sum();
    let minutes: i64 = m.active.iter().map(|m| m.minutes).sum();
    let played = "FROM bookings WHERE starts_at >= ?1 AND starts_at < ?2 AND status IN ('booked', 'checked_in')";
    let want = (
        sum(db, &format!("SELECT count(*) {played}"), from, to),
        sum(db, &format!("SELECT coalesce(sum(ends_at - starts_at), 0) / 60000 {played}"), from, to),
    );
    assert_eq!((visits, minutes), want, "members' visits, {first}–{last}");

    let courts: Vec<String> = crate::courts::store::courts(&db.conn).unwrap().into_iter().map(|c| c.id).collect();
    let slots = crate::reports::store::held_slots(&db.conn, from, to, &tz).unwrap();
    let week = crate::courts::store::week(&db.conn).unwrap();
    let o = occupancy(first, last, &courts, &week, &[], &slots);
    let held = "SELECT coalesce(sum(ends_at - starts_at), 0) / 60000 FROM bookings \
                WHERE starts_at >= ?1 AND starts_at < ?2 AND status <> 'cancelled' AND kind <> 'block'";
    assert_eq!(o.total.booked, sum(db, held, from, to), "booked minutes, {first}–{last}");
    let heat: i64 = o.heat.iter().flatten().map(|s| s.booked).sum();
    let by_month: i64 = o.by_month.iter().map(|(_, s)| s.booked).sum();
    assert_eq!(
        (heat, by_month, o.by_court.iter().map(|s| s.booked).sum()),
        (o.total.booked, o.total.booked, o.total.booked)
    );
    let days = (last - first).get_days() + 1;
    assert_eq!(o.total.open, days as i64 * 3 * 16 * 60, "three courts open 07:00–23:00");
}

#[test]
fn every_report_total_equals_the_sums_of_the_raw_tables() {
    for seed in 1..=3 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let (mut db, courts, members, coach) = club();
        let start = db.now;
        for _ in 0..150 {
            one_step(&mut db, &mut rng, &courts, &members, &coach);
            db.now += SignedDuration::from_mins(rng.i64(0..12 * 60));
        }
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let (first, last) = (start.to_zoned_datetime(tz.clone()).date(), db.now.to_zoned_datetime(tz).date());
        let last = last.checked_add(jiff::Span::new().days(7)).unwrap();
        let count = |sql: &str| -> i64 { db.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert!(count("SELECT count(*) FROM payments WHERE refund_of IS NOT NULL") > 0, "seed {seed}: refunds");
        assert!(count("SELECT count(*) FROM ledger WHERE kind = 'fee'") > 0, "seed {seed}: fees");
        assert!(count("SELECT count(*) FROM bookings WHERE kind = 'lesson' AND status <> 'cancelled'") > 0);
        check(&db, first, last);
        let middle = first.checked_add(jiff::Span::new().days(rng.i64(1..20))).unwrap();
        check(&db, middle, middle.checked_add(jiff::Span::new().days(rng.i64(0..40))).unwrap());
    }
}
