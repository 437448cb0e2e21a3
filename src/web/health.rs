//! `GET /health`: for the installer, systemd, load balancers and `courtside healthcheck`. It
//! says whether the database can be used and the shape of its data (a desk checks it matches
//! its own), not which version runs (anyone may ask).

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, State, get, routes};

use crate::app::App;

#[get("/health")]
async fn health(app: &State<App>) -> (Status, Json<Value>) {
    match app.db.health(app.now()).await {
        Ok(h) => {
            let body = json!({
                "status": "ok",
                "database": "ok",
                "schema_version": h.schema_version,
                "schema_fingerprint": h.schema_fingerprint,
            });
            (Status::Ok, Json(body))
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "health check: the database cannot be used");
            let body = json!({ "status": "error", "database": "unavailable", "schema_version": null, "schema_fingerprint": null });
            (Status::ServiceUnavailable, Json(body))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![health]
}
