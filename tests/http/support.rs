//! `TestApp`: the real application on a temporary data folder with a fixed clock, driven through
//! Rocket's local client with cookies tracked like a browser.

use std::sync::Arc;

use courtside::App;
use courtside::clock::FixedClock;
use courtside::config::{self, Flags};
use jiff::{SignedDuration, Timestamp};
use rocket::http::{ContentType, Header, RawStr, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

pub const OWNER_PASSWORD: &str = "owner password 1";

pub struct TestApp {
    pub client: Client,
    pub app: App,
    pub clock: Arc<FixedClock>,
    /// Kept alive: dropping it deletes the data folder.
    _dir: tempfile::TempDir,
}

pub struct Page {
    pub status: Status,
    pub body: String,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub allow: Option<String>,
    /// Every header, (name, value).
    pub headers: Vec<(String, String)>,
}

impl Page {
    async fn from(r: LocalResponse<'_>) -> Page {
        let status = r.status();
        let location = r.headers().get_one("Location").map(str::to_owned);
        let content_type = r.headers().get_one("Content-Type").map(str::to_owned);
        let retry_after = r.headers().get_one("Retry-After").map(str::to_owned);
        let allow = r.headers().get_one("Allow").map(str::to_owned);
        let headers = r.headers().iter().map(|h| (h.name().to_string(), h.value().to_owned())).collect();
        let body = r.into_string().await.unwrap_or_default();
        Page { status, location, content_type, retry_after, allow, headers, body }
    }

    /// The value of header `name`, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of the first hidden input called `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no {name} field in:\n{}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }

    /// The value of the input with id `id`.
    pub fn hidden_input(&self, id: &str) -> String {
        let marker = format!("id=\"{id}\"");
        let at = self.body.find(&marker).unwrap_or_else(|| panic!("no #{id} in:\n{}", self.body));
        let tag_start = self.body[..at].rfind('<').unwrap();
        let tag = &self.body[tag_start..self.body[at..].find('>').unwrap() + at];
        let value = tag.split("value=\"").nth(1).unwrap();
        value.split('"').next().unwrap().to_owned()
    }

    pub fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", RawStr::new(k).percent_encode(), RawStr::new(v).percent_encode()))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn start_time() -> Timestamp {
    "2026-11-29T09:00:00Z".parse().unwrap()
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config("").await
    }

    /// A test app whose courtside.toml also holds `extra` (e.g. an `[sms]` table).
    pub async fn with_config(extra: &str) -> TestApp {
        TestApp::with_toml(&format!("time_zone = \"Europe/Moscow\"\ncurrency = \"RUB\"\n{extra}")).await
    }

    /// A test app whose courtside.toml is `toml` ("" pins nothing: the club is set up on the pages).
    pub async fn with_toml(toml: &str) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(config::FILE_NAME), toml).unwrap();
        let flags =
            Flags { data: Some(dir.path().to_owned()), bind: Some("127.0.0.1:0".parse().unwrap()), ..Flags::default() };
        let loaded = config::load(&flags).unwrap();
        let clock = Arc::new(FixedClock::new(start_time()));
        let app = tokio::task::spawn_blocking({
            let clock = clock.clone();
            move || App::open(&loaded, clock).unwrap()
        })
        .await
        .unwrap();
        let rocket = courtside::web::build(app.clone(), &[7u8; 64]);
        let client = Client::tracked(rocket).await.unwrap();
        TestApp { client, app, clock, _dir: dir }
    }

    pub fn advance(&self, by: SignedDuration) {
        self.clock.advance(by);
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(path.to_owned()).dispatch().await).await
    }

    /// The raw body of a download (an XLSX workbook).
    pub async fn bytes(&self, path: &str) -> Vec<u8> {
        self.client.get(path.to_owned()).dispatch().await.into_bytes().await.unwrap_or_default()
    }

    pub async fn get_with(&self, path: &str, header: Header<'static>) -> Page {
        Page::from(self.client.get(path.to_owned()).header(header).dispatch().await).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let req = self.client.post(path.to_owned()).header(ContentType::Form).body(encode(fields));
        Page::from(req.dispatch().await).await
    }

    /// Loads `form_page`, then posts `fields` to `path` with that page's CSRF token and command id.
    pub async fn submit(&self, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        assert_eq!(page.status, Status::Ok, "{form_page} did not load: {}", page.body);
        let csrf = page.hidden("csrf");
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        let command_id = page.body.contains("name=\"command_id\"").then(|| page.hidden("command_id"));
        if let Some(id) = &command_id {
            all.push(("command_id", id));
        }
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn setup_owner(&self) -> Page {
        let token = self.app.setup_token().expect("setup token while there is no user");
        let url = format!("/setup?token={token}");
        // The club as configured, as the setup form proposes it.
        let club = self.app.club().await.expect("club settings");
        self.submit(
            &url,
            "/setup",
            &[
                ("token", &token),
                ("display_name", "Olga Owner"),
                ("username", "olga"),
                ("password", OWNER_PASSWORD),
                ("confirm", OWNER_PASSWORD),
                ("club.name", &club.name),
                ("club.time_zone", &club.time_zone),
                ("club.locale", club.locale.as_str()),
                ("club.currency", &club.currency),
                ("club.phone_region", &club.phone_region),
            ],
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Page {
        self.submit("/login", "/login", &[("username", username), ("password", password), ("next", "/")]).await
    }

    /// Logs in from the client address `ip` (port 40000), sending `headers` with the form.
    pub async fn login_from(&self, ip: &str, username: &str, password: &str, headers: &[(&str, &str)]) -> Page {
        let remote: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
        let form = Page::from(self.client.get("/login").remote(remote).dispatch().await).await;
        let csrf = form.hidden("csrf");
        let body = encode(&[("csrf", &csrf), ("username", username), ("password", password), ("next", "/")]);
        let mut req = self.client.post("/login").remote(remote).header(ContentType::Form).body(body);
        for (name, value) in headers {
            req = req.header(Header::new(name.to_string(), value.to_string()));
        }
        Page::from(req.dispatch().await).await
    }

    pub async fn logout(&self) -> Page {
        self.submit("/profile", "/logout", &[]).await
    }

    /// Adds a staff account as the logged-in manager; returns its page URL.
    pub async fn add_staff(&self, username: &str, role: &str, password: &str) -> String {
        let page = self
            .submit(
                "/staff/new",
                "/staff",
                &[
                    ("display_name", username),
                    ("username", username),
                    ("role", role),
                    ("password", password),
                    ("confirm", password),
                ],
            )
            .await;
        assert_eq!(page.status, Status::SeeOther, "adding {username} failed: {}", page.body);
        page.location.unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        self.app.db.read(move |c| Ok(c.query_row(sql, [], |r| r.get(0))?)).await.unwrap()
    }

    pub async fn user_id(&self, username: &'static str) -> String {
        self.app
            .db
            .read(move |c| Ok(courtside::auth::store::user_by_username(c, username)?))
            .await
            .unwrap()
            .expect("user exists")
            .id
    }

    /// `username` chooses their own password (as on the profile page), which ends "must change
    /// password": until then their sessions reach only the profile and their tokens do not work.
    pub async fn choose_password(&self, username: &'static str) {
        use courtside::auth::{commands::SetStaffPassword, password, store};
        use courtside::commands::AnyCommand;
        let user = self.app.db.read(move |c| Ok(store::user_by_username(c, username)?)).await.unwrap().unwrap();
        let me = courtside::core::Actor::Staff { id: user.id.clone(), name: user.username.clone(), role: user.role };
        let hash = password::hash(&format!("{username} chose this")).unwrap();
        let cmd = AnyCommand::SetStaffPassword(SetStaffPassword { user_id: user.id, password_hash: hash });
        let outcome = self.app.run(me, cmd).await.unwrap();
        assert!(matches!(outcome, courtside::core::Outcome::Applied { .. }), "{outcome:?}");
    }

    /// Issues an API token for `username` through the Staff page (the owner must be logged in).
    pub async fn api_token(&self, username: &'static str) -> String {
        let url = format!("/staff/{}", self.user_id(username).await);
        let page = self.submit(&url, &format!("{url}/tokens"), &[("name", "tests")]).await;
        assert_eq!(page.status, Status::Ok, "{}", page.body);
        page.body.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_owned()
    }

    pub async fn api(
        &self,
        method: rocket::http::Method,
        path: &str,
        token: &str,
        body: Option<&str>,
        key: Option<&str>,
    ) -> Page {
        let mut req =
            self.client.req(method, path.to_owned()).header(Header::new("Authorization", format!("Bearer {token}")));
        if let Some(b) = body {
            req = req.header(ContentType::JSON).body(b);
        }
        if let Some(k) = key {
            req = req.header(Header::new("Idempotency-Key", k.to_owned()));
        }
        Page::from(req.dispatch().await).await
    }
}

impl Page {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A booking of `member` made at the desk (as the owner), by the booking form; its id.
pub async fn book_as_desk(t: &TestApp, court: &str, member: &str, date: &str, start: &str, minutes: u16) -> String {
    let minutes = minutes.to_string();
    let fields = [
        ("court_id", court),
        ("date", date),
        ("start", start),
        ("minutes", minutes.as_str()),
        ("kind", "play"),
        ("booker_id", member),
    ];
    let form = format!("/bookings/new?court={court}&date={date}&start={start}");
    let done = t.submit(&form, "/bookings", &fields).await;
    assert_eq!(done.status, Status::SeeOther, "{}", done.body);
    let court = court.to_owned();
    t.app
        .db
        .read(move |c| {
            Ok(c.query_row(
                "SELECT id FROM bookings WHERE court_id = ?1 AND status = 'booked' ORDER BY created_at DESC LIMIT 1",
                [court],
                |r| r.get(0),
            )?)
        })
        .await
        .unwrap()
}

/// A cell of an XLSX sheet as a spreadsheet program reads it.
#[derive(Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Formula(String),
}

/// The rows of the first sheet of an XLSX workbook, and its styles part (number formats).
pub fn xlsx_sheet(bytes: &[u8]) -> (Vec<Vec<Cell>>, String) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut part = |name: &str| {
        let mut text = String::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut text).unwrap();
        }
        text
    };
    let (strings, sheet, styles) =
        (part("xl/sharedStrings.xml"), part("xl/worksheets/sheet1.xml"), part("xl/styles.xml"));
    let between = |text: &str, open: &str, close: &str| -> Option<String> {
        let start = text.find(open)? + open.len();
        let start = start + text[start..].find('>')? + 1;
        Some(text[start..start + text[start..].find(close)?].to_owned())
    };
    let unescape = |t: String| {
        t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
    };
    let shared: Vec<String> =
        strings.split("<si>").skip(1).map(|si| unescape(between(si, "<t", "</t>").unwrap_or_default())).collect();
    let rows = sheet
        .split("<row ")
        .skip(1)
        .map(|row| {
            row.split("<c ")
                .skip(1)
                .map(|c| {
                    let head = &c[..c.find('>').unwrap()];
                    if let Some(f) = between(c, "<f", "</f>") {
                        Cell::Formula(unescape(f))
                    } else if head.contains("t=\"s\"") {
                        Cell::Text(shared[between(c, "<v", "</v>").unwrap().parse::<usize>().unwrap()].clone())
                    } else {
                        Cell::Number(between(c, "<v", "</v>").unwrap().parse().unwrap())
                    }
                })
                .collect()
        })
        .collect();
    (rows, styles)
}
