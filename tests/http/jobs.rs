//! Scheduled jobs, called directly with the fixed clock (the scheduler only decides when).

use jiff::SignedDuration;

use crate::support::TestApp;

fn nightly(t: &TestApp) -> Vec<String> {
    let dir = t.app.config.backup_dir();
    courtside::db::backup::list(&dir)
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .filter(|n| n.starts_with("nightly-"))
        .collect()
}

#[rocket::async_test]
async fn the_nightly_backup_runs_once_a_day_after_its_hour_and_keeps_a_week() {
    let t = TestApp::new().await;
    // 09:00Z is 12:00 in Moscow (the club's zone): past the 03:00 backup hour.
    courtside::jobs::nightly_backup(&t.app).await.unwrap();
    assert_eq!(nightly(&t).len(), 1);
    t.advance(SignedDuration::from_mins(15));
    courtside::jobs::nightly_backup(&t.app).await.unwrap();
    assert_eq!(nightly(&t).len(), 1, "once a day");

    // 22:00Z is 01:00 the next day in Moscow: before the hour, nothing yet.
    t.clock.set("2026-11-29T22:00:00Z".parse().unwrap());
    courtside::jobs::nightly_backup(&t.app).await.unwrap();
    assert_eq!(nightly(&t).len(), 1);
    t.advance(SignedDuration::from_hours(2));
    courtside::jobs::nightly_backup(&t.app).await.unwrap();
    assert_eq!(nightly(&t).len(), 2, "03:00 Moscow has passed");

    // Forty nights later, retention keeps 7 daily and 4 weekly copies at most.
    for _ in 0..40 {
        t.advance(SignedDuration::from_hours(24));
        courtside::jobs::nightly_backup(&t.app).await.unwrap();
    }
    let kept = nightly(&t).len();
    assert!((7..=11).contains(&kept), "kept {kept}");
    // Every backup is a database this binary can restore.
    let newest = courtside::db::backup::list(&t.app.config.backup_dir()).unwrap().remove(0);
    assert_eq!(courtside::db::backup::verify(&newest.path).unwrap(), courtside::db::migrate::latest());
}

#[rocket::async_test]
async fn expired_sessions_are_swept() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    assert_eq!(t.count("SELECT count(*) FROM sessions").await, 1);
    t.advance(SignedDuration::from_hours(5));
    courtside::jobs::expire_sessions(&t.app).await.unwrap();
    assert_eq!(t.count("SELECT count(*) FROM sessions").await, 0);
}

#[rocket::async_test]
async fn the_owner_lists_and_downloads_backups() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    courtside::jobs::nightly_backup(&t.app).await.unwrap();
    let name = nightly(&t).remove(0);
    let page = t.get("/backups").await;
    assert!(page.has(&name) && page.has("Nightly"), "{}", page.body);
    let file = t.client.get(format!("/backups/{name}")).dispatch().await;
    assert_eq!(file.status(), rocket::http::Status::Ok);
    assert!(file.headers().get_one("Content-Disposition").unwrap().contains(&name));
    assert!(file.into_bytes().await.unwrap().starts_with(b"SQLite format 3\0"));
    assert_eq!(t.get("/backups/..%2Fcourtside.db").await.status, rocket::http::Status::NotFound);
    assert_eq!(t.get("/backups/secret.key").await.status, rocket::http::Status::NotFound);

    // "Back up now" makes a manual backup, which "Download the latest" then offers.
    t.advance(jiff::SignedDuration::from_mins(5));
    let made = t.submit("/backups", "/backups/now", &[]).await;
    assert_eq!(made.status, rocket::http::Status::SeeOther, "{}", made.body);
    let page = t.get("/backups").await;
    assert!(page.has("Backup manual-") && page.has("Manual"), "{}", page.body);
    let latest = page.body.split("id=\"backup-latest\" href=\"/backups/").nth(1).unwrap().split('"').next().unwrap();
    assert!(latest.starts_with("manual-"), "{latest}");
    assert!(page.has("courtside restore --data"), "restoring is explained");

    t.add_staff("max", "manager", "max first pass1").await;
    t.logout().await;
    t.login("max", "max first pass1").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "max first pass1"), ("password", "max new password"), ("confirm", "max new password")],
    )
    .await;
    assert_eq!(t.get("/backups").await.status, rocket::http::Status::Forbidden);
    assert_eq!(t.submit("/", "/backups/now", &[]).await.status, rocket::http::Status::Forbidden);
}
