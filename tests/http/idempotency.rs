//! Idempotency keys and form ids name one request by one caller to one route: a retry gets the
//! first result, anything else under the same key is refused and changes nothing.

use rocket::http::{Method, Status};
use serde_json::json;

use crate::support::TestApp;

async fn club(t: &TestApp) -> (String, String, String) {
    t.setup_owner().await;
    let token = t.api_token("olga").await;
    let court = t.api(Method::Post, "/api/v1/courts", &token, Some(r#"{"name":"Court 1"}"#), None).await;
    let member = t.api(Method::Post, "/api/v1/members", &token, Some(r#"{"full_name":"Anna Smith"}"#), None).await;
    (token, court.json()["id"].as_str().unwrap().to_owned(), member.json()["id"].as_str().unwrap().to_owned())
}

fn booking(court: &str, member: &str, start: &str) -> String {
    json!({ "court_id": court, "member_id": member, "start": start, "minutes": 60 }).to_string()
}

#[rocket::async_test]
async fn a_key_sent_again_with_another_body_is_refused_not_answered_with_the_first_result() {
    let t = TestApp::new().await;
    let (token, court, anna) = club(&t).await;
    let ten = booking(&court, &anna, "2026-12-01T10:00");
    let first = t.api(Method::Post, "/api/v1/bookings", &token, Some(&ten), Some("k-1")).await;
    assert_eq!(first.status, Status::Created, "{}", first.body);

    // The client believes it is booking 18:00: it is told, and 18:00 is not booked.
    let six = booking(&court, &anna, "2026-12-01T18:00");
    let reused = t.api(Method::Post, "/api/v1/bookings", &token, Some(&six), Some("k-1")).await;
    assert_eq!(reused.status, Status::UnprocessableEntity, "{}", reused.body);
    assert_eq!(reused.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(reused.json()["code"], "idempotency-key-reused");
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);

    // The same request again is a retry: the first booking, nothing new.
    let retry = t.api(Method::Post, "/api/v1/bookings", &token, Some(&ten), Some("k-1")).await;
    assert_eq!(retry.status, Status::Created);
    assert_eq!(retry.json()["id"], first.json()["id"]);
    // Spacing and key order do not make a different request.
    let reordered = r#"{ "minutes": 60, "start": "2026-12-01T10:00", "member_id": "M", "court_id": "C" }"#
        .replace('M', &anna)
        .replace('C', &court);
    let same = t.api(Method::Post, "/api/v1/bookings", &token, Some(&reordered), Some("k-1")).await;
    assert_eq!(same.json()["id"], first.json()["id"], "{}", same.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);
}

#[rocket::async_test]
async fn a_key_belongs_to_its_caller_and_its_route() {
    let t = TestApp::new().await;
    let (owner, court, anna) = club(&t).await;
    t.add_staff("rita", "reception", "rita first pass").await;
    t.choose_password("rita").await;
    let rita = t.api_token("rita").await;

    let ten = booking(&court, &anna, "2026-12-01T10:00");
    let mine = t.api(Method::Post, "/api/v1/bookings", &owner, Some(&ten), Some("shared-key")).await;
    assert_eq!(mine.status, Status::Created);
    // Another caller with the same key makes her own booking, not a replay of the owner's.
    let eleven = booking(&court, &anna, "2026-12-01T11:00");
    let hers = t.api(Method::Post, "/api/v1/bookings", &rita, Some(&eleven), Some("shared-key")).await;
    assert_eq!(hers.status, Status::Created, "{}", hers.body);
    assert_ne!(hers.json()["id"], mine.json()["id"]);
    assert_eq!(hers.json()["start"], "2026-12-01T11:00:00+03:00");
    // The same key on another endpoint is another request too.
    let court2 = t.api(Method::Post, "/api/v1/courts", &owner, Some(r#"{"name":"Court 2"}"#), Some("shared-key")).await;
    assert_eq!(court2.status, Status::Created, "{}", court2.body);
    assert_eq!(court2.json()["name"], "Court 2");

    // One key cancels one booking: on another booking it is refused.
    let why = r#"{"reason":"rain"}"#;
    let cancel = |id: String| {
        let (t, owner) = (&t, owner.clone());
        async move {
            t.api(Method::Post, &format!("/api/v1/bookings/{id}/cancel"), &owner, Some(why), Some("cancel-key")).await
        }
    };
    let ten_id = mine.json()["id"].as_str().unwrap().to_owned();
    let eleven_id = hers.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(cancel(ten_id.clone()).await.status, Status::Ok);
    assert_eq!(cancel(ten_id).await.status, Status::Ok, "a retry");
    let other = cancel(eleven_id).await;
    assert_eq!(other.status, Status::UnprocessableEntity, "{}", other.body);
    assert_eq!(other.json()["code"], "idempotency-key-reused");
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status = 'cancelled'").await, 1);
}

#[rocket::async_test]
async fn a_stale_form_sent_again_with_other_values_is_refused() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let page = t.get("/courts/new").await;
    let (csrf, id) = (page.hidden("csrf"), page.hidden("command_id"));
    let send = |name: &'static str| {
        let (t, csrf, id) = (&t, csrf.clone(), id.clone());
        async move {
            let fields = [("csrf", csrf.as_str()), ("command_id", &id), ("name", name), ("surface", "hard")];
            t.post_raw("/courts", &[&fields[..], &[("display_order", "1"), ("active", "on")]].concat()).await
        }
    };
    assert_eq!(send("Court 1").await.status, Status::SeeOther);
    assert_eq!(send("Court 1").await.status, Status::SeeOther, "a double click is one court");
    // Back button, another name, the same form: not silently "saved".
    let changed = send("Centre Court").await;
    assert_eq!(changed.status, Status::UnprocessableEntity);
    assert!(changed.has("This form was sent before with other values"), "{}", changed.body);
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 1);
    assert_eq!(t.count("SELECT count(*) FROM courts WHERE name = 'Centre Court'").await, 0);
}
