//! The reports agree with the raw tables: random club days written through the commands
//! (bookings and lessons, payments by every method, top-ups, refunds, cancellations with their
//! fees, check-ins and no-shows, passes sold, a group's journal charging visits), then every
//! total of the occupancy, revenue, cancellations, members, group attendance and coach pay
//! reports is checked against sums taken straight from `payments`, `ledger`, `bookings` and
//! `group_visits`, and the SMS report against the SMS service's outbox (`sms_messages`: sessions
//! called off tell the roster).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::bookings::commands::{CancelBooking, SetAttendance, UpdateBooking};
use crate::bookings::model::{Kind, Status};
use crate::cash::commands::OpenShift;
use crate::coaching::commands::SaveCoach;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::groups::commands::{CancelGroupSession, EnrolMember};
use crate::groups::journal::{MarkGroupVisits, VisitMark};
use crate::groups::model::Mark;
use crate::passes::commands::SavePassProduct;
use crate::passes::commands::SellPass;
use crate::passes::model::{PassKind, Product};
use crate::payments::commands::{RefundPayment, TakePayment};
use crate::payments::model::{Method, Purpose};
use crate::prices::commands::SetMoneyPolicy;
use crate::prices::store::{PassUseOn, Policy};
use crate::reports::occupancy::occupancy;
use crate::reports::revenue::{Buckets, Category, revenue};
use crate::testing::{TestDb, booking, id, reception, slot};

/// A club of three courts at 1000 an hour, a coach paid 800 an hour for lessons and 500 for
/// groups, six members with phones (four of them in the coach's group, Tuesdays and Thursdays at
/// 17:00), a
/// pass product, a late-cancel and no-show fee, and an open till.
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
    let members: Vec<String> = (0..6).map(|i| db.member(&format!("Member {i}"), &format!("+7916123456{i}"))).collect();
    let coach = db.coach("Petrova");
    let mut profile = crate::coaching::store::coach(&db.conn, &coach).unwrap().unwrap().draft;
    profile.group_rate = Some(500);
    db.applied(AnyCommand::SaveCoach(SaveCoach { coach_id: coach.clone(), coach: profile }));
    let group = crate::groups::fixtures::group(&mut db, crate::groups::fixtures::draft(&courts[2], &coach, 4));
    for member in members.iter().take(4) {
        let cmd = EnrolMember { entry_id: id(), group_id: group.clone(), member_id: member.clone() };
        db.applied(AnyCommand::EnrolMember(cmd));
    }
    let product = Product {
        name: "10 visits".into(),
        kind: PassKind::Visits,
        quantity: 10,
        bonus: 0,
        discount_pct: 0,
        price: 800_000,
        valid_days: 90,
        conditions: Default::default(),
        active: true,
    };
    db.applied(AnyCommand::SavePassProduct(SavePassProduct { product_id: PRODUCT.into(), product }));
    db.applied(AnyCommand::OpenShift(OpenShift { shift_id: id(), float: 0 }));
    (db, courts, members, coach)
}

const PRODUCT: &str = "ten-visits";

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

fn one_step(db: &mut TestDb, rng: &mut fastrand::Rng, courts: &[String], members: &[String], coach: &str) {
    let ids = |db: &TestDb, sql: &str| -> Vec<(String, String)> {
        let mut stmt = db.conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let bookings = ids(db, "SELECT id, booker_id FROM bookings WHERE status = 'booked' AND group_id IS NULL");
    let member = pick(rng, members).unwrap().clone();
    let cmd = match rng.u8(0..113) {
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
        93..100 => {
            let Some((booking_id, _)) = pick(rng, &bookings) else { return };
            let status = if rng.bool() { Status::NoShow } else { Status::CheckedIn };
            AnyCommand::SetAttendance(SetAttendance { booking_id: booking_id.clone(), status })
        }
        100..106 => {
            // The journal of a session that has begun (or is about to), marked again at times.
            let begun = format!(
                "SELECT id, id FROM bookings WHERE group_id IS NOT NULL AND status <> 'cancelled' AND starts_at <= {}",
                (db.now + crate::bookings::model::CHECK_IN_FROM).as_millisecond()
            );
            let sessions = ids(db, &begun);
            let Some((session, _)) = pick(rng, &sessions) else { return };
            let marks = members
                .iter()
                .take(4)
                .map(|m| VisitMark {
                    member_id: m.clone(),
                    mark: *pick(rng, &[Mark::Present, Mark::Absent, Mark::Excused, Mark::Trial]).unwrap(),
                })
                .collect();
            AnyCommand::MarkGroupVisits(MarkGroupVisits { booking_id: session.clone(), marks })
        }
        110.. => {
            // A coming session called off: the roster is told by SMS.
            let coming = format!(
                "SELECT id, id FROM bookings WHERE group_id IS NOT NULL AND status = 'booked' AND starts_at > {}",
                db.now.as_millisecond()
            );
            let sessions = ids(db, &coming);
            let Some((session, _)) = pick(rng, &sessions) else { return };
            AnyCommand::CancelGroupSession(CancelGroupSession { booking_id: session.clone(), reason: "Rain".into() })
        }
        _ => AnyCommand::SellPass(SellPass {
            pass_id: id(),
            payment_id: id(),
            member_id: member,
            product_id: PRODUCT.into(),
            method: *pick(rng, &[Method::Cash, Method::Card]).unwrap(),
            valid_from: None,
        }),
    };
    // Refusals (a taken slot, more than is due, a no-show before the start) are part of a day.
    let _: Outcome = db.run_as(&reception(), cmd);
}

fn sum(db: &TestDb, sql: &str, from: Timestamp, to: Timestamp) -> i64 {
    db.conn.query_row(sql, [from.as_millisecond(), to.as_millisecond()], |r| r.get(0)).unwrap()
}

fn check(db: &TestDb, first: Date, last: Date) {
    let tz = TimeZone::get("Europe/Moscow").unwrap();
    let period = crate::web::period::Period { first, last, changed: None };
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
    let lessons = sum(db, &format!("{paid_for} AND b.kind = 'lesson' AND b.group_id IS NULL"), from, to);
    let group_fees = "SELECT -coalesce(sum(amount), 0) FROM ledger WHERE at >= ?1 AND at < ?2 \
                      AND kind IN ('group_fee', 'group_fee_back')";
    let groups = sum(db, &format!("{paid_for} AND b.group_id IS NOT NULL"), from, to) + sum(db, group_fees, from, to);
    let passes = "SELECT coalesce(sum(amount), 0) FROM payments WHERE at >= ?1 AND at < ?2 \
                  AND purpose = 'pass' AND method <> 'pass'";
    assert_eq!(category(Category::Lessons), lessons, "lessons");
    assert_eq!(category(Category::Groups), groups, "groups");
    assert_eq!(category(Category::Passes), sum(db, passes, from, to), "passes");
    let rent = sum(db, &format!("{paid_for} AND (b.id IS NULL OR b.kind <> 'lesson')"), from, to);
    assert_eq!(category(Category::CourtRent), rent, "court rent");
    assert_eq!(category(Category::Fees), sum(db, fees, from, to), "fees");
    let earned = [paid_for, fees, group_fees, passes].iter().map(|sql| sum(db, sql, from, to)).sum::<i64>();
    assert_eq!(r.earned(), earned, "earned");
    let takings = crate::payments::store::payments_between(&db.conn, from, to).unwrap();
    let taken: i64 = takings.iter().filter(|p| p.method.is_money()).map(|p| p.amount).sum();
    assert_eq!(r.money_in(), taken, "the revenue report and the takings agree");

    let mut tally = crate::reports::cancellations::Tally::default();
    crate::reports::store::each_booked(&db.conn, from, to, &tz, |r| tally.add(r)).unwrap();
    let c = tally.finish(&std::collections::HashMap::new());
    // Bookings players made: a group's session is the group's, not a player's.
    let made = "FROM bookings WHERE starts_at >= ?1 AND starts_at < ?2 AND kind <> 'block' AND group_id IS NULL";
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
    // Every booking here has its booker and no other players; a group visit counts when the
    // member came.
    let played = "FROM bookings WHERE starts_at >= ?1 AND starts_at < ?2 AND status IN ('booked', 'checked_in') \
                  AND group_id IS NULL";
    let came = "FROM group_visits v JOIN bookings b ON b.id = v.booking_id \
                WHERE b.starts_at >= ?1 AND b.starts_at < ?2 AND v.status IN ('present', 'trial')";
    let want = (
        sum(db, &format!("SELECT count(*) {played}"), from, to) + sum(db, &format!("SELECT count(*) {came}"), from, to),
        sum(db, &format!("SELECT coalesce(sum(ends_at - starts_at), 0) / 60000 {played}"), from, to)
            + sum(db, &format!("SELECT coalesce(sum(b.ends_at - b.starts_at), 0) / 60000 {came}"), from, to),
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

    check_coaching(db, from, to);

    let sms = crate::reports::sms::sms_report(
        Buckets::of(first, last),
        &crate::reports::store::sms_sent(&db.conn, from, to).unwrap(),
        &tz,
    )
    .total();
    let made = "FROM sms_messages WHERE created_at >= ?1 AND created_at < ?2";
    let count = |cond: &str| sum(db, &format!("SELECT count(*) {made} AND {cond}"), from, to);
    let parts = sum(db, &format!("SELECT coalesce(sum(segments), 0) {made} AND status <> 'cancelled'"), from, to);
    assert_eq!(
        (sms.sent(), sms.delivered, sms.failed, sms.segments),
        (
            count("status <> 'cancelled'"),
            count("status = 'delivered'"),
            count("status IN ('failed', 'rejected', 'expired')"),
            parts
        ),
        "SMS, {first}–{last}"
    );
}

/// Group attendance and coach pay against `bookings` and `group_visits`.
fn check_coaching(db: &TestDb, from: Timestamp, to: Timestamp) {
    let now = db.now.as_millisecond();
    let begun = format!(
        "FROM bookings b WHERE b.group_id IS NOT NULL AND b.status <> 'cancelled' \
         AND b.starts_at >= ?1 AND b.starts_at < min(?2, {now})"
    );
    let marks = |status: &str| {
        let sql = format!(
            "SELECT count(*) FROM group_visits WHERE status = '{status}' AND booking_id IN (SELECT b.id {begun})"
        );
        sum(db, &sql, from, to)
    };
    let groups = crate::reports::store::group_attendance(&db.conn, from, to, db.now).unwrap();
    let got: (i64, i64, i64, i64, i64) = groups.iter().fold((0, 0, 0, 0, 0), |t, g| {
        (t.0 + g.sessions, t.1 + g.present, t.2 + g.trial, t.3 + g.absent, t.4 + g.excused)
    });
    let sessions = sum(db, &format!("SELECT count(*) {begun}"), from, to);
    let want = (sessions, marks("present"), marks("trial"), marks("absent"), marks("excused"));
    assert_eq!(got, want, "group attendance");

    let coaches: Vec<_> =
        crate::coaching::store::coaches(&db.conn).unwrap().into_iter().map(|k| (k.id, k.draft)).collect();
    let lessons = crate::coaching::store::lessons_between(&db.conn, from, to, db.now).unwrap();
    let line = crate::coaching::model::pay_lines(&coaches, &lessons).remove(0);
    let held = format!(
        "FROM bookings b WHERE b.coach_id IS NOT NULL AND b.starts_at >= ?1 AND b.starts_at < ?2 \
         AND (b.status = 'checked_in' OR (b.status = 'booked' AND b.ends_at <= {now}))"
    );
    let count = |cond: &str| sum(db, &format!("SELECT count(*) {held} AND {cond}"), from, to);
    let came = format!(
        "SELECT count(*) FROM group_visits WHERE status IN ('present', 'trial') \
         AND booking_id IN (SELECT b.id {held} AND b.group_id IS NOT NULL)"
    );
    // By the hour, rounded to the minor unit each: 800 for a lesson, 500 for a group session.
    let pay = format!(
        "SELECT coalesce(sum(((b.ends_at - b.starts_at) / 60000 * \
         CASE WHEN b.group_id IS NULL THEN 800 ELSE 500 END + 30) / 60), 0) {held}"
    );
    let no_shows = "SELECT count(*) FROM bookings WHERE coach_id IS NOT NULL AND status = 'no_show' \
                    AND starts_at >= ?1 AND starts_at < ?2";
    assert_eq!(
        (line.held, line.sessions, line.attendees, line.no_shows, line.pay),
        (
            count("b.group_id IS NULL"),
            count("b.group_id IS NOT NULL"),
            sum(db, &came, from, to),
            sum(db, no_shows, from, to),
            sum(db, &pay, from, to)
        ),
        "coach pay"
    );
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
        assert!(count("SELECT count(*) FROM group_visits WHERE charge > 0") > 0, "seed {seed}: visits charged");
        assert!(count("SELECT count(*) FROM payments WHERE purpose = 'pass'") > 0, "seed {seed}: passes sold");
        assert!(count("SELECT count(*) FROM sms_messages") > 0, "seed {seed}: SMS to the roster");
        check(&db, first, last);
        // The members in debt (the dashboard's and the takings page's) are the ledger's.
        assert_eq!(crate::payments::store::balances_off_ledger(&db.conn).unwrap(), [], "seed {seed}");
        let off: Vec<String> = crate::reports::store::revenue_items_off_tables(&db.conn).unwrap();
        assert_eq!(off, Vec::<String>::new(), "seed {seed}: the revenue rows are the payments' and charges'");
        let off: Vec<String> = crate::reports::store::member_visits_off_tables(&db.conn).unwrap();
        assert_eq!(off, Vec::<String>::new(), "seed {seed}: the visits are the bookings' and the journal's");
        let owing = count("SELECT count(*) FROM (SELECT sum(amount) AS s FROM ledger GROUP BY member_id HAVING s < 0)");
        let debtors = crate::payments::store::debtors(&db.conn).unwrap();
        assert_eq!(debtors.len() as i64, owing, "seed {seed}");
        let owed = debtors.iter().map(|(_, _, balance)| balance).sum();
        assert_eq!(crate::payments::store::debt(&db.conn).unwrap(), (debtors.len(), owed), "seed {seed}");
        assert!(owing > 0, "seed {seed}: someone owes");
        let middle = first.checked_add(jiff::Span::new().days(rng.i64(1..20))).unwrap();
        check(&db, middle, middle.checked_add(jiff::Span::new().days(rng.i64(0..40))).unwrap());
    }
}

/// A lesson paid long before it starts (outside the bookings read with the period) still counts
/// as a lesson.
#[test]
fn a_lesson_paid_months_ahead_counts_as_a_lesson() {
    let (mut db, courts, members, coach) = club();
    let mut lesson = booking(&courts[0], &members[5], slot("2027-04-01", "10:00", 60));
    lesson.kind = Kind::Lesson;
    lesson.coach_id = Some(coach);
    let booking_id = lesson.booking_id.clone();
    db.applied_as(&reception(), AnyCommand::CreateBooking(lesson));
    let pay = TakePayment {
        payment_id: id(),
        member_id: Some(members[5].clone()),
        booking_id: Some(booking_id),
        purpose: Purpose::Booking,
        method: Method::Card,
        amount: 100_500,
        payer_name: String::new(),
        note: String::new(),
    };
    db.applied_as(&reception(), AnyCommand::TakePayment(pay));
    let tz = TimeZone::get("Europe/Moscow").unwrap();
    let today = db.now.to_zoned_datetime(tz.clone()).date();
    let (from, to) = crate::web::period::Period { first: today, last: today, changed: None }.instants(&tz);
    let entries = crate::reports::store::revenue_entries(&db.conn, from, to).unwrap();
    let r = revenue(Buckets::of(today, today), &entries, &tz);
    let lessons = r.by_category.iter().find(|(c, _)| *c == Category::Lessons).unwrap().1.iter().sum::<i64>();
    assert_eq!(lessons, 100_500, "court rent and the coach's fee");
}

/// A booking paid as court rent and then made a lesson is counted as a lesson from then on, on
/// every report read after.
#[test]
fn a_booking_made_a_lesson_after_it_was_paid_counts_as_a_lesson() {
    let (mut db, courts, members, coach) = club();
    let created = booking(&courts[1], &members[2], slot("2027-04-02", "10:00", 60));
    let booking_id = created.booking_id.clone();
    db.applied_as(&reception(), AnyCommand::CreateBooking(created.clone()));
    let pay = TakePayment {
        payment_id: id(),
        member_id: Some(members[2].clone()),
        booking_id: Some(booking_id.clone()),
        purpose: Purpose::Booking,
        method: Method::Cash,
        amount: 70_000,
        payer_name: String::new(),
        note: String::new(),
    };
    db.applied_as(&reception(), AnyCommand::TakePayment(pay));
    let tz = TimeZone::get("Europe/Moscow").unwrap();
    let today = db.now.to_zoned_datetime(tz.clone()).date();
    let earned = |db: &TestDb| -> Vec<(Category, i64)> {
        let (from, to) = crate::web::period::Period { first: today, last: today, changed: None }.instants(&tz);
        let entries = crate::reports::store::revenue_entries(&db.conn, from, to).unwrap();
        let r = revenue(Buckets::of(today, today), &entries, &tz);
        r.by_category.iter().map(|(c, v)| (*c, v.iter().sum())).filter(|(_, sum)| *sum != 0).collect()
    };
    assert_eq!(earned(&db), [(Category::CourtRent, 70_000)]);
    let update = UpdateBooking {
        booking_id,
        court_id: created.court_id,
        slot: created.slot,
        kind: Kind::Lesson,
        booker_id: created.booker_id,
        players: created.players,
        note: created.note,
        coach_id: Some(coach),
    };
    db.applied_as(&reception(), AnyCommand::UpdateBooking(update));
    assert_eq!(earned(&db), [(Category::Lessons, 70_000)]);
    assert_eq!(crate::reports::store::revenue_items_off_tables(&db.conn).unwrap(), Vec::<String>::new());
}
