//! Payments, refunds, the member account and the cash desk, through the pages, the API and the
//! commands themselves.

use courtside::commands::AnyCommand;
use courtside::core::{Actor, Outcome};
use courtside::payments::commands::{RefundPayment, TakePayment};
use courtside::payments::model::{Method, Purpose};
use rocket::http::{Method as Http, Status};

use crate::support::TestApp;

/// A court at 1000/h all day, two members, and the owner logged in. Returns (court, anna, boris).
pub(crate) async fn club(t: &TestApp) -> (String, String, String) {
    t.setup_owner().await;
    t.submit(
        "/courts/new",
        "/courts",
        &[("name", "Court 1"), ("surface", "hard"), ("display_order", "1"), ("active", "on")],
    )
    .await;
    let price = t
        .submit(
            "/prices/new",
            "/prices",
            &[("name", "All day"), ("from", "00:00"), ("to", "24:00"), ("per_hour", "1000"), ("active", "on")],
        )
        .await;
    assert_eq!(price.status, Status::SeeOther, "{}", price.body);
    let court: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let mut ids = Vec::new();
    for name in ["Anna Smith", "Boris Petrov"] {
        let page = t.submit("/members/new", "/members", &[("full_name", name)]).await;
        ids.push(page.location.unwrap().trim_start_matches("/members/").to_owned());
    }
    (court, ids[0].clone(), ids[1].clone())
}

pub(crate) async fn book(t: &TestApp, court: &str, member: &str, date: &str, start: &str) -> String {
    let page = t
        .submit(
            &format!("/bookings/new?court={court}&date={date}&start={start}"),
            "/bookings",
            &[
                ("court_id", court),
                ("date", date),
                ("start", start),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker_id", member),
            ],
        )
        .await;
    assert_eq!(page.status, Status::SeeOther, "{}", page.body);
    t.app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM bookings ORDER BY created_at DESC, rowid DESC", [], |r| r.get(0))?))
        .await
        .unwrap()
}

pub(crate) async fn pay(
    t: &TestApp,
    booking: &str,
    amount: &str,
    method: &str,
    payer: &str,
    guest: &str,
) -> crate::support::Page {
    let page = format!("/bookings/{booking}");
    t.submit(
        &page,
        &format!("{page}/pay"),
        &[("amount", amount), ("method", method), ("payer", payer), ("payer_name", guest)],
    )
    .await
}

pub(crate) async fn balance(t: &TestApp, member: &str) -> i64 {
    let m = member.to_owned();
    t.app.db.read(move |c| Ok(courtside::payments::store::balance(c, &m)?)).await.unwrap()
}

#[rocket::async_test]
async fn the_desk_takes_splits_and_refunds_payments_and_closes_the_till() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;
    let b1 = book(&t, &court, &anna, "2026-11-30", "10:00").await;

    // Cash needs an open shift; nothing is written until then.
    let closed = pay(&t, &b1, "600", "cash", &anna, "").await;
    assert_eq!(closed.status, Status::UnprocessableEntity);
    assert!(closed.has("The cash desk is closed"), "{}", closed.body);
    assert!(closed.has("value=\"600\""), "the typed amount is kept");
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 0);
    let opened = t.submit("/cash", "/cash/open", &[("amount", "500")]).await;
    assert_eq!(opened.location.as_deref(), Some("/cash"), "{}", opened.body);

    // Anna pays part in cash; too much by card is refused, naming what is left; a guest pays the rest.
    assert_eq!(pay(&t, &b1, "600", "cash", &anna, "").await.status, Status::SeeOther);
    let page = t.get(&format!("/bookings/{b1}")).await;
    assert!(page.has("₽400.00 left to pay"), "{}", page.body);
    assert!(t.get("/grid?date=2026-11-30").await.has("pay-part"));
    let over = pay(&t, &b1, "500", "card", &anna, "").await;
    assert!(over.has("more than is left to pay (₽400.00)"), "{}", over.body);
    for (amount, message) in
        [("0", "out of range"), ("-5", "out of range"), ("12.345", "fewer decimal places"), ("lots", "Enter an amount")]
    {
        let bad = pay(&t, &b1, amount, "card", &anna, "").await;
        assert_eq!(bad.status, Status::UnprocessableEntity, "{amount}");
        assert!(bad.has(message), "{amount}: {}", bad.body);
    }
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 1, "refused payments write nothing");
    assert_eq!(pay(&t, &b1, "400", "cash", "", "Bob the guest").await.status, Status::SeeOther);
    assert!(t.get(&format!("/bookings/{b1}")).await.has(">Paid<"));
    assert!(t.get("/grid?date=2026-11-30").await.has("pay-paid"));
    assert_eq!(balance(&t, &anna).await, 0, "paid in and charged: nothing owed, nothing held");

    // Refund 200 of Anna's payment to her account; more than is left is refused.
    let anna_payment: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM payments WHERE payer_name = '' ORDER BY receipt_no", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    let refund = format!("/payments/{anna_payment}/refund");
    let page = format!("/bookings/{b1}");
    let r = t.submit(&page, &refund, &[("amount", "200"), ("reason", "Lights broke"), ("to_wallet", "true")]).await;
    assert_eq!(r.location.as_deref(), Some(page.as_str()), "{}", r.body);
    assert_eq!(balance(&t, &anna).await, 20_000);
    let too_much = t.submit(&page, &refund, &[("amount", "500"), ("reason", "x")]).await;
    assert_eq!(too_much.status, Status::SeeOther);
    assert!(t.get(&page).await.has("more than is left to refund (₽400.00)"));

    // Top up by card, then pay a second booking from the account; not enough is refused.
    let statement = format!("/accounts/{anna}");
    let topped =
        t.submit(&statement, &format!("/accounts/{anna}/top-up"), &[("amount", "1000"), ("method", "card")]).await;
    assert_eq!(topped.status, Status::SeeOther, "{}", topped.body);
    assert_eq!(balance(&t, &anna).await, 120_000);
    let b2 = book(&t, &court, &anna, "2026-12-01", "10:00").await;
    assert_eq!(pay(&t, &b2, "1000", "wallet", &anna, "").await.status, Status::SeeOther);
    assert_eq!(balance(&t, &anna).await, 20_000);
    let b3 = book(&t, &court, &boris, "2026-12-02", "10:00").await;
    let broke = pay(&t, &b3, "1000", "wallet", &boris, "").await;
    assert!(broke.has("Not enough on the account (balance ₽0.00)"), "{}", broke.body);
    let history = t.get(&format!("/bookings/{b3}")).await;
    assert!(history.has("Refused — Payment taken: Not enough on the account"), "{}", history.body);
    let cancelled =
        t.submit(&format!("/bookings/{b3}"), &format!("/bookings/{b3}/cancel"), &[("reason", "Rain")]).await;
    assert_eq!(cancelled.status, Status::SeeOther);
    let late = pay(&t, &b3, "1000", "card", &boris, "").await;
    assert!(late.has("cancelled: it cannot be paid"), "{}", late.body);
    // Takings keeps what was paid from accounts apart from what was refunded onto them.
    let takings = t.get("/reports").await;
    assert!(takings.has("(came in as top-ups)</td><td class=\"num\">₽1,000.00</td>"), "{}", takings.body);
    assert!(takings.has("<tr id=\"refunded-to-accounts\"><td>Refunds put on members"), "{}", takings.body);
    assert!(takings.has("(not paid out)</td><td class=\"num\">₽200.00</td>"), "{}", takings.body);

    // The statement shows a running balance and exports as CSV; the member with money history stays.
    let s = t.get(&statement).await;
    assert!(s.has("Balance: <span class=\"\">₽200.00</span>") && s.has("Refund to the account"), "{}", s.body);
    let csv = t.get(&format!("/accounts/{anna}/statement.csv")).await;
    assert!(csv.body.starts_with("\u{feff}When,What,Amount,Balance,Note"), "{}", csv.body);
    assert!(csv.body.contains("Paid in,1000,1200,"), "{}", csv.body);
    let kept = t.submit(&format!("/members/{anna}"), &format!("/members/{anna}/delete"), &[]).await;
    assert_eq!(kept.status, Status::SeeOther);
    assert!(t.get(&format!("/members/{anna}")).await.has("archived instead of deleted"));

    // Cash out more than the till holds is refused; then close with a counted amount: Z report.
    // Till: float 500 + cash 600 + 400 = 1500.
    let out = t.submit("/cash", "/cash/move", &[("direction", "out"), ("amount", "2000"), ("reason", "Bank")]).await;
    assert!(out.has("not that much cash in the till (₽1,500.00)"), "{}", out.body);
    assert_eq!(
        t.submit("/cash", "/cash/move", &[("direction", "out"), ("amount", "100"), ("reason", "Balls")]).await.status,
        Status::SeeOther
    );
    let x = t.get("/cash").await;
    assert!(x.has("X report") && x.has("₽1,400.00"), "{}", x.body);
    let closed = t.submit("/cash", "/cash/close", &[("amount", "1390"), ("reason", "Ten short")]).await;
    let z_url = closed.location.clone().unwrap();
    assert!(z_url.starts_with("/cash/shifts/"), "{z_url}");
    let z = t.get(&z_url).await;
    assert!(z.has("Z report") && z.has("₽1,390.00") && z.has("−₽10.00") && z.has("Ten short"), "{}", z.body);
    assert!(t.get("/cash").await.has("The cash desk is closed"));
    // The day's takings: cash 600 + 400, a card top-up of 1000; money moved inside accounts is not money in.
    let takings = t.get("/reports?from=2026-11-29&to=2026-11-29").await;
    assert!(takings.has("Money in: ₽2,000.00") && takings.has("Nobody owes the club"), "{}", takings.body);
    let csv = t.get("/reports/payments.csv?from=2026-11-29").await;
    assert!(csv.body.starts_with("\u{feff}Receipt,When,Method,For,Payer,Amount,Served by"), "{}", csv.body);
    let receipt = t.get(&format!("/payments/{anna_payment}/receipt")).await;
    assert!(receipt.has("Receipt № 1") && receipt.has("Court 1") && receipt.has("₽600.00"), "{}", receipt.body);
}

#[rocket::async_test]
async fn the_payments_api_counts_a_retried_payment_once() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let b = book(&t, &court, &anna, "2026-11-30", "11:00").await;
    let token = t.api_token("olga").await;
    let body = format!(r#"{{"member_id":"{anna}","booking_id":"{b}","amount":50000,"method":"card"}}"#);
    let first = t.api(Http::Post, "/api/v1/payments", &token, Some(&body), Some("till-7-0042")).await;
    assert_eq!(first.status, Status::Created, "{}", first.body);
    let again = t.api(Http::Post, "/api/v1/payments", &token, Some(&body), Some("till-7-0042")).await;
    assert_eq!(again.status, Status::Created);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 1, "a retried payment is counted once");
    let bad = t
        .api(
            Http::Post,
            "/api/v1/payments",
            &token,
            Some(&format!(r#"{{"member_id":"{anna}","amount":100,"method":"gold"}}"#)),
            None,
        )
        .await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert_eq!(bad.content_type.as_deref(), Some("application/problem+json"));
    let ledger = t.api(Http::Get, &format!("/api/v1/members/{anna}/ledger"), &token, None, None).await;
    let l = ledger.json();
    let sum: i64 = l["entries"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).sum();
    assert_eq!(l["balance"].as_i64(), Some(sum));
    let id = first.json()["id"].as_str().unwrap().to_owned();
    let refund = t
        .api(
            Http::Post,
            &format!("/api/v1/payments/{id}/refund"),
            &token,
            Some(r#"{"amount":60000,"reason":"x"}"#),
            None,
        )
        .await;
    assert_eq!(refund.status, Status::UnprocessableEntity, "{}", refund.body);
    assert_eq!(refund.json()["field"], "amount");
}

/// Random sequences of payments and refunds through the commands: the balance is always the sum
/// of the entries, a refund never exceeds what is left of its payment, a booking is never paid
/// beyond its price, and a wallet never goes below zero.
#[rocket::async_test]
async fn money_invariants_hold_for_random_operation_sequences() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;
    let mut bookings = Vec::new();
    for (i, day) in ["2026-11-30", "2026-12-01", "2026-12-02"].iter().enumerate() {
        bookings.push(book(&t, &court, if i % 2 == 0 { &anna } else { &boris }, day, "12:00").await);
    }
    let owner = Actor::Console;
    let members = [anna.clone(), boris.clone()];
    let mut rng = fastrand::Rng::with_seed(7);
    let mut payments: Vec<String> = Vec::new();
    for step in 0..300 {
        let member = members[rng.usize(..2)].clone();
        let cmd = match rng.u8(0..4) {
            0 => AnyCommand::TakePayment(TakePayment {
                payment_id: format!("p-{step}"),
                member_id: Some(member),
                booking_id: None,
                purpose: Purpose::TopUp,
                method: Method::Card,
                amount: rng.i64(-100..60_000),
                payer_name: String::new(),
                note: String::new(),
            }),
            1 | 2 => AnyCommand::TakePayment(TakePayment {
                payment_id: format!("p-{step}"),
                member_id: Some(member),
                booking_id: Some(bookings[rng.usize(..bookings.len())].clone()),
                purpose: Purpose::Booking,
                method: if rng.bool() { Method::Wallet } else { Method::Transfer },
                amount: rng.i64(1..80_000),
                payer_name: String::new(),
                note: String::new(),
            }),
            _ if !payments.is_empty() => AnyCommand::RefundPayment(RefundPayment {
                refund_id: format!("r-{step}"),
                payment_id: payments[rng.usize(..payments.len())].clone(),
                amount: rng.i64(1..80_000),
                to_wallet: rng.bool(),
                reason: "test".into(),
            }),
            _ => continue,
        };
        if let Outcome::Applied { .. } = t.app.run(owner.clone(), cmd).await.unwrap()
            && step % 4 != 3
        {
            payments.push(format!("p-{step}"));
        }
        let (bad_balances, over_refunded, over_paid): (i64, i64, i64) = t
            .app
            .db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT
                       (SELECT count(*) FROM (SELECT member_id, sum(amount) AS s FROM ledger GROUP BY member_id) WHERE s < 0),
                       (SELECT count(*) FROM payments p WHERE p.refund_of IS NULL
                          AND p.amount + coalesce((SELECT sum(r.amount) FROM payments r WHERE r.refund_of = p.id), 0) < 0),
                       (SELECT count(*) FROM bookings b WHERE (SELECT coalesce(sum(amount), 0) FROM payments WHERE booking_id = b.id) > b.price
                          OR (SELECT coalesce(sum(amount), 0) FROM payments WHERE booking_id = b.id) < 0)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?)
            })
            .await
            .unwrap();
        assert_eq!((bad_balances, over_refunded, over_paid), (0, 0, 0), "after step {step}");
    }
    for m in &members {
        let sum = {
            let id = m.clone();
            t.app
                .db
                .read(move |c| {
                    Ok(c.query_row("SELECT coalesce(sum(amount), 0) FROM ledger WHERE member_id = ?1", [&id], |r| {
                        r.get::<_, i64>(0)
                    })?)
                })
                .await
                .unwrap()
        };
        assert_eq!(balance(&t, m).await, sum);
    }
    assert!(t.count("SELECT count(*) FROM payments").await > 20, "the sequence did real work");
}

#[rocket::async_test]
async fn late_cancellations_and_no_shows_cost_a_fee_that_a_manager_can_waive() {
    let t = TestApp::new().await;
    let (court, anna, boris) = club(&t).await;
    let policy = t
        .submit(
            "/prices",
            "/prices/policy",
            &[("cancel_window_hours", "24"), ("late_cancel_pct", "50"), ("no_show_pct", "100")],
        )
        .await;
    assert_eq!(policy.status, Status::SeeOther, "{}", policy.body);

    // It is 12:00 in Moscow on 29 November. Anna's 18:00 booking, partly paid, cancelled now: late.
    let late = book(&t, &court, &anna, "2026-11-29", "18:00").await;
    assert_eq!(pay(&t, &late, "400", "card", &anna, "").await.status, Status::SeeOther);
    let page = format!("/bookings/{late}");
    assert!(
        !t.get(&page).await.has("data-confirm=\"Cancel this booking?\""),
        "money is involved: a page, not a dialog"
    );
    // First the desk sees what cancelling does with the money; nothing is cancelled yet.
    let asked = t.submit(&page, &format!("{page}/cancel"), &[("reason", "Ill")]).await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    assert!(
        asked.has("Late cancellation (less than 24 h before the start): a fee of ₽500.00 (50% of ₽1,000.00)."),
        "{}",
        asked.body
    );
    assert!(asked.has("Paid so far: ₽400.00.") && asked.has("₽400.00 of what was paid is kept as the fee."));
    assert!(asked.has("₽100.00 of the fee is charged to the member&#39;s account."), "{}", asked.body);
    assert!(!t.get(&page).await.has("status-cancelled"), "not cancelled before the confirmation");
    let confirmed = [("reason", "Ill"), ("money", "account"), ("confirmed", "true")];
    assert_eq!(t.submit(&page, &format!("{page}/cancel"), &confirmed).await.status, Status::SeeOther);
    assert_eq!(balance(&t, &anna).await, 40_000 - 50_000, "what she paid is back on her account, less half the price");
    let shown = t.get(&page).await;
    assert!(shown.has("paid ₽400.00 · ₽400.00 back on the account") && shown.has("To the account"), "{}", shown.body);
    assert!(!shown.has("Not paid"), "a cancelled booking is not 'not paid'");
    assert!(t.get(&page).await.has("A fee of ₽500.00 is on the member"), "the fee shows on the booking");
    let no_reason = t.submit(&page, &format!("{page}/waive"), &[("reason", " ")]).await;
    assert!(no_reason.has("Say why the fee is waived"), "{}", no_reason.body);
    assert_eq!(
        t.submit(&page, &format!("{page}/waive"), &[("reason", "Doctor's note")]).await.status,
        Status::SeeOther
    );
    assert_eq!(balance(&t, &anna).await, 40_000);
    assert!(t.get(&format!("/accounts/{anna}")).await.has("Fee waived"));

    // Cancelled well ahead: no fee.
    let early = book(&t, &court, &boris, "2026-12-05", "10:00").await;
    t.submit(&format!("/bookings/{early}"), &format!("/bookings/{early}/cancel"), &[("reason", "Trip")]).await;
    assert_eq!(balance(&t, &boris).await, 0);

    // A no-show costs the whole price less what was paid; taking it back waives the fee.
    let missed = book(&t, &court, &boris, "2026-11-30", "10:00").await;
    assert_eq!(pay(&t, &missed, "300", "card", &boris, "").await.status, Status::SeeOther);
    t.advance(jiff::SignedDuration::from_hours(24));
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let page = format!("/bookings/{missed}");
    t.submit(&page, &format!("{page}/attendance"), &[("status", "no_show")]).await;
    assert_eq!(balance(&t, &boris).await, -70_000, "paid 300 of 1000: the fee is the other 700");
    t.submit(&page, &format!("{page}/attendance"), &[("status", "checked_in")]).await;
    assert_eq!(balance(&t, &boris).await, 0);
}

#[rocket::async_test]
async fn a_credit_limit_lets_a_trusted_member_pay_from_an_empty_account() {
    let t = TestApp::new().await;
    let (court, _, boris) = club(&t).await;
    let b = book(&t, &court, &boris, "2026-12-02", "10:00").await;
    assert!(pay(&t, &b, "1000", "wallet", &boris, "").await.has("Not enough on the account"));
    let account = format!("/accounts/{boris}");
    let bad = t.submit(&account, &format!("{account}/credit"), &[("limit", "-5")]).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert_eq!(t.submit(&account, &format!("{account}/credit"), &[("limit", "1500")]).await.status, Status::SeeOther);
    assert!(t.get(&account).await.has("May go ₽1,500.00 below zero"));
    assert_eq!(pay(&t, &b, "1000", "wallet", &boris, "").await.status, Status::SeeOther);
    assert_eq!(balance(&t, &boris).await, -100_000);
    let owed = t.get("/reports").await;
    assert!(owed.has("Boris Petrov") && owed.has("−₽1,000.00"), "{}", owed.body);
}

#[rocket::async_test]
async fn an_empty_club_and_garbled_input_at_the_desk() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    assert!(t.get("/reports").await.has("Nobody owes the club") && t.get("/reports").await.has("Nothing yet."));
    assert!(t.get("/cash").await.has("The cash desk is closed"));
    let bad = t.submit("/cash", "/cash/open", &[("amount", "сто")]).await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    assert!(bad.has("Enter an amount") && bad.has("value=\"сто\""), "{}", bad.body);
    assert_eq!(t.count("SELECT count(*) FROM shifts").await, 0);
    let not_open = t.post_raw("/cash/close", &[("csrf", &t.get("/cash").await.hidden("csrf")), ("amount", "5")]).await;
    assert!(not_open.has("The cash desk is closed"), "{}", not_open.body);
    // The price line stays empty while court or time is missing or garbled.
    for query in ["", "court_id=nope&date=2026-11-30&start=10:00&minutes=60", "date=soon&start=25:00&minutes=x"] {
        let q = t.get(&format!("/bookings/quote?{query}")).await;
        assert_eq!((q.status, q.body.as_str()), (Status::Ok, ""), "{query}");
    }
}

#[rocket::async_test]
async fn a_cancelled_booking_cannot_be_paid() {
    let t = TestApp::new().await;
    let (court, anna, _) = club(&t).await;
    let b = book(&t, &court, &anna, "2026-12-04", "10:00").await;
    let page = format!("/bookings/{b}");
    t.submit(&page, &format!("{page}/cancel"), &[("reason", "Rain")]).await;
    let token = t.api_token("olga").await;
    let body = format!(r#"{{"member_id":"{anna}","booking_id":"{b}","amount":50000,"method":"card"}}"#);
    let refused = t.api(Http::Post, "/api/v1/payments", &token, Some(&body), None).await;
    assert_eq!(refused.status, Status::UnprocessableEntity, "{}", refused.body);
    assert!(refused.has("This booking is cancelled: it cannot be paid."), "{}", refused.body);
    assert_eq!(t.count("SELECT count(*) FROM payments").await, 0);
}
