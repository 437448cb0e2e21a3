//! The start page after login: today at the club, and for managers the state of the system.

use askama::Template;
use rocket::{Route, State, get, routes};

use crate::app::App;
use crate::core::{self, CommandFilter, CommandRecord};
use crate::db::{backup, migrate};
use crate::error::AppError;
use crate::web::guards::Staff;
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    staff_count: i64,
    schema_version: i64,
    last_backup: Option<backup::BackupFile>,
    recent: Vec<CommandRecord>,
    backup_hour: i8,
    /// Why SMS sending stopped (credentials, money, settings), for the manager to act on.
    sms_paused: Option<(String, String)>,
}

impl HomePage {
    fn kind_label(&self, r: &CommandRecord) -> String {
        self.ctx.t(&format!("kind-{}", r.kind))
    }

    fn sms_pause_text(&self, reason: &str) -> String {
        self.ctx.t(&format!("sms-paused-{reason}"))
    }

    fn backup_size(&self, b: &backup::BackupFile) -> String {
        format!("{:.1} MB", b.bytes as f64 / 1_048_576.0)
    }
}

#[get("/")]
async fn home(_me: Staff, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let backup_dir = app.config.backup_dir();
    let (staff_count, schema_version, recent, sms_paused) = app
        .db
        .read(|c| {
            let staff: i64 = crate::auth::store::all_users(c)?.iter().filter(|u| u.active).count() as i64;
            let recent = core::list_commands(c, &CommandFilter { limit: 8, ..CommandFilter::default() })?;
            let sms_paused = crate::sms::store::provider(c)?.and_then(|p| p.paused).map(|(r, note, _)| (r, note));
            Ok((staff, migrate::schema_version(c)?, recent, sms_paused))
        })
        .await?;
    let last_backup = tokio::task::spawn_blocking(move || backup::list(&backup_dir))
        .await
        .map_err(anyhow::Error::from)??
        .into_iter()
        .next();
    ok(&HomePage {
        ctx,
        staff_count,
        schema_version,
        last_backup,
        recent,
        backup_hour: app.config.backup.hour,
        sms_paused,
    })
}

pub fn routes() -> Vec<Route> {
    routes![home]
}
