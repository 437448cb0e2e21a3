//! What someone probing the server runs into: CSRF, throttling, roles, bad input.

use rocket::http::{Header, Status};

use crate::support::{OWNER_PASSWORD, TestApp};

#[rocket::async_test]
async fn a_form_without_its_csrf_token_is_refused() {
    let t = TestApp::new().await;
    // Before login: the login form itself.
    let login = t.post_raw("/login", &[("username", "olga"), ("password", "x")]).await;
    assert_eq!(login.status, Status::Forbidden);
    assert!(login.has("the form expired"), "{}", login.body);

    t.setup_owner().await;
    let users = t.count("SELECT count(*) FROM staff_users").await;
    let commands = t.count("SELECT count(*) FROM commands").await;
    let fields = [
        ("username", "mallory"),
        ("display_name", "M"),
        ("role", "manager"),
        ("password", "long enough pw"),
        ("confirm", "long enough pw"),
    ];
    assert_eq!(t.post_raw("/staff", &fields).await.status, Status::Forbidden);
    let wrong: Vec<(&str, &str)> = [("csrf", "0".repeat(64).leak() as &str)].into_iter().chain(fields).collect();
    assert_eq!(t.post_raw("/staff", &wrong).await.status, Status::Forbidden);
    assert_eq!(t.count("SELECT count(*) FROM staff_users").await, users, "nothing written");
    assert_eq!(t.count("SELECT count(*) FROM commands").await, commands, "nothing recorded");
}

#[rocket::async_test]
async fn repeated_wrong_passwords_are_throttled() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    for _ in 0..5 {
        let wrong = t.login("olga", "guess guess guess").await;
        assert_eq!(wrong.status, Status::Unauthorized);
        assert!(wrong.has("Wrong username or password."));
    }
    // Even the right password is refused now, with a clear message and the username kept.
    let locked = t.login("olga", OWNER_PASSWORD).await;
    assert_eq!(locked.status, Status::TooManyRequests);
    assert!(locked.has("Too many failed attempts. Try again in 15 min."), "{}", locked.body);
    assert!(locked.has("value=\"olga\""));
    // After the window it works again.
    t.advance(jiff::SignedDuration::from_mins(16));
    assert_eq!(t.login("olga", OWNER_PASSWORD).await.status, Status::SeeOther);
}

#[rocket::async_test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    let unknown = t.login("nobody", "whatever whatever").await;
    let wrong = t.login("olga", "whatever whatever").await;
    assert_eq!(unknown.status, wrong.status);
    assert!(unknown.has("Wrong username or password.") && wrong.has("Wrong username or password."));
}

#[rocket::async_test]
async fn roles_are_checked_on_the_server() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let reception = t.add_staff("rita", "reception", "rita first pass").await;
    let manager = t.add_staff("max", "manager", "max first pass1").await;
    t.logout().await;

    // A receptionist cannot reach or post to manager pages, even knowing the URLs.
    t.login("rita", "rita first pass").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "rita first pass"), ("password", "rita new password"), ("confirm", "rita new password")],
    )
    .await;
    for path in ["/staff", "/staff/new", "/settings", "/audit", reception.as_str()] {
        let page = t.get(path).await;
        assert_eq!(page.status, Status::Forbidden, "{path}");
        assert!(page.has("Not allowed"), "{path}: {}", page.body);
    }
    let csrf = t.get("/profile").await.hidden("csrf");
    let post = t
        .post_raw(
            "/staff",
            &[
                ("csrf", &csrf),
                ("username", "evil"),
                ("role", "owner"),
                ("password", "long enough pw"),
                ("confirm", "long enough pw"),
            ],
        )
        .await;
    assert_eq!(post.status, Status::Forbidden);
    assert_eq!(t.count("SELECT count(*) FROM staff_users WHERE username = 'evil'").await, 0);
    t.logout().await;

    // A manager manages reception and coaches, but cannot make or touch owners and managers.
    t.login("max", "max first pass1").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "max first pass1"), ("password", "max new password"), ("confirm", "max new password")],
    )
    .await;
    assert_eq!(t.get("/staff").await.status, Status::Ok);
    let new_page = t.get("/staff/new").await;
    assert!(!new_page.has("value=\"owner\"") && !new_page.has("value=\"manager\""), "{}", new_page.body);
    let owner_try = t
        .submit(
            "/staff/new",
            "/staff",
            &[("username", "boss2"), ("role", "owner"), ("password", "long enough pw"), ("confirm", "long enough pw")],
        )
        .await;
    assert_eq!(owner_try.status, Status::UnprocessableEntity);
    assert!(owner_try.has("Choose a role from the list."));
    let promote = t.submit(&reception, &format!("{reception}/role"), &[("role", "owner")]).await;
    assert_eq!(promote.status, Status::UnprocessableEntity);
    assert!(promote.has("You cannot give or manage the role"), "{}", promote.body);
    let _ = manager;
}

#[rocket::async_test]
async fn a_malformed_form_keeps_the_input_and_writes_nothing() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let users = t.count("SELECT count(*) FROM staff_users").await;
    let changes = t.count("SELECT count(*) FROM change_log").await;
    let page = t
        .submit(
            "/staff/new",
            "/staff",
            &[
                ("display_name", "Anna Smirnova"),
                ("username", "a b"),
                ("role", "reception"),
                ("password", "long enough pw"),
                ("confirm", "different pw!!"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::UnprocessableEntity);
    assert!(page.has("Use only letters, digits, dots, dashes and underscores."), "{}", page.body);
    assert!(page.has("The two passwords differ."));
    assert!(page.has("value=\"Anna Smirnova\"") && page.has("value=\"a b\""), "input kept");
    assert!(page.has("aria-invalid=\"true\""));
    assert_eq!(t.count("SELECT count(*) FROM staff_users").await, users);
    assert_eq!(t.count("SELECT count(*) FROM change_log").await, changes);

    // A username that exists is refused by the command, named in the message.
    t.add_staff("anna", "reception", "anna first pw1").await;
    let dup = t
        .submit(
            "/staff/new",
            "/staff",
            &[("username", "ANNA"), ("role", "coach"), ("password", "long enough pw"), ("confirm", "long enough pw")],
        )
        .await;
    assert_eq!(dup.status, Status::UnprocessableEntity);
    assert!(dup.has("The username anna is already taken."), "{}", dup.body);

    // Club settings: each bad field is named, the input stays.
    // (The test config pins the time zone and currency: they stay as configured, read-only.)
    let bad = t
        .submit(
            "/settings",
            "/settings",
            &[("name", " "), ("time_zone", "Mars/Base"), ("locale", "en"), ("currency", "XYZ")],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("Enter the club name."), "{}", bad.body);
    assert!(bad.has("value=\"Europe/Moscow\" placeholder=\"Europe/Moscow\" readonly"), "{}", bad.body);
    assert!(bad.has("Set in courtside.toml"));
}

#[rocket::async_test]
async fn a_broken_setup_link_says_what_to_do() {
    let t = TestApp::new().await;
    let page = t.get("/setup?token=guess").await;
    assert_eq!(page.status, Status::Forbidden);
    assert!(page.has("This setup link is not valid"));
    t.setup_owner().await;
    let again = t.get("/setup?token=guess").await;
    assert_eq!(again.status, Status::SeeOther, "after setup the page is closed");
}

#[rocket::async_test]
async fn pages_carry_security_headers_and_assets_are_cached_by_hash() {
    let t = TestApp::new().await;
    let login = t.client.get("/login").dispatch().await;
    assert_eq!(login.headers().get_one("X-Frame-Options"), Some("DENY"));
    assert_eq!(login.headers().get_one("Cache-Control"), Some("no-store"));
    assert!(login.headers().get_one("Content-Security-Policy").unwrap().contains("default-src 'self'"));
    let body = login.into_string().await.unwrap();
    let css = body.split("href=\"").find(|s| s.starts_with("/static/")).unwrap().split('"').next().unwrap().to_owned();
    let asset = t.client.get(css).dispatch().await;
    assert_eq!(asset.status(), Status::Ok);
    assert_eq!(asset.headers().get_one("Cache-Control"), Some("public, max-age=31536000, immutable"));
    assert!(asset.headers().get_one("Content-Type").unwrap().starts_with("text/css"));
    assert_eq!(t.get("/static/0000/../Cargo.toml").await.status, Status::NotFound);
    let missing = t.get_with("/no/such/page", Header::new("Accept", "text/html")).await;
    assert_eq!(missing.status, Status::NotFound);
    assert!(missing.has("There is nothing at this address."));
}
