//! Booking rules per member category: a manager sets them on a page; at the desk a booking that
//! breaks them is a warning staff may go past.

use rocket::http::Status;

use crate::support::TestApp;

#[rocket::async_test]
async fn a_manager_sets_a_categorys_rules_and_the_desk_is_warned_when_a_booking_breaks_them() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let court = t
        .submit(
            "/courts/new",
            "/courts",
            &[("name", "Court 1"), ("surface", "clay"), ("display_order", "1"), ("active", "on")],
        )
        .await;
    assert_eq!(court.status, Status::SeeOther, "{}", court.body);
    let court: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let added = t.submit("/members/categories", "/members/categories", &[("name", "Juniors")]).await;
    assert_eq!(added.status, Status::SeeOther, "{}", added.body);
    let juniors: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM member_categories WHERE name = 'Juniors'", [], |r| r.get(0))?))
        .await
        .unwrap();
    let page = format!("/members/categories/{juniors}/limits");
    assert!(t.get("/members/categories").await.has(&page), "the categories page links to the rules");
    assert!(t.get(&page).await.has("Booking rules: Juniors"));

    let typo = t.submit(&page, &page, &[("max_active", "two"), ("to", "17:00")]).await;
    assert_eq!(typo.status, Status::UnprocessableEntity);
    assert!(typo.has("Enter a whole number, or leave it blank.") && typo.has("value=\"two\""), "{}", typo.body);
    let backwards = t.submit(&page, &page, &[("from", "18:00"), ("to", "08:00")]).await;
    assert!(backwards.has("The end comes after the start."), "{}", backwards.body);
    assert_eq!(t.count("SELECT count(*) FROM category_limits").await, 0, "nothing half-saved");

    let saved = t.submit(&page, &page, &[("max_active", "1"), ("to", "17:00"), ("cancel_hours", "48")]).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let again = t.get(&page).await;
    assert!(again.has("value=\"17:00\"") && again.has("value=\"48\""), "{}", again.body);

    let kolya = t
        .submit("/members/new", "/members", &[("full_name", "Kolya Petrov"), ("category_id", juniors.as_str())])
        .await
        .location
        .unwrap()
        .trim_start_matches("/members/")
        .to_owned();
    let fields = |start: &str, ok: &str| {
        vec![
            ("court_id", court.clone()),
            ("date", "2026-12-01".to_owned()),
            ("start", start.to_owned()),
            ("minutes", "60".to_owned()),
            ("kind", "play".to_owned()),
            ("booker_id", kolya.clone()),
            ("warned_ok", ok.to_owned()),
        ]
    };
    let book = |start: &'static str, ok: &'static str| {
        let fields = fields(start, ok);
        let url = format!("/bookings/new?court={court}&date=2026-12-01&start={start}");
        let t = &t;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.submit(&url, "/bookings", &fields).await
        }
    };
    assert_eq!(book("10:00", "false").await.status, Status::SeeOther, "within the rules: booked at once");
    let warned = book("18:00", "false").await;
    assert_eq!(warned.status, Status::Ok, "{}", warned.body);
    assert!(warned.has("Kolya Petrov (Juniors): At most 1 booking at a time."), "{}", warned.body);
    assert!(warned.has("Kolya Petrov (Juniors): Bookings only between 00:00 and 17:00."), "{}", warned.body);
    assert!(warned.has("The portal would refuse this; at the desk you may book it anyway."));
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1, "nothing booked yet");
    assert_eq!(book("18:00", "true").await.status, Status::SeeOther, "staff went on");
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 2);

    t.add_staff("rita", "reception", "rita first pass").await;
    t.logout().await;
    t.login("rita", "rita first pass").await;
    let fields = [("current", "rita first pass"), ("password", "rita new password"), ("confirm", "rita new password")];
    t.submit("/profile", "/profile/password", &fields).await;
    assert_eq!(t.get(&page).await.status, Status::Forbidden, "reception cannot change the rules");
    let tried = t.post_raw(&page, &[("max_active", "9")]).await;
    assert_eq!(tried.status, Status::Forbidden);
}
