//! What staff do: set up the club, log in, manage accounts, log out, in English and Russian.

use jiff::SignedDuration;
use rocket::http::Status;

use crate::support::{OWNER_PASSWORD, TestApp};

#[rocket::async_test]
async fn setup_login_staff_management_logout() {
    let t = TestApp::new().await;
    // Before setup, every page leads to the login page, which explains where the setup link is.
    let home = t.get("/").await;
    assert_eq!(home.status, Status::SeeOther);
    assert_eq!(home.location.as_deref(), Some("/login?next=%2F"));
    assert!(t.get("/login").await.has("There is no staff account yet"));

    // The setup page creates the owner and logs them in.
    let done = t.setup_owner().await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/"));
    let home = t.get("/").await;
    assert!(home.has("Hello, Olga Owner"), "{}", home.body);
    assert!(home.has("The owner account is ready"));
    assert!(t.app.setup_token().is_none(), "the setup link works once");

    // The owner adds a receptionist.
    let staff_url = t.add_staff("rita", "reception", "first password 9").await;
    let page = t.get(&staff_url).await;
    assert!(page.has("Account rita created"), "{}", page.body);
    assert!(t.get("/staff").await.has("rita"));

    // Logout ends the session.
    let out = t.logout().await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(t.get("/staff").await.status, Status::SeeOther);

    // The receptionist logs in and must choose their own password first.
    let login = t.login("rita", "first password 9").await;
    assert_eq!(login.location.as_deref(), Some("/profile"));
    let blocked = t.get("/").await;
    assert_eq!(blocked.location.as_deref(), Some("/profile"), "nothing else until the password is changed");
    let changed = t
        .submit(
            "/profile",
            "/profile/password",
            &[("current", "first password 9"), ("password", "rita's own secret"), ("confirm", "rita's own secret")],
        )
        .await;
    assert_eq!(changed.location.as_deref(), Some("/"), "{}", changed.body);
    let home = t.get("/").await;
    assert!(home.has("Hello, rita") && home.has("Reception"), "{}", home.body);
    assert!(!home.has("href=\"/staff\""), "reception sees no staff menu");

    // The old password no longer works; the new one does.
    t.logout().await;
    assert_eq!(t.login("rita", "first password 9").await.status, Status::Unauthorized);
    assert_eq!(t.login("rita", "rita's own secret").await.status, Status::SeeOther);
}

#[rocket::async_test]
async fn the_interface_speaks_russian() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    // The owner switches their language; the whole interface follows.
    let saved = t.submit("/profile", "/profile/language", &[("locale", "ru")]).await;
    assert_eq!(saved.status, Status::SeeOther);
    let profile = t.get("/profile").await;
    assert!(profile.has("Язык сохранён."), "{}", profile.body);
    assert!(profile.has("lang=\"ru\""));
    let home = t.get("/").await;
    assert!(home.has("Здравствуйте, Olga Owner") && home.has("Сотрудники") && home.has("Владелец"), "{}", home.body);
    // Dates use the Russian pattern, in the club's time zone (Moscow: 09:00Z is 12:00).
    assert!(home.has("29.11.2026"), "{}", home.body);

    // A visitor who is not logged in picks Russian on the login page.
    t.logout().await;
    let switch = t.get("/lang/ru?next=/login").await;
    assert_eq!(switch.location.as_deref(), Some("/login"));
    let login = t.get("/login").await;
    assert!(login.has("Вход для сотрудников") && login.has("Логин"), "{}", login.body);
    let wrong = t.login("olga", "not the password").await;
    assert!(wrong.has("Неверный логин или пароль, или учётная запись отключена."), "{}", wrong.body);
}

#[rocket::async_test]
async fn managers_change_roles_disable_and_reset() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let url = t.add_staff("coachkate", "coach", "kate first pass").await;
    let id = url.trim_start_matches("/staff/").to_owned();

    let role = t.submit(&url, &format!("{url}/role"), &[("role", "manager")]).await;
    assert_eq!(role.status, Status::SeeOther, "{}", role.body);
    assert!(t.get(&url).await.has("Manager"));

    let reset = t.submit(&url, &format!("{url}/password"), &[("password", "short")]).await;
    assert_eq!(reset.status, Status::UnprocessableEntity);
    assert!(reset.has("at least 10 characters"));

    let disabled = t.submit(&url, &format!("{url}/active"), &[("active", "false")]).await;
    assert_eq!(disabled.status, Status::SeeOther);
    assert!(t.get(&url).await.has("Account disabled"));
    t.logout().await;
    // Refused exactly as a wrong password is, so nobody learns whether it was right.
    let login = t.login("coachkate", "kate first pass").await;
    assert_eq!(login.status, Status::Unauthorized);
    assert!(login.has("Wrong username or password, or the account is disabled."), "{}", login.body);

    // The audit log lists every one of these commands with who did it.
    t.login("olga", OWNER_PASSWORD).await;
    let audit = t.get("/audit?kind=set_staff_active").await;
    assert!(audit.has("Staff account enabled/disabled") && audit.has("<td>Olga Owner</td>"), "{}", audit.body);
    // "Who" finds her by username or by name, in any case.
    for who in ["olga", "olga owner"] {
        let found = t.get(&format!("/audit?kind=set_staff_active&actor={}", who.replace(' ', "+"))).await;
        assert!(found.has("<td>Olga Owner</td>"), "{who}: {}", found.body);
    }
    assert!(!t.get("/audit?kind=set_staff_active&actor=kate").await.has("<td>Olga Owner</td>"));
    assert!(audit.has("coachkate"), "the summary names the account, not its id: {}", audit.body);
    assert!(!audit.has(&id));
}

#[rocket::async_test]
async fn the_last_owner_cannot_be_removed() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let url = t.add_staff("otto", "owner", "second owner pw").await;
    // Two owners: one may disable the other...
    let ok = t.submit(&url, &format!("{url}/active"), &[("active", "false")]).await;
    assert_eq!(ok.status, Status::SeeOther);
    // ...but not themselves, and never the last one.
    let my_url = t.user_id("olga").await;
    let own = t.submit(&format!("/staff/{my_url}"), &format!("/staff/{my_url}/active"), &[("active", "false")]).await;
    assert_eq!(own.status, Status::UnprocessableEntity);
    assert!(own.has("You cannot do this to your own account."), "{}", own.body);
}

#[rocket::async_test]
async fn sessions_expire_when_idle() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    assert_eq!(t.get("/").await.status, Status::Ok);
    t.advance(SignedDuration::from_mins(239));
    assert_eq!(t.get("/").await.status, Status::Ok, "still within the idle limit");
    t.advance(SignedDuration::from_mins(241));
    let expired = t.get("/").await;
    assert_eq!(expired.status, Status::SeeOther);
    assert!(expired.location.unwrap().starts_with("/login"));
    assert_eq!(t.count("SELECT count(*) FROM sessions").await, 0, "the expired session is deleted");
}

#[rocket::async_test]
async fn sessions_end_after_the_absolute_limit_however_busy() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    for _ in 0..25 {
        t.advance(SignedDuration::from_mins(59));
        if t.get("/").await.status != Status::Ok {
            return;
        }
    }
    panic!("a session used every hour never expired");
}
