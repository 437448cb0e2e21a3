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
