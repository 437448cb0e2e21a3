//! The player portal: signing in with a code sent by SMS, what a visitor learns (nothing about
//! who is a member), the limits on codes and tries, and a player's session kept apart from staff.

use rocket::http::Status;

use crate::support::{Page, TestApp};

pub const ANNA: &str = "+79161234567";

/// A club with the portal on, Anna (a member, phone +7 916 123-45-67), and nobody logged in.
pub async fn club() -> TestApp {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let anna = t.submit("/members/new", "/members", &[("full_name", "Anna Smith"), ("phone", ANNA)]).await;
    assert_eq!(anna.status, Status::SeeOther, "{}", anna.body);
    let on = t
        .submit(
            "/settings/portal",
            "/settings/portal",
            &[("enabled", "on"), ("booking", "on"), ("cancelling", "on"), ("waitlist", "on"), ("offer_minutes", "30")],
        )
        .await;
    assert_eq!(on.status, Status::SeeOther, "{}", on.body);
    t.logout().await;
    t
}

/// Asks for a code for `phone`; the code page it leads to.
pub async fn ask(t: &TestApp, phone: &str) -> (Page, String) {
    let asked = t.submit("/p/sign-in", "/p/sign-in", &[("phone", phone)]).await;
    assert_eq!(asked.status, Status::SeeOther, "{}", asked.body);
    let to = asked.location.clone().unwrap();
    let request = to.split("r=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    (t.get(&to).await, request)
}

/// Types `code` for `request`, on its page, or as a stale tab would once the page no longer
/// shows the form.
pub async fn try_code(t: &TestApp, request: &str, code: &str) -> Page {
    let page = t.get(&format!("/p/sign-in/code?r={request}")).await;
    let form = if page.has("name=\"csrf\"") { page } else { t.get("/p/sign-in").await };
    let csrf = form.hidden("csrf");
    let command_id = uuid::Uuid::now_v7().to_string();
    t.post_raw("/p/sign-in/code", &[("csrf", &csrf), ("command_id", &command_id), ("r", request), ("code", code)]).await
}

/// The code in the newest SMS to `phone`, as the player reads it on their phone.
pub async fn code_sent(t: &TestApp, phone: &'static str) -> Option<String> {
    let body: Option<String> = t
        .app
        .db
        .read(move |c| {
            let sql =
                "SELECT body FROM sms_messages WHERE phone = ?1 AND kind = 'code' ORDER BY created_at DESC, id DESC";
            Ok(c.query_row(sql, [phone], |r| r.get(0)).ok())
        })
        .await
        .unwrap();
    body.map(|b| b.chars().filter(char::is_ascii_digit).collect::<String>()).map(|d| d[..6].to_owned())
}

#[rocket::async_test]
async fn a_member_signs_in_with_the_code_sent_by_sms() {
    let t = club().await;
    assert_eq!(t.get("/p/").await.location.as_deref(), Some("/p/sign-in?next=%2Fp%2F"), "signed out: to the sign-in");
    let (page, request) = ask(&t, "+7 916 123-45-67").await;
    assert!(page.has("If +7 916 123-45-67 belongs to a member of the club, a code is on its way by SMS."));
    let code = code_sent(&t, ANNA).await.expect("an SMS with the code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let tried = try_code(&t, &request, wrong).await;
    assert_eq!(tried.status, Status::UnprocessableEntity);
    assert!(tried.has("That code is not right. 4 tries left."), "{}", tried.body);
    let signed_in = try_code(&t, &request, &code).await;
    assert_eq!(signed_in.location.as_deref(), Some("/p/"), "{}", signed_in.body);
    let home = t.get("/p/").await;
    assert!(home.has("Hello, Anna Smith") && home.has("You are signed in."), "{}", home.body);
    assert_eq!(try_code(&t, &request, &code).await.status, Status::UnprocessableEntity, "a code works once");

    let out = t.submit("/p/", "/p/sign-out", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/p/sign-in"));
    assert_eq!(t.get("/p/").await.location.as_deref(), Some("/p/sign-in?next=%2Fp%2F"), "signed out");
}

/// Someone trying numbers learns nothing: a stranger's number gets the same pages, no SMS goes
/// out, and every code is wrong in the same words.
#[rocket::async_test]
async fn a_number_that_is_no_members_gets_the_same_answers() {
    let t = club().await;
    let (member, member_request) = ask(&t, ANNA).await;
    let (stranger, stranger_request) = ask(&t, "+79035550000").await;
    let strip =
        |p: &Page, r: &str| p.body.replace(r, "R").replace("+7 916 123-45-67", "N").replace("+7 903 555-00-00", "N");
    let strip_fields = |s: String| {
        s.lines()
            .filter(|l| !l.contains("name=\"csrf\"") && !l.contains("name=\"command_id\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        strip_fields(strip(&member, &member_request)),
        strip_fields(strip(&stranger, &stranger_request)),
        "the same page either way"
    );
    assert_eq!(code_sent(&t, "+79035550000").await, None, "nothing sent to a stranger");
    let m = try_code(&t, &member_request, "999999").await;
    let s = try_code(&t, &stranger_request, "999999").await;
    assert_eq!((m.status, s.status), (Status::UnprocessableEntity, Status::UnprocessableEntity));
    assert!(s.has("That code is not right. 4 tries left."), "{}", s.body);
}

#[rocket::async_test]
async fn five_wrong_tries_and_the_code_stops_working() {
    let t = club().await;
    let (_, request) = ask(&t, ANNA).await;
    let code = code_sent(&t, ANNA).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in [4, 3, 2, 1] {
        let tried = try_code(&t, &request, wrong).await;
        assert!(tried.has(&format!("{left} tr")), "{left}: {}", tried.body);
    }
    let fifth = try_code(&t, &request, wrong).await;
    assert!(fifth.has("This code no longer works. Ask for a new one."), "{}", fifth.body);
    let right = try_code(&t, &request, &code).await;
    assert!(right.has("This code no longer works."), "the right code, too late: {}", right.body);
    assert_eq!(t.get("/p/").await.location.as_deref(), Some("/p/sign-in?next=%2Fp%2F"), "not signed in");
}

#[rocket::async_test]
async fn a_code_lasts_five_minutes_and_a_number_gets_three_codes_a_quarter_hour() {
    let t = club().await;
    let (_, request) = ask(&t, ANNA).await;
    let code = code_sent(&t, ANNA).await.unwrap();
    t.advance(jiff::SignedDuration::from_mins(5));
    assert!(try_code(&t, &request, &code).await.has("This code no longer works."));
    ask(&t, ANNA).await;
    ask(&t, ANNA).await;
    let fourth = t.submit("/p/sign-in", "/p/sign-in", &[("phone", ANNA)]).await;
    assert_eq!(fourth.status, Status::TooManyRequests);
    assert!(fourth.has("Too many codes asked for. Try again in 15 minutes."), "{}", fourth.body);
    let stranger = t.submit("/p/sign-in", "/p/sign-in", &[("phone", "+79035550000")]).await;
    assert_eq!(stranger.status, Status::SeeOther, "another number is not held up");
    t.advance(jiff::SignedDuration::from_mins(11));
    ask(&t, ANNA).await;
}

#[rocket::async_test]
async fn the_portal_is_closed_until_the_club_opens_it_and_its_forms_need_their_token() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    let closed = t.get("/p/sign-in").await;
    assert_eq!(closed.status, Status::ServiceUnavailable);
    assert!(closed.has("The club has not opened its player portal."));
    let t = club().await;
    assert_eq!(t.post_raw("/p/sign-in", &[("phone", ANNA)]).await.status, Status::Forbidden, "no CSRF token");
    assert_eq!(code_sent(&t, ANNA).await, None);
}

/// A signed-in player reaches no staff page and no staff API route.
#[rocket::async_test]
async fn a_players_session_opens_no_staff_page() {
    let t = club().await;
    let (_, request) = ask(&t, ANNA).await;
    let code = code_sent(&t, ANNA).await.unwrap();
    assert_eq!(try_code(&t, &request, &code).await.location.as_deref(), Some("/p/"));
    for path in ["/", "/grid", "/members", "/members/categories", "/settings", "/settings/portal", "/audit", "/cash"] {
        let page = t.get(path).await;
        assert_eq!(page.status, Status::Forbidden, "{path}: {}", page.body);
    }
    for path in ["/api/v1/members", "/api/v1/bookings?date=2026-12-01", "/api/v1/me"] {
        let page = t.get(path).await;
        assert!(page.status == Status::Unauthorized || page.status == Status::Forbidden, "{path}: {}", page.status);
        assert!(!page.has("Anna Smith"), "{path}");
    }
    let tried = t.post_raw("/members/new", &[("full_name", "Mallory")]).await;
    assert!(tried.status == Status::Forbidden, "{}", tried.status);
}

/// Signs in on the portal as the member with `phone`.
pub async fn sign_in(t: &TestApp, phone: &'static str) {
    let (_, request) = ask(t, phone).await;
    let code = code_sent(t, phone).await.expect("a code by SMS");
    let tried = try_code(t, &request, &code).await;
    assert_eq!(tried.location.as_deref(), Some("/p/"), "{}", tried.body);
}

/// Staff never read a live sign-in code: the outbox and the member's card hide its digits.
#[rocket::async_test]
async fn staff_see_that_a_code_was_sent_but_never_the_code() {
    let t = club().await;
    ask(&t, ANNA).await;
    let code = code_sent(&t, ANNA).await.expect("a code by SMS");
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let anna: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM members WHERE phone = ?1", [ANNA], |r| r.get(0))?))
        .await
        .unwrap();
    for page in ["/sms/settings".to_owned(), format!("/members/{anna}")] {
        let shown = t.get(&page).await;
        assert!(shown.has("••••••") && !shown.has(&code), "{page}: {}", shown.body);
    }
    for page in ["/sms/report", "/sms/report.csv"] {
        let shown = t.get(page).await;
        assert!(shown.status == rocket::http::Status::Ok && !shown.has(&code), "{page}: {}", shown.body);
    }
}
