//! The portal against someone probing it: every form needs its token, a player's ids in another
//! player's hands find nothing, and the sign-in answers a member's number and a stranger's alike,
//! in words and in time.

use std::time::Instant;

use courtside::commands::AnyCommand;
use courtside::core::Actor;
use rocket::http::Status;

use crate::portal::{ANNA, sign_in};
use crate::portal_booking::{BORIS, club_with_court};
use crate::support::TestApp;

async fn book(t: &TestApp, court: &str, date: &str, start: &str) {
    let page = format!("/p/book/{court}?date={date}&start={start}");
    let fields = [("court_id", court), ("date", date), ("start", start), ("minutes", "60")];
    assert_eq!(t.submit(&page, "/p/book", &fields).await.status, Status::SeeOther);
}

async fn one(t: &TestApp, sql: &'static str) -> String {
    t.app.db.read(move |c| Ok(c.query_row(sql, [], |r| r.get(0))?)).await.unwrap()
}

/// Anna's booking and her place in line for Boris's time; then Boris signs in and tries them.
#[rocket::async_test]
async fn a_player_cannot_reach_another_players_bookings_places_or_calendar() {
    let (t, court) = club_with_court().await;
    let boris_id = one(&t, "SELECT id FROM members WHERE full_name = 'Boris Ivanov'").await;
    let held = courtside::bookings::commands::CreateBooking {
        booking_id: uuid::Uuid::now_v7().to_string(),
        court_id: court.clone(),
        slot: courtside::bookings::model::LocalSlot {
            day: "2026-12-01".parse().unwrap(),
            start: courtside::courts::model::DayMinute::parse("18:00").unwrap(),
            minutes: 60,
        },
        kind: courtside::bookings::model::Kind::Play,
        booker_id: Some(boris_id),
        players: Vec::new(),
        note: String::new(),
        source: courtside::bookings::model::Source::Desk,
        pass_id: None,
        coach_id: None,
    };
    t.app.run(Actor::Console, AnyCommand::CreateBooking(held)).await.unwrap();
    sign_in(&t, ANNA).await;
    book(&t, &court, "2026-11-30", "19:00").await;
    let wait = format!("/p/waitlist/new?court={court}&date=2026-12-01&start=18:00&minutes=60");
    let fields = [("court_id", court.as_str()), ("date", "2026-12-01"), ("start", "18:00"), ("minutes", "60")];
    assert_eq!(t.submit(&wait, "/p/waitlist", &fields).await.status, Status::SeeOther);
    let made = t.submit("/p/account", "/p/calendar", &[]).await.hidden_input("calendar-url");
    let feed = made.split_once("/p/").map(|(_, p)| format!("/p/{p}")).unwrap();
    let booking =
        one(&t, "SELECT b.id FROM bookings b JOIN members m ON m.id = b.booker_id WHERE m.full_name = 'Anna Smith'")
            .await;
    let entry = one(&t, "SELECT id FROM waitlist").await;
    t.submit("/p/", "/p/sign-out", &[]).await;

    sign_in(&t, BORIS).await;
    let home = t.get("/p/").await;
    assert!(!home.has("19:00–20:00") && !home.has(&entry), "{}", home.body);
    for path in [format!("/p/bookings/{booking}/cancel"), format!("/p/waitlist/{entry}")] {
        assert_eq!(t.get(&path).await.status, Status::NotFound, "{path}");
    }
    for path in [format!("/p/bookings/{booking}/cancel"), format!("/p/waitlist/{entry}/leave")] {
        assert_eq!(t.submit("/p/", &path, &[]).await.status, Status::NotFound, "{path}");
    }
    assert!(!t.get("/p/account").await.has("Anna"));
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status = 'booked'").await, 2, "nothing cancelled");
    assert_eq!(t.count("SELECT count(*) FROM waitlist WHERE status = 'waiting'").await, 1, "Anna still waits");
    t.submit("/p/", "/p/sign-out", &[]).await;
    assert_eq!(t.get(&feed).await.status, Status::Ok, "the feed is read by its secret address only");
    let mut wrong = feed.clone();
    wrong.replace_range(feed.len() - 8..feed.len() - 4, "0000");
    assert_eq!(t.get(&wrong).await.status, Status::NotFound);
}

/// Every portal form refuses a post without the token of the page it came from.
#[rocket::async_test]
async fn every_portal_form_needs_its_token() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    book(&t, &court, "2026-11-30", "19:00").await;
    let booking = one(&t, "SELECT id FROM bookings").await;
    for path in [
        "/p/sign-in".to_owned(),
        "/p/sign-in/code".to_owned(),
        "/p/sign-out".to_owned(),
        "/p/book".to_owned(),
        format!("/p/bookings/{booking}/cancel"),
        "/p/waitlist".to_owned(),
        "/p/waitlist/x/leave".to_owned(),
        "/p/calendar".to_owned(),
        "/p/sign-in/password".to_owned(),
        "/p/account/password".to_owned(),
    ] {
        let tried = t.post_raw(&path, &[("court_id", &court), ("csrf", "0123")]).await;
        assert_eq!(tried.status, Status::Forbidden, "{path}");
    }
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status = 'booked'").await, 1);
    assert!(t.get("/p/").await.has("19:00–20:00"), "still signed in");
}

/// Asking a code for a member's number and for a stranger's: the same page, and about the same
/// time (medians of many, interleaved; the clock moves on so the limits never answer instead).
#[rocket::async_test]
async fn the_sign_in_answer_takes_as_long_for_a_stranger() {
    let t = crate::portal::club().await;
    const EACH: usize = 24;
    let mut members = Vec::new();
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    for i in 0..EACH {
        let phone = format!("+7916{:07}", 2_000_000 + i);
        t.submit("/members/new", "/members", &[("full_name", &format!("Member {i}")), ("phone", &phone)]).await;
        members.push(phone);
    }
    t.logout().await;
    let strangers: Vec<String> = (0..EACH).map(|i| format!("+7916{:07}", 5_000_000 + i)).collect();
    let (mut member_ms, mut stranger_ms) = (Vec::new(), Vec::new());
    for i in 0..EACH {
        for (phone, times) in [(&members[i], &mut member_ms), (&strangers[i], &mut stranger_ms)] {
            let form = t.get("/p/sign-in").await;
            let (csrf, id) = (form.hidden("csrf"), form.hidden("command_id"));
            let started = Instant::now();
            let asked = t.post_raw("/p/sign-in", &[("csrf", &csrf), ("command_id", &id), ("phone", phone)]).await;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(asked.status, Status::SeeOther, "{}", asked.body);
        }
        t.advance(jiff::SignedDuration::from_mins(4));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (m, s) = (median(&mut member_ms), median(&mut stranger_ms));
    assert!(m < s * 1.5 + 2.0 && s < m * 1.5 + 2.0, "member {m:.2} ms, stranger {s:.2} ms");
    assert_eq!(
        t.count("SELECT count(*) FROM sms_messages WHERE kind = 'code'").await,
        EACH as i64,
        "codes to members only"
    );
}
