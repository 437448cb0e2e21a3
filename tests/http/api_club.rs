//! The members, bookings and series API: the shapes integrators script against.

use rocket::http::{Method, Status};
use serde_json::json;

use crate::support::TestApp;

async fn setup(t: &TestApp) -> (String, String, String) {
    t.setup_owner().await;
    let token = t.api_token("olga").await;
    let court = t.api(Method::Post, "/api/v1/courts", &token, Some(r#"{"name":"Court 1"}"#), None).await;
    assert_eq!(court.status, Status::Created, "{}", court.body);
    let member = t
        .api(
            Method::Post,
            "/api/v1/members",
            &token,
            Some(r#"{"full_name":"Anna Smith","phone":"+7 916 123-45-67"}"#),
            None,
        )
        .await;
    assert_eq!(member.status, Status::Created, "{}", member.body);
    assert_eq!(member.json()["phone"], "+79161234567");
    (token, court.json()["id"].as_str().unwrap().to_owned(), member.json()["id"].as_str().unwrap().to_owned())
}

#[rocket::async_test]
async fn members_api() {
    let t = TestApp::new().await;
    let (token, _, anna) = setup(&t).await;
    let dup = t
        .api(Method::Post, "/api/v1/members", &token, Some(r#"{"full_name":"A. Smith","phone":"+79161234567"}"#), None)
        .await;
    assert_eq!(dup.status, Status::Conflict);
    assert_eq!(dup.json()["detail"], "This phone belongs to Anna Smith (card 1).");
    let bad = t.api(Method::Post, "/api/v1/members", &token, Some(r#"{"full_name":"","phone":"12"}"#), None).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert_eq!(bad.json()["field"], "full_name");
    let found = t.api(Method::Get, "/api/v1/members?q=smi", &token, None, None).await;
    assert_eq!(found.json()["members"][0]["id"], anna.as_str());
    let patched = t
        .api(Method::Patch, &format!("/api/v1/members/{anna}"), &token, Some(r#"{"email":"anna@example.org"}"#), None)
        .await;
    assert_eq!(patched.json()["email"], "anna@example.org");
    assert_eq!(patched.json()["full_name"], "Anna Smith");
    let archived = t.api(Method::Post, &format!("/api/v1/members/{anna}/archive"), &token, Some("{}"), None).await;
    assert_eq!(archived.json()["archived"], true);
    assert_eq!(t.api(Method::Get, "/api/v1/members?q=smi", &token, None, None).await.json()["members"], json!([]));
    assert_eq!(t.api(Method::Get, "/api/v1/members/nope", &token, None, None).await.status, Status::NotFound);
}

#[rocket::async_test]
async fn bookings_api() {
    let t = TestApp::new().await;
    let (token, court, anna) = setup(&t).await;
    // Club-local time and RFC 3339 with an offset are the same instant (Moscow is +03:00).
    let body = json!({ "court_id": court, "member_id": anna, "start": "2026-12-01T18:00", "minutes": 60 }).to_string();
    let made = t.api(Method::Post, "/api/v1/bookings", &token, Some(&body), Some("desk-42")).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    let booking = made.json();
    assert_eq!(booking["start"], "2026-12-01T18:00:00+03:00");
    assert_eq!(booking["source"], "api");
    let again = t.api(Method::Post, "/api/v1/bookings", &token, Some(&body), Some("desk-42")).await;
    assert_eq!(again.status, Status::Created);
    assert_eq!(again.json()["id"], booking["id"], "a retried POST returns the first booking");

    let clash =
        json!({ "court_id": court, "member_id": anna, "start": "2026-12-01T15:30:00Z", "minutes": 60 }).to_string();
    let taken = t.api(Method::Post, "/api/v1/bookings", &token, Some(&clash), None).await;
    assert_eq!(taken.status, Status::Conflict, "{}", taken.body);
    assert_eq!(taken.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(taken.json()["booking_id"], booking["id"]);
    assert_eq!(taken.json()["detail"], "Court 1 is taken 18:00–19:00 by Anna Smith.");

    let with_id = json!({ "court_id": court, "member_id": anna, "start": "2026-12-02T10:00", "minutes": 90, "command_id": "retry-me",
        "players": [{ "guest_name": "Bob" }] }).to_string();
    let first = t.api(Method::Post, "/api/v1/bookings", &token, Some(&with_id), None).await;
    let second = t.api(Method::Post, "/api/v1/bookings", &token, Some(&with_id), None).await;
    assert_eq!(first.json()["id"], second.json()["id"], "command_id in the body works like the header");
    assert_eq!(first.json()["players"][0]["guest_name"], "Bob");

    for (bad, field) in [
        (json!({ "court_id": court, "member_id": anna, "start": "tomorrow", "minutes": 60 }), "start"),
        (json!({ "court_id": court, "member_id": anna, "start": "2026-12-01T18:15", "minutes": 60 }), "start"),
        (json!({ "court_id": court, "member_id": anna, "start": "2026-12-01T20:00", "minutes": 45 }), "minutes"),
    ] {
        let r = t.api(Method::Post, "/api/v1/bookings", &token, Some(&bad.to_string()), None).await;
        assert_eq!(r.status, Status::UnprocessableEntity, "{bad}: {}", r.body);
        assert_eq!(r.json()["field"], field, "{bad}");
    }
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 2, "refused requests write nothing");

    let day = t.api(Method::Get, "/api/v1/bookings?date=2026-12-01", &token, None, None).await;
    assert_eq!(day.json()["bookings"].as_array().unwrap().len(), 1);
    let id = booking["id"].as_str().unwrap();
    let moved = t
        .api(
            Method::Patch,
            &format!("/api/v1/bookings/{id}"),
            &token,
            Some(r#"{"start":"2026-12-01T19:00","minutes":120}"#),
            None,
        )
        .await;
    assert_eq!(moved.status, Status::Ok, "{}", moved.body);
    assert_eq!(moved.json()["end"], "2026-12-01T21:00:00+03:00");
    let cancelled =
        t.api(Method::Post, &format!("/api/v1/bookings/{id}/cancel"), &token, Some(r#"{"reason":"Rain"}"#), None).await;
    assert_eq!(cancelled.json()["status"], "cancelled");
    assert_eq!(cancelled.json()["cancel_reason"], "Rain");
    let early = t
        .api(
            Method::Post,
            &format!("/api/v1/bookings/{}/check-in", second.json()["id"].as_str().unwrap()),
            &token,
            None,
            None,
        )
        .await;
    assert_eq!(early.status, Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn series_api() {
    let t = TestApp::new().await;
    let (token, court, anna) = setup(&t).await;
    let block = json!({ "court_id": court, "member_id": anna, "start": "2026-12-08T19:00", "minutes": 60 }).to_string();
    t.api(Method::Post, "/api/v1/bookings", &token, Some(&block), None).await;
    let series = json!({ "court_id": court, "weekdays": [2], "start": "19:00", "minutes": 60, "first_day": "2026-12-01", "last_day": "2026-12-22", "member_id": anna });
    let strict = t.api(Method::Post, "/api/v1/series", &token, Some(&series.to_string()), None).await;
    assert_eq!(strict.status, Status::Conflict, "{}", strict.body);
    assert_eq!(strict.json()["args"]["date"], "2026-12-08");
    let mut lenient = series.clone();
    lenient["skip_conflicts"] = json!(true);
    let made = t.api(Method::Post, "/api/v1/series", &token, Some(&lenient.to_string()), None).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    assert_eq!(made.json()["booked"], 3);
    assert_eq!(made.json()["skipped"], json!(["2026-12-08"]));
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let edited = t
        .api(
            Method::Post,
            &format!("/api/v1/series/{id}/edit"),
            &token,
            Some(&json!({ "from_day": "2026-12-15", "court_id": court, "start": "20:00", "minutes": 60 }).to_string()),
            None,
        )
        .await;
    assert_eq!(edited.json()["split"], true, "{}", edited.body);
    let ended = t
        .api(
            Method::Post,
            &format!("/api/v1/series/{}/end", edited.json()["id"].as_str().unwrap()),
            &token,
            Some(r#"{"last_day":"2026-12-15"}"#),
            None,
        )
        .await;
    assert_eq!(ended.status, Status::Ok, "{}", ended.body);
    let days = t.api(Method::Get, "/api/v1/bookings?from=2026-12-01&to=2026-12-31", &token, None, None).await;
    let active: Vec<_> = days.json()["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "booked")
        .map(|b| b["start"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(active, vec!["2026-12-01T19:00:00+03:00", "2026-12-08T19:00:00+03:00", "2026-12-15T20:00:00+03:00"]);
}
