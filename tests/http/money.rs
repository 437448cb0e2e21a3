//! Money: the price list and policy pages, prices stored with bookings, quotes and overrides.

use rocket::http::{Method, Status};

use crate::support::TestApp;

/// One floodlit court, one member, and the owner logged in (Moscow club, 07:00–23:00).
async fn club(t: &TestApp) -> (String, String) {
    t.setup_owner().await;
    let court = t
        .submit(
            "/courts/new",
            "/courts",
            &[
                ("name", "Court 1"),
                ("surface", "hard"),
                ("floodlights", "on"),
                ("display_order", "1"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(court.status, Status::SeeOther, "{}", court.body);
    let court_id: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let member = t.submit("/members/new", "/members", &[("full_name", "Anna Smith")]).await;
    (court_id, member.location.unwrap().trim_start_matches("/members/").to_owned())
}

async fn add_price(t: &TestApp, fields: &[(&str, &str)]) -> crate::support::Page {
    t.submit("/prices/new", "/prices", fields).await
}

/// Off-peak 1000/h all day; peak 1600/h on weekdays 17:00–22:00; lights 300/h from 18:00; guests 500.
async fn price_list(t: &TestApp) {
    let off = add_price(
        t,
        &[("name", "Off-peak"), ("from", "00:00"), ("to", "24:00"), ("per_hour", "1000"), ("active", "on")],
    )
    .await;
    assert_eq!(off.location.as_deref(), Some("/prices"), "{}", off.body);
    let mut peak: Vec<(&str, &str)> = vec![
        ("name", "Peak"),
        ("from", "17:00"),
        ("to", "22:00"),
        ("per_hour", "1 600"),
        ("priority", "1"),
        ("active", "on"),
    ];
    for day in ["1", "2", "3", "4", "5"] {
        peak.push(("weekday", day));
    }
    assert_eq!(add_price(t, &peak).await.status, Status::SeeOther);
    let policy = t
        .submit(
            "/prices",
            "/prices/policy",
            &[
                ("lights_from", "18:00"),
                ("lights_per_hour", "300"),
                ("guest_fee", "500"),
                ("cancel_window_hours", "24"),
                ("late_cancel_pct", "0"),
                ("no_show_pct", "0"),
            ],
        )
        .await;
    assert_eq!(policy.status, Status::SeeOther, "{}", policy.body);
}

#[rocket::async_test]
async fn a_manager_sets_up_prices_and_bad_input_is_explained() {
    let t = TestApp::new().await;
    club(&t).await;
    assert!(t.get("/prices").await.has("No prices yet"));
    price_list(&t).await;
    let list = t.get("/prices").await;
    assert!(list.has("Peak") && list.has("Mon Tue Wed Thu Fri") && list.has("17:00–22:00"), "{}", list.body);
    assert!(list.has("value=\"18:00\"") && list.has("value=\"300\""), "the policy form shows what is saved");

    for (fields, message) in [
        (vec![("name", "Odd"), ("from", "10:00"), ("to", "12:00"), ("per_hour", "12.345")], "fewer decimal places"),
        (vec![("name", "Odd"), ("from", "10:00"), ("to", "12:00"), ("per_hour", "-5")], "cannot be negative"),
        (vec![("name", "Odd"), ("from", "12:00"), ("to", "10:00"), ("per_hour", "5")], "later than"),
        (vec![("name", ""), ("from", "10:00"), ("to", "12:00"), ("per_hour", "5")], "Give the price a name"),
        (vec![("name", "Odd"), ("from", "10:00"), ("to", "12:00"), ("per_hour", "lots")], "Enter an amount"),
        (
            vec![
                ("name", "Odd"),
                ("from", "10:00"),
                ("to", "12:00"),
                ("per_hour", "5"),
                ("first_day", "2027-03-01"),
                ("last_day", "2027-01-01"),
            ],
            "ends before it starts",
        ),
    ] {
        let bad = add_price(&t, &fields).await;
        assert_eq!(bad.status, Status::UnprocessableEntity, "{fields:?}");
        assert!(bad.has(message), "{message}: {}", bad.body);
        assert!(bad.has("value=\"Odd\"") || fields[0].1.is_empty(), "the form keeps what was typed");
    }
    assert_eq!(t.count("SELECT count(*) FROM price_rules").await, 2, "nothing written by refused forms");
    let bad_policy = t
        .submit(
            "/prices",
            "/prices/policy",
            &[
                ("lights_from", "25:00"),
                ("guest_fee", "5"),
                ("cancel_window_hours", "24"),
                ("late_cancel_pct", "0"),
                ("no_show_pct", "0"),
            ],
        )
        .await;
    assert_eq!(bad_policy.status, Status::UnprocessableEntity);
    assert!(bad_policy.has("Enter a time such as 18:00"), "{}", bad_policy.body);
    let bad_fee = t
        .submit(
            "/prices",
            "/prices/policy",
            &[("late_cancel_pct", "150"), ("cancel_window_hours", "24"), ("no_show_pct", "0")],
        )
        .await;
    assert!(bad_fee.has("A percentage from 0 to 100") && bad_fee.has("value=\"150\""), "{}", bad_fee.body);

    // Reception sees no price list and cannot post to it.
    t.add_staff("rita", "reception", "rita first pass").await;
    t.logout().await;
    t.login("rita", "rita first pass").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "rita first pass"), ("password", "rita new password"), ("confirm", "rita new password")],
    )
    .await;
    assert_eq!(t.get("/prices").await.status, Status::Forbidden);
}

#[rocket::async_test]
async fn bookings_carry_their_price_and_managers_can_override_it() {
    let t = TestApp::new().await;
    let (court, anna) = club(&t).await;
    price_list(&t).await;

    // Monday 30 November, 17:30–19:00: peak 1.5 h = 2400, lights from 18:00 = 300, one guest 500.
    let form = format!("/bookings/new?court={court}&date=2026-11-30&start=17:30&minutes=90&booker_id={anna}");
    let quote = t
        .get(&format!(
            "/bookings/quote?court_id={court}&date=2026-11-30&start=17:30&minutes=90&kind=play&booker_id={anna}&player=Bob&player_id="
        ))
        .await;
    assert_eq!(quote.body, "Price: ₽3,200.00, floodlights ₽300.00 included, guest fees ₽500.00 included");
    let made = t
        .submit(
            &form,
            "/bookings",
            &[
                ("court_id", &court),
                ("date", "2026-11-30"),
                ("start", "17:30"),
                ("minutes", "90"),
                ("kind", "play"),
                ("booker_id", &anna),
                ("player", "Bob"),
                ("player_id", ""),
            ],
        )
        .await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let id: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    assert_eq!(t.count("SELECT price FROM bookings").await, 320_000);
    assert!(t.get(&format!("/bookings/{id}")).await.has("₽3,200.00"));

    // Moved to Sunday morning: off-peak, no lights, still the guest.
    let moved = t
        .submit(
            &format!("/bookings/{id}/edit"),
            &format!("/bookings/{id}"),
            &[
                ("court_id", &court),
                ("date", "2026-12-06"),
                ("start", "10:00"),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker_id", &anna),
                ("player", "Bob"),
                ("player_id", ""),
            ],
        )
        .await;
    assert_eq!(moved.status, Status::SeeOther, "{}", moved.body);
    assert_eq!(t.count("SELECT price FROM bookings").await, 150_000);

    // A manager's price needs a reason, is kept through moves, and can go back to the list.
    let page = format!("/bookings/{id}");
    let no_reason = t.submit(&page, &format!("{page}/price"), &[("price", "900"), ("reason", "")]).await;
    assert_eq!(no_reason.status, Status::UnprocessableEntity);
    assert!(no_reason.has("Say why the price is different"), "{}", no_reason.body);
    let wrong = t.submit(&page, &format!("{page}/price"), &[("price", "9,999.999"), ("reason", "x")]).await;
    assert!(wrong.has("fewer decimal places"), "{}", wrong.body);
    assert_eq!(t.count("SELECT price FROM bookings").await, 150_000, "nothing changed by refused forms");
    let set = t.submit(&page, &format!("{page}/price"), &[("price", "900"), ("reason", "Coach's friend")]).await;
    assert_eq!(set.status, Status::SeeOther, "{}", set.body);
    let shown = t.get(&page).await;
    assert!(shown.has("₽900.00") && shown.has("set by hand") && shown.has("Coach&#39;s friend"), "{}", shown.body);
    // The audit log reads like a log book: amounts in the club's currency, people and places in words.
    let audit = t.get("/audit").await;
    assert!(audit.has("Booking price set") && audit.has("₽900.00 · Coach&#39;s friend"), "{}", audit.body);
    assert!(!audit.has("90000"), "no minor units");
    assert!(audit.has("Courtside (automatic)") && audit.has("<td>Server</td>"), "{}", audit.body);
    let back = t.submit(&page, &format!("{page}/price"), &[("list", "true")]).await;
    assert_eq!(back.status, Status::SeeOther);
    assert_eq!(t.count("SELECT price FROM bookings").await, 150_000);

    // The API: a quote in minor units, and the price on the booking.
    let token = t.api_token("olga").await;
    let q = t
        .api(
            Method::Get,
            &format!("/api/v1/prices/quote?court_id={court}&start=2026-11-30T18:00&minutes=60&member_id={anna}"),
            &token,
            None,
            None,
        )
        .await;
    assert_eq!(q.status, Status::Ok, "{}", q.body);
    assert_eq!(q.json()["amount"], 190_000);
    assert_eq!(q.json()["currency"], "RUB");
    let missing = t
        .api(Method::Get, &format!("/api/v1/prices/quote?court_id={court}&start=soon&minutes=60"), &token, None, None)
        .await;
    assert_eq!(missing.status, Status::UnprocessableEntity);
    let b = t.api(Method::Get, &format!("/api/v1/bookings/{id}"), &token, None, None).await;
    assert_eq!(b.json()["price"], 150_000);
}
