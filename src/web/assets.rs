//! Static files embedded in the binary, served at content-hashed URLs with long cache headers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use rocket::http::{ContentType, Header};
use rocket::{Route, get, routes};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Static;

/// path → the first 12 hex digits of the file's SHA-256.
static HASHES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Static::iter()
        .filter_map(|path| {
            let file = Static::get(&path)?;
            let hex: String = file.metadata.sha256_hash().iter().take(6).map(|b| format!("{b:02x}")).collect();
            Some((path.into_owned(), hex))
        })
        .collect()
});

/// The URL of an embedded file, e.g. `/static/3fa2c1d0e9b8/css/app.css`.
pub fn url(path: &str) -> String {
    match HASHES.get(path) {
        Some(hash) => format!("/static/{hash}/{path}"),
        None => {
            debug_assert!(false, "no static file {path}");
            format!("/static/missing/{path}")
        }
    }
}

#[derive(rocket::Responder)]
struct Asset {
    body: Cow<'static, [u8]>,
    content_type: ContentType,
    cache: Header<'static>,
}

#[get("/static/<hash>/<path..>")]
fn file(hash: &str, path: PathBuf) -> Option<Asset> {
    let path = path.to_str()?.to_owned();
    let found = Static::get(&path)?;
    // An old hash (a page cached across an upgrade) still gets the file, but not for a year.
    let cache =
        if HASHES.get(&path).is_some_and(|h| h == hash) { "public, max-age=31536000, immutable" } else { "no-cache" };
    let ext = path.rsplit('.').next().unwrap_or_default();
    Some(Asset {
        body: found.data,
        content_type: ContentType::from_extension(ext).unwrap_or(ContentType::Binary),
        cache: Header::new("Cache-Control", cache),
    })
}

#[get("/favicon.ico")]
fn favicon() -> Option<Asset> {
    let found = Static::get("img/favicon.svg")?;
    Some(Asset {
        body: found.data,
        content_type: ContentType::SVG,
        cache: Header::new("Cache-Control", "public, max-age=86400"),
    })
}

/// The booking widget's script, at the fixed address clubs paste into their sites.
#[get("/widget.js")]
fn widget() -> Option<Asset> {
    let found = Static::get("js/widget.js")?;
    Some(Asset {
        body: found.data,
        content_type: ContentType::JavaScript,
        cache: Header::new("Cache-Control", "public, max-age=300"),
    })
}

pub fn routes() -> Vec<Route> {
    routes![file, favicon, widget]
}
