//! Courts, opening hours, booking rules and closures: pages and API.

use rocket::http::{Header, Method, Status};

use crate::support::TestApp;

async fn add_court(t: &TestApp, name: &str, surface: &str) -> crate::support::Page {
    t.submit(
        "/courts/new",
        "/courts",
        &[("name", name), ("surface", surface), ("floodlights", "on"), ("display_order", "1"), ("active", "on")],
    )
    .await
}

#[rocket::async_test]
async fn managers_set_up_courts() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let new = t.get("/courts/new").await;
    assert!(new.has("value=\"Court 1\""), "the form suggests a name: {}", new.body);
    let added = add_court(&t, "Court 1", "clay").await;
    assert_eq!(added.location.as_deref(), Some("/courts"), "{}", added.body);
    // An open page's live refresh that lands before the redirect's page does not take its message.
    let background = t.get_with("/courts", Header::new("Sec-Fetch-Mode", "cors")).await;
    assert!(!background.has("Court 1 added."), "{}", background.body);
    let list = t.get("/courts").await;
    assert!(list.has("Court 1 added.") && list.has("Clay") && list.has("Floodlights"), "{}", list.body);

    // The same name (any case) is refused, naming the court that has it; input kept.
    let dup = add_court(&t, "court 1", "hard").await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.has("There is already a court called Court 1."), "{}", dup.body);
    assert!(dup.has("value=\"court 1\""));

    let bad = t.submit("/courts/new", "/courts", &[("name", ""), ("surface", "ice"), ("display_order", "x")]).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(
        bad.has("Choose a surface.") && bad.has("Enter the court&#39;s name.") && bad.has("Enter a whole number"),
        "{}",
        bad.body
    );
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 1);

    // Edit: rename, group, make inactive.
    let id: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let url = format!("/courts/{id}");
    let saved = t
        .submit(
            &url,
            &url,
            &[("name", "Centre Court"), ("surface", "grass"), ("group", "Outdoor"), ("display_order", "2")],
        )
        .await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let list = t.get("/courts").await;
    assert!(list.has("Centre Court") && list.has("Outdoor") && list.has("Inactive"), "{}", list.body);
    assert_eq!(t.get("/courts/no-such-court").await.status, Status::NotFound);
}

#[rocket::async_test]
async fn opening_hours_rules_and_closures() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    add_court(&t, "Court 1", "hard").await;
    let page = t.get("/courts/schedule").await;
    assert!(page.has("value=\"07:00\"") && page.has("value=\"23:00\""), "defaults shown");

    let mut week: Vec<(String, String)> = Vec::new();
    for i in 0..6 {
        week.push((format!("open[{i}]"), "on".into()));
        week.push((format!("opens[{i}]"), "08:00".into()));
        week.push((format!("closes[{i}]"), "22:30".into()));
    }
    let fields: Vec<(&str, &str)> = week.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = t.submit("/courts/schedule", "/courts/schedule/hours", &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    let page = t.get("/courts/schedule").await;
    assert!(page.has("Opening hours saved.") && page.has("value=\"22:30\""), "{}", page.body);
    assert_eq!(t.count("SELECT count(*) FROM opening_hours WHERE opens IS NULL").await, 1, "Sunday closed");

    // 22:30 does not fit a 60-minute step: the rules change is refused with the reason.
    let step = t
        .submit(
            "/courts/schedule",
            "/courts/schedule/rules",
            &[("slot_minutes", "60"), ("min_minutes", "60"), ("max_minutes", "120")],
        )
        .await;
    assert_eq!(step.status, Status::UnprocessableEntity);
    assert!(step.has("do not fit a 60-minute step"), "{}", step.body);
    let rules = t
        .submit(
            "/courts/schedule",
            "/courts/schedule/rules",
            &[("slot_minutes", "30"), ("min_minutes", "45"), ("max_minutes", "120")],
        )
        .await;
    assert_eq!(rules.status, Status::UnprocessableEntity);
    assert!(rules.has("multiple of the slot step"));
    assert!(rules.has("value=\"45\""), "input kept");

    // Misaligned and reversed times.
    let bad = t
        .submit(
            "/courts/schedule",
            "/courts/schedule/hours",
            &[
                ("open[0]", "on"),
                ("opens[0]", "07:15"),
                ("closes[0]", "22:00"),
                ("open[1]", "on"),
                ("opens[1]", "22:00"),
                ("closes[1]", "08:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("must be after the opening time"), "{}", bad.body);

    // A holiday with special hours, then removed.
    let closure = t
        .submit(
            "/courts/schedule",
            "/courts/schedule/closures",
            &[
                ("first_day", "2026-12-31"),
                ("last_day", "2027-01-01"),
                ("special_hours", "on"),
                ("opens", "10:00"),
                ("closes", "16:00"),
                ("reason", "New Year"),
            ],
        )
        .await;
    assert_eq!(closure.status, Status::SeeOther, "{}", closure.body);
    let page = t.get("/courts/schedule").await;
    assert!(page.has("New Year") && page.has("10:00–16:00") && page.has("All courts"), "{}", page.body);
    let reversed = t
        .submit(
            "/courts/schedule",
            "/courts/schedule/closures",
            &[("first_day", "2027-01-05"), ("last_day", "2027-01-01")],
        )
        .await;
    assert_eq!(reversed.status, Status::UnprocessableEntity);
    assert!(reversed.has("The last day cannot be before the first."));
    let remove =
        page.body.split("action=\"").find(|s| s.contains("/remove")).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(t.submit("/courts/schedule", &remove, &[]).await.status, Status::SeeOther);
    assert_eq!(t.count("SELECT count(*) FROM closures").await, 0);
    assert!(
        t.count("SELECT count(*) FROM change_log WHERE tbl = 'closures' AND op = 'del'").await == 1,
        "the removal replicates as a tombstone"
    );
}

#[rocket::async_test]
async fn reception_sets_up_courts_but_not_the_schedule() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.add_staff("rita", "reception", "rita first pass").await;
    t.logout().await;
    t.login("rita", "rita first pass").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "rita first pass"), ("password", "rita new password"), ("confirm", "rita new password")],
    )
    .await;
    assert_eq!(t.get("/courts").await.status, Status::Ok);
    let made = add_court(&t, "Court 1", "hard").await;
    assert_eq!(made.location.as_deref(), Some("/courts"), "{}", made.body);
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 1);
    assert!(!t.get("/courts").await.body.contains("/courts/schedule"), "no link to a page she cannot open");
    assert_eq!(t.get("/courts/schedule").await.status, Status::Forbidden);
}

#[rocket::async_test]
async fn the_courts_api() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let owner = t.api_token("olga").await;
    t.add_staff("rita", "reception", "rita first pass").await;
    t.choose_password("rita").await;
    let reception = t.api_token("rita").await;
    t.add_staff("carl", "coach", "carl first pass").await;
    t.choose_password("carl").await;
    let coach = t.api_token("carl").await;

    let created = t
        .api(
            Method::Post,
            "/api/v1/courts",
            &owner,
            Some(r#"{"name":"Court 1","surface":"clay","floodlights":true}"#),
            Some("court-1"),
        )
        .await;
    assert_eq!(created.status, Status::Created, "{}", created.body);
    let court = created.json();
    assert_eq!(court["name"], "Court 1");
    assert_eq!(court["surface"], "clay");
    // The same Idempotency-Key: the same court, not a second one.
    let again = t
        .api(
            Method::Post,
            "/api/v1/courts",
            &owner,
            Some(r#"{"name":"Court 1","surface":"clay","floodlights":true}"#),
            Some("court-1"),
        )
        .await;
    assert_eq!(again.status, Status::Created);
    assert_eq!(again.json()["id"], court["id"]);
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 1);

    let dup = t.api(Method::Post, "/api/v1/courts", &owner, Some(r#"{"name":"COURT 1"}"#), None).await;
    assert_eq!(dup.status, Status::Conflict);
    assert_eq!(dup.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(dup.json()["detail"], "There is already a court called Court 1.");
    let bad = t.api(Method::Post, "/api/v1/courts", &owner, Some(r#"{"name":"Court 2","surface":"ice"}"#), None).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert_eq!(bad.json()["field"], "surface");
    let garbled = t.api(Method::Post, "/api/v1/courts", &owner, Some(r#"{"name":"#), None).await;
    assert!(garbled.status.code == 400 || garbled.status.code == 422, "{}", garbled.status);
    assert_eq!(garbled.content_type.as_deref(), Some("application/problem+json"));
    let denied = t.api(Method::Post, "/api/v1/courts", &coach, Some(r#"{"name":"Court 9"}"#), None).await;
    assert_eq!(denied.status, Status::Forbidden);
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 1, "nothing written by refused requests");

    let id = court["id"].as_str().unwrap();
    let patched = t
        .api(Method::Patch, &format!("/api/v1/courts/{id}"), &owner, Some(r#"{"indoor":true,"group":"Hall"}"#), None)
        .await;
    assert_eq!(patched.status, Status::Ok, "{}", patched.body);
    assert_eq!(patched.json()["indoor"], true);
    assert_eq!(patched.json()["surface"], "clay", "fields left out keep their value");
    assert_eq!(t.api(Method::Patch, "/api/v1/courts/nope", &owner, Some("{}"), None).await.status, Status::NotFound);

    let list = t.api(Method::Get, "/api/v1/courts", &reception, None, None).await;
    assert_eq!(list.status, Status::Ok);
    assert_eq!(list.json()["courts"][0]["group"], "Hall");
}
