//! The waiting list end to end: a player waits for a taken time, the desk cancels it, the
//! player gets an SMS offer with a link and books through it; staff see who waits.

use courtside::commands::AnyCommand;
use courtside::core::{Actor, Role};
use rocket::http::Status;

use crate::portal::{ANNA, sign_in};
use crate::portal_booking::{BORIS, club_with_court};

#[rocket::async_test]
async fn a_player_waits_for_a_taken_time_and_books_it_through_the_offer() {
    let (t, court) = club_with_court().await;
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let fields = [
        ("enabled", "on"),
        ("booking", "on"),
        ("cancelling", "on"),
        ("waitlist", "on"),
        ("offer_minutes", "30"),
        ("address", "https://club.example/"),
    ];
    assert_eq!(t.submit("/settings/portal", "/settings/portal", &fields).await.status, Status::SeeOther);
    let boris: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM members WHERE phone = ?1", [BORIS], |r| r.get(0))?))
        .await
        .unwrap();
    let booking = crate::support::book_as_desk(&t, &court, &boris, "2026-11-30", "19:00", 60).await;
    t.logout().await;

    sign_in(&t, ANNA).await;
    let day = t.get("/p/book?date=2026-11-30").await;
    assert!(day.has("19:00–20:00 · taken") && !day.has("Boris"), "{}", day.body);
    let wait = format!("/p/waitlist/new?court={court}&date=2026-11-30&start=19:00&minutes=60");
    assert!(day.has(&wait));
    let joined = t
        .submit(
            &wait,
            "/p/waitlist",
            &[("court_id", &court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60")],
        )
        .await;
    assert_eq!(joined.location.as_deref(), Some("/p/"), "{}", joined.body);
    let home = t.get("/p/").await;
    assert!(
        home.has("You are on the waiting list.") && home.has("My waiting list") && home.has("waiting"),
        "{}",
        home.body
    );
    t.submit("/p/", "/p/sign-out", &[]).await;

    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let page = t.get(&format!("/bookings/{booking}")).await;
    assert!(page.has("Waiting for this time") && page.has("Anna Smith"), "{}", page.body);
    assert!(t.get("/grid?date=2026-11-30").await.has("⏳ 1"), "the grid cell shows one waiting");
    let owner = Actor::Staff { id: "x".into(), name: "olga".into(), role: Role::Owner };
    let cancel =
        courtside::bookings::commands::CancelBooking { booking_id: booking, reason: "Ill".into(), money_back: false };
    t.app.run(owner, AnyCommand::CancelBooking(cancel)).await.unwrap();
    t.logout().await;

    let sms: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row("SELECT body FROM sms_messages WHERE kind = 'offer' AND phone = ?1", [ANNA], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert!(sms.contains("Court 1") && sms.contains("is free for you until 12:30"), "{sms}");
    let link = sms.split("https://club.example").nth(1).unwrap().trim().to_owned();
    assert!(link.starts_with("/p/waitlist/"), "{sms}");

    sign_in(&t, ANNA).await;
    let offer = t.get(&link).await;
    assert!(offer.has("It is free for you") && offer.has("free for you until 12:30"), "{}", offer.body);
    let booked = t
        .submit(
            &link,
            "/p/book",
            &[("court_id", &court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60")],
        )
        .await;
    assert_eq!(booked.location.as_deref(), Some("/p/"), "{}", booked.body);
    assert!(t.get("/p/").await.has("19:00–20:00"));
    assert_eq!(t.count("SELECT count(*) FROM waitlist WHERE status = 'booked' AND booking_id IS NOT NULL").await, 1);

    let before = t.count("SELECT count(*) FROM commands").await;
    courtside::jobs::lapse_offers(&t.app).await.unwrap();
    assert_eq!(t.count("SELECT count(*) FROM commands").await, before, "nothing to lapse: nothing written");
}

/// A time offered to a waiting player: the desk is warned before booking it for someone else,
/// and booking it for the player it is offered to takes the offer up.
#[rocket::async_test]
async fn the_desk_is_warned_of_a_time_held_for_a_waiting_player() {
    let (t, court) = club_with_court().await;
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let member = |phone: &'static str| {
        t.app.db.read(move |c| Ok(c.query_row("SELECT id FROM members WHERE phone = ?1", [phone], |r| r.get(0))?))
    };
    let (anna, boris): (String, String) = (member(ANNA).await.unwrap(), member(BORIS).await.unwrap());
    let booking = crate::support::book_as_desk(&t, &court, &boris, "2026-11-30", "19:00", 60).await;
    let slot = courtside::bookings::model::LocalSlot {
        day: "2026-11-30".parse().unwrap(),
        start: courtside::courts::model::DayMinute::parse("19:00").unwrap(),
        minutes: 60,
    };
    let entry_id = uuid::Uuid::now_v7().to_string();
    let join = courtside::waitlist::commands::JoinWaitlist {
        entry_id: entry_id.clone(),
        court_id: court.clone(),
        slot,
        member_id: anna.clone(),
    };
    t.app
        .run(Actor::Member { id: anna.clone(), name: "Anna Smith".into() }, AnyCommand::JoinWaitlist(join))
        .await
        .unwrap();
    let owner = Actor::Staff { id: "x".into(), name: "olga".into(), role: Role::Owner };
    let cancel =
        courtside::bookings::commands::CancelBooking { booking_id: booking, reason: "Ill".into(), money_back: false };
    t.app.run(owner, AnyCommand::CancelBooking(cancel)).await.unwrap();

    let warned = desk_books(&t, &court, &boris).await;
    assert!(
        warned.has("id=\"warnings\"") && warned.has("offered to Anna Smith from the waiting list until 12:30"),
        "{}",
        warned.body
    );
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status = 'booked'").await, 0, "nothing booked yet");
    let booked = desk_books(&t, &court, &anna).await;
    assert_eq!(booked.status, Status::SeeOther, "no warning for the player it is offered to: {}", booked.body);
    let status: String = t
        .app
        .db
        .read(move |c| Ok(c.query_row("SELECT status FROM waitlist WHERE id = ?1", [entry_id], |r| r.get(0))?))
        .await
        .unwrap();
    assert_eq!(status, "booked", "the offer is taken up");
}

/// The desk's booking form for 19:00–20:00 on 30 November, sent for `member`.
async fn desk_books(t: &crate::support::TestApp, court: &str, member: &str) -> crate::support::Page {
    let form = format!("/bookings/new?court={court}&date=2026-11-30&start=19:00");
    let fields = [
        ("court_id", court),
        ("date", "2026-11-30"),
        ("start", "19:00"),
        ("minutes", "60"),
        ("kind", "play"),
        ("booker_id", member),
    ];
    t.submit(&form, "/bookings", &fields).await
}
