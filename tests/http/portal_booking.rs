//! A player books free court time on the portal, within their category's rules, sees it where
//! the desk does, and cancels it, paying a late fee when it is late. Never anyone else's.

use courtside::commands::AnyCommand;
use courtside::core::Actor;
use rocket::http::Status;

use crate::portal::{ANNA, club, sign_in};
use crate::support::TestApp;

pub const BORIS: &str = "+79035551234";

/// The portal club with a court at 1 000 ₽ an hour, cancelling within 24 hours costing half,
/// and Boris (another member). Returns the court's id.
pub async fn club_with_court() -> (TestApp, String) {
    let t = club().await;
    let court = courtside::courts::model::CourtDraft {
        name: "Court 1".into(),
        surface: courtside::courts::model::Surface::Hard,
        indoor: false,
        floodlights: false,
        group: String::new(),
        display_order: 1,
        active: true,
    };
    let court_id = uuid::Uuid::now_v7().to_string();
    let run = |cmd| t.app.run(Actor::Console, cmd);
    run(AnyCommand::CreateCourt(courtside::courts::commands::CreateCourt { court_id: court_id.clone(), court }))
        .await
        .unwrap();
    let all_day = (
        courtside::courts::model::DayMinute::parse("00:00").unwrap(),
        courtside::courts::model::DayMinute::MIDNIGHT_END,
    );
    let rule = courtside::prices::model::PriceRule::band("All day", Vec::new(), all_day.0, all_day.1, 100_000);
    run(AnyCommand::SavePriceRule(courtside::prices::commands::SavePriceRule {
        rule_id: uuid::Uuid::now_v7().to_string(),
        rule,
    }))
    .await
    .unwrap();
    let policy = courtside::prices::store::Policy { late_cancel_pct: 50, ..Default::default() };
    run(AnyCommand::SetMoneyPolicy(courtside::prices::commands::SetMoneyPolicy {
        policy,
        new_id: uuid::Uuid::now_v7().to_string(),
    }))
    .await
    .unwrap();
    let boris = courtside::members::model::MemberDraft {
        full_name: "Boris Ivanov".into(),
        phone: BORIS.into(),
        email: String::new(),
        birth_date: None,
        category_id: None,
        tags: Vec::new(),
        notes: String::new(),
        sms_consent: true,
    };
    let id = uuid::Uuid::now_v7().to_string();
    run(AnyCommand::CreateMember(courtside::members::commands::CreateMember { member_id: id, member: boris }))
        .await
        .unwrap();
    (t, court_id)
}

async fn book(t: &TestApp, court: &str, date: &str, start: &str, minutes: &str) -> crate::support::Page {
    let page = format!("/p/book/{court}?date={date}&start={start}");
    t.submit(&page, "/p/book", &[("court_id", court), ("date", date), ("start", start), ("minutes", minutes)]).await
}

#[rocket::async_test]
async fn a_player_books_a_free_evening_and_the_desk_sees_it() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    let day = t.get("/p/book?date=2026-11-30").await;
    assert!(day.has("Court 1") && day.has(&format!("/p/book/{court}?date=2026-11-30&start=19:00")), "{}", day.body);
    let slot = t.get(&format!("/p/book/{court}?date=2026-11-30&start=19:00")).await;
    assert!(slot.has("1 hour — ₽1,000.00") && slot.has("1 hour 30 min — ₽1,500.00"), "{}", slot.body);
    let booked = book(&t, &court, "2026-11-30", "19:00", "60").await;
    assert_eq!(booked.location.as_deref(), Some("/p/"), "{}", booked.body);
    let home = t.get("/p/").await;
    assert!(home.has("Booked:") && home.has("19:00–20:00") && home.has("Court 1"), "{}", home.body);
    let source: String =
        t.app.db.read(|c| Ok(c.query_row("SELECT source FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    assert_eq!(source, "portal");
    let taken = t.get("/p/book?date=2026-11-30").await;
    assert!(!taken.has("start=19:00\""), "the slot is gone from the list");
    assert!(!taken.has("Anna"), "the day page never names who booked");

    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let grid = t.get("/grid?date=2026-11-30").await;
    assert!(grid.has("Anna Smith"), "on the desk's grid");
    let audit = t.get("/audit").await;
    assert!(audit.has("Anna Smith (player portal)"), "{}", audit.body);
}

#[rocket::async_test]
async fn the_category_rules_refuse_on_the_portal_and_a_taken_slot_is_said_so() {
    let (t, court) = club_with_court().await;
    t.login("olga", crate::support::OWNER_PASSWORD).await;
    let none = "/members/categories/none/limits";
    assert_eq!(t.submit(none, none, &[("max_active", "1"), ("days_ahead", "3")]).await.status, Status::SeeOther);
    t.logout().await;
    sign_in(&t, ANNA).await;
    assert_eq!(book(&t, &court, "2026-11-30", "19:00", "60").await.status, Status::SeeOther);
    let second = book(&t, &court, "2026-11-30", "10:00", "60").await;
    assert_eq!(second.status, Status::UnprocessableEntity);
    assert!(second.has("At most 1 booking at a time."), "{}", second.body);
    let far = t.get("/p/book?date=2026-12-10").await;
    assert!(far.has("aria-current=\"date\"") && !far.has("date=2026-12-10&start"), "beyond 3 days: today instead");
    let too_far = book(&t, &court, "2026-12-10", "10:00", "60").await;
    assert!(too_far.status == Status::UnprocessableEntity || too_far.status == Status::NotFound, "{}", too_far.status);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);
}

/// Boris tries Anna's booking by its id: not found, whatever he does.
#[rocket::async_test]
async fn a_player_cannot_see_or_cancel_another_players_booking() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    book(&t, &court, "2026-11-30", "19:00", "60").await;
    let id: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM bookings", [], |r| r.get(0))?)).await.unwrap();
    t.submit("/p/", "/p/sign-out", &[]).await;
    sign_in(&t, BORIS).await;
    assert!(!t.get("/p/").await.has("19:00"), "not in Boris's list");
    assert_eq!(t.get(&format!("/p/bookings/{id}/cancel")).await.status, Status::NotFound);
    let tried = t.submit("/p/", &format!("/p/bookings/{id}/cancel"), &[]).await;
    assert_eq!(tried.status, Status::NotFound, "{}", tried.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings WHERE status = 'booked'").await, 1);
}

#[rocket::async_test]
async fn a_late_cancellation_shows_its_fee_first_and_charges_it() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    for day in ["2026-11-29", "2026-12-02"] {
        let booked = book(&t, &court, day, "20:00", "60").await;
        assert_eq!(booked.status, Status::SeeOther, "{day}: {}", booked.body);
    }
    let ids: Vec<String> = t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare("SELECT id FROM bookings ORDER BY starts_at")?;
            Ok(s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?)
        })
        .await
        .unwrap();
    let early = t.get(&format!("/p/bookings/{}/cancel", ids[1])).await;
    assert!(early.has("Cancelling is free until 24 h before the start."), "{}", early.body);
    let late = t.get(&format!("/p/bookings/{}/cancel", ids[0])).await;
    assert!(late.has("It is late to cancel:") && late.has("500"), "{}", late.body);
    let done =
        t.submit(&format!("/p/bookings/{}/cancel", ids[0]), &format!("/p/bookings/{}/cancel", ids[0]), &[]).await;
    assert_eq!(done.location.as_deref(), Some("/p/"), "{}", done.body);
    assert!(t.get("/p/").await.has("Your booking is cancelled."));
    assert_eq!(t.count("SELECT count(*) FROM ledger WHERE kind = 'fee' AND amount = -50000").await, 1, "the fee");
    let account = t.get("/p/account").await;
    assert!(account.has("On your club account: −₽500.00") && account.has("· Fee"), "{}", account.body);
}

/// Anna books with Boris, found by his phone: he plays in the booking and hears of it by SMS;
/// a number no member has, or her own, is said so and nothing is booked.
#[rocket::async_test]
async fn a_player_adds_a_partner_by_phone_who_gets_an_sms() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    let page = format!("/p/book/{court}?date=2026-11-30&start=19:00");
    let fields = |partner: &'static str| {
        [
            ("court_id", court.clone()),
            ("date", "2026-11-30".into()),
            ("start", "19:00".into()),
            ("minutes", "60".into()),
            ("partner", partner.into()),
        ]
    };
    for (partner, said) in [
        ("+7 903 000-00-00", "No member of the club has the number +7 903 000-00-00."),
        (ANNA, "That is your own number."),
    ] {
        let f = fields(partner);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = t.submit(&page, "/p/book", &f).await;
        assert_eq!(refused.status, Status::UnprocessableEntity, "{partner}");
        assert!(refused.has(said) && refused.has(&format!("value=\"{partner}\"")), "{}", refused.body);
    }
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 0);
    let f = fields("+7 903 555-12-34");
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.submit(&page, "/p/book", &f).await.status, Status::SeeOther);
    assert_eq!(t.count("SELECT count(*) FROM booking_players p JOIN members m ON m.id = p.member_id WHERE m.full_name = 'Boris Ivanov'").await, 1);
    let sms: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row("SELECT body FROM sms_messages WHERE phone = ?1 AND kind = 'confirmation'", [BORIS], |r| {
                r.get(0)
            })?)
        })
        .await
        .unwrap();
    assert!(sms.contains("Anna Smith booked Court 1, 30 November 2026 19:00–20:00 with you."), "{sms}");
}

/// A phone that lost the network sends the booking form again: one booking, and the second
/// answer is the first one's.
#[rocket::async_test]
async fn a_booking_sent_twice_from_a_phone_is_made_once() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    let form = t.get(&format!("/p/book/{court}?date=2026-11-30&start=19:00")).await;
    let (csrf, command_id) = (form.hidden("csrf"), form.hidden("command_id"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("command_id", command_id.as_str()),
        ("court_id", court.as_str()),
        ("date", "2026-11-30"),
        ("start", "19:00"),
        ("minutes", "60"),
    ];
    let first = t.post_raw("/p/book", &fields).await;
    let again = t.post_raw("/p/book", &fields).await;
    assert_eq!(first.location.as_deref(), Some("/p/"), "{}", first.body);
    assert_eq!(again.location.as_deref(), Some("/p/"), "{}", again.body);
    assert_eq!(t.count("SELECT count(*) FROM bookings").await, 1);
}

/// A club that has not added its courts yet: the portal says so instead of failing.
#[rocket::async_test]
async fn a_club_without_courts_says_so_on_the_portal() {
    let t = club().await;
    sign_in(&t, ANNA).await;
    let day = t.get("/p/book").await;
    assert_eq!(day.status, Status::Ok);
    assert!(day.has("The club has no courts to book."), "{}", day.body);
    assert_eq!(t.get("/p/").await.status, Status::Ok);
    assert_eq!(t.get("/p/account").await.status, Status::Ok);
}

/// A court's week: each day's free starts, a taken hour gone from its day, and only as far
/// ahead as the player may book.
#[rocket::async_test]
async fn a_player_sees_a_courts_week() {
    let (t, court) = club_with_court().await;
    sign_in(&t, ANNA).await;
    book(&t, &court, "2026-12-01", "19:00", "60").await;
    let week = t.get(&format!("/p/book/week/{court}?from=2026-11-30")).await;
    assert_eq!(week.status, Status::Ok);
    for day in ["2026-11-30", "2026-12-06"] {
        assert!(week.has(&format!("id=\"day-{day}\"")), "{day}: {}", week.body);
    }
    assert!(!week.has("id=\"day-2026-12-07\""), "seven days");
    let taken = format!("/p/book/{court}?date=2026-12-01&start=19:00\"");
    let free = format!("/p/book/{court}?date=2026-12-02&start=19:00\"");
    assert!(!week.has(&taken) && week.has(&free));
    assert!(week.has("id=\"week-earlier\"") && week.has("id=\"week-later\""));
    let far = t.get(&format!("/p/book/week/{court}?from=2026-12-11")).await;
    assert!(far.has("id=\"day-2026-12-12\"") && !far.has("id=\"day-2026-12-13\""), "13 days ahead at most");
    assert!(!far.has("id=\"week-later\""));
    assert_eq!(t.get("/p/book/week/no-such-court").await.status, Status::NotFound);
}
