//! The HTTP edge: every route is mounted here, with catchers, fairings and managed state.

pub mod assets;
pub mod catchers;
pub mod conditions;
pub mod errors;
pub mod forms;
pub mod guards;
pub mod health;
pub mod live;
pub mod log_book;
pub mod page;
pub mod period;
pub mod render_cache;

use rocket::fairing::AdHoc;
use rocket::http::Header;
use rocket::{Build, Rocket};

use crate::app::App;

/// Builds the Rocket for `app`, listening on `app.config.bind`, with cookies encrypted by `secret_key`.
pub fn build(app: App, secret_key: &[u8]) -> Rocket<Build> {
    let bind = app.config.bind;
    let figment = rocket::Config::figment()
        .merge(("address", bind.ip()))
        .merge(("port", bind.port()))
        .merge(("secret_key", secret_key))
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("cli_colors", false))
        .merge(("ident", "Courtside"))
        // No forwarding header is believed by default (see `guards::client_ip`).
        .merge(("ip_header", false))
        // Forms stay small, except the member import's confirmation, which carries the CSV back.
        .merge(("limits", rocket::data::Limits::default().limit("form", rocket::data::ByteUnit::Mebibyte(4))));
    rocket::custom(figment)
        .manage(app)
        .manage(crate::bookings::web::grid::grid_cache())
        .manage(crate::portal::web::widget_cache())
        .manage(std::sync::Arc::new(live::Sockets::default()))
        .mount("/", health::routes())
        .mount("/", live::routes())
        .mount("/", assets::routes())
        .mount("/", crate::home::web::routes())
        .mount("/", crate::auth::web::routes())
        .mount("/staff", crate::staff::web::routes())
        .mount("/", crate::coaching::web::routes())
        .mount("/", crate::groups::web::routes())
        .mount("/settings", crate::club::web::routes())
        .mount("/settings", crate::portal::web::staff_routes())
        .mount("/p", crate::portal::web::routes())
        .mount("/courts", crate::courts::web::routes())
        .mount("/prices", crate::prices::web::routes())
        .mount("/", crate::payments::web::routes())
        .mount("/cash", crate::cash::web::routes())
        .mount("/reports", crate::payments::web::takings::routes())
        .mount("/reports", crate::reports::web::routes())
        .mount("/", crate::passes::web::routes())
        .mount("/members", crate::members::web::routes())
        .mount("/members", crate::limits::web::routes())
        .mount("/", crate::bookings::web::grid::routes())
        .mount("/", crate::bookings::web::routes())
        .mount("/audit", crate::audit::web::routes())
        .mount("/", crate::desk::web::routes())
        .mount("/backups", crate::backups::web::routes())
        .mount("/sms", crate::sms::web::routes())
        .mount("/api/v1", crate::api::routes())
        .register("/", catchers::html())
        .register("/api", catchers::problem_json())
        .register("/p", crate::portal::web::catchers())
        .attach(AdHoc::on_response("security headers", |req, res| {
            Box::pin(async move {
                res.set_raw_header("X-Content-Type-Options", "nosniff");
                res.set_raw_header("Referrer-Policy", "same-origin");
                // The grid places bookings with inline style attributes (computed rows), hence
                // 'unsafe-inline' for styles only; scripts stay same-origin.
                // The widget's pages set their own: framed by the sites the club lists.
                let path = req.uri().path();
                if !path.starts_with("/static/") && !path.starts_with("/p/widget") {
                    res.set_header(Header::new("X-Frame-Options", "DENY"));
                    res.set_header(Header::new(
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                    ));
                } else if path.starts_with("/p/widget") {
                    // X-Frame-Options cannot name several sites; frame-ancestors says who may.
                    res.remove_header("X-Frame-Options");
                }
            })
        }))
}
