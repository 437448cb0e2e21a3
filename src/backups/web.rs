use askama::Template;
use rocket::fs::NamedFile;
use rocket::http::Header;
use rocket::{Route, State, get, routes};

use crate::app::App;
use crate::db::backup::{self, BackupFile};
use crate::error::AppError;
use crate::web::guards::Owner;
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "backups/list.html")]
struct BackupsPage {
    ctx: PageCtx,
    folder: String,
    backups: Vec<BackupFile>,
    keep_daily: usize,
    keep_weekly: usize,
    hour: i8,
}

impl BackupsPage {
    fn size(&self, b: &BackupFile) -> String {
        format!("{:.1} MB", b.bytes as f64 / 1_048_576.0)
    }

    fn kind(&self, b: &BackupFile) -> String {
        let kind = b.name.split('-').next().unwrap_or_default();
        self.ctx
            .t(&format!("backups-kind-{}", if ["nightly", "manual", "pre"].contains(&kind) { kind } else { "other" }))
    }
}

#[get("/")]
async fn list(_o: Owner, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let dir = app.config.backup_dir();
    let folder = dir.display().to_string();
    let backups = tokio::task::spawn_blocking(move || backup::list(&dir)).await.map_err(anyhow::Error::from)??;
    let b = &app.config.backup;
    ok(&BackupsPage { ctx, folder, backups, keep_daily: b.keep_daily, keep_weekly: b.keep_weekly, hour: b.hour })
}

#[derive(rocket::Responder)]
struct Download {
    file: NamedFile,
    disposition: Header<'static>,
}

/// Only names the folder listing shows can be fetched: no paths, nothing outside the folder.
#[get("/<name>")]
async fn download(_o: Owner, app: &State<App>, name: &str) -> Result<Download, AppError> {
    let dir = app.config.backup_dir();
    let wanted = name.to_owned();
    let found = tokio::task::spawn_blocking(move || backup::list(&dir))
        .await
        .map_err(anyhow::Error::from)??
        .into_iter()
        .find(|b| b.name == wanted)
        .ok_or(AppError::NotFound)?;
    let file = NamedFile::open(&found.path).await.map_err(|_| AppError::NotFound)?;
    let disposition = Header::new("Content-Disposition", format!("attachment; filename=\"{}\"", found.name));
    Ok(Download { file, disposition })
}

pub fn routes() -> Vec<Route> {
    routes![list, download]
}
