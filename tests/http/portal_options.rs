//! What the club may turn on for players in Settings → Portal: guests signing up with their
//! phone, passwords instead of codes, paying from the account or with a pass, and the logo.

use rocket::http::{ContentType, Status};

use crate::portal::{ANNA, ask, code_sent, sign_in};
use crate::portal_booking::club_with_court;
use crate::support::{OWNER_PASSWORD, Page, TestApp};

const STRANGER: &str = "+79260001122";

/// Saves the portal's switches: the usual ones plus `more` (e.g. `guests`).
async fn switch_on(t: &TestApp, more: &[&str]) {
    t.login("olga", OWNER_PASSWORD).await;
    let mut fields = vec![("enabled", "on"), ("booking", "on"), ("cancelling", "on"), ("offer_minutes", "30")];
    fields.extend(more.iter().map(|m| (*m, "on")));
    let saved = t.submit("/settings/portal", "/settings/portal", &fields).await;
    assert_eq!(saved.status, Status::SeeOther, "{}", saved.body);
    t.logout().await;
}

/// Types `code` (and a guest's `name`) on the code page of `request`.
async fn type_code(t: &TestApp, request: &str, code: &str, name: &str) -> Page {
    let page = format!("/p/sign-in/code?r={request}");
    t.submit(&page, "/p/sign-in/code", &[("r", request), ("code", code), ("name", name)]).await
}

#[rocket::async_test]
async fn a_visitor_from_the_widget_signs_up_as_a_guest_and_books() {
    let (t, court) = club_with_court().await;
    let (_, request) = ask(&t, STRANGER).await;
    assert_eq!(code_sent(&t, STRANGER).await, None, "guests not let in: nothing is sent to a stranger");
    let tried = type_code(&t, &request, "000000", "Vera Guest").await;
    assert_eq!(tried.status, Status::UnprocessableEntity);
    assert_eq!(t.count("SELECT count(*) FROM members").await, 2, "no guest made");

    switch_on(&t, &["guests"]).await;
    // The widget's start leads to the sign-in with the slot to come back to.
    let next = format!("/p/book/{court}?date=2026-11-30&start=19:00");
    let sign_in_page = t.get(&format!("/p/sign-in?next={}", urlencoding(&next))).await;
    assert_eq!(sign_in_page.status, Status::Ok);
    let asked = t.submit("/p/sign-in", "/p/sign-in", &[("phone", STRANGER), ("next", &next)]).await;
    let to = asked.location.clone().expect("to the code page");
    let request = to.split("r=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = code_sent(&t, STRANGER).await.expect("the stranger is sent a code");
    let page = t.get(&to).await;
    assert!(page.has("New to the club? Your name"), "{}", page.body);

    // The right code without a name: asked for the name, the code kept and still good.
    let unnamed =
        t.submit(&to, "/p/sign-in/code", &[("r", &request), ("code", &code), ("name", " "), ("next", &next)]).await;
    assert_eq!(unnamed.status, Status::UnprocessableEntity);
    assert!(unnamed.has("type your name to sign up as a guest") && unnamed.has(&format!("value=\"{code}\"")));
    let named = t
        .submit(&to, "/p/sign-in/code", &[("r", &request), ("code", &code), ("name", "Vera Guest"), ("next", &next)])
        .await;
    assert_eq!(named.location.as_deref(), Some(next.as_str()), "{}", named.body);
    let booked = t
        .submit(
            &next,
            "/p/book",
            &[("court_id", &court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60")],
        )
        .await;
    assert_eq!(booked.location.as_deref(), Some("/p/"), "{}", booked.body);

    // The desk sees a guest member, tagged for merging, and the booking under their name.
    t.login("olga", OWNER_PASSWORD).await;
    let members = t.get("/members?q=Vera").await;
    assert!(members.has("Vera Guest") && members.has("guest"), "{}", members.body);
    assert!(t.get("/grid?date=2026-11-30").await.has("Vera Guest"));
}

fn urlencoding(s: &str) -> String {
    rocket::http::RawStr::new(s).percent_encode().to_string()
}

/// Sets Anna's password from her account (she is signed in).
async fn set_password(t: &TestApp, current: &str, new: &str) -> Page {
    let fields = [("current", current), ("password", new), ("repeat", new)];
    t.submit("/p/account/password", "/p/account/password", &fields).await
}

async fn sign_in_with_password(t: &TestApp, phone: &str, password: &str) -> Page {
    t.submit("/p/sign-in", "/p/sign-in/password", &[("phone", phone), ("password", password)]).await
}

#[rocket::async_test]
async fn a_player_keeps_a_password_signs_in_with_it_and_guessing_is_throttled() {
    let (t, _) = club_with_court().await;
    sign_in(&t, ANNA).await;
    assert_eq!(t.get("/p/account/password").await.status, Status::NotFound, "passwords are off");
    t.post_raw("/p/sign-out", &[("csrf", &t.get("/p/").await.hidden("csrf"))]).await;
    switch_on(&t, &["passwords"]).await;
    assert!(t.get("/p/sign-in").await.has("Or sign in with your password"));

    sign_in(&t, ANNA).await;
    let short = set_password(&t, "", "short").await;
    assert_eq!(short.status, Status::UnprocessableEntity);
    assert!(short.has("at least 10 characters"), "{}", short.body);
    let set = set_password(&t, "", "backhand-down-the-line").await;
    assert_eq!(set.location.as_deref(), Some("/p/account"), "{}", set.body);
    let wrong_current = set_password(&t, "not it at all", "another-long-password").await;
    assert!(wrong_current.has("The current password is wrong"), "{}", wrong_current.body);
    t.post_raw("/p/sign-out", &[("csrf", &t.get("/p/").await.hidden("csrf"))]).await;

    // A wrong password and a stranger's number read the same.
    let wrong = sign_in_with_password(&t, ANNA, "forehand-cross-court").await;
    let stranger = sign_in_with_password(&t, STRANGER, "forehand-cross-court").await;
    assert_eq!((wrong.status, stranger.status), (Status::Unauthorized, Status::Unauthorized));
    assert!(wrong.has("Wrong phone number or password.") && stranger.has("Wrong phone number or password."));
    let right = sign_in_with_password(&t, "+7 916 123-45-67", "backhand-down-the-line").await;
    assert_eq!(right.location.as_deref(), Some("/p/"), "{}", right.body);
    assert!(t.get("/p/").await.has("Anna Smith"));
    t.post_raw("/p/sign-out", &[("csrf", &t.get("/p/").await.hidden("csrf"))]).await;

    // Guessing: after the free failures, even the right password waits.
    for _ in 0..4 {
        sign_in_with_password(&t, ANNA, "forehand-cross-court").await;
    }
    let held = sign_in_with_password(&t, ANNA, "backhand-down-the-line").await;
    assert_eq!(held.status, Status::TooManyRequests, "{}", held.body);
    assert!(held.header("Retry-After").is_some());
    t.advance(jiff::SignedDuration::from_mins(20));
    let later = sign_in_with_password(&t, ANNA, "backhand-down-the-line").await;
    assert_eq!(later.location.as_deref(), Some("/p/"), "{}", later.body);

    // Removing it needs the password; signing in by code goes on working.
    let removed = t
        .submit(
            "/p/account/password",
            "/p/account/password",
            &[("current", "backhand-down-the-line"), ("remove", "true")],
        )
        .await;
    assert_eq!(removed.location.as_deref(), Some("/p/account"), "{}", removed.body);
    assert_eq!(t.count("SELECT count(*) FROM portal_passwords").await, 0);
    t.post_raw("/p/sign-out", &[("csrf", &t.get("/p/").await.hidden("csrf"))]).await;
    assert_eq!(sign_in_with_password(&t, ANNA, "backhand-down-the-line").await.status, Status::Unauthorized);
}

#[rocket::async_test]
async fn a_new_password_signs_out_the_players_other_devices() {
    let (t, _) = club_with_court().await;
    switch_on(&t, &["passwords"]).await;
    sign_in(&t, ANNA).await;
    let first: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT token_hash FROM portal_sessions", [], |r| r.get(0))?)).await.unwrap();
    // A second device: another session of hers in the table.
    t.app
        .db
        .write(move |c| {
            let anna: String = c.query_row("SELECT member_id FROM portal_sessions", [], |r| r.get(0))?;
            c.execute("INSERT INTO portal_sessions VALUES ('other device', ?1, 0, 0)", [anna])?;
            Ok(())
        })
        .await
        .unwrap();
    set_password(&t, "", "backhand-down-the-line").await;
    let left: Vec<String> = t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare("SELECT token_hash FROM portal_sessions")?;
            Ok(s.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(left, vec![first], "only the session that set it is left");
}

/// Books 19:00 for an hour (1 000 ₽) paying `pay`.
async fn book_paying(t: &TestApp, court: &str, pay: &str) -> Page {
    let page = format!("/p/book/{court}?date=2026-11-30&start=19:00");
    let fields = [("court_id", court), ("date", "2026-11-30"), ("start", "19:00"), ("minutes", "60"), ("pay", pay)];
    t.submit(&page, "/p/book", &fields).await
}

#[rocket::async_test]
async fn a_player_pays_from_the_account_when_the_club_allows_and_the_money_is_there() {
    let (t, court) = club_with_court().await;
    switch_on(&t, &["pay_from_account"]).await;
    sign_in(&t, ANNA).await;
    let slot = t.get(&format!("/p/book/{court}?date=2026-11-30&start=19:00")).await;
    assert!(slot.has("From my account (balance ₽0.00)") && slot.has("At the front desk"), "{}", slot.body);
    let short = book_paying(&t, &court, "account").await;
    assert_eq!(short.status, Status::UnprocessableEntity);
    assert!(short.has("Not enough on the account"), "{}", short.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 0, "no booking left unpaid behind");

    let anna: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM members WHERE full_name = 'Anna Smith'", [], |r| r.get(0))?))
        .await
        .unwrap();
    let top_up = courtside::payments::commands::AdjustBalance {
        entry_id: uuid::Uuid::now_v7().to_string(),
        member_id: anna,
        amount: 150_000,
        reason: "paid in advance".into(),
    };
    t.app.run(courtside::core::Actor::Console, courtside::commands::AnyCommand::AdjustBalance(top_up)).await.unwrap();
    let paid = book_paying(&t, &court, "account").await;
    assert_eq!(paid.location.as_deref(), Some("/p/"), "{}", paid.body);
    let account = t.get("/p/account").await;
    assert!(account.has("₽500.00"), "balance after paying: {}", account.body);
    assert_eq!(t.count("SELECT count(*) FROM payments WHERE method = 'wallet' AND amount = 100000").await, 1);
}

/// A one-pixel PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

async fn upload_logo(t: &TestApp, bytes: &[u8], filename: &str) -> (Status, String) {
    let page = t.get("/settings/portal").await;
    let (csrf, command_id) = (page.hidden("csrf"), page.hidden("command_id"));
    let b = "XLOGOBOUNDARY";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"command_id\"\r\n\r\n{command_id}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let res = t
        .client
        .post("/settings/portal/logo")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", b)))
        .body(body)
        .dispatch()
        .await;
    let status = res.status();
    (status, res.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_clubs_logo_shows_on_the_portal_and_only_an_image_is_taken() {
    let (t, _) = club_with_court().await;
    t.login("olga", OWNER_PASSWORD).await;
    let (status, body) = upload_logo(&t, b"<svg onload=\"alert(1)\"/>", "logo.png").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("Only PNG, JPEG or WebP"), "{body}");
    let (status, body) = upload_logo(&t, &vec![0x89; 300 * 1024], "big.png").await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.contains("larger than 200 KB"), "{body}");
    assert_eq!(t.get("/p/logo").await.status, Status::NotFound);

    let (status, _) = upload_logo(&t, PNG, "logo.png").await;
    assert_eq!(status, Status::SeeOther);
    t.logout().await;
    let portal = t.get("/p/sign-in").await;
    let src = portal.body.split("src=\"/p/logo?v=").nth(1).expect("the logo in the header").split('"').next().unwrap();
    let logo = t.get(&format!("/p/logo?v={src}")).await;
    assert_eq!(logo.status, Status::Ok);
    assert_eq!(logo.header("Content-Type"), Some("image/png"));
    assert!(logo.header("Cache-Control").is_some_and(|c| c.contains("immutable")));

    // Without the token, nothing is uploaded; a manager removes it.
    t.login("olga", OWNER_PASSWORD).await;
    let res = t
        .client
        .post("/settings/portal/logo")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", "B")))
        .body("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwrong\r\n--B--\r\n")
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Forbidden);
    let removed = t.submit("/settings/portal", "/settings/portal/logo/remove", &[]).await;
    assert_eq!(removed.status, Status::SeeOther);
    assert_eq!(t.get("/p/logo").await.status, Status::NotFound);
}

#[rocket::async_test]
async fn a_player_pays_with_their_own_pass_and_never_with_anothers() {
    let (t, court) = club_with_court().await;
    switch_on(&t, &["pay_with_pass"]).await;
    t.login("olga", OWNER_PASSWORD).await;
    let (anna, boris) = (member(&t, "Anna Smith").await, member(&t, "Boris Ivanov").await);
    let visits = crate::passes::ten_visits(&t).await;
    assert_eq!(crate::passes::sell(&t, &anna, &visits, "card").await.status, Status::SeeOther);
    assert_eq!(crate::passes::sell(&t, &boris, &visits, "card").await.status, Status::SeeOther);
    let borises = pass_of(&t, boris).await;
    t.logout().await;

    sign_in(&t, ANNA).await;
    let slot = t.get(&format!("/p/book/{court}?date=2026-11-30&start=19:00")).await;
    assert!(slot.has("With my pass: 10 visits (10 of 10 visits left)"), "{}", slot.body);
    assert!(!slot.has(&borises), "only her own passes are offered");
    let not_hers = book_paying(&t, &court, &format!("pass:{borises}")).await;
    assert_eq!(not_hers.status, Status::UnprocessableEntity, "{}", not_hers.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 0);
    let annas = pass_of(&t, anna).await;
    let paid = book_paying(&t, &court, &format!("pass:{annas}")).await;
    assert_eq!(paid.location.as_deref(), Some("/p/"), "{}", paid.body);
    assert!(t.get("/p/account").await.has("9 of 10 visits left"));
}

async fn member(t: &TestApp, name: &'static str) -> String {
    let sql = "SELECT id FROM members WHERE full_name = ?1";
    t.app.db.read(move |c| Ok(c.query_row(sql, [name], |r| r.get::<_, String>(0))?)).await.unwrap()
}

async fn pass_of(t: &TestApp, m: String) -> String {
    t.app.db.read(move |c| Ok(courtside::passes::store::member_passes(c, &m)?.remove(0).id)).await.unwrap()
}
