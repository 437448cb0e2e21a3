//! The manager's start page: today at a glance, each figure linking to its list; the desk sees
//! its lists without the figures.

use crate::bookings::club;
use crate::support::{TestApp, book_as_desk};

#[rocket::async_test]
async fn a_manager_sees_the_day_at_a_glance() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    let price = [("name", "All day"), ("from", "00:00"), ("to", "24:00"), ("per_hour", "1000"), ("active", "on")];
    assert_eq!(t.submit("/prices/new", "/prices", &price).await.location.as_deref(), Some("/prices"));
    // 12:00 in Moscow now: Ivan plays on court 1 (unpaid), nobody on court 2.
    book_as_desk(&t, &c1, &ivan, "2026-11-29", "12:00", 60).await;
    let owes = t
        .submit(
            &format!("/accounts/{anna}"),
            &format!("/accounts/{anna}/adjust"),
            &[("amount", "-250"), ("reason", "racket")],
        )
        .await;
    assert_eq!(owes.status, rocket::http::Status::SeeOther, "{}", owes.body);
    let home = t.get("/").await;
    let figure = |id: &str| {
        let at = home.body.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no {id}: {}", home.body));
        let rest = &home.body[at..];
        rest[..rest.find("</a>").unwrap()].to_owned()
    };
    assert!(figure("dash-in-use").contains("1 of 2"), "{}", figure("dash-in-use"));
    assert!(
        figure("dash-in-use").contains("href=\"#courts-now\"") || home.has("href=\"#courts-now\" id=\"dash-in-use\"")
    );
    assert!(figure("dash-unpaid").contains(">1</span>"), "{}", figure("dash-unpaid"));
    assert!(
        figure("dash-debtors").contains(">1</span>") && figure("dash-debtors").contains("₽250.00"),
        "{}",
        figure("dash-debtors")
    );
    assert!(figure("dash-sms").contains(">0</span>"));
    // The figure opens the SMS report on the same seven days.
    assert!(home.has("href=\"/sms/report?from=2026-11-23&amp;to=2026-11-29\" id=\"dash-sms\""), "{}", home.body);
    assert!(figure("dash-debtors").contains("member in debt"), "one member: {}", figure("dash-debtors"));
    assert!(figure("dash-till").contains("—"), "no shift open");
    // One hour booked of two courts open 07:00–23:00.
    assert!(figure("dash-occupancy").contains(">3%<"), "{}", figure("dash-occupancy"));
    assert!(home.has("href=\"/reports#debtors\"") && t.get("/reports").await.has("id=\"debtors\""));

    let desk = t.add_staff("rita", "reception", "a-long-password-1").await;
    assert!(desk.starts_with("/staff/"));
    t.logout().await;
    t.choose_password("rita").await;
    t.login("rita", "rita chose this").await;
    let hers = t.get("/").await;
    assert!(hers.has("id=\"courts-now\"") && !hers.has("id=\"glance\""), "{}", hers.body);
}
