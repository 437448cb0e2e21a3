//! Passes and memberships: products, selling, booking with a pass, returns on cancellation,
//! freezing, the check-in policy, the API, and random operation sequences.

use courtside::bookings::commands::{CancelBooking, CreateBooking};
use courtside::bookings::model::{Kind, LocalSlot, Source};
use courtside::commands::AnyCommand;
use courtside::core::Actor;
use courtside::passes::commands::{SellPass, UsePass};
use courtside::payments::commands::RefundPayment;
use courtside::payments::model::Method;
use rocket::http::{Method as Http, Status};

use crate::payments::{balance, book, club, pay};
use crate::support::TestApp;

/// A product made through the page; returns its id.
pub async fn product(t: &TestApp, fields: &[(&str, &str)]) -> String {
    let page = t.submit("/passes/products/new", "/passes/products", fields).await;
    assert_eq!(page.status, Status::SeeOther, "{}", page.body);
    t.app
        .db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM pass_products ORDER BY created_at DESC, rowid DESC", [], |r| r.get(0))?)
        })
        .await
        .unwrap()
}

pub async fn ten_visits(t: &TestApp) -> String {
    product(
        t,
        &[
            ("name", "10 visits"),
            ("kind", "visits"),
            ("quantity", "10"),
            ("price", "8000"),
            ("valid_days", "90"),
            ("active", "on"),
        ],
    )
    .await
}

pub async fn sell(t: &TestApp, member: &str, product: &str, method: &str) -> crate::support::Page {
    let page = format!("/members/{member}/passes");
    t.submit(&page, &page, &[("product_id", product), ("method", method)]).await
}

/// The newest pass of `member` and what is left of it.
async fn pass_of(t: &TestApp, member: &str) -> (String, i64) {
    let m = member.to_owned();
    t.app
        .db
        .read(move |c| {
            let p = courtside::passes::store::member_passes(c, &m)?.remove(0);
            Ok((p.id, p.pass.remaining().unwrap_or(-1)))
        })
        .await
        .unwrap()
}

async fn book_with_pass(
    t: &TestApp,
    court: &str,
    member: &str,
    pass: &str,
    date: &str,
    start: &str,
) -> crate::support::Page {
    t.submit(
        &format!("/bookings/new?court={court}&date={date}&start={start}"),
        "/bookings",
        &[
            ("court_id", court),
            ("date", date),
            ("start", start),
            ("minutes", "60"),
            ("kind", "play"),
            ("booker_id", member),
            ("pass_id", pass),
        ],
    )
    .await
}

async fn newest_booking(t: &TestApp) -> String {
    t.app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM bookings ORDER BY created_at DESC, rowid DESC", [], |r| r.get(0))?))
        .await
        .unwrap()
}

#[rocket::async_test]
async fn a_ten_visit_pass_is_sold_booked_with_given_back_and_refunded() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;

    // A product with nonsense is refused with the reason, and nothing is written.
    let bad = t
        .submit(
            "/passes/products/new",
            "/passes/products",
            &[("name", "Broken"), ("kind", "visits"), ("quantity", "0"), ("valid_days", "90")],
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("Visits: a whole number") && bad.has("value=\"Broken\""), "{}", bad.body);
    assert_eq!(t.count("SELECT count(*) FROM pass_products").await, 0);
    let visits = ten_visits(&t).await;
    assert!(t.get("/passes").await.has("10 visits"));

    // Cash needs an open shift; the sale then is a payment, and the account nets to zero.
    let closed = sell(&t, &anna, &visits, "cash").await;
    assert!(closed.has("The cash desk is closed"), "{}", closed.body);
    assert_eq!(t.count("SELECT count(*) FROM member_passes").await, 0);
    t.submit("/cash", "/cash/open", &[("amount", "0")]).await;
    assert_eq!(sell(&t, &anna, &visits, "cash").await.status, Status::SeeOther);
    let (pass, left) = pass_of(&t, &anna).await;
    assert_eq!(left, 10);
    assert!(t.get(&format!("/members/{anna}/passes")).await.has("10 of 10 visits left"));
    assert!(t.get(&format!("/members/{anna}")).await.has("10 of 10 visits left"), "the card shows the balance");
    assert_eq!(balance(&t, &anna).await, 0);
    assert!(t.get(&format!("/accounts/{anna}")).await.has("Pass bought"));
    assert!(t.get(&format!("/payments/{pass}/receipt")).await.has("Pass: 10 visits"), "the sale's receipt");
    let takings = t.get("/reports").await;
    assert!(takings.has("Passes") && takings.has("₽8,000.00"), "{}", takings.body);

    // The booking form offers the pass; booking with it pays the booking and takes a visit.
    let options = t
        .get(&format!(
            "/bookings/pass-options?court_id={court}&date=2026-12-05&start=10:00&minutes=60&kind=play&booker_id={anna}"
        ))
        .await;
    assert!(options.has("10 visits — Anna Smith: 10 of 10 visits left"), "{}", options.body);
    assert_eq!(book_with_pass(&t, &court, &anna, &pass, "2026-12-05", "10:00").await.status, Status::SeeOther);
    let booking = newest_booking(&t).await;
    assert_eq!(pass_of(&t, &anna).await.1, 9);
    let page = t.get(&format!("/bookings/{booking}")).await;
    assert!(page.has(">Paid<") && page.has("Pass"), "{}", page.body);
    assert!(t.get("/grid?date=2026-12-05").await.has("pay-pass"));
    assert_eq!(balance(&t, &anna).await, 0, "a visit is not money on the account");
    assert!(!t.get("/reports").await.has("₽9,000.00"), "a pass use is not money in");

    // Boris is not on the booking: his pass is no use here, and someone else's pass is refused.
    let b2 = book(&t, &court, &boris, "2026-12-06", "10:00").await;
    let use_page = format!("/bookings/{b2}");
    let refused = t.submit(&use_page, &format!("{use_page}/use-pass"), &[("pass_id", &pass)]).await;
    assert!(refused.has("The pass holder must be the booker"), "{}", refused.body);
    assert_eq!(pass_of(&t, &anna).await.1, 9);

    // Cancelled well ahead: the visit goes back.
    let show = format!("/bookings/{booking}");
    t.submit(&show, &format!("{show}/cancel"), &[("reason", "Rain")]).await;
    assert_eq!(pass_of(&t, &anna).await.1, 10);

    // A used pass's sale cannot be refunded; an unused one can, and stops working.
    let passes_page = format!("/members/{anna}/passes");
    let used = t.submit(&passes_page, &format!("/passes/{pass}/refund"), &[("reason", "Moving away")]).await;
    assert!(used.has("has been used"), "{}", used.body);
    assert_eq!(sell(&t, &boris, &visits, "card").await.status, Status::SeeOther);
    let (boris_pass, _) = pass_of(&t, &boris).await;
    let refunded = t
        .submit(
            &format!("/members/{boris}/passes"),
            &format!("/passes/{boris_pass}/refund"),
            &[("reason", "Changed his mind")],
        )
        .await;
    assert_eq!(refunded.status, Status::SeeOther, "{}", refunded.body);
    assert!(t.get(&format!("/members/{boris}/passes")).await.has("refunded"));
    assert_eq!(balance(&t, &boris).await, 0);
    let b3 = book(&t, &court, &boris, "2026-12-07", "10:00").await;
    let none =
        t.submit(&format!("/bookings/{b3}"), &format!("/bookings/{b3}/use-pass"), &[("pass_id", &boris_pass)]).await;
    assert!(none.has("refunded"), "{}", none.body);
}

#[rocket::async_test]
async fn a_pass_outside_its_terms_refuses_the_booking_and_writes_nothing() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let mornings = product(
        &t,
        &[
            ("name", "Weekday mornings"),
            ("kind", "visits"),
            ("quantity", "5"),
            ("price", "3000"),
            ("valid_days", "30"),
            ("from", "07:00"),
            ("to", "12:00"),
            ("weekday", "1"),
            ("weekday", "2"),
            ("weekday", "3"),
            ("weekday", "4"),
            ("weekday", "5"),
            ("active", "on"),
        ],
    )
    .await;
    assert_eq!(sell(&t, &anna, &mornings, "card").await.status, Status::SeeOther);
    let (pass, _) = pass_of(&t, &anna).await;
    // 5 December 2026 is a Saturday; 1 December a Tuesday.
    for (date, start, why) in [
        ("2026-12-05", "09:00", "not on this weekday"),
        ("2026-12-01", "11:30", "not at this time"),
        ("2027-01-05", "09:00", "not valid on that day"),
    ] {
        let page = book_with_pass(&t, &court, &anna, &pass, date, start).await;
        assert_eq!(page.status, Status::UnprocessableEntity, "{date} {start}");
        assert!(page.has(why), "{date} {start}: {}", page.body);
    }
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 0, "a refused booking leaves nothing behind");
    assert_eq!(book_with_pass(&t, &court, &anna, &pass, "2026-12-01", "09:00").await.status, Status::SeeOther);
    assert_eq!(pass_of(&t, &anna).await.1, 4);
}

#[rocket::async_test]
async fn a_late_cancellation_keeps_the_visit_until_a_manager_waives_it() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    t.submit(
        "/prices",
        "/prices/policy",
        &[("cancel_window_hours", "24"), ("late_cancel_pct", "50"), ("no_show_pct", "100")],
    )
    .await;
    let visits = ten_visits(&t).await;
    assert_eq!(sell(&t, &anna, &visits, "card").await.status, Status::SeeOther);
    let (pass, _) = pass_of(&t, &anna).await;
    // It is 12:00 in Moscow on 29 November: an 18:00 booking cancelled now is late.
    book_with_pass(&t, &court, &anna, &pass, "2026-11-29", "18:00").await;
    let booking = newest_booking(&t).await;
    let show = format!("/bookings/{booking}");
    let asked = t.submit(&show, &format!("{show}/cancel"), &[("reason", "Ill")]).await;
    assert!(asked.has("The pass that paid keeps"), "{}", asked.body);
    t.submit(&show, &format!("{show}/cancel"), &[("reason", "Ill"), ("confirmed", "true")]).await;
    assert_eq!(pass_of(&t, &anna).await.1, 9, "the fee is the visit");
    assert_eq!(balance(&t, &anna).await, 0, "and nothing more on the account");
    let page = t.get(&show).await;
    assert!(page.has("kept the pass use"), "{}", page.body);
    assert_eq!(
        t.submit(&show, &format!("{show}/waive"), &[("reason", "Doctor's note")]).await.status,
        Status::SeeOther
    );
    assert_eq!(pass_of(&t, &anna).await.1, 10);
}

#[rocket::async_test]
async fn with_passes_used_at_check_in_the_visit_is_taken_when_the_player_arrives() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let policy = t
        .submit(
            "/prices",
            "/prices/policy",
            &[
                ("cancel_window_hours", "24"),
                ("late_cancel_pct", "0"),
                ("no_show_pct", "0"),
                ("pass_use_on", "check_in"),
            ],
        )
        .await;
    assert_eq!(policy.status, Status::SeeOther, "{}", policy.body);
    let visits = ten_visits(&t).await;
    sell(&t, &anna, &visits, "card").await;
    let (pass, _) = pass_of(&t, &anna).await;
    book_with_pass(&t, &court, &anna, &pass, "2026-11-29", "13:00").await;
    let booking = newest_booking(&t).await;
    assert_eq!(pass_of(&t, &anna).await.1, 10, "nothing taken at booking");
    assert!(t.get("/grid?date=2026-11-29").await.has("pay-pass"), "the grid shows it will be paid by pass");
    let show = format!("/bookings/{booking}");
    let checked = t.submit(&show, &format!("{show}/attendance"), &[("status", "checked_in")]).await;
    assert_eq!(checked.status, Status::SeeOther, "{}", checked.body);
    assert_eq!(pass_of(&t, &anna).await.1, 9);
    assert!(t.get(&show).await.has(">Paid<"));
}

#[rocket::async_test]
async fn a_frozen_pass_cannot_be_used_and_unfreezing_adds_the_days() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let visits = ten_visits(&t).await;
    sell(&t, &anna, &visits, "card").await;
    let (pass, _) = pass_of(&t, &anna).await;
    let page = format!("/members/{anna}/passes");
    assert_eq!(
        t.submit(&page, &format!("/passes/{pass}/freeze"), &[("from", "2026-11-29")]).await.status,
        Status::SeeOther
    );
    assert!(t.get(&page).await.has("frozen since"));
    let refused = book_with_pass(&t, &court, &anna, &pass, "2026-12-02", "10:00").await;
    assert!(refused.has("frozen"), "{}", refused.body);
    t.advance(jiff::SignedDuration::from_hours(24 * 7));
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    assert_eq!(t.submit(&page, &format!("/passes/{pass}/unfreeze"), &[]).await.status, Status::SeeOther);
    let until: String = t
        .app
        .db
        .read(move |c| Ok(c.query_row("SELECT valid_until FROM member_passes WHERE id = ?1", [&pass], |r| r.get(0))?))
        .await
        .unwrap();
    assert_eq!(until, "2027-03-05", "90 days from 29 November (to 26 February) plus the 7 frozen");
}

#[rocket::async_test]
async fn a_value_card_and_a_membership_pay_their_share() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;
    let card = product(
        &t,
        &[
            ("name", "Deposit 1500"),
            ("kind", "value"),
            ("price", "1500"),
            ("bonus", "200"),
            ("valid_days", "365"),
            ("active", "on"),
        ],
    )
    .await;
    sell(&t, &anna, &card, "card").await;
    let (pass, left) = pass_of(&t, &anna).await;
    assert_eq!(left, 170_000, "price plus bonus");
    book_with_pass(&t, &court, &anna, &pass, "2026-12-01", "10:00").await;
    assert_eq!(pass_of(&t, &anna).await.1, 70_000);
    book_with_pass(&t, &court, &anna, &pass, "2026-12-02", "10:00").await;
    let second = newest_booking(&t).await;
    assert_eq!(pass_of(&t, &anna).await.1, 0, "what was left paid part");
    assert!(t.get(&format!("/bookings/{second}")).await.has("₽300.00 left to pay"));

    let member = product(
        &t,
        &[
            ("name", "Club member"),
            ("kind", "period"),
            ("discount_pct", "30"),
            ("price", "5000"),
            ("valid_days", "30"),
            ("active", "on"),
        ],
    )
    .await;
    sell(&t, &boris, &member, "card").await;
    let (membership, _) = pass_of(&t, &boris).await;
    book_with_pass(&t, &court, &boris, &membership, "2026-12-03", "10:00").await;
    let third = newest_booking(&t).await;
    let page = t.get(&format!("/bookings/{third}")).await;
    assert!(page.has("₽700.00 left to pay"), "30% of 1000 paid by the membership: {}", page.body);
    assert_eq!(pay(&t, &third, "700", "card", &boris, "").await.status, Status::SeeOther);
}

#[rocket::async_test]
async fn the_passes_and_shifts_api() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let visits = ten_visits(&t).await;
    let token = t.api_token("olga").await;
    let products = t.api(Http::Get, "/api/v1/pass-products", &token, None, None).await;
    assert_eq!(products.json()["products"][0]["quantity"], 10);

    // Cash without a shift is refused; a shift opened through the API takes it, once per key.
    let body = format!(r#"{{"member_id":"{anna}","product_id":"{visits}","method":"cash"}}"#);
    let closed = t.api(Http::Post, "/api/v1/passes", &token, Some(&body), Some("sale-1")).await;
    assert_eq!(closed.status, Status::UnprocessableEntity, "{}", closed.body);
    let shift = t.api(Http::Post, "/api/v1/shifts", &token, Some(r#"{"float":10000}"#), None).await;
    assert_eq!(shift.status, Status::Created, "{}", shift.body);
    let shift_id = shift.json()["id"].as_str().unwrap().to_owned();
    let sold = t.api(Http::Post, "/api/v1/passes", &token, Some(&body), Some("sale-2")).await;
    assert_eq!(sold.status, Status::Created, "{}", sold.body);
    let again = t.api(Http::Post, "/api/v1/passes", &token, Some(&body), Some("sale-2")).await;
    assert_eq!(again.json()["id"], sold.json()["id"]);
    assert_eq!(t.count("SELECT count(*) FROM member_passes").await, 1, "a retried sale sells once");
    let pass = sold.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(sold.json()["remaining"], 10);

    // Book with it through the API.
    let booking = format!(
        r#"{{"court_id":"{court}","member_id":"{anna}","start":"2026-12-01T10:00","minutes":60,"pass_id":"{pass}"}}"#
    );
    let made = t.api(Http::Post, "/api/v1/bookings", &token, Some(&booking), None).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    assert_eq!(made.json()["pass_id"], pass.as_str());
    let got = t.api(Http::Get, &format!("/api/v1/passes/{pass}"), &token, None, None).await;
    assert_eq!(got.json()["remaining"], 9);
    let list = t.api(Http::Get, &format!("/api/v1/members/{anna}/passes"), &token, None, None).await;
    assert_eq!(list.json()["passes"].as_array().unwrap().len(), 1);
    let frozen = t
        .api(Http::Post, &format!("/api/v1/passes/{pass}/freeze"), &token, Some(r#"{"from":"2026-12-02"}"#), None)
        .await;
    assert_eq!(frozen.json()["state"], "frozen", "{}", frozen.body);
    let thawed = t.api(Http::Post, &format!("/api/v1/passes/{pass}/unfreeze"), &token, None, None).await;
    assert_eq!(thawed.json()["state"], "active");

    // A booking paid later from the pass; the shift's figures and its close.
    let later = book(&t, &court, &anna, "2026-12-02", "10:00").await;
    let paid = t
        .api(
            Http::Post,
            &format!("/api/v1/bookings/{later}/pass"),
            &token,
            Some(&format!(r#"{{"pass_id":"{pass}"}}"#)),
            None,
        )
        .await;
    assert_eq!(paid.status, Status::Created, "{}", paid.body);
    assert_eq!(paid.json()["method"], "pass");
    let moved = t
        .api(Http::Post, "/api/v1/shifts/current/movements", &token, Some(r#"{"amount":-5000,"reason":"Balls"}"#), None)
        .await;
    assert_eq!(moved.status, Status::Created, "{}", moved.body);
    let x = t.api(Http::Get, "/api/v1/shifts/current", &token, None, None).await;
    assert_eq!(x.json()["expected_cash"], 10_000 + 800_000 - 5000, "{}", x.body);
    let z = t
        .api(Http::Post, &format!("/api/v1/shifts/{shift_id}/close"), &token, Some(r#"{"counted":800000}"#), None)
        .await;
    assert_eq!(z.json()["difference"], -5000, "{}", z.body);
    assert_eq!(t.api(Http::Get, "/api/v1/shifts/current", &token, None, None).await.status, Status::NotFound);
}

/// Random sells, bookings with passes, uses, cancellations and refunds: no pass ever goes below
/// zero or above what was sold, and a pass payment is never returned twice.
#[rocket::async_test]
async fn no_operation_sequence_makes_a_pass_negative() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;
    let three = product(
        &t,
        &[
            ("name", "3 visits"),
            ("kind", "visits"),
            ("quantity", "3"),
            ("price", "2500"),
            ("valid_days", "60"),
            ("active", "on"),
        ],
    )
    .await;
    let hours = product(
        &t,
        &[
            ("name", "3 hours"),
            ("kind", "hours"),
            ("quantity", "3"),
            ("price", "2500"),
            ("valid_days", "60"),
            ("active", "on"),
        ],
    )
    .await;
    let owner = Actor::Console;
    let members = [anna, boris];
    let mut rng = fastrand::Rng::with_seed(3);
    let (mut passes, mut bookings, mut pass_payments) =
        (Vec::<String>::new(), Vec::<String>::new(), Vec::<String>::new());
    for step in 0..250 {
        let member = members[rng.usize(..2)].clone();
        let cmd = match rng.u8(0..5) {
            0 => {
                passes.push(format!("pass-{step}"));
                AnyCommand::SellPass(SellPass {
                    pass_id: format!("pass-{step}"),
                    payment_id: format!("sale-{step}"),
                    member_id: member,
                    product_id: if rng.bool() { three.clone() } else { hours.clone() },
                    method: Method::Card,
                    valid_from: None,
                })
            }
            1 => {
                bookings.push(format!("b-{step}"));
                let day = jiff::civil::date(2026, 12, 1).checked_add(jiff::Span::new().days(rng.i64(0..20))).unwrap();
                AnyCommand::CreateBooking(CreateBooking {
                    booking_id: format!("b-{step}"),
                    court_id: court.clone(),
                    slot: LocalSlot {
                        day,
                        start: courtside::courts::model::DayMinute::new(rng.u16(8..20) * 60).unwrap(),
                        minutes: [60, 90, 120][rng.usize(..3)],
                    },
                    kind: Kind::Play,
                    booker_id: Some(member),
                    players: Vec::new(),
                    note: String::new(),
                    source: Source::Desk,
                    pass_id: (!passes.is_empty() && rng.bool()).then(|| passes[rng.usize(..passes.len())].clone()),
                    coach_id: None,
                })
            }
            2 if !bookings.is_empty() && !passes.is_empty() => {
                pass_payments.push(format!("use-{step}"));
                AnyCommand::UsePass(UsePass {
                    payment_id: format!("use-{step}"),
                    booking_id: bookings[rng.usize(..bookings.len())].clone(),
                    pass_id: passes[rng.usize(..passes.len())].clone(),
                })
            }
            3 if !bookings.is_empty() => AnyCommand::CancelBooking(CancelBooking {
                booking_id: bookings[rng.usize(..bookings.len())].clone(),
                reason: "test".into(),
                money_back: false,
            }),
            4 if !pass_payments.is_empty() => AnyCommand::RefundPayment(RefundPayment {
                refund_id: format!("r-{step}"),
                payment_id: pass_payments[rng.usize(..pass_payments.len())].clone(),
                amount: rng.i64(1..200_000),
                to_wallet: false,
                reason: "test".into(),
            }),
            _ => continue,
        };
        let _ = t.app.run(owner.clone(), cmd).await.unwrap();
        let (negative, overfull, over_returned): (i64, i64, i64) = t
            .app
            .db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT
                       (SELECT count(*) FROM member_passes p WHERE p.quantity + (SELECT coalesce(sum(units), 0) FROM pass_uses u WHERE u.pass_id = p.id) < 0),
                       (SELECT count(*) FROM member_passes p WHERE (SELECT coalesce(sum(units), 0) FROM pass_uses u WHERE u.pass_id = p.id) > 0),
                       (SELECT count(*) FROM payments p WHERE p.method = 'pass' AND p.refund_of IS NULL
                          AND p.amount + coalesce((SELECT sum(r.amount) FROM payments r WHERE r.refund_of = p.id), 0) < 0)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .await
            .unwrap();
        assert_eq!((negative, overfull, over_returned), (0, 0, 0), "after step {step}");
    }
    assert!(t.count("SELECT count(*) FROM pass_uses").await > 20, "the sequence did real work");
}

#[rocket::async_test]
async fn a_double_submitted_sale_sells_one_pass() {
    let t = TestApp::new().await;
    let (_, anna, _) = club(&t).await;
    let visits = ten_visits(&t).await;
    let page = t.get(&format!("/members/{anna}/passes")).await;
    let (csrf, id) = (page.hidden("csrf"), page.hidden("command_id"));
    let fields = [("csrf", csrf.as_str()), ("command_id", id.as_str()), ("product_id", &visits), ("method", "card")];
    for _ in 0..2 {
        assert_eq!(t.post_raw(&format!("/members/{anna}/passes"), &fields).await.status, Status::SeeOther);
    }
    assert_eq!(t.count("SELECT count(*) FROM member_passes").await, 1);
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 1);
}

#[rocket::async_test]
async fn an_sms_campaign_can_go_to_the_members_holding_a_pass() {
    let t = TestApp::new().await;
    let (_, _, _) = club(&t).await;
    let mut ids = Vec::new();
    for (name, phone) in [("Vera Pass", "+7 916 000-11-22"), ("Oleg Nopass", "+7 916 000-33-44")] {
        let page =
            t.submit("/members/new", "/members", &[("full_name", name), ("phone", phone), ("sms_consent", "on")]).await;
        ids.push(page.location.unwrap().trim_start_matches("/members/").to_owned());
    }
    let visits = ten_visits(&t).await;
    assert_eq!(sell(&t, &ids[0], &visits, "card").await.status, Status::SeeOther);
    let on = |d| courtside::sms::audience::Audience::PassHolders { on: d };
    let who = |audience| async {
        t.app
            .db
            .read(move |c| Ok(courtside::sms::audience::resolve(c, &audience, "RU", &jiff::tz::TimeZone::UTC)?))
            .await
            .unwrap()
            .recipients
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(who(on(jiff::civil::date(2026, 11, 29))).await, ["Vera Pass"]);
    assert!(who(on(jiff::civil::date(2027, 6, 1))).await.is_empty(), "the pass has run out by then");
}

#[rocket::async_test]
async fn an_empty_club_and_a_sale_without_a_product() {
    let t = TestApp::new().await;
    let (_, anna, _) = club(&t).await;
    assert!(t.get("/passes").await.has("The club sells no passes yet."));
    let page = format!("/members/{anna}/passes");
    assert!(t.get(&page).await.has("No passes yet."));
    ten_visits(&t).await;
    let none = t.submit(&page, &page, &[("product_id", ""), ("method", "card")]).await;
    assert_eq!(none.status, Status::UnprocessableEntity);
    assert!(none.has("Choose a pass that is on sale."), "{}", none.body);
    let bad_day = t.submit(&page, &page, &[("product_id", "x"), ("method", "card"), ("valid_from", "завтра")]).await;
    assert_eq!(bad_day.status, Status::UnprocessableEntity);
    assert!(bad_day.has("value=\"завтра\""), "the typed date is kept: {}", bad_day.body);
    assert_eq!(t.count("SELECT count(*) FROM member_passes").await, 0);
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 0);
}
