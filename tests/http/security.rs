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
async fn wrong_passwords_slow_down_that_address_only() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    // Four wrong guesses from a guest's phone cost nothing more than the answer...
    for _ in 0..4 {
        let wrong = t.login_from("10.0.0.66", "olga", "guess guess guess", &[]).await;
        assert_eq!(wrong.status, Status::Unauthorized);
        assert!(wrong.has("Wrong username or password"), "{}", wrong.body);
    }
    // ...then that address waits, twice as long after each further failure.
    let stopped = t.login_from("10.0.0.66", "olga", OWNER_PASSWORD, &[]).await;
    assert_eq!(stopped.status, Status::TooManyRequests);
    assert!(stopped.has("Too many failed attempts. Try again in 2 s."), "{}", stopped.body);
    assert_eq!(stopped.retry_after.as_deref(), Some("2"));
    assert!(stopped.has("value=\"olga\""), "the username is kept");
    // The owner at the front desk is not locked out by the stranger.
    let desk = t.login_from("10.0.0.2", "olga", OWNER_PASSWORD, &[]).await;
    assert_eq!(desk.status, Status::SeeOther, "{}", desk.body);
    t.logout().await;
    t.advance(jiff::SignedDuration::from_secs(2));
    assert_eq!(t.login_from("10.0.0.66", "olga", "guess guess guess", &[]).await.status, Status::Unauthorized);
    let longer = t.login_from("10.0.0.66", "olga", "guess guess guess", &[]).await;
    assert!(longer.has("Try again in 4 s."), "{}", longer.body);
}

#[rocket::async_test]
async fn forwarding_headers_are_believed_only_from_a_configured_proxy() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    for _ in 0..4 {
        t.login_from("10.0.0.66", "olga", "guess guess guess", &[]).await;
    }
    let forged = [("X-Real-IP", "10.0.0.77"), ("X-Forwarded-For", "10.0.0.77")];
    let still = t.login_from("10.0.0.66", "olga", OWNER_PASSWORD, &forged).await;
    assert_eq!(still.status, Status::TooManyRequests, "a header does not change who is asking");
    let ok = t.login_from("10.0.0.2", "olga", OWNER_PASSWORD, &forged).await;
    assert_eq!(ok.status, Status::SeeOther);
    assert_eq!(t.count("SELECT count(*) FROM sessions WHERE ip = '10.0.0.2'").await, 1, "the real address is recorded");
    assert_eq!(t.count("SELECT count(*) FROM sessions WHERE ip = '10.0.0.77'").await, 0);

    // Behind a configured reverse proxy, its X-Forwarded-For names the client.
    let proxied = TestApp::with_config("trusted_proxies = [\"10.0.0.1\"]\n").await;
    proxied.setup_owner().await;
    proxied.logout().await;
    let via = proxied.login_from("10.0.0.1", "olga", OWNER_PASSWORD, &[("X-Forwarded-For", "10.0.0.77")]).await;
    assert_eq!(via.status, Status::SeeOther);
    assert_eq!(proxied.count("SELECT count(*) FROM sessions WHERE ip = '10.0.0.77'").await, 1);
}

#[rocket::async_test]
async fn the_owner_logs_in_with_a_console_reset_whatever_was_tried_before() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    // The owner's own address fails for many names until it is stopped altogether.
    for n in 0..30 {
        t.login_from("10.0.0.2", &format!("staff{n}"), "guess guess guess", &[]).await;
    }
    assert_eq!(t.login_from("10.0.0.2", "olga", OWNER_PASSWORD, &[]).await.status, Status::TooManyRequests);
    // `courtside user passwd olga` on the console:
    let olga = t.user_id("olga").await;
    let hash = courtside::auth::password::hash("console gave this").unwrap();
    let cmd = courtside::commands::AnyCommand::SetStaffPassword(courtside::auth::commands::SetStaffPassword {
        user_id: olga,
        password_hash: hash,
    });
    t.app.run(courtside::core::Actor::Console, cmd).await.unwrap();
    let back = t.login_from("10.0.0.2", "olga", "console gave this", &[]).await;
    assert_eq!(back.status, Status::SeeOther, "{}", back.body);
    assert_eq!(back.location.as_deref(), Some("/profile"), "and chooses her own password next");
}

#[rocket::async_test]
async fn a_disabled_account_does_not_say_whether_its_password_is_right() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let rita = t.add_staff("rita", "reception", "rita first pass").await;
    t.choose_password("rita").await;
    let disabled = t.submit(&rita, &format!("{rita}/active"), &[("active", "false")]).await;
    assert_eq!(disabled.status, Status::SeeOther, "{}", disabled.body);
    t.logout().await;
    let right = t.login("rita", "rita chose this").await;
    let wrong = t.login("rita", "not her password").await;
    assert_eq!(right.status, Status::Unauthorized);
    assert_eq!(right.status, wrong.status);
    let message = "Wrong username or password, or the account is disabled.";
    assert!(right.has(message) && wrong.has(message), "{}", right.body);
}

#[rocket::async_test]
async fn a_new_password_ends_api_tokens_and_enabling_again_does_not_revive_them() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let rita = t.add_staff("rita", "reception", "rita first pass").await;
    t.choose_password("rita").await;
    let token = t.api_token("rita").await;
    let me = |token: String| {
        let t = &t;
        async move { t.get_with("/api/v1/me", Header::new("Authorization", format!("Bearer {token}"))).await }
    };
    assert_eq!(me(token.clone()).await.status, Status::Ok);

    // A manager resets her password: her token ends with her sessions.
    let reset = t.submit(&rita, &format!("{rita}/password"), &[("password", "reset by max 1")]).await;
    assert_eq!(reset.status, Status::SeeOther, "{}", reset.body);
    assert_eq!(me(token).await.status, Status::Unauthorized);
    // While she must choose a new password, no token works for her, and none can be issued.
    let refused = t.submit(&rita, &format!("{rita}/tokens"), &[("name", "script")]).await;
    assert_eq!(refused.status, Status::UnprocessableEntity);
    t.choose_password("rita").await;
    let second = t.api_token("rita").await;
    assert_eq!(me(second.clone()).await.status, Status::Ok);

    // Disabling ends it for good: enabling the account again does not bring it back.
    t.submit(&rita, &format!("{rita}/active"), &[("active", "false")]).await;
    assert_eq!(me(second.clone()).await.status, Status::Unauthorized);
    t.submit(&rita, &format!("{rita}/active"), &[("active", "true")]).await;
    let after = me(second).await;
    assert_eq!(after.status, Status::Unauthorized, "{}", after.body);

    // The owner's own password change ends the owner's tokens too.
    let mine = t.api_token("olga").await;
    let changed = t
        .submit(
            "/profile",
            "/profile/password",
            &[("current", OWNER_PASSWORD), ("password", "a brand new one"), ("confirm", "a brand new one")],
        )
        .await;
    assert_eq!(changed.status, Status::SeeOther, "{}", changed.body);
    assert_eq!(me(mine).await.status, Status::Unauthorized);
}

#[rocket::async_test]
async fn unknown_users_get_the_same_answer_as_wrong_passwords() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    t.logout().await;
    let unknown = t.login("nobody", "whatever whatever").await;
    let wrong = t.login("olga", "whatever whatever").await;
    assert_eq!(unknown.status, wrong.status);
    assert!(unknown.has("Wrong username or password") && wrong.has("Wrong username or password"));
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
            &[("club.name", " "), ("club.time_zone", "Mars/Base"), ("club.locale", "en"), ("club.currency", "XYZ")],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("Enter the club name."), "{}", bad.body);
    assert!(
        bad.has("value=\"Europe/Moscow\" list=\"zones\" autocomplete=\"off\" spellcheck=\"false\" readonly"),
        "{}",
        bad.body
    );
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

#[rocket::async_test]
async fn a_wrong_method_or_content_type_is_named_not_called_missing() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let token = t.api_token("olga").await;
    let wrong_method = t.api(rocket::http::Method::Delete, "/api/v1/courts", &token, None, None).await;
    assert_eq!(wrong_method.status, Status::MethodNotAllowed);
    assert_eq!(wrong_method.allow.as_deref(), Some("GET, HEAD, POST"));
    assert_eq!(wrong_method.content_type.as_deref(), Some("application/problem+json"));
    assert!(wrong_method.body.contains("does not take DELETE"), "{}", wrong_method.body);

    let text = t
        .client
        .post("/api/v1/courts")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(rocket::http::ContentType::Plain)
        .body(r#"{"name":"Court 1"}"#)
        .dispatch()
        .await;
    assert_eq!(text.status(), Status::UnsupportedMediaType);

    let array = t.api(rocket::http::Method::Post, "/api/v1/courts", &token, Some("[]"), None).await;
    assert_eq!(array.status, Status::UnprocessableEntity);
    assert!(array.body.contains("must be a JSON object"), "{}", array.body);
    let unknown =
        t.api(rocket::http::Method::Post, "/api/v1/courts", &token, Some(r#"{"name":"C","colour":"red"}"#), None).await;
    assert_eq!(unknown.status, Status::UnprocessableEntity);
    assert!(unknown.body.contains("unknown field `colour`"), "{}", unknown.body);
    assert_eq!(t.count("SELECT count(*) FROM courts").await, 0);

    // Pages too: a form address does not take GET-less methods silently.
    let put = t.client.put("/members").dispatch().await;
    assert_eq!(put.status(), Status::MethodNotAllowed);
    // A real "not found" stays one.
    assert_eq!(t.get("/api/v1/nothing-here").await.status, Status::NotFound);
    assert_eq!(t.get("/no-such-page").await.status, Status::NotFound);
}

#[rocket::async_test]
async fn exported_spreadsheets_never_run_what_someone_typed() {
    let t = TestApp::new().await;
    let (court, anna, _) = crate::payments::club(&t).await;
    let evil = "=HYPERLINK(\"http://evil.example\",\"Open\")";
    let made = t.submit("/members/new", "/members", &[("full_name", evil), ("notes", "@SUM(A1:A9)")]).await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let adjust = t
        .submit(
            &format!("/accounts/{anna}"),
            &format!("/accounts/{anna}/adjust"),
            &[("amount", "50"), ("reason", "-2+3+cmd|' /C calc'!A0")],
        )
        .await;
    assert_eq!(adjust.status, Status::SeeOther, "{}", adjust.body);
    t.submit("/cash", "/cash/open", &[("amount", "0")]).await;
    let booking = crate::payments::book(&t, &court, &anna, "2026-11-30", "10:00").await;
    let paid = crate::payments::pay(&t, &booking, "1000", "cash", "", "+SUM(1+1)*cmd").await;
    assert_eq!(paid.status, Status::SeeOther, "{}", paid.body);
    let sms = courtside::commands::AnyCommand::SendSms(courtside::sms::commands::SendSms {
        message_id: uuid::Uuid::now_v7().to_string(),
        member_id: None,
        phone: Some("+79160000000".into()),
        text: "=1+1 see you".into(),
        kind: courtside::sms::model::Kind::Test,
    });
    let owner = courtside::core::Actor::Staff {
        id: t.user_id("olga").await,
        name: "olga".into(),
        role: courtside::core::Role::Owner,
    };
    t.app.run(owner, sms).await.unwrap();

    for (path, typed) in [
        ("/members/export.csv".to_owned(), evil),
        ("/members/export.csv".to_owned(), "@SUM(A1:A9)"),
        (format!("/accounts/{anna}/statement.csv"), "-2+3+cmd|' /C calc'!A0"),
        ("/reports/payments.csv?from=2026-11-29&to=2026-12-31".to_owned(), "+SUM(1+1)*cmd"),
        ("/sms/report.csv".to_owned(), "=1+1 see you"),
    ] {
        let csv = t.get(&path).await;
        assert_eq!(csv.status, Status::Ok, "{path}");
        assert!(csv.body.starts_with('\u{feff}'), "{path}: a byte-order mark for spreadsheets");
        let cells: Vec<String> = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        assert!(cells.contains(&format!("'{typed}")), "{path}: {typed} is written as text: {cells:?}");
        assert!(
            !cells.iter().any(|c| c.starts_with(['=', '+', '@']) && c.parse::<f64>().is_err()),
            "{path}: {cells:?}"
        );
    }
}

#[rocket::async_test]
async fn odd_input_gets_a_clear_answer_never_a_server_error() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let token = t.api_token("olga").await;
    // A return address with a space or a control character.
    for next in ["/a%20b", "/a%01b", "/members?q=%D0%98"] {
        let switched = t.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(switched.status, Status::SeeOther, "{next}");
    }
    t.logout().await;
    let back = t
        .submit(
            "/login",
            "/login",
            &[("username", "olga"), ("password", OWNER_PASSWORD), ("next", "/members?q=a b\u{1}")],
        )
        .await;
    assert_eq!(back.status, Status::SeeOther, "{}", back.body);
    assert_eq!(back.location.as_deref(), Some("/members?q=a%20b"), "the control character is dropped");

    // NUL and direction overrides never reach the database.
    let made = t.submit("/members/new", "/members", &[("full_name", "\u{202e}htimS\u{0} annA")]).await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let api = t
        .api(
            rocket::http::Method::Post,
            "/api/v1/members",
            &token,
            Some(r#"{"full_name":"Boris\u0000 \u2066Petrov"}"#),
            None,
        )
        .await;
    assert_eq!(api.json()["full_name"], "Boris Petrov", "{}", api.body);
    assert_eq!(
        t.count(
            "SELECT count(*) FROM members WHERE instr(full_name, char(0)) OR full_name LIKE '%' || char(8238) || '%'"
        )
        .await,
        0
    );
    assert_eq!(t.count("SELECT count(*) FROM members WHERE full_name = 'htimS annA'").await, 1);

    // "1,5,5" is not 15.50.
    let account = made.location.unwrap().replace("/members/", "/accounts/");
    let top_up = t.submit(&account, &format!("{account}/top-up"), &[("amount", "1,5,5"), ("method", "card")]).await;
    assert_eq!(top_up.status, Status::UnprocessableEntity, "{}", top_up.body);
    assert!(top_up.has("Enter an amount"), "{}", top_up.body);

    // Year 0000 is not a day anyone books.
    let court = t.api(rocket::http::Method::Post, "/api/v1/courts", &token, Some(r#"{"name":"Court 1"}"#), None).await;
    let anna = api.json()["id"].as_str().unwrap().to_owned();
    let court = court.json()["id"].as_str().unwrap().to_owned();
    let body = format!(r#"{{"court_id":"{court}","member_id":"{anna}","start":"0000-03-01T10:00","minutes":60}}"#);
    let ancient = t.api(rocket::http::Method::Post, "/api/v1/bookings", &token, Some(&body), None).await;
    assert_eq!(ancient.status, Status::UnprocessableEntity, "{}", ancient.body);
    assert_eq!(ancient.json()["detail"], "Choose a date between 2000 and 2099.");

    // Limits out of range are refused, not quietly bent.
    for limit in ["-5", "0", "100000", "many"] {
        let list =
            t.api(rocket::http::Method::Get, &format!("/api/v1/members?limit={limit}"), &token, None, None).await;
        assert_eq!(list.status, Status::UnprocessableEntity, "{limit}: {}", list.body);
        assert_eq!(list.json()["field"], "limit");
    }
    assert_eq!(t.get("/audit?page=9223372036854775807").await.status, Status::Ok);
    assert_eq!(t.get("/audit?page=-3").await.status, Status::Ok);
}
