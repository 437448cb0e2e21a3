//! The live-page WebSocket against the real server: only staff pages of this server may listen,
//! and 200 browsers that never read slow no one down and cost bounded memory.

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use super::{Server, http, json_id, run};

/// Logs in through the form, as a browser does; returns the `Cookie` header of the session.
pub(super) fn log_in(port: u16) -> String {
    let raw = |request: String| -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    // `name=value` of the cookie the response sets under `name`.
    let cookie_of = |response: &str, name: &str| -> String {
        let set = response
            .lines()
            .filter_map(|l| {
                l.split_once(':').filter(|(h, _)| h.eq_ignore_ascii_case("set-cookie")).map(|(_, v)| v.trim())
            })
            .find(|v| v.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} cookie in\n{response}"));
        set.split(';').next().unwrap().to_owned()
    };
    let page = raw("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".into());
    let pre = cookie_of(&page, "courtside_csrf");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let form = format!("csrf={csrf}&username=olga&password=owner+password+1&next=%2F");
    let answer = raw(format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {pre}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    ));
    cookie_of(&answer, "courtside_session")
}

/// Opens `/live` as a page of this server would, or says why not (the HTTP status).
fn connect(port: u16, cookie: Option<&str>, origin: &str, at: i64) -> Result<WebSocket<TcpStream>, u16> {
    let mut request = format!("ws://127.0.0.1:{port}/live?log=x&at={at}").into_client_request().unwrap();
    request.headers_mut().insert("Origin", origin.parse().unwrap());
    if let Some(cookie) = cookie {
        request.headers_mut().insert("Cookie", cookie.parse().unwrap());
    }
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    match tungstenite::client::client(request, stream) {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            Err(response.status().as_u16())
        }
        Err(e) => panic!("{e}"),
    }
}

/// The next text frame's JSON.
fn frame(socket: &mut WebSocket<TcpStream>) -> serde_json::Value {
    loop {
        match socket.read().unwrap() {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            _ => continue,
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn only_staff_pages_of_this_server_may_listen() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    run(&data, &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"], "owner password 1\n");
    let server = Server::start(&data);
    let port = server.port;
    let here = format!("http://127.0.0.1:{port}");
    // No session: no socket (a page is sent to the login form, as for any staff page).
    assert_eq!(connect(port, None, &here, 0).err(), Some(303));
    let cookie = log_in(port);
    assert_eq!(connect(port, Some(&cookie), "http://club-site.example", 0).err(), Some(403), "another site's page");
    let mut socket = connect(port, Some(&cookie), &here, 0).expect("a staff page of this server");
    assert_eq!(frame(&mut socket)["t"], "hello");
    // A position of another history (or none): the page is told to read everything again.
    assert_eq!(frame(&mut socket)["t"], "reset");
}

#[test]
fn two_hundred_sockets_that_never_read_slow_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    run(&data, &["user", "add", "olga", "--role", "owner", "--password-stdin", "--own-account"], "owner password 1\n");
    let token =
        String::from_utf8(run(&data, &["token", "create", "--user", "olga"], "").stdout).unwrap().trim().to_owned();
    let server = Server::start(&data);
    let port = server.port;
    let here = format!("http://127.0.0.1:{port}");
    let (_, court) = http(port, "POST", "/api/v1/courts", &token, r#"{"name":"Court 1"}"#);
    let court = json_id(&court);
    let (_, member) = http(port, "POST", "/api/v1/members", &token, r#"{"full_name":"Anna Smith"}"#);
    let member = json_id(&member);
    let cookie = log_in(port);
    let before = rss_kib(server.child.id());

    let stuck: Vec<WebSocket<TcpStream>> =
        (0..200).map(|_| connect(port, Some(&cookie), &here, 0).expect("a socket")).collect();
    let mut reader = connect(port, Some(&cookie), &here, 0).unwrap();
    assert_eq!(frame(&mut reader)["t"], "hello");
    let reset = frame(&mut reader);
    let mut at = reset["at"].as_i64().unwrap();

    let mut slowest = Duration::ZERO;
    for i in 0..150 {
        let body = format!(
            r#"{{"court_id":"{court}","member_id":"{member}","start":"2027-03-{:02}T{:02}:00","minutes":60}}"#,
            1 + i / 14,
            8 + i % 14
        );
        let (status, answer) = http(port, "POST", "/api/v1/bookings", &token, &body);
        assert_eq!(status, 201, "{answer}");
        let committed = Instant::now();
        let changed = frame(&mut reader);
        slowest = slowest.max(committed.elapsed());
        assert_eq!(changed["t"], "changed");
        assert!(changed["tables"].as_array().unwrap().iter().any(|t| t == "bookings"), "{changed}");
        assert!(changed["at"].as_i64().unwrap() > at);
        at = changed["at"].as_i64().unwrap();
    }
    let (status, _) = {
        let start = Instant::now();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let request = format!(
            "GET /grid?date=2027-03-01 HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        );
        std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        (response.split(' ').nth(1).unwrap().to_owned(), start.elapsed())
    };
    assert_eq!(status, "200", "the grid answers");
    let after = rss_kib(server.child.id());
    println!("slowest frame after a commit: {slowest:?}; RSS {before} KiB before, {after} KiB with 201 sockets");
    assert!(slowest < Duration::from_secs(1), "the reading page heard every change at once ({slowest:?})");
    assert!(after < before + 64 * 1024, "memory stays bounded: {before} KiB → {after} KiB");
    drop(stuck);
}
