//! The manager's reports: occupancy and revenue on the page (SVG charts and tables), as CSV and
//! as XLSX, for managers only.

use rocket::http::Status;

use crate::payments::{book, club, pay};
use crate::support::{Cell, TestApp, xlsx_sheet};

#[rocket::async_test]
async fn occupancy_and_revenue_show_what_was_booked_and_paid() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await; // one court, open 07:00–23:00, 1000 an hour
    let monday = book(&t, &court, &anna, "2026-11-30", "10:00").await;
    let tuesday = book(&t, &court, &boris, "2026-12-01", "18:00").await;
    let cancelled = book(&t, &court, &boris, "2026-12-01", "20:00").await;
    let url = format!("/bookings/{cancelled}");
    let gone = t.submit(&url, &format!("{url}/cancel"), &[("reason", "rain")]).await;
    assert_eq!(gone.status, Status::SeeOther, "{}", gone.body);
    assert_eq!(t.submit("/cash", "/cash/open", &[("amount", "500")]).await.status, Status::SeeOther);
    assert_eq!(pay(&t, &monday, "1000", "cash", &anna, "").await.status, Status::SeeOther);
    assert_eq!(pay(&t, &tuesday, "1000", "card", &boris, "").await.status, Status::SeeOther);
    let top_up = t
        .submit(
            &format!("/accounts/{anna}"),
            &format!("/accounts/{anna}/top-up"),
            &[("amount", "300"), ("method", "cash")],
        )
        .await;
    assert_eq!(top_up.status, Status::SeeOther, "{}", top_up.body);

    // Two hours booked of 32 open (16 a day): the cancelled one does not count.
    let o = t.get("/reports/occupancy?from=2026-11-30&to=2026-12-01").await;
    assert_eq!(o.status, Status::Ok);
    assert!(o.has("<span id=\"occupancy-total\">6%</span>"), "{}", o.body);
    assert!(o.has("<title>Mon 10: 100%</title>") && o.has("<title>Tue 18: 100%</title>"), "{}", o.body);
    assert!(o.has("<title>Tue 20: 0%</title>"), "the cancelled hour stays free");
    assert!(!o.has("<title>Mon 06"), "the club is closed at 6:00");
    assert!(o.has("2 / 32 h"), "{}", o.body);
    let csv = t.get("/reports/occupancy.csv?from=2026-11-30&to=2026-12-01").await;
    assert!(csv.body.contains("Mon 10:00,60,60,100\n") && csv.body.contains("All courts,120,1920,6\n"), "{}", csv.body);
    let (rows, _) = xlsx_sheet(&t.bytes("/reports/occupancy.xlsx?from=2026-11-30&to=2026-12-01").await);
    let total = rows.iter().find(|r| r[0] == Cell::Text("All courts".into())).expect("a total row");
    assert_eq!(total[1..], [120.0, 1920.0, 6.0].map(Cell::Number));

    // Money in: 2300 (the top-up too); earned: the two hours of court rent.
    let r = t.get("/reports/revenue?from=2026-11-29&to=2026-11-29").await;
    assert!(r.has("<span id=\"revenue-money-in\">₽2,300.00</span>"), "{}", r.body);
    assert!(r.has("<span id=\"revenue-earned\">₽2,000.00</span>"), "{}", r.body);
    assert!(
        r.has("<title>Nov 29: Cash: ₽1,300.00</title>") && r.has("<title>Nov 29: Court rent: ₽2,000.00</title>"),
        "{}",
        r.body
    );
    let csv = t.get("/reports/revenue.csv?from=2026-11-29&to=2026-11-29").await;
    assert!(csv.body.contains("2026-11-29,1300,1000,0,0,2300,2000,0,0,0,0,2000\n"), "{}", csv.body);
    let (rows, styles) = xlsx_sheet(&t.bytes("/reports/revenue.xlsx?from=2026-11-29&to=2026-11-29").await);
    assert_eq!(rows[1][1..6], [1300.0, 1000.0, 0.0, 0.0, 2300.0].map(Cell::Number), "{rows:?}");
    assert!(styles.contains("yyyy-mm-dd"), "the period is a date");

    // A receptionist sees neither.
    t.add_staff("rita", "reception", "a-long-password-1").await;
    t.logout().await;
    t.choose_password("rita").await;
    t.login("rita", "rita chose this").await;
    for path in ["/reports/occupancy", "/reports/revenue.csv", "/reports/revenue.xlsx"] {
        assert_eq!(t.get(path).await.status, Status::Forbidden, "{path}");
    }
}

#[rocket::async_test]
async fn cancellations_and_no_shows_name_who_and_what_they_cost() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await; // 29 November, 12:00 in Moscow
    let policy = [("cancel_window_hours", "24"), ("late_cancel_pct", "50"), ("no_show_pct", "100")];
    assert_eq!(t.submit("/prices", "/prices/policy", &policy).await.status, Status::SeeOther);
    let late = book(&t, &court, &anna, "2026-11-29", "18:00").await;
    let missed = book(&t, &court, &boris, "2026-11-29", "13:00").await;
    book(&t, &court, &anna, "2026-11-30", "10:00").await;
    let url = format!("/bookings/{late}");
    let gone = t.submit(&url, &format!("{url}/cancel"), &[("reason", "ill"), ("confirmed", "true")]).await;
    assert_eq!(gone.status, Status::SeeOther, "{}", gone.body);
    t.advance(jiff::SignedDuration::from_hours(2));
    let url = format!("/bookings/{missed}");
    let no_show = t.submit(&url, &format!("{url}/attendance"), &[("status", "no_show")]).await;
    assert_eq!(no_show.status, Status::SeeOther, "{}", no_show.body);

    let page = t.get("/reports/cancellations?from=2026-11-29&to=2026-11-30").await;
    assert_eq!(page.status, Status::Ok);
    let total = "Booked: <strong>3</strong> · Cancelled: <strong>1</strong> · No-shows: <strong>1</strong> · Lost: <strong>67%</strong> · Fees: <strong>₽1,500.00</strong>";
    assert!(page.has(total), "{}", page.body);
    assert!(
        page.has("<title>18:00: Cancelled: 1</title>") && page.has("<title>13:00: No-shows: 1</title>"),
        "{}",
        page.body
    );
    let boris_row = format!(
        "<a href=\"/members/{boris}\">Boris Petrov</a></td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">100%</td><td class=\"num\">₽1,000.00</td>"
    );
    assert!(page.has(&boris_row), "{}", page.body);
    // The chart's figures are in a table too.
    let six_pm = "<tr><td>18:00</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">100%</td></tr>";
    assert!(page.has(six_pm), "{}", page.body);
    let csv = t.get("/reports/cancellations.csv?from=2026-11-29&to=2026-11-30").await;
    assert!(
        csv.body.contains("Boris Petrov,1,0,1,100,1000\nAnna Smith,2,1,0,50,500\n"),
        "the costliest first: {}",
        csv.body
    );
    let (rows, _) = xlsx_sheet(&t.bytes("/reports/cancellations.xlsx?from=2026-11-29&to=2026-11-30").await);
    assert_eq!(
        rows[2],
        [
            Cell::Text("Anna Smith".into()),
            Cell::Number(2.0),
            Cell::Number(1.0),
            Cell::Number(0.0),
            Cell::Number(50.0),
            Cell::Number(500.0)
        ]
    );
}

#[rocket::async_test]
async fn members_are_new_active_or_lapsed() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await; // 29 November 2026
    book(&t, &court, &anna, "2026-11-29", "13:00").await;
    t.advance(jiff::SignedDuration::from_hours(24 * 70)); // 7 February 2027
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let boris: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM members WHERE full_name = 'Boris Petrov'", [], |r| r.get(0))?))
        .await
        .unwrap();
    book(&t, &court, &boris, "2027-02-07", "18:00").await;
    let dmitri = t.submit("/members/new", "/members", &[("full_name", "Dmitri Orlov")]).await;
    assert_eq!(dmitri.status, Status::SeeOther);
    // At noon, Boris's booking for tonight is not a visit yet; at 20:00 it is.
    let noon = t.get("/reports/members?from=2027-01-01&to=2027-02-07&weeks=8").await;
    assert!(noon.has("Active: <strong>0</strong>"), "{}", noon.body);
    t.advance(jiff::SignedDuration::from_hours(8));
    t.login("olga", crate::support::OWNER_PASSWORD).await;

    let page = t.get("/reports/members?from=2027-01-01&to=2027-02-07&weeks=8").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.has("New: <strong>1</strong> · Active: <strong>1</strong> · Lapsed: <strong>1</strong>"),
        "{}",
        page.body
    );
    assert!(page.has("Not seen for 8 weeks") && page.has("value=\"8\""), "{}", page.body);
    assert!(
        page.has(&format!("<a href=\"/members/{anna}\">Anna Smith</a></td><td class=\"num\">29 November 2026</td>"))
    );
    let csv = t.get("/reports/members.csv?from=2027-01-01&to=2027-02-07&weeks=8").await;
    let want = "Boris Petrov,,2026-11-29,1,60,2027-02-07,Active\nDmitri Orlov,,2027-02-07,0,0,,New\nAnna Smith,,2026-11-29,0,0,2026-11-29,Lapsed\n";
    assert!(csv.body.contains(want), "{}", csv.body);
    // Twelve weeks back, Anna has not lapsed yet.
    let longer = t.get("/reports/members?from=2027-01-01&to=2027-02-07&weeks=12").await;
    assert!(longer.has("Lapsed: <strong>0</strong>"), "{}", longer.body);
}

/// A club with nothing in it yet: every report says so on its page, and its CSV and XLSX hold
/// the headings only. In Russian, the pages say it in Russian and the downloads' headings are
/// Russian, the same in the CSV as in the XLSX.
#[rocket::async_test]
async fn an_empty_clubs_reports_say_there_is_nothing_yet() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let period = "from=2026-11-01&to=2026-11-30";
    let reports = [
        ("occupancy", "No court was open in this period.", "В этот период ни один корт не работал."),
        ("cancellations", "Nothing yet.", "Пока ничего."),
        ("members", "Nothing yet.", "Пока ничего."),
        ("coaching", "No group session was held in this period.", "В этот период занятий групп не было."),
        ("sms", "Nothing yet.", "Пока ничего."),
        ("coach-pay", "No coaches yet.", "Тренеров пока нет."),
        ("revenue", "", ""),
    ];
    let mut english = Vec::new();
    for (report, nothing, _) in reports {
        let page = t.get(&format!("/reports/{report}?{period}")).await;
        assert_eq!(page.status, Status::Ok, "{report}: {}", page.body);
        assert!(page.has(nothing), "{report}: {}", page.body);
        assert!(!page.has("id=\"period-changed\""), "{report}: {}", page.body);
        // Days other than those asked for are said, never shown silently.
        let long = t.get(&format!("/reports/{report}?from=2020-01-01&to=2026-11-30")).await;
        assert!(long.has("A report covers a year at most") && long.has("value=\"2021-01-01\""), "{report}");
        let reversed = t.get(&format!("/reports/{report}?from=2026-11-30&to=2026-11-01")).await;
        assert!(reversed.has("The period ended before it began"), "{report}: {}", reversed.body);
        english.push(headings(&t, report, period).await);
    }
    let saved = t.submit("/profile", "/profile/language", &[("locale", "ru")]).await;
    assert_eq!(saved.status, Status::SeeOther);
    for ((report, _, nothing), english) in reports.into_iter().zip(english) {
        assert!(t.get(&format!("/reports/{report}?{period}")).await.has(nothing), "{report}");
        let russian = headings(&t, report, period).await;
        let long = t.get(&format!("/reports/{report}?from=2020-01-01&to=2026-11-30")).await;
        assert!(long.has("Отчёт охватывает не больше года"), "{report}: {}", long.body);
        assert_ne!(russian, english, "{report}");
        let cyrillic = |h: &String| h.chars().any(|c| ('\u{0400}'..='\u{04ff}').contains(&c));
        assert!(russian.iter().any(cyrillic), "{report}: {russian:?}");
    }
}

/// The CSV's headings, checked to be the XLSX's first row.
async fn headings(t: &TestApp, report: &str, period: &str) -> Vec<String> {
    let csv = t.get(&format!("/reports/{report}.csv?{period}")).await;
    assert_eq!(csv.status, Status::Ok, "{report}.csv");
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let first: Vec<String> = reader.headers().expect("headings").iter().map(str::to_owned).collect();
    let (rows, _) = xlsx_sheet(&t.bytes(&format!("/reports/{report}.xlsx?{period}")).await);
    let texts: Vec<String> = rows[0]
        .iter()
        .map(|c| match c {
            Cell::Text(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(first, texts, "{report}");
    first
}
