//! One role table for pages and the API: every API route, called with every role's token,
//! is allowed exactly when the page showing (or changing) the same data is.

use rocket::http::{ContentType, Header, Method, Status};

use crate::support::TestApp;

/// Each API route and the page that shows the same data or holds the same form.
const SAME_AS_PAGE: &[(&str, &str, &str)] = &[
    ("GET", "/me", "/profile"),
    ("GET", "/courts", "/coach"),
    ("POST", "/courts", "/courts/new"),
    ("PATCH", "/courts/{id}", "/courts/x"),
    ("GET", "/members", "/members"),
    ("GET", "/members/{id}", "/members/x"),
    ("POST", "/members", "/members/new"),
    ("PATCH", "/members/{id}", "/members/x/edit"),
    ("POST", "/members/{id}/archive", "/members/x"),
    ("GET", "/bookings", "/grid"),
    ("GET", "/bookings/{id}", "/bookings/x"),
    ("POST", "/bookings", "/bookings/new"),
    ("PATCH", "/bookings/{id}", "/bookings/x/edit"),
    ("POST", "/bookings/{id}/cancel", "/bookings/x/edit"),
    ("POST", "/bookings/{id}/check-in", "/bookings/x/edit"),
    ("POST", "/series", "/series/new"),
    ("POST", "/series/{id}/edit", "/series/x/copy"),
    ("POST", "/series/{id}/end", "/series/x/copy"),
    ("GET", "/prices/quote", "/bookings/quote"),
    ("POST", "/payments", "/accounts/x"),
    ("GET", "/payments/{id}", "/payments/x/receipt"),
    ("POST", "/payments/{id}/refund", "/payments/x/receipt"),
    ("GET", "/members/{id}/ledger", "/accounts/x"),
    ("GET", "/pass-products", "/passes"),
    ("GET", "/members/{id}/passes", "/members/x/passes"),
    ("GET", "/passes/{id}", "/members/x/passes"),
    ("POST", "/passes", "/members/x/passes"),
    ("POST", "/passes/{id}/freeze", "/members/x/passes"),
    ("POST", "/passes/{id}/unfreeze", "/members/x/passes"),
    ("POST", "/bookings/{id}/pass", "/bookings/x/edit"),
    ("GET", "/shifts/current", "/cash"),
    ("GET", "/shifts/{id}", "/cash/shifts/x"),
    ("POST", "/shifts", "/cash"),
    ("POST", "/shifts/current/movements", "/cash"),
    ("POST", "/shifts/{id}/close", "/cash"),
    ("POST", "/sms/messages", "/sms/members/x/send"),
    ("GET", "/sms/messages/{id}", "/sms/members/x/send"),
    ("POST", "/sms/campaigns", "/sms/campaigns/new"),
    ("GET", "/sms/campaigns", "/sms"),
    ("GET", "/sms/campaigns/{id}", "/sms/campaigns/x"),
];

#[rocket::async_test]
async fn every_api_route_asks_for_the_role_its_page_asks_for() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let mut people = vec![("olga", "owner password 1".to_owned(), t.api_token("olga").await)];
    for (name, role) in [("max", "manager"), ("rita", "reception"), ("carl", "coach")] {
        t.add_staff(name, role, &format!("{name} first pass")).await;
        t.choose_password(name).await;
        people.push((name, format!("{name} chose this"), t.api_token(name).await));
    }

    let routes: Vec<(String, String)> = t
        .client
        .rocket()
        .routes()
        .filter(|r| r.uri.path().starts_with("/api/v1") && r.uri.path() != "/api/v1/openapi.json")
        .map(|r| {
            let path = r.uri.path().trim_start_matches("/api/v1").replace('<', "{").replace('>', "}");
            (r.method.as_str().to_owned(), path.split('?').next().unwrap().to_owned())
        })
        .collect();
    for (method, path) in &routes {
        assert!(
            SAME_AS_PAGE.iter().any(|(m, p, _)| m == method && p == path),
            "{method} {path} has no page to compare with: add it to SAME_AS_PAGE"
        );
    }

    let mut differences = Vec::new();
    for (name, password, token) in &people {
        t.logout().await;
        let login = t.login(name, password).await;
        assert_eq!(login.status, Status::SeeOther, "{name} logs in: {}", login.body);
        for (method, path, page) in SAME_AS_PAGE {
            let page_status = t.get(page).await.status;
            assert_ne!(page_status, Status::Unauthorized, "{name} is logged in");
            let url = format!("/api/v1{}", path.replace("{id}", "x"));
            let method: Method = method.parse().unwrap();
            let mut req =
                t.client.req(method, url.clone()).header(Header::new("Authorization", format!("Bearer {token}")));
            if method != Method::Get {
                req = req.header(ContentType::JSON).body("{}");
            }
            let api_status = req.dispatch().await.status();
            assert_ne!(api_status, Status::Unauthorized, "{name}'s token works");
            let page_allows = page_status != Status::Forbidden;
            let api_allows = api_status != Status::Forbidden;
            if page_allows != api_allows {
                differences.push(format!("{name}: {method} {url} → {api_status}, but {page} → {page_status}"));
            }
        }
    }
    assert!(differences.is_empty(), "the API and the pages disagree:\n{}", differences.join("\n"));
}

#[rocket::async_test]
async fn a_coach_token_reads_no_member_money_or_sms_data() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let owner = t.api_token("olga").await;
    let member = t.api(Method::Post, "/api/v1/members", &owner, Some(r#"{"full_name":"Anna Smith"}"#), None).await;
    let anna = member.json()["id"].as_str().unwrap().to_owned();
    t.add_staff("carl", "coach", "carl first pass").await;
    t.choose_password("carl").await;
    let coach = t.api_token("carl").await;
    for path in [
        "/api/v1/members?q=anna".to_owned(),
        format!("/api/v1/members/{anna}"),
        format!("/api/v1/members/{anna}/ledger"),
        format!("/api/v1/members/{anna}/passes"),
        "/api/v1/shifts/current".to_owned(),
        "/api/v1/sms/campaigns".to_owned(),
    ] {
        let answer = t.api(Method::Get, &path, &coach, None, None).await;
        assert_eq!(answer.status, Status::Forbidden, "{path}: {}", answer.body);
        assert!(!answer.body.contains("Anna"), "{path}");
    }
    // What a coach's pages show, the API shows too: the courts, but not the day's bookings
    // (a coach sees their own lessons only).
    assert_eq!(t.api(Method::Get, "/api/v1/courts", &coach, None, None).await.status, Status::Ok);
    let day = t.api(Method::Get, "/api/v1/bookings?date=2026-12-01", &coach, None, None).await;
    assert_eq!(day.status, Status::Forbidden);
}
