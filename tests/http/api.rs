//! The JSON API skeleton: bearer tokens, problem+json, the OpenAPI document, /health.

use rocket::http::{Header, Status};
use rocket::serde::json::Value;

use crate::support::TestApp;

fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

#[rocket::async_test]
async fn health_answers_without_login() {
    let t = TestApp::new().await;
    let page = t.get("/health").await;
    assert_eq!(page.status, Status::Ok);
    let body: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["schema_version"], courtside::db::migrate::latest());
    let fingerprint = body["schema_fingerprint"].as_str().unwrap();
    assert!(fingerprint.len() == 16 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()), "{fingerprint}");
    assert!(body.get("version").is_none(), "anyone may ask /health: it does not say which version runs");
}

#[rocket::async_test]
async fn tokens_are_issued_once_used_and_revoked() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let url = t.add_staff("webhook", "reception", "webhook first1").await;
    let refused = t.submit(&url, &format!("{url}/tokens"), &[("name", "website")]).await;
    assert_eq!(refused.status, Status::UnprocessableEntity, "a token for an account that must change its password");
    assert!(refused.has("must choose a new password first"), "{}", refused.body);
    t.choose_password("webhook").await;
    let issued = t.submit(&url, &format!("{url}/tokens"), &[("name", "website")]).await;
    assert_eq!(issued.status, Status::Ok, "{}", issued.body);
    let token = issued.body.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(token.starts_with("cst_"));
    assert_eq!(
        t.count("SELECT count(*) FROM api_tokens WHERE token_hash LIKE 'cst_%'").await,
        0,
        "only the hash is stored"
    );
    assert!(!t.get(&url).await.has(&token), "shown once only");

    // Cookies alone do not open the API: only the bearer token does.
    let anonymous = t.get("/api/v1/me").await;
    assert_eq!(anonymous.status, Status::Unauthorized);
    assert_eq!(anonymous.content_type.as_deref(), Some("application/problem+json"));
    let problem: Value = serde_json::from_str(&anonymous.body).unwrap();
    assert_eq!(problem["status"], 401);

    let me = t.get_with("/api/v1/me", bearer(&token)).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    let me: Value = serde_json::from_str(&me.body).unwrap();
    assert_eq!(me["username"], "webhook");
    assert_eq!(me["role"], "reception");

    let page = t.get(&url).await;
    let revoke_path =
        page.body.split("action=\"").find(|s| s.contains("/revoke")).unwrap().split('"').next().unwrap().to_owned();
    let revoked = t.submit(&url, &revoke_path, &[]).await;
    assert_eq!(revoked.status, Status::SeeOther, "{}", revoked.body);
    assert_eq!(t.get_with("/api/v1/me", bearer(&token)).await.status, Status::Unauthorized);
}

#[rocket::async_test]
async fn the_openapi_document_describes_every_api_route() {
    let t = TestApp::new().await;
    let doc = t.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, Status::Ok);
    let doc: Value = serde_json::from_str(&doc.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let described = courtside::api::described_routes();
    for route in t.client.rocket().routes().filter(|r| r.uri.path().starts_with("/api/v1")) {
        let path = route.uri.path().trim_start_matches("/api/v1").replace('<', "{").replace('>', "}");
        let key = (route.method.as_str().to_owned(), path.clone());
        assert!(described.contains(&key), "{} {path} is not in the OpenAPI document", route.method);
    }
}

#[rocket::async_test]
async fn unknown_api_paths_answer_in_problem_json() {
    let t = TestApp::new().await;
    let page = t.get("/api/v1/nothing-here").await;
    assert_eq!(page.status, Status::NotFound);
    assert_eq!(page.content_type.as_deref(), Some("application/problem+json"));
}
