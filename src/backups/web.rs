//! The owner's Backups page: the backups there are, each to download, one taken on demand, and
//! how to restore one (at the console, with the service stopped).

use askama::Template;
use rocket::fs::NamedFile;
use rocket::http::Header;
use rocket::{Route, State, get, post, routes};

use crate::app::App;
use crate::db::backup::{self, BackupFile};
use crate::error::AppError;
use crate::web::forms::{Csrf, NoFields, Page, go};
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
    /// The data folder, for the restore command shown.
    data: String,
}

impl BackupsPage {
    fn size(&self, b: &BackupFile) -> String {
        crate::i18n::megabytes(self.ctx.locale, b.bytes)
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
    let data = app.config.data.display().to_string();
    ok(&BackupsPage { ctx, folder, backups, keep_daily: b.keep_daily, keep_weekly: b.keep_weekly, hour: b.hour, data })
}

/// Takes a backup now (before a risky change, or to carry a copy away), from a read
/// connection: the desk goes on working while it is written.
#[post("/now", data = "<form>")]
async fn now(_o: Owner, ctx: PageCtx, app: &State<App>, form: Csrf<NoFields>) -> Page {
    let _ = form;
    let (dir, at) = (app.config.backup_dir(), app.now());
    let file = app.db.read(move |c| backup::manual(c, &dir, at)).await?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    go("/backups", "success", ctx.ta("backups-made", "name", name))
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
    routes![list, now, download]
}
