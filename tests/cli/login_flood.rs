//! A flood of wrong logins against the real server: its memory stays bounded and a colleague
//! at another desk still logs in. Run by `tests/security/login-flood.sh` (release binary, its
//! figures printed); ignored in the plain suite because it takes half a minute.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Server, rss_mib, run};

/// One login from `from`: fetches the form (its CSRF cookie and field), posts it, and returns
/// the status with how long the post took.
async fn login(port: u16, from: IpAddr, username: &str, password: &str) -> Option<(u16, Duration)> {
    let client = reqwest::Client::builder()
        .local_address(from)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .ok()?;
    let base = format!("http://127.0.0.1:{port}");
    let form = client.get(format!("{base}/login")).send().await.ok()?;
    let cookie = form.headers().get("set-cookie")?.to_str().ok()?.split(';').next()?.to_owned();
    let page = form.text().await.ok()?;
    let csrf = page.split("name=\"csrf\" value=\"").nth(1)?.split('"').next()?.to_owned();
    let started = Instant::now();
    let answer = client
        .post(format!("{base}/login"))
        .header("Cookie", cookie)
        .form(&[("csrf", csrf.as_str()), ("username", username), ("password", password), ("next", "/")])
        .send()
        .await
        .ok()?;
    Some((answer.status().as_u16(), started.elapsed()))
}

#[test]
#[ignore = "half a minute of load: run by tests/security/login-flood.sh"]
fn fifty_concurrent_wrong_logins_keep_memory_bounded_and_a_colleague_gets_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    run(data, &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"], "owner password 1\n");
    run(
        data,
        &["user", "add", "rita", "--role", "reception", "--password-stdin", "--own-account"],
        "rita password 1\n",
    );
    let server = Server::start(data);
    let (port, pid) = (server.port, server.child.id());
    let seconds: u64 = std::env::var("FLOOD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);

    courtside::sms::providers::install_tls();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        // Warm up: a first login of each kind, so the baseline includes what any use allocates.
        login(port, "127.0.0.2".parse().unwrap(), "rita", "rita password 1").await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let baseline = rss_mib(pid);
        let done = Arc::new(AtomicBool::new(false));
        let statuses: Arc<[AtomicUsize; 6]> = Arc::new(Default::default());
        // 50 clients from ten guests' addresses, each trying made-up and real usernames.
        let mut attackers = Vec::new();
        for n in 0..50u32 {
            let (done, statuses) = (done.clone(), statuses.clone());
            let from: IpAddr = format!("127.0.0.{}", 10 + n % 10).parse().unwrap();
            attackers.push(tokio::spawn(async move {
                let mut i = 0u32;
                while !done.load(Ordering::Relaxed) {
                    i += 1;
                    let user = if i.is_multiple_of(3) { "olga".to_owned() } else { format!("guess{n}x{i}") };
                    let slot = match login(port, from, &user, "wrong password 1").await {
                        Some((401, _)) => 0,
                        Some((429, _)) => 1,
                        Some((503, _)) => 2,
                        Some((403, _)) => 3,
                        Some(_) => 4,
                        None => 5,
                    };
                    statuses[slot].fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        let sampler = {
            let done = done.clone();
            tokio::spawn(async move {
                let mut peak: f64 = 0.0;
                while !done.load(Ordering::Relaxed) {
                    peak = peak.max(rss_mib(pid));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                peak
            })
        };
        // Meanwhile rita logs in from the front desk every two seconds.
        let mut colleague = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(seconds) {
            tokio::time::sleep(Duration::from_secs(2)).await;
            colleague.push(login(port, "127.0.0.2".parse().unwrap(), "rita", "rita password 1").await);
        }
        done.store(true, Ordering::Relaxed);
        for a in attackers {
            a.await.unwrap();
        }
        let peak = sampler.await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_mib(pid);
        // Freed memory goes back to the system once the flood is over.
        tokio::time::sleep(Duration::from_secs(8)).await;
        let settled = rss_mib(pid);
        let counts: Vec<usize> = statuses.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        let slowest = colleague.iter().flatten().map(|(_, d)| *d).max().unwrap_or_default();
        println!(
            "login flood {seconds} s: RSS baseline {baseline:.1} MiB, peak {peak:.1} MiB, 2 s after {after:.1} MiB, \
             10 s after {settled:.1} MiB; \
             attempts 401={} 429={} 503={} 403={} other={} failed={}; colleague logins {} (slowest {slowest:?})",
            counts[0],
            counts[1],
            counts[2],
            counts[3],
            counts[4],
            counts[5],
            colleague.len()
        );
        assert!(peak < 80.0, "the server grew to {peak:.1} MiB under the flood");
        for attempt in &colleague {
            let (status, took) = attempt.expect("the colleague's login got an answer");
            assert_eq!(status, 303, "the colleague logs in");
            assert!(took < Duration::from_secs(2), "the colleague waited {took:?}");
        }
    });
    drop(server);
}
