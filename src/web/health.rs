//! `GET /health`: for the installer, systemd, load balancers and `courtside healthcheck`.

use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, State, get, routes};

use crate::app::App;
use crate::db::migrate;

#[get("/health")]
async fn health(app: &State<App>) -> (Status, Json<Value>) {
    let schema = app.db.read(|c| Ok(migrate::schema_version(c)?)).await;
    let (status, db, schema) = match schema {
        Ok(v) => (Status::Ok, "ok", Some(v)),
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "health check: database unavailable");
            (Status::ServiceUnavailable, "unavailable", None)
        }
    };
    let body = json!({
        "status": if status == Status::Ok { "ok" } else { "error" },
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": schema,
        "database": db,
    });
    (status, Json(body))
}

pub fn routes() -> Vec<Route> {
    routes![health]
}
