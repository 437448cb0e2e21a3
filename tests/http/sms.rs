//! SMS against fake providers on 127.0.0.1 that speak the real wire formats: delivery, every
//! failure class, ambiguous sends that are never resent blindly, pauses on bad credentials and
//! an empty account, reminders that follow their booking, quiet hours, opt-outs and campaigns.

use courtside::commands::AnyCommand;
use courtside::core::{Actor, Outcome};
use courtside::sms::audience::Audience;
use courtside::sms::commands::{CreateCampaign, LeaseSms, ResumeSms, SaveSmsSettings, SendSms, SetSmsOptOut};
use courtside::sms::model::{Kind, QuietHours, Status};
use courtside::sms::providers::ProviderKind;
use courtside::sms::store::{self, Message, Settings};
use courtside::sms::{poller, sender};
use jiff::SignedDuration;
use rocket::http::Status as Http;

use crate::fake_sms::{Fake, Fault};
use crate::payments::book;
use crate::support::TestApp;

fn config(kind: &str, url: &str, key: &str) -> String {
    let creds = match kind {
        "smsru" => format!("[sms.smsru]\napi_id = \"{key}\"\nbase_url = \"{url}\"\n"),
        "smsc" => format!("[sms.smsc]\nlogin = \"club\"\npassword = \"{key}\"\nbase_url = \"{url}\"\n"),
        _ => format!("[sms.twilio]\naccount_sid = \"ACtest\"\nauth_token = \"{key}\"\nbase_url = \"{url}\"\n"),
    };
    format!(
        "[sms]\nprovider = \"{kind}\"\nsender = \"+15005550006\"\ntimeout_secs = 1\nrequests_per_second = 1000\n{creds}"
    )
}

async fn app_with(kind: &str, fake: &Fake, key: &str) -> TestApp {
    TestApp::with_config(&config(kind, &fake.url, key)).await
}

async fn run(t: &TestApp, cmd: AnyCommand) {
    match t.app.run(Actor::System, cmd).await.unwrap() {
        Outcome::Applied { .. } => {}
        Outcome::Rejected(r) => panic!("refused: {r:?}"),
    }
}

async fn queue(t: &TestApp, phone: &str, text: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let cmd = SendSms {
        message_id: id.clone(),
        member_id: None,
        phone: Some(phone.into()),
        text: text.into(),
        kind: Kind::Manual,
    };
    run(t, AnyCommand::SendSms(cmd)).await;
    id
}

async fn msg(t: &TestApp, id: &str) -> Message {
    let id = id.to_owned();
    t.app.db.read(move |c| Ok(store::message(c, &id)?)).await.unwrap().unwrap()
}

async fn send(t: &TestApp) -> usize {
    sender::send_due(&t.app, 10_000).await.unwrap()
}

async fn poll(t: &TestApp) -> usize {
    poller::poll_due(&t.app).await.unwrap()
}

async fn paused(t: &TestApp) -> Option<String> {
    t.app.db.read(|c| Ok(store::provider(c)?)).await.unwrap().unwrap().paused.map(|p| p.0)
}

#[rocket::async_test]
async fn smsru_delivers_after_slow_reports_and_records_the_cost() {
    let fake = Fake::smsru();
    fake.world.lock().unwrap().polls_before_final = 2;
    let t = app_with("smsru", &fake, "good-key").await;
    let id = queue(&t, "+79000000001", "Court 1 at 18:00").await;
    assert_eq!(send(&t).await, 1);
    let m = msg(&t, &id).await;
    assert_eq!(m.status, Status::Queued);
    assert_eq!(m.provider_id.as_deref(), Some("000000-0000001"));
    let sent = fake.requests_to("/sms/send");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].get("to"), Some("79000000001"), "SMS.ru gets digits only");
    assert_eq!(sent[0].get("json"), Some("1"));

    // Not due yet: nothing is asked.
    assert_eq!(poll(&t).await, 0);
    for expected in [Status::Sent, Status::Sent, Status::Delivered] {
        t.advance(SignedDuration::from_mins(10));
        assert_eq!(poll(&t).await, 1);
        assert_eq!(msg(&t, &id).await.status, expected);
    }
    let m = msg(&t, &id).await;
    assert_eq!(m.cost_micros, Some(500_000));
    assert_eq!(m.cost_currency.as_deref(), Some("RUB"));
    assert!(m.next_poll_at.is_none(), "a final status is not polled again");
    t.advance(SignedDuration::from_hours(2));
    assert_eq!(poll(&t).await, 0);
    assert_eq!(fake.requests_to("/sms/status").len(), 3);
}

#[rocket::async_test]
async fn a_partly_refused_batch_maps_every_recipient_and_resends_none_blindly() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let ok = queue(&t, "+79000000001", "Hi").await;
    let bad = queue(&t, "+79000000501", "Hi").await;
    let stop = queue(&t, "+79000000601", "Hi").await;
    let missing = queue(&t, "+79000000701", "Hi").await;
    let limited = queue(&t, "+79000000901", "Hi").await;
    let expired = queue(&t, "+79000000201", "Hi").await;
    let handset = queue(&t, "+79000000301", "Hi").await;
    let blocked = queue(&t, "+79000000401", "Hi").await;
    send(&t).await;
    assert_eq!(fake.requests_to("/sms/send").len(), 1, "one request for the batch");
    assert_eq!(msg(&t, &ok).await.status, Status::Queued);
    let b = msg(&t, &bad).await;
    assert_eq!((b.status, b.error.as_deref()), (Status::Failed, Some("202")));
    assert_eq!(msg(&t, &stop).await.status, Status::Rejected);
    let m = msg(&t, &missing).await;
    assert_eq!((m.status, m.error.as_deref()), (Status::Unknown, Some("ambiguous")));
    let l = msg(&t, &limited).await;
    assert_eq!(l.status, Status::Pending);
    assert!(l.not_before >= t.app.now() + SignedDuration::from_secs(60));

    // Sending again right away sends nothing: the missing one is never resent, the limited waits.
    send(&t).await;
    assert_eq!(fake.requests_to("/sms/send").len(), 1);
    t.advance(SignedDuration::from_secs(61));
    send(&t).await;
    let second = fake.requests_to("/sms/send");
    assert_eq!(second.len(), 2);
    assert_eq!(second[1].get("to"), Some("79000000901"));

    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    assert_eq!(msg(&t, &ok).await.status, Status::Delivered);
    assert_eq!(msg(&t, &expired).await.status, Status::Expired);
    assert_eq!(msg(&t, &handset).await.status, Status::Failed);
    assert_eq!(msg(&t, &blocked).await.status, Status::Rejected);
}

#[rocket::async_test]
async fn bad_credentials_pause_sending_without_using_attempts() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "wrong-key").await;
    let id = queue(&t, "+79000000001", "Hi").await;
    assert_eq!(send(&t).await, 0);
    assert_eq!(paused(&t).await.as_deref(), Some("auth"));
    let m = msg(&t, &id).await;
    assert_eq!((m.status, m.attempts), (Status::Pending, 0));
    // Paused: nothing more is tried until a manager acts.
    send(&t).await;
    assert_eq!(fake.requests_to("/sms/send").len(), 1);

    t.setup_owner().await;
    let home = t.get("/").await;
    assert!(home.has("sms-alert"), "the dashboard alerts the manager: {}", home.body);
}

#[rocket::async_test]
async fn an_empty_account_pauses_until_topped_up_and_resumed() {
    let fake = Fake::smsru();
    fake.world.lock().unwrap().no_money = true;
    let t = app_with("smsru", &fake, "good-key").await;
    let id = queue(&t, "+79000000001", "Hi").await;
    send(&t).await;
    assert_eq!(paused(&t).await.as_deref(), Some("no_money"));
    fake.world.lock().unwrap().no_money = false;
    run(&t, AnyCommand::ResumeSms(ResumeSms {})).await;
    assert_eq!(send(&t).await, 1);
    assert_eq!(msg(&t, &id).await.status, Status::Queued);
    assert_eq!(fake.world.lock().unwrap().times_sent("+79000000001"), 1);
}

#[rocket::async_test]
async fn html_errors_and_timeouts_after_sending_are_never_resent() {
    let fake = Fake::smsru();
    fake.world.lock().unwrap().faults = vec![Fault::Html502, Fault::Stall];
    let t = app_with("smsru", &fake, "good-key").await;
    let a = queue(&t, "+79000000001", "first").await;
    send(&t).await;
    let m = msg(&t, &a).await;
    assert_eq!((m.status, m.error.as_deref()), (Status::Unknown, Some("ambiguous")));
    assert!(m.error_note.unwrap().contains("502"));
    let b = queue(&t, "+79000000002", "second").await;
    send(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Unknown, "timed out after the request went");
    t.advance(SignedDuration::from_hours(1));
    send(&t).await;
    assert_eq!(fake.requests_to("/sms/send").len(), 2, "neither is sent again");
}

#[rocket::async_test]
async fn a_busy_provider_is_retried_with_backoff() {
    let fake = Fake::smsru();
    fake.world.lock().unwrap().faults = vec![Fault::Busy];
    let t = app_with("smsru", &fake, "good-key").await;
    let id = queue(&t, "+79000000001", "Hi").await;
    send(&t).await;
    let m = msg(&t, &id).await;
    assert_eq!((m.status, m.attempts), (Status::Pending, 1));
    assert!(m.not_before > t.app.now());
    send(&t).await;
    assert_eq!(fake.requests_to("/sms/send").len(), 1, "waits for its backoff");
    t.advance(SignedDuration::from_mins(10));
    send(&t).await;
    assert_eq!(msg(&t, &id).await.status, Status::Queued);
    assert_eq!(fake.world.lock().unwrap().times_sent("+79000000001"), 1);
}

#[rocket::async_test]
async fn smsc_finds_a_timed_out_send_by_our_id_and_resends_only_what_never_arrived() {
    let fake = Fake::smsc();
    fake.world.lock().unwrap().faults = vec![Fault::Stall];
    let t = app_with("smsc", &fake, "good-key").await;
    let a = queue(&t, "+79000000001", "Hi").await;
    send(&t).await;
    assert_eq!(msg(&t, &a).await.status, Status::Unknown);
    let req = &fake.requests_to("/sys/send.php")[0];
    assert_eq!((req.get("fmt"), req.get("charset")), (Some("3"), Some("utf-8")));
    assert_eq!(req.get("phones"), Some("+79000000001"), "SMSC gets +E164 (no auto-correction)");
    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    let m = msg(&t, &a).await;
    assert_eq!(m.status, Status::Delivered, "found at SMSC by our id");
    assert_eq!(m.cost_micros, Some(1_900_000));

    // A crash between lease and request: the message never reached SMSC.
    let b = queue(&t, "+79000000002", "Hi").await;
    let lease = LeaseSms {
        batch_id: uuid::Uuid::now_v7().to_string(),
        message_ids: vec![b.clone()],
        provider: ProviderKind::Smsc,
        lease_until: t.app.now() + SignedDuration::from_secs(61),
    };
    run(&t, AnyCommand::LeaseSms(lease)).await;
    t.advance(SignedDuration::from_secs(62));
    send(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Unknown, "the lease ran out: resolved, not resent");
    t.advance(SignedDuration::from_secs(30));
    poll(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Unknown, "not found yet, too soon to be sure");
    t.advance(SignedDuration::from_mins(3));
    poll(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Pending, "proven missing: safe to send");
    send(&t).await;
    let w = fake.world.lock().unwrap();
    assert_eq!(w.times_sent("+79000000001"), 1);
    assert_eq!(w.times_sent("+79000000002"), 1);
}

#[rocket::async_test]
async fn twilio_sends_one_per_request_and_maps_its_errors() {
    let fake = Fake::twilio();
    let t = app_with("twilio", &fake, "good-token").await;
    let ok = queue(&t, "+79000000001", "Hi").await;
    let bad = queue(&t, "+79000000501", "Hi").await;
    let undelivered = queue(&t, "+79000000301", "Hi").await;
    send(&t).await;
    assert_eq!(fake.requests_to("/2010-04-01/Accounts/ACtest/Messages.json").len(), 3);
    assert_eq!(msg(&t, &bad).await.error.as_deref(), Some("21211"));
    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    let m = msg(&t, &ok).await;
    assert_eq!((m.status, m.cost_micros, m.cost_currency.as_deref()), (Status::Delivered, Some(7_500), Some("USD")));
    assert_eq!(msg(&t, &undelivered).await.status, Status::Failed);

    let wrong = Fake::twilio();
    let t = app_with("twilio", &wrong, "bad-token").await;
    queue(&t, "+79000000001", "Hi").await;
    send(&t).await;
    assert_eq!(paused(&t).await.as_deref(), Some("auth"));
}

// ---- reminders, quiet hours, opt-out, campaigns ----

/// A court, a member with a phone who agreed to SMS, and the owner logged in.
async fn club(t: &TestApp, phone: &str) -> (String, String) {
    t.setup_owner().await;
    let page = t
        .submit(
            "/courts/new",
            "/courts",
            &[("name", "Court 1"), ("surface", "hard"), ("display_order", "1"), ("active", "on")],
        )
        .await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    let court: String = t.app.db.read(|c| Ok(c.query_row("SELECT id FROM courts", [], |r| r.get(0))?)).await.unwrap();
    let page = t
        .submit("/members/new", "/members", &[("full_name", "Anna Smith"), ("phone", phone), ("sms_consent", "on")])
        .await;
    let member = page.location.unwrap().trim_start_matches("/members/").to_owned();
    (court, member)
}

async fn set_settings(t: &TestApp, s: Settings) {
    run(t, AnyCommand::SaveSmsSettings(SaveSmsSettings { settings_id: uuid::Uuid::now_v7().to_string(), settings: s }))
        .await;
}

async fn reminder(t: &TestApp, booking: &str) -> Option<Message> {
    let b = booking.to_owned();
    t.app.db.read(move |c| Ok(store::booking_message(c, &b, Kind::Reminder)?)).await.unwrap()
}

#[rocket::async_test]
async fn a_reminder_follows_its_booking() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (court, anna) = club(&t, "+79000000001").await;
    set_settings(&t, Settings { reminder_hours: 3, ..Settings::default() }).await;
    // Now is 12:00 in Moscow; a game tomorrow at 18:00 is reminded at 15:00 (12:00 UTC).
    let booking = book(&t, &court, &anna, "2026-11-30", "18:00").await;
    let r = reminder(&t, &booking).await.expect("a reminder is queued");
    assert_eq!(r.status, Status::Pending);
    assert_eq!(r.not_before, "2026-11-30T12:00:00Z".parse().unwrap());
    assert!(r.body.contains("Anna") && r.body.contains("Court 1") && r.body.contains("18:00"), "{}", r.body);
    assert_eq!(send(&t).await, 0, "not before its time");

    // Moved to 20:00: the same reminder, rescheduled and rewritten.
    let page = t
        .submit(
            &format!("/bookings/{booking}/edit"),
            &format!("/bookings/{booking}"),
            &[
                ("court_id", &court),
                ("date", "2026-11-30"),
                ("start", "20:00"),
                ("minutes", "60"),
                ("kind", "play"),
                ("booker_id", &anna),
            ],
        )
        .await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    let moved = reminder(&t, &booking).await.unwrap();
    assert_eq!(moved.id, r.id, "exactly one reminder per booking");
    assert_eq!(moved.not_before, "2026-11-30T14:00:00Z".parse().unwrap());
    assert!(moved.body.contains("20:00"));
    let count = t.count("SELECT count(*) FROM sms_messages WHERE kind = 'reminder'").await;
    assert_eq!(count, 1);

    let page =
        t.submit(&format!("/bookings/{booking}"), &format!("/bookings/{booking}/cancel"), &[("reason", "rain")]).await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    assert_eq!(reminder(&t, &booking).await.unwrap().status, Status::Cancelled);

    // A member who opted out gets no reminder.
    run(
        &t,
        AnyCommand::SetSmsOptOut(SetSmsOptOut {
            optout_id: uuid::Uuid::now_v7().to_string(),
            member_id: anna.clone(),
            opted_out: true,
        }),
    )
    .await;
    let other = book(&t, &court, &anna, "2026-12-03", "18:00").await;
    assert!(reminder(&t, &other).await.is_none());

    t.advance(SignedDuration::from_hours(30));
    send(&t).await;
    assert!(fake.requests_to("/sms/send").is_empty(), "a cancelled booking is never reminded of");
}

#[rocket::async_test]
async fn quiet_hours_hold_club_messages_but_not_staff_ones() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (_court, anna) = club(&t, "+79000000001").await;
    // 12:00 in Moscow now: quiet from 11:00 to 13:00.
    set_settings(&t, Settings { quiet: QuietHours { from: 11 * 60, to: 13 * 60 }, ..Settings::default() }).await;
    let campaign = CreateCampaign {
        campaign_id: uuid::Uuid::now_v7().to_string(),
        name: "Spring".into(),
        text: "Courts open".into(),
        audience: Audience::AllActive,
        send_at: None,
    };
    run(&t, AnyCommand::CreateCampaign(campaign)).await;
    let manual = queue(&t, "+79000000002", "Your racket is ready").await;
    assert_eq!(send(&t).await, 1);
    assert_eq!(msg(&t, &manual).await.status, Status::Queued);
    let pending = t.count("SELECT count(*) FROM sms_messages WHERE kind = 'campaign' AND status = 'pending'").await;
    assert_eq!(pending, 1, "the campaign waits for the end of quiet hours");
    t.advance(SignedDuration::from_hours(1));
    assert_eq!(send(&t).await, 1);
    let _ = anna;
}

#[rocket::async_test]
async fn a_campaign_leaves_out_duplicates_invalid_numbers_and_opted_out_members() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (_court, anna) = club(&t, "+79000000001").await;
    for (name, phone, consent) in
        [("Boris", "+79000000002", true), ("Vera", "+79000000003", false), ("Gleb", "+79000000004", true)]
    {
        let mut fields = vec![("full_name", name), ("phone", phone)];
        if consent {
            fields.push(("sms_consent", "on"));
        }
        t.submit("/members/new", "/members", &fields).await;
    }
    let gleb: String = t
        .app
        .db
        .read(|c| Ok(c.query_row("SELECT id FROM members WHERE full_name = 'Gleb'", [], |r| r.get(0))?))
        .await
        .unwrap();
    run(
        &t,
        AnyCommand::SetSmsOptOut(SetSmsOptOut {
            optout_id: uuid::Uuid::now_v7().to_string(),
            member_id: gleb,
            opted_out: true,
        }),
    )
    .await;
    let region = "RU".to_owned();
    let resolved = t
        .app
        .db
        .read(move |c| {
            Ok(courtside::sms::audience::resolve(c, &Audience::AllActive, &region, &jiff::tz::TimeZone::UTC)?)
        })
        .await
        .unwrap();
    let phones: Vec<&str> = resolved.recipients.iter().map(|r| r.phone.as_str()).collect();
    assert_eq!(phones, ["+79000000001", "+79000000002"]);
    use courtside::sms::audience::LeftOut;
    assert_eq!(resolved.count(LeftOut::NoConsent), 1);
    assert_eq!(resolved.count(LeftOut::OptedOut), 1);

    let pasted = Audience::Pasted { text: "+7 900 000-00-01\n8 900 000 00 01\nnot a number\n+79000000005".into() };
    let region = "RU".to_owned();
    let p = pasted.clone();
    let resolved = t
        .app
        .db
        .read(move |c| Ok(courtside::sms::audience::resolve(c, &p, &region, &jiff::tz::TimeZone::UTC)?))
        .await
        .unwrap();
    assert_eq!(resolved.recipients.len(), 2);
    assert_eq!(resolved.count(LeftOut::Duplicate), 1);
    assert_eq!(resolved.count(LeftOut::InvalidNumber), 1);

    let id = uuid::Uuid::now_v7().to_string();
    let cmd = CreateCampaign {
        campaign_id: id.clone(),
        name: "Open day".into(),
        text: "{name}, open day!".into(),
        audience: pasted,
        send_at: None,
    };
    run(&t, AnyCommand::CreateCampaign(cmd)).await;
    assert_eq!(send(&t).await, 2);
    let req = &fake.requests_to("/sms/send")[0];
    assert_eq!(req.get("to[79000000001]"), Some("Anna, open day!"), "personal texts use the to[PHONE] form");
    let _ = anna;
}

/// `cargo test --release --test http enqueue_figure -- --ignored --nocapture`
#[rocket::async_test]
#[ignore = "a measurement, not a check: prints how long enqueueing 10 000 recipients takes"]
async fn enqueue_figure() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let list: Vec<String> = (0..10_000).map(|i| format!("+7900{:07}", i)).collect();
    let cmd = CreateCampaign {
        campaign_id: uuid::Uuid::now_v7().to_string(),
        name: "Big".into(),
        text: "Courts open all weekend".into(),
        audience: Audience::Pasted { text: list.join("\n") },
        send_at: None,
    };
    let started = std::time::Instant::now();
    run(&t, AnyCommand::CreateCampaign(cmd)).await;
    let took = started.elapsed();
    assert_eq!(t.count("SELECT count(*) FROM sms_messages").await, 10_000);
    println!("enqueued 10000 recipients in {took:?}");
}

#[rocket::async_test]
async fn the_settings_page_saves_a_provider_masks_its_key_and_sends_a_test() {
    let fake = Fake::smsru();
    let t = TestApp::new().await;
    t.setup_owner().await;
    let page = t.get("/sms/settings").await;
    assert_eq!(page.status, Http::Ok);
    // A key is required; the form comes back with the input kept and no key shown.
    let page = t
        .submit(
            "/sms/settings",
            "/sms/settings/provider",
            &[("kind", "smsru"), ("sender", "Club"), ("base_url", &fake.url), ("secret", "")],
        )
        .await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.has("Enter the provider&#39;s key"), "{}", page.body);
    assert!(page.has(&fake.url));
    let page = t
        .submit(
            "/sms/settings",
            "/sms/settings/provider",
            &[("kind", "smsru"), ("sender", "Club"), ("base_url", &fake.url), ("secret", "good-key")],
        )
        .await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    let page = t.get("/sms/settings").await;
    assert!(!page.has("good-key"), "the key is never shown back");
    assert!(page.has("A key is saved"));
    // Saving again without a key keeps it.
    let page = t
        .submit(
            "/sms/settings",
            "/sms/settings/provider",
            &[("kind", "smsru"), ("sender", "Club"), ("base_url", &fake.url), ("secret", "")],
        )
        .await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);

    let page = t.submit("/sms/settings", "/sms/settings/balance", &[]).await;
    assert_eq!(page.status, Http::SeeOther);
    assert!(t.get("/sms/settings").await.has("4122.56 RUB"));

    let page = t.submit("/sms/settings", "/sms/settings/test", &[("phone", "not a phone"), ("text", "Hello")]).await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.has("Hello"), "input kept");
    let page =
        t.submit("/sms/settings", "/sms/settings/test", &[("phone", "+7 900 000-00-01"), ("text", "Hello")]).await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    assert_eq!(send(&t).await, 1);
    assert_eq!(fake.requests_to("/sms/send")[0].get("from"), Some("Club"));
    assert!(t.get("/sms/settings").await.has("data-status=\"queued\""));

    // Reception may not touch SMS settings.
    t.add_staff("rita", "reception", "reception password 1").await;
    t.logout().await;
    t.login("rita", "reception password 1").await;
    t.submit(
        "/profile",
        "/profile/password",
        &[("current", "reception password 1"), ("password", "rita new password"), ("confirm", "rita new password")],
    )
    .await;
    assert_eq!(t.get("/sms/settings").await.status, Http::Forbidden);
    // The key is kept sealed: neither the command log nor the database (nor so a backup) holds it.
    assert_eq!(t.count("SELECT count(*) FROM commands WHERE payload LIKE '%good-key%'").await, 0);
    assert_eq!(t.count("SELECT count(*) FROM sms_provider WHERE secret LIKE '%good-key%'").await, 0);
}

#[rocket::async_test]
async fn a_key_an_older_version_kept_in_plain_text_is_sealed_at_start() {
    let fake = Fake::smsru();
    let t = TestApp::new().await;
    t.setup_owner().await;
    let url = fake.url.clone();
    t.app
        .db
        .write(move |c| {
            c.execute(
                "INSERT INTO sms_provider (id, kind, base_url, secret, updated_at) VALUES (1, 'smsru', ?1, 'plain-key', 0)",
                [url],
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let app = t.app.clone();
    tokio::task::spawn_blocking(move || {
        courtside::sms::pinned::prepare(&app.db, &app.config.sms, &app.sealer, app.now())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(t.count("SELECT count(*) FROM sms_provider WHERE secret LIKE '%plain-key%'").await, 0);
    assert_eq!(t.count("SELECT count(*) FROM commands WHERE payload LIKE '%plain-key%'").await, 0);
    t.submit("/sms/settings", "/sms/settings/balance", &[]).await;
    assert_eq!(fake.requests_to("/my/balance")[0].get("api_id"), Some("plain-key"), "and it still works");
}

#[rocket::async_test]
async fn a_stored_key_is_never_sent_to_another_address() {
    let fake = Fake::smsru();
    let elsewhere = Fake::smsru();
    let t = TestApp::new().await;
    t.setup_owner().await;
    let save = |url: String, secret: &'static str| {
        let t = &t;
        async move {
            let fields = [("kind", "smsru"), ("sender", "Club"), ("base_url", url.as_str()), ("secret", secret)];
            t.submit("/sms/settings", "/sms/settings/provider", &fields).await
        }
    };
    assert_eq!(save(fake.url.clone(), "good-key").await.status, Http::SeeOther);
    // A manager points the provider at another address and leaves the key blank: refused.
    let moved = save(elsewhere.url.clone(), "").await;
    assert_eq!(moved.status, Http::UnprocessableEntity);
    assert!(moved.has("Enter the secret again: it is not kept when the provider"), "{}", moved.body);
    t.submit("/sms/settings", "/sms/settings/balance", &[]).await;
    assert!(elsewhere.requests_to("/my/balance").is_empty(), "the other address never saw the key");
    assert_eq!(fake.requests_to("/my/balance").len(), 1, "the balance is asked where the key belongs");
    assert_eq!(fake.requests_to("/my/balance")[0].get("api_id"), Some("good-key"));

    // A backup of this club does not hold the key either.
    let file = t.app.db.path().with_file_name("backup-check.sqlite3");
    let target = file.clone();
    t.app.db.read(move |c| courtside::db::backup::copy_to(c, &target)).await.unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"good-key"), "the backup holds only the sealed key");
}

#[rocket::async_test]
async fn a_campaign_to_a_category_is_previewed_sent_reported_and_exported() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (_court, _anna) = club(&t, "+79000000001").await;
    let junior: String = t
        .app
        .db
        .read(|c| {
            Ok(c.query_row("SELECT id FROM member_categories ORDER BY display_order LIMIT 1 OFFSET 1", [], |r| {
                r.get(0)
            })?)
        })
        .await
        .unwrap();
    for (name, phone) in [("Boris Ivanov", "+79000000002"), ("Vera Orlova", "+79000000301"), ("Gleb Titov", "")] {
        let page = t
            .submit(
                "/members/new",
                "/members",
                &[("full_name", name), ("phone", phone), ("category_id", &junior), ("sms_consent", "on")],
            )
            .await;
        assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    }
    assert_eq!(t.get("/sms").await.status, Http::Ok);
    let fields = [
        ("name", "Junior camp"),
        ("text", "Привет, {name}! Лагерь в субботу."),
        ("by", "category"),
        ("category_id", junior.as_str()),
    ];
    let page = t.submit("/sms/campaigns/new", "/sms/campaigns/preview", &fields).await;
    assert_eq!(page.status, Http::Ok, "{}", page.body);
    assert!(page.has("2 recipients"), "{}", page.body);
    assert!(page.has("no phone number"), "Gleb is shown as left out");
    assert!(page.has("Cyrillic or symbols"));
    // Missing category: the form comes back with a message and the text kept.
    let page =
        t.submit("/sms/campaigns/new", "/sms/campaigns", &[("name", "x"), ("text", "Hi"), ("by", "category")]).await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.has("Choose a category."));

    // Without the preview's confirmation, sending only shows the preview: nothing is queued.
    let page = t.submit("/sms/campaigns/new", "/sms/campaigns", &fields).await;
    assert_eq!(page.status, Http::Ok, "{}", page.body);
    assert!(page.has("“Junior camp” goes to 2 recipients now:"), "{}", page.body);
    assert!(page.has("Send to 2 recipients"));
    assert_eq!(t.count("SELECT count(*) FROM sms_campaigns").await, 0);
    // A confirmation of another count (the audience changed since) shows the preview again.
    let stale: Vec<(&str, &str)> = fields.iter().copied().chain([("confirmed_recipients", "3")]).collect();
    let page = t.submit("/sms/campaigns/new", "/sms/campaigns", &stale).await;
    assert_eq!(page.status, Http::Conflict, "{}", page.body);
    assert!(page.has("The audience changed since the preview (3 then)"), "{}", page.body);
    assert_eq!(t.count("SELECT count(*) FROM sms_campaigns").await, 0);

    let confirmed: Vec<(&str, &str)> = fields.iter().copied().chain([("confirmed_recipients", "2")]).collect();
    let page = t.submit("/sms/campaigns/new", "/sms/campaigns", &confirmed).await;
    assert_eq!(page.status, Http::SeeOther, "{}", page.body);
    let url = page.location.unwrap();
    let page = t.get(&url).await;
    assert!(page.has("data-count=\"pending\">2<"), "{}", page.body);
    // The progress is a live part of the page: open pages hear when a message is sent or a
    // report comes in, and refetch it (static/js/live.js).
    assert!(page.has("id=\"campaign-live\" data-live=\"sms_campaigns local\""), "{}", page.body);
    let mut heard = t.app.feed.subscribe();
    heard.mark_unchanged();
    assert_eq!(send(&t).await, 2);
    assert!(heard.has_changed().unwrap(), "sending wakes the open pages");
    // The sender's routine steps stay out of the audit log unless asked for.
    assert!(!t.get("/audit").await.has("<strong>SMS batch handed to the provider</strong>"));
    assert!(t.get("/audit?plumbing=true").await.has("<strong>SMS batch handed to the provider</strong>"));
    heard.mark_unchanged();
    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    assert!(heard.has_changed().unwrap(), "delivery reports wake them too");
    let page = t.get(&url).await;
    assert!(page.has("data-count=\"delivered\">1<") && page.has("data-count=\"failed\">1<"), "{}", page.body);
    let texts: Vec<String> = fake.world.lock().unwrap().accepted.iter().map(|a| a.2.clone()).collect();
    assert!(texts.contains(&"Привет, Boris! Лагерь в субботу.".to_owned()), "{texts:?}");
    let csv = t.get(&format!("{url}/export.csv")).await;
    assert_eq!(csv.status, Http::Ok);
    assert!(
        csv.body.contains("+79000000002") && csv.body.contains("delivered") && csv.body.contains("0.50"),
        "{}",
        csv.body
    );
    let report = t.get("/sms/report").await;
    assert!(report.has("Boris Ivanov") && report.has("data-status=\"failed\""), "{}", report.body);
    let csv = t.get("/sms/report.csv").await;
    assert!(csv.body.lines().count() >= 3);
    // The month by month report counts the same two, and what they cost.
    let months = t.get("/reports/sms").await;
    let total = "Sent: <strong>2</strong> · Delivered: <strong>1</strong> · Failed: <strong>1</strong> · No result yet: <strong>0</strong>";
    assert!(months.has(total) && months.has("<title>Nov 2026: Delivered: 1</title>"), "{}", months.body);
    let csv = t.get("/reports/sms.csv").await;
    assert!(months.has("Cost: <strong>1.00 RUB</strong>"), "{}", months.body);
    assert!(csv.body.contains("\n2026-11-01,2,1,1,0,2,1.00\n") && csv.body.contains("\"Cost, RUB\""), "{}", csv.body);
}

#[rocket::async_test]
async fn the_member_card_sends_an_sms_shows_its_history_and_records_an_opt_out() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (_court, anna) = club(&t, "+79000000001").await;
    let card = format!("/members/{anna}");
    let send_page = format!("/sms/members/{anna}/send");
    assert!(t.get(&card).await.has(&send_page));
    let page = t.submit(&send_page, &send_page, &[("text", "   ")]).await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.has("Write the text of the message."));
    let page = t.submit(&send_page, &send_page, &[("text", "Your racket is strung")]).await;
    assert_eq!(page.location.as_deref(), Some(card.as_str()), "{}", page.body);
    send(&t).await;
    let page = t.get(&card).await;
    assert!(page.has("Your racket is strung") && page.has("data-status=\"queued\""), "{}", page.body);

    let page = t.submit(&card, &format!("/sms/members/{anna}/opt-out"), &[("opted_out", "true")]).await;
    assert_eq!(page.status, Http::SeeOther);
    let page = t.get(&card).await;
    assert!(page.has("Wants no SMS") && !page.has(&send_page));
    let page = t.submit(&send_page, &send_page, &[("text", "Hi again")]).await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.has("asked for no SMS"));
}

#[rocket::async_test]
async fn the_api_queues_an_sms_reports_its_status_and_runs_campaigns() {
    use rocket::http::Method;
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let (_court, anna) = club(&t, "+79000000001").await;
    let token = t.api_token("olga").await;
    let page = t
        .api(
            Method::Post,
            "/api/v1/sms/messages",
            &token,
            Some(r#"{"phone":"+7 900 000-00-02","text":"Привет"}"#),
            Some("k1"),
        )
        .await;
    assert_eq!(page.status, Http::Accepted, "{}", page.body);
    let id = page.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(page.json()["status"], "pending");
    assert_eq!(page.json()["segments"], 1);
    assert_eq!(page.json()["phone"], "+79000000002");
    // The same key again: the same message, not a second one.
    let again = t
        .api(
            Method::Post,
            "/api/v1/sms/messages",
            &token,
            Some(r#"{"phone":"+7 900 000-00-02","text":"Привет"}"#),
            Some("k1"),
        )
        .await;
    assert_eq!(again.json()["id"], id.as_str());
    assert_eq!(t.count("SELECT count(*) FROM sms_messages").await, 1);

    let page = t
        .api(
            Method::Post,
            "/api/v1/sms/messages",
            &token,
            Some(&format!(r#"{{"member_id":"{anna}","text":""}}"#)),
            None,
        )
        .await;
    assert_eq!(page.status, Http::UnprocessableEntity);
    assert!(page.content_type.as_deref().unwrap().contains("problem+json"));
    assert_eq!(page.json()["field"], "text");

    send(&t).await;
    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    let page = t.api(Method::Get, &format!("/api/v1/sms/messages/{id}"), &token, None, None).await;
    assert_eq!((page.json()["status"].as_str(), page.json()["cost"].as_str()), (Some("delivered"), Some("0.50")));
    assert_eq!(t.api(Method::Get, "/api/v1/sms/messages/nope", &token, None, None).await.status, Http::NotFound);

    let body = r#"{"name":"Open day","text":"{name}, open day on Sunday","audience":{"by":"all_active"}}"#;
    let page = t.api(Method::Post, "/api/v1/sms/campaigns", &token, Some(body), None).await;
    assert_eq!(page.status, Http::Created, "{}", page.body);
    assert_eq!(page.json()["recipients"], 1);
    let cid = page.json()["id"].as_str().unwrap().to_owned();
    send(&t).await;
    let page = t.api(Method::Get, &format!("/api/v1/sms/campaigns/{cid}"), &token, None, None).await;
    assert_eq!(page.json()["counts"]["sent"], 1, "{}", page.body);
    let list = t.api(Method::Get, "/api/v1/sms/campaigns", &token, None, None).await;
    assert_eq!(list.json()["campaigns"].as_array().unwrap().len(), 1);
    let bad = r#"{"name":"x","text":"hi","audience":{"by":"category","category_id":"nope"}}"#;
    let page = t.api(Method::Post, "/api/v1/sms/campaigns", &token, Some(bad), None).await;
    assert_eq!(page.status, Http::NotFound, "{}", page.body);
}

/// `cargo test --release --test http sender_throughput_figure -- --ignored --nocapture`
#[rocket::async_test]
#[ignore = "a measurement, not a check: prints how fast the sender hands 10 000 messages to a fake SMS.ru"]
async fn sender_throughput_figure() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    t.setup_owner().await;
    set_settings(&t, Settings { quiet: QuietHours { from: 0, to: 0 }, ..Settings::default() }).await;
    // Last four digits 0001: the fake's "deliver normally" scenario for every number.
    let list: Vec<String> = (0..10_000).map(|i| format!("+79{i:05}0001")).collect();
    let cmd = CreateCampaign {
        campaign_id: uuid::Uuid::now_v7().to_string(),
        name: "Big".into(),
        text: "Courts open all weekend".into(),
        audience: Audience::Pasted { text: list.join("\n") },
        send_at: None,
    };
    run(&t, AnyCommand::CreateCampaign(cmd)).await;
    let started = std::time::Instant::now();
    let handed = send(&t).await;
    let took = started.elapsed();
    assert_eq!(handed, 10_000);
    assert_eq!(fake.world.lock().unwrap().accepted.len(), 10_000);
    println!(
        "sent 10000 messages in {} requests in {took:?}: {:.0} messages/s",
        fake.requests_to("/sms/send").len(),
        10_000.0 / took.as_secs_f64()
    );
}

#[rocket::async_test]
async fn slow_polling_changes_nothing_and_never_holds_up_sending() {
    let fake = Fake::smsru();
    let t = app_with("smsru", &fake, "good-key").await;
    let first = queue(&t, "+79000000001", "one").await;
    send(&t).await;
    fake.world.lock().unwrap().status_delay = std::time::Duration::from_secs(3);
    t.advance(SignedDuration::from_mins(1));
    let second = queue(&t, "+79000000002", "two").await;
    let slow_poll = async {
        let asked = poll(&t).await;
        (asked, std::time::Instant::now())
    };
    let sending = async {
        let n = send(&t).await;
        (n, std::time::Instant::now())
    };
    let ((asked, polled_at), (sent, sent_at)) = tokio::join!(slow_poll, sending);
    assert_eq!((asked, sent), (0, 1), "the poll timed out; the send went");
    assert!(sent_at < polled_at, "sending did not wait for the slow status request");
    let m = msg(&t, &first).await;
    assert_eq!(m.status, Status::Queued, "a failed poll changes nothing");
    assert_eq!(msg(&t, &second).await.status, Status::Queued);

    fake.world.lock().unwrap().status_delay = std::time::Duration::ZERO;
    poll(&t).await;
    assert_eq!(msg(&t, &first).await.status, Status::Delivered);
}

#[rocket::async_test]
async fn twilio_finds_a_timed_out_create_in_its_message_list_and_resends_only_a_lost_one() {
    let fake = Fake::twilio();
    fake.world.lock().unwrap().faults = vec![Fault::Stall];
    let t = app_with("twilio", &fake, "good-token").await;
    let a = queue(&t, "+79000000001", "Court 2 is free").await;
    send(&t).await;
    assert_eq!(msg(&t, &a).await.status, Status::Unknown, "timed out after the request went");
    t.advance(SignedDuration::from_mins(1));
    poll(&t).await;
    let m = msg(&t, &a).await;
    assert_eq!(m.status, Status::Delivered, "found in the list by number and text");
    assert!(m.provider_id.unwrap().starts_with("SM"));
    let list = fake.requests_to("/2010-04-01/Accounts/ACtest/Messages.json");
    let lookup = list.iter().find(|r| r.method == "GET").unwrap();
    assert_eq!(lookup.get("To"), Some("+79000000001"));
    assert!(lookup.get("DateSent>").is_some());

    // A create lost in a crash before it went: not listed for two minutes, then sent once.
    let b = queue(&t, "+79000000002", "Lights on at 18:00").await;
    let lease = LeaseSms {
        batch_id: uuid::Uuid::now_v7().to_string(),
        message_ids: vec![b.clone()],
        provider: ProviderKind::Twilio,
        lease_until: t.app.now() + SignedDuration::from_secs(61),
    };
    run(&t, AnyCommand::LeaseSms(lease)).await;
    t.advance(SignedDuration::from_secs(62));
    send(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Unknown);
    t.advance(SignedDuration::from_secs(30));
    poll(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Unknown, "not listed yet: too soon to be sure");
    t.advance(SignedDuration::from_mins(3));
    poll(&t).await;
    assert_eq!(msg(&t, &b).await.status, Status::Pending);
    send(&t).await;
    let w = fake.world.lock().unwrap();
    assert_eq!((w.times_sent("+79000000001"), w.times_sent("+79000000002")), (1, 1));
}

#[rocket::async_test]
async fn the_delivery_report_shows_a_hundred_messages_a_page() {
    let t = TestApp::new().await;
    t.setup_owner().await;
    let list: String = (0..150).map(|i| format!("+7900{i:07}")).collect::<Vec<_>>().join("\n");
    let fields = [
        ("name", "Open day"),
        ("text", "Open day on Sunday"),
        ("by", "pasted"),
        ("pasted", list.as_str()),
        ("confirmed_recipients", "150"),
    ];
    let made = t.submit("/sms/campaigns/new", "/sms/campaigns", &fields).await;
    assert_eq!(made.status, Http::SeeOther, "{}", made.body);
    let first = t.get("/sms/report").await;
    assert!(first.has("Page 1 of 2") && first.has("rel=\"next\""), "{}", first.body);
    assert_eq!(first.body.matches("data-status=").count(), 100);
    let second = t.get("/sms/report?page=2").await;
    assert!(second.has("Page 2 of 2") && second.has("rel=\"prev\""), "{}", second.body);
    assert_eq!(second.body.matches("data-status=").count(), 50);
}
