//! The appliance's memory under a front desk's day, against the real server: eight staff sign in
//! and page through the grid, then a mixed load (grid days built afresh, the week view, member
//! search, bookings made over the API) runs for a while. A Pi has 512 MB–1 GB for everything:
//! the server stays under 40 MiB after the sign-ins, under 60 MiB after the load, flat while it
//! runs, and back under 40 MiB within a minute of quiet. Run by `tests/bench/run.sh` (a release
//! binary, its figures printed); ignored in the plain suite because it takes a minute or more.
//!
//! COURTSIDE_CLUB=DIR copies that club (the bench's demo club, with its `bench` owner) instead of
//! making a small one; LOAD_SECONDS sets the mixed load's length (default 30; 600 for the
//! ten-minute run the bench's long mode does); MEMORY_LIMITS=off only reports (the bench's short
//! mode in CI, against a debug build whose figures mean nothing); QUIET_SECONDS how long it waits
//! for the server to settle (default 60).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Server, rss_mib, run};

const AFTER_SIGN_INS_MIB: f64 = 40.0;
const AFTER_LOAD_MIB: f64 = 60.0;
const SETTLED_MIB: f64 = 40.0;
/// How much the load's second half may stand above its first (flat, give or take a cache).
const DRIFT_MIB: f64 = 6.0;

/// Signs `bench` in like a browser (the form's CSRF field and cookie); returns the session cookie.
async fn sign_in(client: &reqwest::Client, base: &str) -> String {
    let form = client.get(format!("{base}/login")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = form.text().await.unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let answer = client
        .post(format!("{base}/login"))
        .header("Cookie", cookie)
        .form(&[("csrf", csrf.as_str()), ("username", "bench"), ("password", "bench password 1"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303, "bench signs in");
    let session = answer.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.starts_with("courtside_session=").then(|| v.split(';').next().unwrap().to_owned())
    });
    session.expect("a session cookie")
}

/// A day `n` steps through the year, so nearly every grid is built afresh.
#[allow(clippy::disallowed_methods)] // the demo club's year is around the real today
fn day(n: u64) -> String {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let today = since_epoch.as_secs() as i64 / 86_400;
    let days = today + ((n * 7919) % 365) as i64;
    jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap().to_string()
}

#[test]
#[ignore = "a minute or more of load: run by tests/bench/run.sh"]
fn memory_stays_within_a_pi_budget_under_a_front_desk_day() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("club");
    match std::env::var_os("COURTSIDE_CLUB") {
        Some(club) => {
            std::fs::create_dir(&data).unwrap();
            for f in ["courtside.db", "courtside.db-wal", "secret.key"] {
                let from = std::path::Path::new(&club).join(f);
                if from.exists() {
                    std::fs::copy(from, data.join(f)).unwrap();
                }
            }
        }
        None => {
            let out = run(&data, &["demo", "--courts", "4", "--members", "300", "--days", "30"], "");
            assert!(out.status.success(), "{}", super::text(&out));
            run(
                &data,
                &["user", "add", "bench", "--role", "owner", "--password-stdin", "--own-account"],
                "bench password 1\n",
            );
        }
    }
    let token =
        String::from_utf8(run(&data, &["token", "create", "--user", "bench"], "").stdout).unwrap().trim().to_owned();
    let seconds: u64 = std::env::var("LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let server = Server::start(&data);
    let (base, pid) = (format!("http://127.0.0.1:{}", server.port), server.child.id());

    courtside::sms::providers::install_tls();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let started_at = rss_mib(pid);
        // Eight staff sign in (each an argon2 hash) and open the grid for three seconds.
        let mut sessions = Vec::new();
        for _ in 0..8 {
            sessions.push(sign_in(&client, &base).await);
        }
        let until = Instant::now() + Duration::from_secs(3);
        let mut viewers = Vec::new();
        for (i, cookie) in sessions.iter().enumerate() {
            let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
            viewers.push(tokio::spawn(async move {
                let mut n = i as u64;
                while Instant::now() < until {
                    let page = client.get(format!("{base}/grid?date={}", day(n))).header("Cookie", &cookie);
                    assert!(page.send().await.unwrap().status().is_success());
                    n += 8;
                }
            }));
        }
        for v in viewers {
            v.await.unwrap();
        }
        let after_sign_ins = rss_mib(pid);

        // The mixed load: each client pages, searches and books in turn.
        let courts: serde_json::Value =
            client.get(format!("{base}/api/v1/courts")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let members: serde_json::Value = client
            .get(format!("{base}/api/v1/members?limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let court_ids: Arc<Vec<String>> = Arc::new(
            courts["courts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect(),
        );
        let member = members["members"][0]["id"].as_str().unwrap().to_owned();
        let done = Arc::new(AtomicBool::new(false));
        let booked = Arc::new(AtomicU64::new(0));
        let mut clients = Vec::new();
        for (i, cookie) in sessions.into_iter().enumerate() {
            let (client, base, done, booked) = (client.clone(), base.clone(), done.clone(), booked.clone());
            let (token, courts, member) = (token.clone(), court_ids.clone(), member.clone());
            clients.push(tokio::spawn(async move {
                let mut n = i as u64;
                while !done.load(Ordering::Relaxed) {
                    let court = &courts[n as usize % courts.len()];
                    let get = |path: String| client.get(format!("{base}{path}")).header("Cookie", &cookie).send();
                    let status = match n % 4 {
                        0 => get(format!("/grid?date={}", day(n))).await,
                        1 => get(format!("/grid/week?court={court}&date={}", day(n))).await,
                        2 => {
                            get(format!("/members/search?q={}", ["%D0%B8%D0%B2%D0%B0", "916", "Anna"][n as usize % 3]))
                                .await
                        }
                        _ => {
                            // Each a new slot: a far-future year, an hour a step.
                            let k = booked.fetch_add(1, Ordering::Relaxed);
                            let start = jiff::civil::date(2050, 1, 1)
                                .at(8, 0, 0, 0)
                                .checked_add(jiff::Span::new().days((k / 14) as i64).hours((k % 14) as i64))
                                .unwrap();
                            let body = serde_json::json!({
                                "court_id": courts[0], "member_id": member,
                                "start": start.strftime("%Y-%m-%dT%H:%M").to_string(), "minutes": 60,
                            });
                            client.post(format!("{base}/api/v1/bookings")).bearer_auth(&token).json(&body).send().await
                        }
                    }
                    .unwrap()
                    .status();
                    assert!(status.is_success(), "request {n} answered {status}");
                    n += 8;
                }
            }));
        }
        let mut samples = Vec::new();
        let load_started = Instant::now();
        while load_started.elapsed() < Duration::from_secs(seconds) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            samples.push(rss_mib(pid));
        }
        done.store(true, Ordering::Relaxed);
        for c in clients {
            c.await.unwrap();
        }
        let after_load = rss_mib(pid);
        let half = samples.len() / 2;
        let peak = |s: &[f64]| s.iter().copied().fold(0.0, f64::max);
        let (first_half, second_half) = (peak(&samples[..half]), peak(&samples[half..]));
        // Quiet: how long until the server is back under its idle budget.
        let quiet_limit = std::env::var("QUIET_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
        let quiet = Instant::now();
        let mut settled = rss_mib(pid);
        while settled > SETTLED_MIB && quiet.elapsed() < Duration::from_secs(quiet_limit) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            settled = rss_mib(pid);
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let parts: Vec<&str> =
            status.lines().filter(|l| l.starts_with("RssAnon") || l.starts_with("RssFile")).collect();
        println!("memory at the end: {}", parts.join(", ").split_whitespace().collect::<Vec<_>>().join(" "));
        println!(
            "memory: RSS at start {started_at:.1} MiB; after 8 sign-ins and 3 s of grid views {after_sign_ins:.1} MiB; \
             {seconds} s of mixed load ({} bookings made): peak {first_half:.1} MiB in the first half, \
             {second_half:.1} MiB in the second, {after_load:.1} MiB at its end; {settled:.1} MiB after {:.0} s quiet",
            booked.load(Ordering::Relaxed),
            quiet.elapsed().as_secs_f64()
        );
        if std::env::var("MEMORY_LIMITS").is_ok_and(|v| v == "off") {
            return;
        }
        assert!(after_sign_ins <= AFTER_SIGN_INS_MIB, "{after_sign_ins:.1} MiB after the sign-ins");
        assert!(after_load <= AFTER_LOAD_MIB, "{after_load:.1} MiB after the load");
        assert!(
            second_half <= first_half + DRIFT_MIB,
            "memory grew under a steady load: {first_half:.1} → {second_half:.1} MiB"
        );
        assert!(settled <= SETTLED_MIB, "still {settled:.1} MiB after a minute of quiet");
    });
    drop(server);
}
