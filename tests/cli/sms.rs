//! The hub killed with SIGKILL in the middle of a campaign, then started again: every message
//! reaches the (fake) provider exactly once, and every one ends delivered.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::fake_sms::Fake;
use super::{Server, run, text};

/// A tiny HTTP/1.1 client: (status, body).
fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn counts(port: u16, token: &str, id: &str) -> serde_json::Value {
    let (status, body) = http(port, "GET", &format!("/api/v1/sms/campaigns/{id}"), token, "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["counts"].clone()
}

#[test]
#[allow(clippy::disallowed_methods)] // the real server runs on the real clock
fn a_hub_killed_mid_campaign_sends_every_message_exactly_once_after_restart() {
    let fake = Fake::smsc();
    fake.world.lock().unwrap().send_delay = Duration::from_millis(300);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // Campaigns wait out quiet hours (22:00-09:00 club time): put the club where it is
    // early afternoon now.
    let utc_hour = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).hour() as i32;
    let offset = (13 - utc_hour + 36) % 24 - 12;
    let zone = if offset >= 0 { format!("Etc/GMT-{offset}") } else { format!("Etc/GMT+{}", -offset) };
    std::fs::write(
        data.join("courtside.toml"),
        format!(
            "time_zone = \"{zone}\"\n[sms]\nprovider = \"smsc\"\nrequests_per_second = 1000\ntimeout_secs = 5\npoll_schedule = \"* * * * * *\"\n\
             ambiguous_check_secs = 1\nmissing_after_secs = 2\nmin_poll_interval_secs = 0\n\
             [sms.smsc]\nlogin = \"club\"\npassword = \"good-key\"\nbase_url = \"{}\"\n",
            fake.url
        ),
    )
    .unwrap();
    let add = run(
        data,
        &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"],
        "owner password 1\n",
    );
    assert!(add.status.success(), "{}", text(&add));
    let token =
        String::from_utf8(run(data, &["token", "create", "--user", "olga"], "").stdout).unwrap().trim().to_owned();

    let server = Server::start(data);
    let phones: Vec<String> = (0..1000).map(|i| format!("+7900{:07}", i)).collect();
    let body = serde_json::json!({
        "name": "Big one", "text": "Courts open all weekend",
        "audience": { "by": "pasted", "text": phones.join("\n") },
    });
    let (status, answer) = http(server.port, "POST", "/api/v1/sms/campaigns", &token, &body.to_string());
    assert_eq!(status, 201, "{answer}");
    let id = serde_json::from_str::<serde_json::Value>(&answer).unwrap()["id"].as_str().unwrap().to_owned();

    // Kill it while batches are going out (ten requests of 100, 300 ms each).
    let deadline = Instant::now() + Duration::from_secs(30);
    while fake.requests_to("/sys/send.php").len() < 3 {
        assert!(Instant::now() < deadline, "the sender did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill();
    let before = fake.world.lock().unwrap().accepted.len();
    assert!(before < 1000, "killed mid-campaign ({before} accepted)");

    let again = Server::start(data);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let c = counts(again.port, &token, &id);
        if c["delivered"] == 1000 {
            break;
        }
        assert!(Instant::now() < deadline, "not all delivered: {c}");
        std::thread::sleep(Duration::from_millis(250));
    }
    let w = fake.world.lock().unwrap();
    assert_eq!(w.accepted.len(), 1000, "exactly one send per message");
    for p in &phones {
        assert_eq!(w.times_sent(p), 1, "{p}");
    }
}
