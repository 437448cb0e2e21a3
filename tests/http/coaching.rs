//! Coaches: a manager gives a staff account a coach's profile; lessons name their coach, show in
//! the coach's colour on the grid and cost the coach's fee on top of court rent; a coach is never
//! in two lessons at once, whatever the race; a coach sees their own lessons.

use rocket::futures::future::join_all;
use rocket::http::{ContentType, Status};

use crate::bookings::club;
use crate::support::{Cell, OWNER_PASSWORD, Page, TestApp, xlsx_sheet};

/// A coach's profile for a new staff account `username`; the account's id.
pub async fn coach(t: &TestApp, username: &str, name: &str, colour: &str) -> String {
    let staff = t.add_staff(username, "coach", "a-long-password-1").await;
    let id = staff.trim_start_matches("/staff/").to_owned();
    let fields = [
        ("coach_id", id.as_str()),
        ("name", name),
        ("colour", colour),
        ("lesson_fee", "500"),
        ("pay_per_hour", "800"),
        ("active", "on"),
    ];
    let saved = t.submit("/coaches/new", "/coaches", &fields).await;
    assert_eq!(saved.location.as_deref(), Some("/coaches"), "{}", saved.body);
    id
}

async fn lesson(t: &TestApp, court: &str, member: &str, coach: &str, start: &str) -> Page {
    with_coach(t, "lesson", court, member, coach, start).await
}

/// A booking of `kind` on 30 November for an hour with `coach`, through the booking form.
async fn with_coach(t: &TestApp, kind: &str, court: &str, member: &str, coach: &str, start: &str) -> Page {
    let form = format!("/bookings/new?court={court}&date=2026-11-30&start={start}");
    let fields = [
        ("court_id", court),
        ("date", "2026-11-30"),
        ("start", start),
        ("minutes", "60"),
        ("kind", kind),
        ("booker_id", member),
        ("coach_id", coach),
    ];
    t.submit(&form, "/bookings", &fields).await
}

#[rocket::async_test]
async fn a_coachs_lessons_show_on_the_grid_and_on_the_coachs_own_page() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, anna) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let orlov = coach(&t, "orlov", "Boris Orlov", "#c62828").await;
    let list = t.get("/coaches").await;
    assert!(list.has("Anna Petrova") && list.has("Boris Orlov") && list.has("₽500.00"), "{}", list.body);

    assert_eq!(lesson(&t, &c1, &ivan, &petrova, "18:00").await.status, Status::SeeOther);
    assert_eq!(lesson(&t, &c2, &anna, &orlov, "20:00").await.status, Status::SeeOther);
    let busy = lesson(&t, &c2, &anna, &petrova, "18:30").await;
    assert_eq!(busy.status, Status::UnprocessableEntity);
    assert!(busy.has("Anna Petrova already has a lesson 18:00–19:00"), "{}", busy.body);

    let grid = t.get("/grid?date=2026-11-30").await;
    assert!(grid.has("--coach: #6a1b9a") && grid.has("<span class=\"c\">Anna Petrova</span>"), "{}", grid.body);
    let of = |coach: String| {
        t.app.db.read(move |c| Ok(c.query_row("SELECT id FROM bookings WHERE coach_id = ?1", [coach], |r| r.get(0))?))
    };
    let id: String = of(petrova.clone()).await.unwrap();
    let orlovs: String = of(orlov.clone()).await.unwrap();
    let show = t.get(&format!("/bookings/{id}")).await;
    assert!(show.has("id=\"coach\">Anna Petrova"), "{}", show.body);
    let lookup = id.clone();
    let price: i64 = t
        .app
        .db
        .read(move |c| Ok(c.query_row("SELECT price FROM bookings WHERE id = ?1", [lookup], |r| r.get(0))?))
        .await
        .unwrap();
    assert_eq!(price, 50_000, "no court rent in this club, the coach's 500 an hour");

    // The coach signs in: their own week, never another coach's lessons or the managers' page.
    t.logout().await;
    t.choose_password("petrova").await;
    t.login("petrova", "petrova chose this").await;
    let mine = t.get("/coach?from=2026-11-30").await;
    assert!(mine.has("Anna Petrova") && mine.has("18:00–19:00") && mine.has("Иванов Пётр"), "{}", mine.body);
    assert!(!mine.has("Anna Smith"), "Boris Orlov's lesson is not hers: {}", mine.body);
    assert_eq!(t.get("/coaches").await.status, Status::Forbidden);
    assert_eq!(t.get("/").await.location.as_deref(), Some("/coach"), "a coach starts on their own week");
    let own = t.get(&format!("/bookings/{id}")).await;
    assert_eq!(own.status, Status::Ok, "her own lesson");
    // Her lesson's page links only where she may go: back to her week, not to the grid or members.
    assert!(own.has("href=\"/coach\"") && own.has("Иванов Пётр"), "{}", own.body);
    assert!(!own.has("href=\"/grid") && !own.has("href=\"/members/"), "{}", own.body);
    assert_eq!(t.get(&format!("/bookings/{orlovs}")).await.status, Status::NotFound, "not another coach's");
    for page in [
        "/grid?date=2026-11-30",
        "/grid/fragment?date=2026-11-30",
        "/grid/print?date=2026-11-30",
        "/members",
        "/series/x",
    ] {
        assert_eq!(t.get(page).await.status, Status::Forbidden, "{page}");
    }
    let week = format!("/grid/week?court={c1}&date=2026-11-30");
    assert_eq!(t.get(&week).await.status, Status::Forbidden);
    t.logout().await;
    t.login("olga", OWNER_PASSWORD).await;
    let token = t.api_token("petrova").await;
    let (own, other) = (format!("/api/v1/bookings/{id}"), format!("/api/v1/bookings/{orlovs}"));
    assert_eq!(t.api(rocket::http::Method::Get, &own, &token, None, None).await.status, Status::Ok);
    assert_eq!(t.api(rocket::http::Method::Get, &other, &token, None, None).await.status, Status::NotFound);
    let none = t.get("/coach").await;
    assert!(none.has("Your account has no coach&#39;s profile"), "{:?} {}", none.status, none.body);
}

#[rocket::async_test]
async fn fifty_requests_for_one_coach_make_one_lesson() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let form = t.get(&format!("/bookings/new?court={c1}&date=2026-11-30&start=18:00")).await;
    let csrf = form.hidden("csrf");
    let requests = (0..50).map(|i| {
        let body = crate::support::encode(&[
            ("csrf", &csrf),
            ("command_id", &uuid::Uuid::now_v7().to_string()),
            ("court_id", if i % 2 == 0 { &c1 } else { &c2 }),
            ("date", "2026-11-30"),
            ("start", if i % 4 < 2 { "18:00" } else { "18:30" }),
            ("minutes", "60"),
            ("kind", "lesson"),
            ("booker_id", &ivan),
            ("coach_id", &petrova),
        ]);
        t.client.post("/bookings").header(ContentType::Form).body(body).dispatch()
    });
    let responses = join_all(requests).await;
    let won = responses.iter().filter(|r| r.status() == Status::SeeOther).count();
    assert_eq!(won, 1, "two courts, one coach: one lesson");
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status <> 'cancelled'").await, 1);
}

#[rocket::async_test]
async fn a_coach_profile_form_keeps_what_was_typed_when_it_is_wrong() {
    let t = TestApp::new().await;
    club(&t).await;
    let staff = t.add_staff("vera", "coach", "a-long-password-1").await;
    let id = staff.trim_start_matches("/staff/").to_owned();
    let fields =
        [("coach_id", id.as_str()), ("name", " "), ("colour", "#2e7d32"), ("lesson_fee", "five"), ("active", "on")];
    let wrong = t.submit("/coaches/new", "/coaches", &fields).await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.has("value=\"five\""), "{}", wrong.body);
    let no_name =
        [("coach_id", id.as_str()), ("name", " "), ("colour", "#2e7d32"), ("lesson_fee", "5"), ("active", "on")];
    assert!(t.submit("/coaches/new", "/coaches", &no_name).await.has("Enter the name members see."));
    assert_eq!(t.count("SELECT count(*) FROM coaches").await, 0);
}

/// A coach marks who came to their own lessons once they have begun, never to another's.
#[rocket::async_test]
async fn a_coach_marks_attendance_of_their_own_lessons() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, anna) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let orlov = coach(&t, "orlov", "Boris Orlov", "#c62828").await;
    assert_eq!(lesson(&t, &c1, &ivan, &petrova, "18:00").await.status, Status::SeeOther);
    assert_eq!(lesson(&t, &c2, &anna, &orlov, "18:00").await.status, Status::SeeOther);
    let of = |coach: String| {
        t.app.db.read(move |c| Ok(c.query_row("SELECT id FROM bookings WHERE coach_id = ?1", [coach], |r| r.get(0))?))
    };
    let (hers, his): (String, String) = (of(petrova).await.unwrap(), of(orlov).await.unwrap());
    t.logout().await;
    t.choose_password("petrova").await;
    t.login("petrova", "petrova chose this").await;
    let mine = t.get("/coach?from=2026-11-30").await;
    assert!(!mine.has("attendance\""), "not before the lesson begins: {}", mine.body);

    t.advance(jiff::SignedDuration::from_hours(31)); // 30 November, 19:00 in Moscow
    t.login("petrova", "petrova chose this").await; // the session ran out meanwhile
    let mark = |id: &str| format!("/coach/lessons/{id}/attendance");
    let came =
        t.submit("/coach?from=2026-11-30", &mark(&hers), &[("status", "checked_in"), ("from", "2026-11-30")]).await;
    assert_eq!(came.location.as_deref(), Some("/coach?from=2026-11-30"), "{}", came.body);
    let theirs =
        t.submit("/coach?from=2026-11-30", &mark(&his), &[("status", "no_show"), ("from", "2026-11-30")]).await;
    assert_eq!(theirs.status, Status::SeeOther);
    let status = |id: String| {
        t.app.db.read(move |c| {
            Ok(c.query_row("SELECT status FROM bookings WHERE id = ?1", [id], |r| r.get::<_, String>(0))?)
        })
    };
    assert_eq!(status(hers).await.unwrap(), "checked_in");
    assert_eq!(status(his).await.unwrap(), "booked", "another coach's lesson is not hers to mark");
}

/// The pay report counts a lesson held (marked or over), not a no-show or one still to come, at
/// the coach's rate per hour; the CSV says the same.
#[rocket::async_test]
async fn the_coach_pay_report_pays_the_lessons_held() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, anna) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    for (court, member, start) in [(&c1, &ivan, "10:00"), (&c2, &anna, "12:00"), (&c1, &anna, "20:00")] {
        assert_eq!(lesson(&t, court, member, &petrova, start).await.status, Status::SeeOther);
    }
    let noon: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM bookings ORDER BY starts_at LIMIT 1 OFFSET 1", [], |r| r.get(0))?))
        .await
        .unwrap();
    t.advance(jiff::SignedDuration::from_hours(25)); // 30 November, 13:00 in Moscow
    t.login("olga", OWNER_PASSWORD).await;
    let missed =
        t.submit(&format!("/bookings/{noon}"), &format!("/bookings/{noon}/attendance"), &[("status", "no_show")]).await;
    assert_eq!(missed.status, Status::SeeOther, "{}", missed.body);
    let report = t.get("/reports/coach-pay?from=2026-11-30&to=2026-11-30").await;
    assert!(report.has("Anna Petrova"), "{}", report.body);
    // 10:00 held (over, unmarked) at 800 an hour; 12:00 a no-show; 20:00 still to come.
    assert!(report.has("<td class=\"num\">1</td><td class=\"num\">1 hour</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">₽800.00</td>"), "{}", report.body);
    let csv = t.get("/reports/coach-pay.csv?from=2026-11-30&to=2026-11-30").await;
    assert!(csv.body.contains("Anna Petrova,1,60,1,0,0,800,\n"), "{}", csv.body);
    // The workbook holds the same figures as numbers, the pay in roubles' format.
    let xlsx = t.bytes("/reports/coach-pay.xlsx?from=2026-11-30&to=2026-11-30").await;
    let (rows, styles) = xlsx_sheet(&xlsx);
    assert_eq!(rows[0][0], Cell::Text("Coach".into()), "{rows:?}");
    let anna = rows.iter().find(|r| r[0] == Cell::Text("Anna Petrova".into())).expect("Anna's row");
    let want = [1.0, 60.0, 1.0, 0.0, 0.0, 800.0].map(Cell::Number);
    assert_eq!(anna[1..], want, "{rows:?}");
    assert!(styles.contains("#,##0.00 &quot;₽&quot;"), "{styles}");

    // The day is not over: it cannot be approved yet. The next day the manager approves it
    // (the 20:00 lesson is over by then too), and the approval stays what it was.
    let day = "/reports/coach-pay?from=2026-11-30&to=2026-11-30";
    assert!(report.has("The period is not over yet") && !report.has("/reports/coach-pay/approve"));
    t.advance(jiff::SignedDuration::from_hours(24));
    t.login("olga", OWNER_PASSWORD).await;
    let fields = [("coach_id", petrova.as_str()), ("from", "2026-11-30"), ("to", "2026-11-30")];
    let approved = t.submit(day, "/reports/coach-pay/approve", &fields).await;
    assert_eq!(approved.location.as_deref(), Some(day), "{}", approved.body);
    let shown = t.get(day).await;
    assert!(shown.has("The coach&#39;s pay is approved."), "{}", shown.body);
    assert!(shown.has("Approved ₽1,600.00 by"), "{}", shown.body);
    let twice = t.submit(day, "/reports/coach-pay/approve", &fields).await;
    assert_eq!(twice.location.as_deref(), Some(day));
    assert!(t.get(day).await.has("is approved already"), "one approval a period");
    let csv = t.get("/reports/coach-pay.csv?from=2026-11-30&to=2026-11-30").await;
    assert!(csv.body.contains("Anna Petrova,2,120,1,0,0,1600,1600\n"), "{}", csv.body);
}

/// "Repeat weekly" on a lesson carries its coach: every date of the series is a lesson with that
/// coach, and the series' page names them.
#[rocket::async_test]
async fn a_weekly_series_of_lessons_keeps_its_coach() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let form = format!("/series/new?court_id={c1}&kind=lesson&date=2026-12-01&start=18:00&coach_id={petrova}");
    let page = t.get(&form).await;
    assert!(page.has(&format!("name=\"coach_id\" value=\"{petrova}\"")), "{}", page.body);
    let fields = [
        ("court_id", c1.as_str()),
        ("weekday", "2"),
        ("start", "18:00"),
        ("minutes", "60"),
        ("first_day", "2026-12-01"),
        ("last_day", "2026-12-15"),
        ("booker_id", ivan.as_str()),
        ("kind", "lesson"),
        ("coach_id", petrova.as_str()),
    ];
    let made = t.submit(&form, "/series", &fields).await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let id: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM series", [], |r| r.get(0))?)).await.unwrap();
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE coach_id IS NOT NULL AND kind = 'lesson'").await, 3);
    assert!(t.get(&format!("/series/{id}")).await.has("id=\"coach\">Anna Petrova"));
}

/// A coach paid a share of revenue: the form takes a whole percentage (and keeps a wrong one),
/// the list says it, and the pay report pays that share of what the lesson was paid.
#[rocket::async_test]
async fn a_coach_paid_a_share_gets_it_of_what_the_lessons_brought_in() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    let petrova = coach(&t, "petrova", "Anna Petrova", "#6a1b9a").await;
    let edit = format!("/coaches/{petrova}");
    let share = |pct: &'static str| {
        [
            ("name", "Anna Petrova"),
            ("colour", "#6a1b9a"),
            ("lesson_fee", "500"),
            ("pay_model", "share"),
            ("pay_per_hour", pct),
            ("active", "on"),
        ]
    };
    let wrong = t.submit(&edit, &edit, &share("150")).await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.has("A share is a whole percentage from 0 to 100.") && wrong.has("value=\"150\""), "{}", wrong.body);
    assert!(wrong.has("<option value=\"share\" selected>"), "the choice is kept: {}", wrong.body);
    assert_eq!(t.submit(&edit, &edit, &share("40")).await.location.as_deref(), Some("/coaches"));
    assert!(t.get("/coaches").await.has("40% of revenue"));

    let made = lesson(&t, &c1, &ivan, &petrova, "10:00").await;
    assert_eq!(made.status, Status::SeeOther, "{}", made.body);
    let booking: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT id FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    assert_eq!(t.submit("/cash", "/cash/open", &[("amount", "0")]).await.status, Status::SeeOther);
    assert_eq!(crate::payments::pay(&t, &booking, "500", "cash", &ivan, "").await.status, Status::SeeOther);
    t.advance(jiff::SignedDuration::from_hours(25)); // 30 November, 13:00: the lesson is over
    t.login("olga", OWNER_PASSWORD).await;
    let report = t.get("/reports/coach-pay?from=2026-11-30&to=2026-11-30").await;
    assert!(report.has("id=\"coach-pay-total\">₽200.00<"), "40% of 500: {}", report.body);
}

/// The profile says where and when a coach works and what a group session pays: the form keeps
/// a wrong time, the list says the hours and both rates, and a lesson outside them is refused in
/// words on the booking form.
#[rocket::async_test]
async fn a_coach_takes_lessons_only_on_their_courts_and_hours() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, _) = club(&t).await;
    let boris = coach(&t, "boris", "Boris", "#283593").await;
    let edit = format!("/coaches/{boris}");
    let hours = |until: &'static str| {
        [
            ("name", "Boris"),
            ("colour", "#283593"),
            ("lesson_fee", "500"),
            ("pay_model", "hour"),
            ("pay_per_hour", "800"),
            ("group_rate", "600"),
            ("court", c1.as_str()),
            ("weekday", "1"),
            ("from", "16:00"),
            ("to", until),
            ("active", "on"),
        ]
    };
    let wrong = t.submit(&edit, &edit, &hours("nine")).await;
    assert_eq!(wrong.status, Status::UnprocessableEntity);
    assert!(wrong.has("Enter a time such as 18:00.") && wrong.has("value=\"nine\""), "{}", wrong.body);
    assert!(wrong.has(&format!("value=\"{c1}\" checked")), "the ticked court is kept: {}", wrong.body);
    assert_eq!(t.submit(&edit, &edit, &hours("21:00")).await.location.as_deref(), Some("/coaches"));
    let list = t.get("/coaches").await;
    assert!(list.has("Mon · 16:00–21:00 · Court 1"), "{}", list.body);
    assert!(list.has("₽800.00 an hour; groups ₽600.00 an hour"), "{}", list.body);

    // 30 November 2026 is a Monday.
    let early = lesson(&t, &c1, &ivan, &boris, "10:00").await;
    assert_eq!(early.status, Status::UnprocessableEntity);
    assert!(early.has("Boris coaches only from 16:00 to 21:00."), "{}", early.body);
    assert!(lesson(&t, &c2, &ivan, &boris, "18:00").await.has("Boris does not coach on this court."));
    // A coach chosen for a game, not a lesson, is said to be wrong rather than dropped.
    let game = with_coach(&t, "play", &c1, &ivan, &boris, "18:00").await;
    assert_eq!(game.status, Status::UnprocessableEntity);
    assert!(game.has("Only a lesson has a coach"), "{}", game.body);
    // The same refusals for a receptionist working in Russian.
    t.submit("/profile", "/profile/language", &[("locale", "ru")]).await;
    assert!(lesson(&t, &c1, &ivan, &boris, "10:00").await.has("Boris работает только с 16:00 до 21:00."));
    assert!(lesson(&t, &c2, &ivan, &boris, "18:00").await.has("Boris не работает на этом корте."));
    assert_eq!(lesson(&t, &c1, &ivan, &boris, "18:00").await.status, Status::SeeOther);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);
}
