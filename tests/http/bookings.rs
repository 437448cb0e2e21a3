//! The booking grid, bookings and series through the pages.

use rocket::futures::future::join_all;
use rocket::http::{ContentType, Status};

use crate::support::TestApp;

/// Two courts (Moscow club, 07:00–23:00, 30-minute step, 60–180 minutes) and two members.
pub async fn club(t: &TestApp) -> (String, String, String, String) {
    t.setup_owner().await;
    for name in ["Court 1", "Court 2"] {
        let page = t
            .submit(
                "/courts/new",
                "/courts",
                &[("name", name), ("surface", "clay"), ("display_order", "1"), ("active", "on")],
            )
            .await;
        assert_eq!(page.status, Status::SeeOther, "{}", page.body);
    }
    let ids: Vec<String> = t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare("SELECT id FROM courts ORDER BY name")?;
            Ok(s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?)
        })
        .await
        .unwrap();
    let ivan = t
        .submit("/members/new", "/members", &[("full_name", "Иванов Пётр")])
        .await
        .location
        .unwrap()
        .trim_start_matches("/members/")
        .to_owned();
    let anna = t
        .submit("/members/new", "/members", &[("full_name", "Anna Smith")])
        .await
        .location
        .unwrap()
        .trim_start_matches("/members/")
        .to_owned();
    (ids[0].clone(), ids[1].clone(), ivan, anna)
}

async fn book(
    t: &TestApp,
    court: &str,
    date: &str,
    start: &str,
    minutes: &str,
    booker_id: &str,
) -> crate::support::Page {
    t.submit(
        &format!("/bookings/new?court={court}&date={date}&start={start}"),
        "/bookings",
        &[
            ("court_id", court),
            ("date", date),
            ("start", start),
            ("minutes", minutes),
            ("kind", "play"),
            ("booker_id", booker_id),
        ],
    )
    .await
}

#[rocket::async_test]
async fn book_move_extend_cancel_and_check_in() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, anna) = club(&t).await;
    let grid = t.get("/grid?date=2026-11-29").await;
    assert!(grid.has("Court 1") && grid.has("Court 2") && grid.has("class=\"cell\""), "{}", grid.body);
    assert!(grid.has("now-line"), "today's grid shows the current time");

    let made = book(&t, &c1, "2026-11-29", "18:00", "60", &ivan).await;
    assert_eq!(made.location.as_deref(), Some("/grid?date=2026-11-29"), "{}", made.body);
    let grid = t.get("/grid?date=2026-11-29").await;
    assert!(grid.has("Booked.") && grid.has("Иванов Пётр") && grid.has("18:00–19:00"), "{}", grid.body);

    // The same court at an overlapping time: refused, naming who holds it; nothing written.
    let clash = book(&t, &c1, "2026-11-29", "18:30", "60", &anna).await;
    assert_eq!(clash.status, Status::UnprocessableEntity);
    assert!(clash.has("Court 1 is taken 18:00–19:00 by Иванов Пётр."), "{}", clash.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);
    // Bad times are explained.
    for (start, minutes, message) in [
        ("18:15", "60", "on the slot step"),
        ("22:30", "60", "outside the court"),
        ("10:00", "240", "longer than the club allows"),
        ("10:00", "30", "shorter than"),
    ] {
        let bad = book(&t, &c2, "2026-11-29", start, minutes, &anna).await;
        assert_eq!(bad.status, Status::UnprocessableEntity, "{start} {minutes}");
        assert!(bad.has(message), "{start} {minutes}: {}", bad.body);
    }
    let nobody = t
        .submit(
            "/bookings/new",
            "/bookings",
            &[
                ("court_id", &c2),
                ("date", "2026-11-29"),
                ("start", "10:00"),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker", "Zorro"),
            ],
        )
        .await;
    assert!(nobody.has("No member matches"), "{}", nobody.body);
    // A typed card number is enough without the picker.
    let by_card = t
        .submit(
            "/bookings/new",
            "/bookings",
            &[
                ("court_id", &c2),
                ("date", "2026-11-29"),
                ("start", "10:00"),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker", "000002"),
                ("player", "Guest Bob"),
            ],
        )
        .await;
    assert_eq!(by_card.status, Status::SeeOther, "{}", by_card.body);

    // Move to court 2 at 19:00 and extend to 90 minutes.
    let id: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM bookings WHERE starts_at = (SELECT max(starts_at) FROM bookings)",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    let url = format!("/bookings/{id}");
    let moved = t
        .submit(
            &format!("{url}/edit"),
            &url,
            &[
                ("court_id", &c2),
                ("date", "2026-11-29"),
                ("start", "19:00"),
                ("minutes", "90"),
                ("kind", "play"),
                ("booker_id", &ivan),
                ("player_id", &anna),
            ],
        )
        .await;
    assert_eq!(moved.status, Status::SeeOther, "{}", moved.body);
    let show = t.get(&url).await;
    assert!(show.has("Court 2") && show.has("19:00–20:30") && show.has("Anna Smith"), "{}", show.body);
    assert!(show.has("Booking changed"), "history from the command log");
    // Now court 1 at 18:00 is free again.
    assert_eq!(book(&t, &c1, "2026-11-29", "18:00", "60", &anna).await.status, Status::SeeOther);

    // Check-in opens an hour before; no-show only after the start (now is 12:00 in Moscow).
    let early = t.submit(&url, &format!("{url}/attendance"), &[("status", "checked_in")]).await;
    assert_eq!(early.status, Status::UnprocessableEntity);
    assert!(early.has("an hour before the start"));
    t.advance(jiff::SignedDuration::from_mins(6 * 60 + 30));
    t.login("olga", crate::support::OWNER_PASSWORD).await; // the idle session has expired meanwhile
    let checked = t.submit(&url, &format!("{url}/attendance"), &[("status", "checked_in")]).await;
    assert_eq!(checked.status, Status::SeeOther, "{}", checked.body);
    assert!(t.get(&url).await.has("Checked in"));

    // Cancel needs a reason; then the slot is free.
    let no_reason = t.submit(&url, &format!("{url}/cancel"), &[("reason", " ")]).await;
    assert!(no_reason.has("Give a reason for the cancellation."), "{}", no_reason.body);
    let cancelled = t.submit(&url, &format!("{url}/cancel"), &[("reason", "Weather")]).await;
    assert_eq!(cancelled.status, Status::SeeOther);
    let show = t.get(&url).await;
    assert!(show.has("Cancelled") && show.has("Weather"), "{}", show.body);
    assert_eq!(book(&t, &c2, "2026-11-29", "19:00", "60", &anna).await.status, Status::SeeOther);
}

#[rocket::async_test]
async fn fifty_requests_for_one_slot_make_one_booking() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    let form = t.get(&format!("/bookings/new?court={c1}&date=2026-11-30&start=18:00")).await;
    let csrf = form.hidden("csrf");
    let requests = (0..50).map(|i| {
        let body = crate::support::encode(&[
            ("csrf", &csrf),
            ("command_id", &uuid::Uuid::now_v7().to_string()),
            ("court_id", &c1),
            ("date", "2026-11-30"),
            ("start", if i % 2 == 0 { "18:00" } else { "18:30" }),
            ("minutes", "60"),
            ("kind", "play"),
            ("booker_id", &ivan),
        ]);
        t.client.post("/bookings").header(ContentType::Form).body(body).dispatch()
    });
    let responses = join_all(requests).await;
    let won = responses.iter().filter(|r| r.status() == Status::SeeOther).count();
    let refused = responses.iter().filter(|r| r.status() == Status::UnprocessableEntity).count();
    assert_eq!((won, refused), (1, 49));
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status <> 'cancelled'").await, 1);
}

#[rocket::async_test]
async fn the_schema_refuses_overlaps_even_if_the_code_would_not() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    book(&t, &c1, "2026-11-30", "18:00", "60", &ivan).await;
    let err = t
        .app
        .db
        .write(move |c| {
            let tx = courtside::db::immediate(c)?;
            tx.execute("INSERT INTO write_context (id, txn_seq, command_id) VALUES (1, 999, 'x')", [])?;
            tx.execute(
                "INSERT INTO bookings (id, court_id, starts_at, ends_at, kind, status, source, created_at, updated_at) \
                 SELECT 'sneaky', court_id, starts_at + 1800000, ends_at + 1800000, 'play', 'booked', 'desk', 0, 0 FROM bookings",
                [],
            )?;
            Ok(())
        })
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("court already booked"), "{err:#}");
}

#[rocket::async_test]
async fn a_season_series_with_a_conflict() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    // Anna already has court 1 on Tuesday 8 December at 19:00.
    book(&t, &c1, "2026-12-08", "19:00", "60", &anna).await;
    let fields = |extra: Vec<(&'static str, String)>| {
        let mut f: Vec<(&'static str, String)> = vec![
            ("court_id", c1.clone()),
            ("weekday", "2".into()),
            ("weekday", "4".into()),
            ("start", "19:00".into()),
            ("minutes", "60".into()),
            ("first_day", "2026-12-01".into()),
            ("last_day", "2026-12-17".into()),
            ("booker_id", ivan.clone()),
            ("kind", "play".into()),
        ];
        f.extend(extra);
        f
    };
    let preview_fields = fields(vec![]);
    let pf: Vec<(&str, &str)> = preview_fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let preview = t.submit("/series/new", "/series/preview", &pf).await;
    assert_eq!(preview.status, Status::Ok, "{}", preview.body);
    assert!(
        preview.has("6 dates")
            && preview.has("1 date cannot be booked")
            && preview.has("taken 19:00–20:00 by Anna Smith"),
        "{}",
        preview.body
    );

    // The clash offers where it could go instead: another court then, or the next free hour.
    assert!(preview.has("Court 2 · 19:00") && preview.has("Court 1 · 20:00"), "{}", preview.body);
    assert!(preview.has(&format!("/bookings/new?court={c1}&#38;date=2026-12-08&#38;start=20:00")), "{}", preview.body);

    // Without skipping the conflict, the series is refused and names the date.
    let strict = t.submit("/series/new", "/series", &pf).await;
    assert_eq!(strict.status, Status::UnprocessableEntity);
    assert!(strict.has("2026-12-08: Court 1 is taken"), "{}", strict.body);
    assert_eq!(t.count("SELECT count(*) FROM series").await, 0);

    let skipping = fields(vec![("skip", "2026-12-08".into())]);
    let sf: Vec<(&str, &str)> = skipping.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = t.submit("/series/new", "/series", &sf).await;
    assert_eq!(created.status, Status::SeeOther, "{}", created.body);
    let series_url = created.location.unwrap();
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE series_id IS NOT NULL").await, 5);
    assert!(t.get("/grid?date=2026-12-10").await.has("Иванов Пётр"));

    // Cancel one occurrence (the player releases a week).
    let occ: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM bookings WHERE series_id IS NOT NULL ORDER BY starts_at LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap();
    t.submit(&format!("/bookings/{occ}"), &format!("/bookings/{occ}/cancel"), &[("reason", "Away")]).await;

    // This and following from 10 December: 20:00 instead of 19:00. Earlier dates keep 19:00.
    let edited = t
        .submit(
            &series_url,
            &format!("{series_url}/edit"),
            &[("from_day", "2026-12-10"), ("court_id", &c1), ("start", "20:00"), ("minutes", "60")],
        )
        .await;
    assert_eq!(edited.status, Status::SeeOther, "{}", edited.body);
    assert!(t.get("/grid?date=2026-12-10").await.has("20:00–21:00"));
    assert!(t.get("/grid?date=2026-12-03").await.has("19:00–20:00"));
    let new_series = edited.location.unwrap();
    assert_ne!(new_series, series_url, "the later part is its own series");

    // End the new part after 15 December: the 17th is cancelled.
    let ended = t.submit(&new_series, &format!("{new_series}/end"), &[("last_day", "2026-12-15")]).await;
    assert_eq!(ended.status, Status::SeeOther, "{}", ended.body);
    assert!(!t.get("/grid?date=2026-12-17").await.has("Иванов Пётр"));
    assert!(t.get("/grid?date=2026-12-15").await.has("Иванов Пётр"));

    // Copy to next season: the form comes prefilled with the following dates.
    let copy = t.get(&format!("{new_series}/copy")).await;
    assert!(copy.has("value=\"2026-12-16\""), "{}", copy.body);
}

#[rocket::async_test]
async fn week_print_and_fragment_views() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    book(&t, &c1, "2026-12-02", "09:00", "120", &ivan).await;
    let week = t.get(&format!("/grid/week?court={c1}&date=2026-12-03")).await;
    assert!(week.has("Week of Court 1") && week.has("09:00–11:00") && week.has("Иванов Пётр"), "{}", week.body);
    let print = t.get("/grid/print?date=2026-12-02").await;
    assert!(print.has("09:00–11:00") && print.has("Иванов Пётр"));
    let fragment = t.get("/grid/fragment?date=2026-12-02").await;
    assert!(fragment.has("class=\"daygrid\"") && !fragment.has("<html"), "a fragment, not a page");
}

#[rocket::async_test]
async fn merging_members_moves_their_bookings() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    book(&t, &c1, "2026-12-02", "09:00", "60", &anna).await;
    let merged = t.submit(&format!("/members/{ivan}"), &format!("/members/{ivan}/merge"), &[("card", "2")]).await;
    assert_eq!(merged.status, Status::SeeOther, "{}", merged.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE booker_id IS NOT NULL AND booker_id = (SELECT id FROM members WHERE card_no = 1)").await, 1);
    // Anna (merged) had history, so deleting her archives instead.
    assert!(t.get("/grid?date=2026-12-02").await.has("Иванов Пётр"));
}

#[rocket::async_test]
async fn an_empty_club_says_what_to_do_first() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let grid = t.get("/grid").await;
    assert_eq!(grid.status, Status::Ok);
    assert!(grid.has("There are no courts yet.") && grid.has("href=\"/courts/new\""), "{}", grid.body);
    let members = t.get("/members").await;
    assert!(members.has("No members yet."), "{}", members.body);
    assert!(t.get("/members/search?q=").await.has("No members yet."));
    let courts = t.get("/courts").await;
    assert!(courts.has("No courts yet. Add the first one."));
    let booking = t.get("/bookings/new").await;
    assert_eq!(booking.status, Status::Ok, "the form opens even before courts exist");
}

#[rocket::async_test]
async fn booking_a_member_already_playing_elsewhere_warns_and_lets_staff_go_on() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, _) = club(&t).await;
    assert_eq!(book(&t, &c1, "2026-12-01", "18:00", "60", &ivan).await.status, Status::SeeOther);
    let fields = |ok: &'static str| {
        vec![
            ("court_id", c2.clone()),
            ("date", "2026-12-01".into()),
            ("start", "18:30".into()),
            ("minutes", "60".into()),
            ("kind", "play".into()),
            ("booker_id", ivan.clone()),
            ("warned_ok", ok.into()),
        ]
    };
    let url = format!("/bookings/new?court={c2}&date=2026-12-01&start=18:30");
    let warned = fields("false");
    let warned: Vec<(&str, &str)> = warned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let warned = t.submit(&url, "/bookings", &warned).await;
    assert_eq!(warned.status, Status::Ok, "{}", warned.body);
    assert!(warned.has("Иванов Пётр is already booked on Court 1 at 18:00–19:00."), "{}", warned.body);
    assert!(warned.has("Book anyway") && warned.has("name=\"warned_ok\" value=\"true\""));
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1, "nothing booked yet");
    let anyway = fields("true");
    let anyway: Vec<(&str, &str)> = anyway.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let anyway = t.submit(&url, "/bookings", &anyway).await;
    assert_eq!(anyway.status, Status::SeeOther, "{}", anyway.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 2);
}

#[rocket::async_test]
async fn a_booking_moves_and_resizes_on_its_day_with_the_same_checks() {
    let t = TestApp::new().await;
    let (c1, c2, ivan, anna) = club(&t).await;
    book(&t, &c1, "2026-12-01", "18:00", "60", &ivan).await;
    book(&t, &c2, "2026-12-01", "19:00", "60", &anna).await;
    let id: String = t
        .app
        .db
        .read(move |c| Ok(c.query_row("SELECT id FROM bookings WHERE booker_id = ?1", [&ivan], |r| r.get(0))?))
        .await
        .unwrap();
    let grid = "/grid?date=2026-12-01";
    let moved = t
        .submit(grid, &format!("/bookings/{id}/move"), &[("court_id", &c2), ("start", "17:00"), ("minutes", "90")])
        .await;
    assert_eq!(moved.location.as_deref(), Some(format!("{grid}&focus={id}").as_str()), "{}", moved.body);
    let page = t.get(&format!("/bookings/{id}")).await;
    assert!(page.has("17:00–18:30") && page.has("Court 2"), "{}", page.body);
    // Onto Anna's 19:00: refused with the reason, and nothing moves.
    let clash = t
        .submit(grid, &format!("/bookings/{id}/move"), &[("court_id", &c2), ("start", "18:30"), ("minutes", "60")])
        .await;
    assert_eq!(clash.status, Status::SeeOther);
    let back = t.get(grid).await;
    assert!(back.has("Anna Smith"), "{}", back.body);
    assert!(t.get(&format!("/bookings/{id}")).await.has("17:00–18:30"), "nothing moved");
}

#[rocket::async_test]
async fn a_free_half_hour_before_a_booking_is_offered_as_it_is() {
    let t = TestApp::new().await;
    let (c1, _, ivan, _) = club(&t).await;
    book(&t, &c1, "2026-12-01", "19:00", "60", &ivan).await;
    let form = t.get(&format!("/bookings/new?court={c1}&date=2026-12-01&start=18:00")).await;
    assert!(form.has("Free until 19:00 (1 hour)"), "{}", form.body);
    let short = t.get(&format!("/bookings/new?court={c1}&date=2026-12-01&start=18:30")).await;
    assert!(short.has("Only 30 min free here before the booking at 19:00"), "{}", short.body);
}

#[rocket::async_test]
async fn a_series_books_the_dates_ticked_on_its_preview() {
    let t = TestApp::new().await;
    let (c1, _, ivan, anna) = club(&t).await;
    book(&t, &c1, "2026-12-08", "19:00", "60", &anna).await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("court_id", &c1),
        ("weekday", "2"),
        ("start", "19:00"),
        ("minutes", "60"),
        ("first_day", "2026-12-01"),
        ("last_day", "2026-12-22"),
        ("booker_id", &ivan),
        ("kind", "play"),
    ];
    // 8 December clashes and is not offered; 22 December is unticked.
    fields.extend([("day", "2026-12-01"), ("day", "2026-12-15")]);
    let created = t.submit("/series/new", "/series", &fields).await;
    assert_eq!(created.status, Status::SeeOther, "{}", created.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE series_id IS NOT NULL").await, 2);
}

#[rocket::async_test]
async fn repeat_weekly_keeps_what_the_booking_form_holds() {
    let t = TestApp::new().await;
    let (_, c2, ivan, _) = club(&t).await;
    let form = [
        ("court_id", c2.as_str()),
        ("date", "2026-12-01"),
        ("start", "18:30"),
        ("minutes", "90"),
        ("kind", "lesson"),
        ("booker", "Иванов Пётр"),
        ("booker_id", ivan.as_str()),
    ];
    let series = t.submit("/bookings/new", "/series/new", &form).await;
    assert_eq!(series.status, Status::Ok, "{}", series.body);
    assert!(series.has(&format!("value=\"{c2}\" selected")), "the court: {}", series.body);
    assert!(series.has("value=\"90\" selected") && series.has("name=\"kind\" value=\"lesson\""), "{}", series.body);
    assert!(series.has(&format!("value=\"{ivan}\"")), "the booker");
}
