//! The first-run setup asks for the club's zone, language, currency and phone country, and a
//! later change of zone keeps every booking at its time on the club's clock.

use rocket::http::Status;

use crate::support::{OWNER_PASSWORD, TestApp};

async fn set_up(t: &TestApp, zone: &str) -> crate::support::Page {
    let token = t.app.setup_token().expect("a setup token");
    t.submit(
        &format!("/setup?token={token}"),
        "/setup",
        &[
            ("token", &token),
            ("display_name", "Olga Owner"),
            ("username", "olga"),
            ("password", OWNER_PASSWORD),
            ("confirm", OWNER_PASSWORD),
            ("club.name", "Спартак"),
            ("club.time_zone", zone),
            ("club.locale", "ru"),
            ("club.currency", "RUB"),
            ("club.phone_region", "RU"),
        ],
    )
    .await
}

#[rocket::async_test]
async fn setup_asks_for_the_club_and_refuses_an_unknown_zone_before_creating_anyone() {
    let t = TestApp::with_toml("").await;
    let token = t.app.setup_token().unwrap();
    let page = t.get(&format!("/setup?token={token}")).await;
    assert!(page.has("name=\"club.time_zone\"") && page.has("data-suggest-zone"), "{}", page.body);
    assert!(page.has("name=\"club.currency\"") && page.has("name=\"club.phone_region\""));
    assert!(page.has("<option value=\"Europe/Moscow\">"), "zones are offered while typing");

    let bad = set_up(&t, "Moscow").await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("Unknown time zone"), "{}", bad.body);
    assert!(bad.has("value=\"Спартак\""), "what was typed stays");
    assert_eq!(t.count("SELECT count(*) FROM staff_users").await, 0, "nobody is created");

    let done = set_up(&t, "Europe/Moscow").await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let club = t.app.club().await.unwrap();
    assert_eq!((club.name.as_str(), club.time_zone.as_str()), ("Спартак", "Europe/Moscow"));
    assert_eq!((club.locale.as_str(), club.currency.as_str(), club.phone_region.as_str()), ("ru", "RUB", "RU"));
    assert_eq!(
        t.count("SELECT count(*) FROM member_categories WHERE name = 'Взрослый'").await,
        1,
        "the default categories are named in the club's language"
    );
}

#[rocket::async_test]
async fn a_zone_change_is_confirmed_first_and_keeps_each_bookings_time() {
    let t = TestApp::with_toml("").await;
    set_up(&t, "UTC").await;
    let court = t
        .submit(
            "/courts/new",
            "/courts",
            &[("name", "Court 1"), ("surface", "clay"), ("display_order", "1"), ("active", "on")],
        )
        .await;
    assert_eq!(court.status, Status::SeeOther, "{}", court.body);
    let court: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let anna = t.submit("/members/new", "/members", &[("full_name", "Anna Smith")]).await.location.unwrap();
    let anna = anna.trim_start_matches("/members/");
    let made = t
        .submit(
            &format!("/bookings/new?court={court}&date=2026-12-10&start=19:00"),
            "/bookings",
            &[
                ("court_id", court.as_str()),
                ("date", "2026-12-10"),
                ("start", "19:00"),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker_id", anna),
            ],
        )
        .await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let booking: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT id FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    assert!(t.get(&format!("/bookings/{booking}")).await.has("19:00"));

    let moscow = [
        ("club.name", "Спартак"),
        ("club.time_zone", "Europe/Moscow"),
        ("club.locale", "ru"),
        ("club.currency", "RUB"),
        ("club.phone_region", "RU"),
    ];
    let asked = t.submit("/settings", "/settings", &moscow).await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    // The owner set up the club reading English: their pages stay in English.
    assert!(asked.has("Please confirm") && asked.has("a booking at 19:00 stays at 19:00"), "{}", asked.body);
    assert!(asked.has("1 booking from today on keeps its time."), "{}", asked.body);
    assert_eq!(t.app.club().await.unwrap().time_zone, "UTC", "nothing changes before the confirmation");

    let mut confirmed = moscow.to_vec();
    confirmed.push(("confirmed", "true"));
    let saved = t.submit("/settings", "/settings", &confirmed).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    assert_eq!(t.app.club().await.unwrap().time_zone, "Europe/Moscow");
    let show = t.get(&format!("/bookings/{booking}")).await;
    assert!(show.has("19:00") && !show.has("22:00"), "the booking still reads 19:00: {}", show.body);
}
