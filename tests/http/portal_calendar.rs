//! Calendar feeds as a calendar app reads them: a player's private address, a booking moved
//! (same UID, higher SEQUENCE) and cancelled, the old address dead once a new one is made, and a
//! court's public feed that names nobody.

use courtside::commands::AnyCommand;
use courtside::core::{Actor, Role};
use icalendar::{Calendar, CalendarComponent, Component, EventStatus};
use rocket::http::Status;

use crate::portal::{ANNA, sign_in};
use crate::portal_booking::club_with_court;
use crate::support::TestApp;

/// (uid, sequence, status, summary) of each event of the feed at `url`.
async fn events(t: &TestApp, url: &str) -> Vec<(String, u32, Option<EventStatus>, String)> {
    let page = t.get(url).await;
    assert_eq!(page.status, Status::Ok, "{url}");
    assert_eq!(page.content_type.as_deref(), Some("text/calendar; charset=utf-8"));
    let cal: Calendar = page.body.parse().expect("a calendar an app can read");
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid()?.to_owned(),
                e.get_sequence()?,
                e.get_status(),
                e.get_summary().unwrap_or_default().to_owned(),
            )),
            _ => None,
        })
        .collect()
}

#[rocket::async_test]
async fn a_players_calendar_follows_moves_and_cancellations() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    t.submit(
        &format!("/p/book/{court}?date=2026-11-30&start=19:00"),
        "/p/book",
        &[("court_id", &court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60")],
    )
    .await;
    let made = t.submit("/p/account", "/p/calendar", &[]).await;
    assert_eq!(made.status, Status::Ok, "{}", made.body);
    let url = made.hidden_input("calendar-url");
    let path = url.split_once("/p/").map(|(_, p)| format!("/p/{p}")).unwrap();
    let first = events(&t, &path).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].3, "Tennis: Court 1");

    let booking: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT id FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    let owner = Actor::Staff { id: "x".into(), name: "olga".into(), role: Role::Owner };
    t.advance(jiff::SignedDuration::from_mins(5));
    let moved = courtside::bookings::commands::UpdateBooking {
        booking_id: booking.clone(),
        court_id: court.clone(),
        slot: courtside::bookings::model::LocalSlot {
            day: "2026-11-30".parse().unwrap(),
            start: courtside::courts::model::DayMinute::parse("20:00").unwrap(),
            minutes: 60,
        },
        kind: courtside::bookings::model::Kind::Play,
        booker_id: Some(
            t.app.db.read(|c| Ok(c.query_row("SELECT booker_id FROM bookings", [], |r| r.get(0))?)).await.unwrap(),
        ),
        players: Vec::new(),
        note: String::new(),
        coach_id: None,
    };
    t.app.run(owner.clone(), AnyCommand::UpdateBooking(moved)).await.unwrap();
    let second = events(&t, &path).await;
    assert_eq!(second[0].0, first[0].0, "the same event, moved");
    assert!(second[0].1 > first[0].1, "a higher SEQUENCE: {} > {}", second[0].1, first[0].1);
    t.advance(jiff::SignedDuration::from_mins(5));
    let cancel =
        courtside::bookings::commands::CancelBooking { booking_id: booking, reason: "Rain".into(), money_back: false };
    t.app.run(owner, AnyCommand::CancelBooking(cancel)).await.unwrap();
    let third = events(&t, &path).await;
    assert_eq!((third[0].0.as_str(), third[0].2), (first[0].0.as_str(), Some(EventStatus::Cancelled)));
    assert!(third[0].1 > second[0].1);

    let again = t.submit("/p/account", "/p/calendar", &[]).await.hidden_input("calendar-url");
    assert_ne!(again, url);
    assert_eq!(t.get(&path).await.status, Status::NotFound, "a new address ends the old one");
    assert_eq!(t.get("/p/calendar/nothing.ics").await.status, Status::NotFound);
}

#[rocket::async_test]
async fn a_courts_public_feed_shows_taken_times_only_when_the_club_publishes_it() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    t.submit(
        &format!("/p/book/{court}?date=2026-11-30&start=19:00"),
        "/p/book",
        &[("court_id", &court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60")],
    )
    .await;
    let feed = format!("/p/courts/{court}/calendar.ics");
    assert_eq!(t.get(&feed).await.status, Status::NotFound, "not published");
    t.submit("/p/", "/p/sign-out", &[]).await;
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let fields = [("enabled", "on"), ("booking", "on"), ("offer_minutes", "30"), ("court_feeds", "on")];
    assert_eq!(t.submit("/settings/portal", "/settings/portal", &fields).await.status, Status::SeeOther);
    t.logout().await;
    let taken = events(&t, &feed).await;
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].3, "Taken");
    assert!(!t.get(&feed).await.has("Anna"), "never who booked");
}
