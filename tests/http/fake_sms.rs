//! Fake SMS providers on 127.0.0.1 speaking SMS.ru's, SMSC's and Twilio's real wire formats,
//! scripted by magic numbers (research/sms.md §8): the last four digits `XXYY` pick the
//! scenario `XX`. Every request is logged before it is answered, so a reply that never comes
//! (a timeout) still counts as received.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub form: Vec<(String, String)>,
    pub auth: Option<String>,
}

impl Req {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub json: bool,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: String) -> Reply {
        Reply { status: 200, body, json: true, delay: Duration::ZERO }
    }
}

/// A whole-request fault injected into the next send request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A proxy's HTML error page with HTTP 502.
    Html502,
    /// Answer only after the client gave up.
    Stall,
    /// SMS.ru 220 "service temporarily unavailable" in a 200 JSON body.
    Busy,
}

#[derive(Default)]
pub struct World {
    pub bad_auth: bool,
    pub no_money: bool,
    pub faults: Vec<Fault>,
    /// Polls answered "sent" before a message counts as delivered (slow delivery reports).
    pub polls_before_final: usize,
    /// How long each send request takes to answer (a slow provider, for killing the hub mid-send).
    pub send_delay: Duration,
    /// How long each status request takes to answer (slow polling).
    pub status_delay: Duration,
    /// provider id -> (phone digits, polls so far)
    pub messages: HashMap<String, (String, usize)>,
    /// Every accepted (provider id, phone, text).
    pub accepted: Vec<(String, String, String)>,
    next_id: u64,
}

impl World {
    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("000000-{:07}", self.next_id)
    }

    /// How many times this phone's message was accepted.
    pub fn times_sent(&self, phone: &str) -> usize {
        let d = digits(phone);
        self.accepted.iter().filter(|(_, p, _)| *p == d).count()
    }
}

pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The scenario digits XX of a magic number ending in XXYY.
fn scenario(phone: &str) -> u32 {
    let d = digits(phone);
    d[d.len().saturating_sub(4)..d.len().saturating_sub(2)].parse().unwrap_or(0)
}

pub struct Fake {
    pub url: String,
    pub log: Arc<Mutex<Vec<Req>>>,
    pub world: Arc<Mutex<World>>,
}

type Handler = Arc<dyn Fn(&Req, &mut World) -> Reply + Send + Sync>;

impl Fake {
    fn start(handler: Handler) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Req>>> = Arc::default();
        let world: Arc<Mutex<World>> = Arc::default();
        let (l, w) = (log.clone(), world.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (l, w, handler) = (l.clone(), w.clone(), handler.clone());
                std::thread::spawn(move || {
                    let Some(req) = read_request(&mut stream) else { return };
                    l.lock().unwrap().push(req.clone());
                    let reply = handler(&req, &mut w.lock().unwrap());
                    std::thread::sleep(reply.delay);
                    let ct = if reply.json { "application/json; charset=utf-8" } else { "text/html" };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {} X\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                        reply.status,
                        reply.body.len(),
                        reply.body
                    );
                });
            }
        });
        Fake { url, log, world }
    }

    pub fn requests_to(&self, path: &str) -> Vec<Req> {
        self.log.lock().unwrap().iter().filter(|r| r.path.starts_with(path)).cloned().collect()
    }

    /// SMS.ru: /sms/send, /sms/status, /my/balance.
    pub fn smsru() -> Fake {
        Fake::start(Arc::new(smsru))
    }

    /// SMSC: /sys/send.php, /sys/status.php, /sys/balance.php.
    pub fn smsc() -> Fake {
        Fake::start(Arc::new(smsc))
    }

    /// Twilio: Messages.json create and fetch, Balance.json.
    pub fn twilio() -> Fake {
        Fake::start(Arc::new(twilio))
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Req> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0;
    let mut auth = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        match k.to_ascii_lowercase().as_str() {
            "content-length" => length = v.trim().parse().ok()?,
            "authorization" => auth = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut form = decode(query);
    form.extend(decode(&String::from_utf8_lossy(&body)));
    Some(Req { method, path: path.to_owned(), form, auth })
}

fn decode(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn fault_reply(f: Fault, busy_body: &str) -> Reply {
    match f {
        Fault::Html502 => Reply {
            status: 502,
            body: "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>".into(),
            json: false,
            delay: Duration::ZERO,
        },
        Fault::Stall => Reply { delay: Duration::from_secs(3), ..Reply::json("{}".into()) },
        Fault::Busy => Reply::json(busy_body.into()),
    }
}

fn smsru(req: &Req, w: &mut World) -> Reply {
    if w.bad_auth || req.get("api_id") != Some("good-key") {
        return Reply::json(r#"{"status":"ERROR","status_code":200,"status_text":"Неправильный api_id"}"#.into());
    }
    match req.path.as_str() {
        "/sms/send" => {
            if !w.faults.is_empty() {
                let f = w.faults.remove(0);
                return fault_reply(
                    f,
                    r#"{"status":"ERROR","status_code":220,"status_text":"Сервис временно недоступен"}"#,
                );
            }
            if w.no_money {
                return Reply::json(
                    r#"{"status":"ERROR","status_code":201,"status_text":"Не хватает средств"}"#.into(),
                );
            }
            let mut texts: Vec<(String, String)> = Vec::new();
            if let (Some(to), Some(msg)) = (req.get("to"), req.get("msg")) {
                texts.extend(to.split(',').map(|p| (p.to_owned(), msg.to_owned())));
            }
            for (k, v) in &req.form {
                if let Some(p) = k.strip_prefix("to[").and_then(|k| k.strip_suffix(']')) {
                    texts.push((p.to_owned(), v.clone()));
                }
            }
            let mut entries = Vec::new();
            for (phone, text) in texts {
                let code = match scenario(&phone) {
                    5 => 202,
                    6 => 209,
                    7 => continue, // missing from the answer
                    9 => 231,
                    _ => 100,
                };
                if code == 100 {
                    let id = w.new_id();
                    w.messages.insert(id.clone(), (phone.clone(), 0));
                    w.accepted.push((id.clone(), digits(&phone), text));
                    entries.push(format!(r#" "{phone}" : {{"status":"OK","status_code":100,"sms_id":"{id}"}}"#));
                } else {
                    entries
                        .push(format!(r#""{phone}":{{"status":"ERROR","status_code":{code},"status_text":"отказ"}}"#));
                }
            }
            Reply::json(format!(
                r#"{{"status":"OK","status_code":100,"sms":{{{}}},"balance":"4122.56"}}"#,
                entries.join(",")
            ))
        }
        "/sms/status" => {
            let ids: Vec<String> = req.get("sms_id").unwrap_or("").split(',').map(str::to_owned).collect();
            let wait = w.polls_before_final;
            let mut entries = Vec::new();
            for id in ids {
                let Some((phone, polls)) = w.messages.get_mut(&id) else {
                    entries.push(format!(r#""{id}":{{"status":"ERROR","status_code":-1,"status_text":"не найдено"}}"#));
                    continue;
                };
                *polls += 1;
                let code = if *polls <= wait {
                    102
                } else {
                    match scenario(phone) {
                        2 => 104,
                        3 => 106,
                        4 => 108,
                        8 => 102,
                        _ => 103,
                    }
                };
                // Cost as a number for some, as a string for others: both are seen.
                let cost = if code == 103 { r#""0.50""# } else { "0.5" };
                entries
                    .push(format!(r#""{id}":{{"status":"OK","status_code":{code},"cost":{cost},"status_text":"x"}}"#));
            }
            Reply {
                delay: w.status_delay,
                ..Reply::json(format!(
                    r#"{{"status":"OK","status_code":100,"sms":{{{}}},"balance":4122.56}}"#,
                    entries.join(",")
                ))
            }
        }
        "/my/balance" => Reply::json(r#"{"status":"OK","status_code":100,"balance":4122.56}"#.into()),
        _ => Reply::json(r#"{"status":"ERROR","status_code":211}"#.into()),
    }
}

fn smsc(req: &Req, w: &mut World) -> Reply {
    if w.bad_auth || req.get("psw") != Some("good-key") {
        return Reply::json(r#"{"error":"authorise error","error_code":2}"#.into());
    }
    match req.path.as_str() {
        "/sys/send.php" => {
            let id = req.get("id").unwrap_or("").to_owned();
            let mut texts: Vec<(String, String)> = Vec::new();
            if let (Some(p), Some(m)) = (req.get("phones"), req.get("mes")) {
                texts.extend(p.split(',').map(|p| (p.to_owned(), m.to_owned())));
            }
            if let Some(list) = req.get("list") {
                for line in list.lines() {
                    if let Some((p, m)) = line.split_once(':') {
                        texts.push((p.to_owned(), m.to_owned()));
                    }
                }
            }
            // A stalled answer still sends: the request went through before the client gave up.
            let fault = (!w.faults.is_empty()).then(|| w.faults.remove(0));
            if w.no_money {
                return Reply::json(r#"{"error":"no money","error_code":3}"#.into());
            }
            let mut phones = Vec::new();
            for (phone, text) in &texts {
                let key = format!("{id}/{}", digits(phone));
                w.messages.insert(key.clone(), (digits(phone), 0));
                w.accepted.push((key, digits(phone), text.clone()));
                phones.push(format!(r#"{{"phone":"{}","cost":"1.90","status":"0","error":"0"}}"#, digits(phone)));
            }
            let ok = Reply {
                delay: w.send_delay,
                ..Reply::json(format!(
                    r#"{{"id":"{id}","cnt":{},"cost":"3.80","balance":"1234.56","phones":[{}]}}"#,
                    texts.len(),
                    phones.join(",")
                ))
            };
            match fault {
                Some(Fault::Stall) => Reply { delay: Duration::from_secs(3), ..ok },
                Some(f) => fault_reply(f, r#"{"error":"busy","error_code":9}"#),
                None => ok,
            }
        }
        "/sys/status.php" => {
            let ids: Vec<&str> = req.get("id").unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
            let phones: Vec<&str> = req.get("phone").unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
            let mut items = Vec::new();
            for (id, phone) in ids.iter().zip(&phones) {
                let key = format!("{id}/{}", digits(phone));
                let status = if w.messages.contains_key(&key) { 1 } else { -3 };
                items.push(format!(
                    r#"{{"id":"{id}","phone":"{}","status":{status},"err":0,"cost":"1.90"}}"#,
                    digits(phone)
                ));
            }
            Reply::json(format!("[{}]", items.join(",")))
        }
        "/sys/balance.php" => Reply::json(r#"{"balance":"1234.56","currency":"RUB"}"#.into()),
        _ => Reply::json(r#"{"error":"bad method","error_code":1}"#.into()),
    }
}

fn twilio(req: &Req, w: &mut World) -> Reply {
    // "Basic " + base64("ACtest:good-token")
    if w.bad_auth || req.auth.as_deref() != Some("Basic QUN0ZXN0Omdvb2QtdG9rZW4=") {
        return Reply {
            status: 401,
            body: r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#.into(),
            json: true,
            delay: Duration::ZERO,
        };
    }
    let base = "/2010-04-01/Accounts/ACtest";
    if req.method == "POST" && req.path == format!("{base}/Messages.json") {
        let to = req.get("To").unwrap_or("").to_owned();
        if scenario(&to) == 5 {
            return Reply {
                status: 400,
                body: r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#.into(),
                json: true,
                delay: Duration::ZERO,
            };
        }
        w.next_id += 1;
        let sid = format!("SM{:032}", w.next_id);
        w.messages.insert(sid.clone(), (digits(&to), 0));
        w.accepted.push((sid.clone(), digits(&to), req.get("Body").unwrap_or("").to_owned()));
        // A stall still creates the message: the client gave up after the request went.
        let stall = !w.faults.is_empty() && w.faults.remove(0) == Fault::Stall;
        return Reply {
            status: 201,
            body: format!(
                r#"{{"sid":"{sid}","status":"queued","num_segments":"1","price":null,"price_unit":"USD","error_code":null}}"#
            ),
            json: true,
            delay: if stall { Duration::from_secs(3) } else { Duration::ZERO },
        };
    }
    if req.method == "GET" && req.path == format!("{base}/Messages.json") {
        // The list, filtered by To (DateSent> is accepted and, for a test's day, always true).
        let to = digits(req.get("To").unwrap_or(""));
        let listed: Vec<String> = w
            .accepted
            .iter()
            .filter(|(_, p, _)| *p == to)
            .map(|(sid, _, body)| {
                let body = serde_json::to_string(body).unwrap();
                format!(r#"{{"sid":"{sid}","to":"+{to}","body":{body},"status":"delivered","price":"-0.00750"}}"#)
            })
            .collect();
        return Reply::json(format!(r#"{{"messages":[{}],"page":0}}"#, listed.join(",")));
    }
    if let Some(sid) = req.path.strip_prefix(&format!("{base}/Messages/")).and_then(|s| s.strip_suffix(".json")) {
        let Some((phone, _)) = w.messages.get(sid) else {
            return Reply {
                status: 404,
                body: r#"{"code":20404,"message":"not found","status":404}"#.into(),
                json: true,
                delay: Duration::ZERO,
            };
        };
        let (status, code, price) = match scenario(phone) {
            3 => ("undelivered", "30003", r#""-0.00750""#),
            4 => ("undelivered", "30007", r#""-0.00750""#),
            _ => ("delivered", "null", r#""-0.00750""#),
        };
        return Reply::json(format!(
            r#"{{"sid":"{sid}","status":"{status}","error_code":{code},"price":{price},"price_unit":"USD"}}"#
        ));
    }
    if req.path == format!("{base}/Balance.json") {
        return Reply::json(r#"{"account_sid":"ACtest","balance":"12.34","currency":"USD"}"#.into());
    }
    Reply { status: 404, body: "{}".into(), json: true, delay: Duration::ZERO }
}
