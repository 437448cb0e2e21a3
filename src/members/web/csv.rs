//! The member list as CSV, and importing members from a spreadsheet (managers).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::{State, get, post};
use uuid::Uuid;

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::members::model::display_phone;
use crate::members::store::{self};
use crate::web::forms::{Csrf, Page, fresh_id, go};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok, render};

// ---- CSV export and import (managers) ----

#[get("/export.csv")]
pub(super) async fn export(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<CsvFile, AppError> {
    let members = app.db.read(|c| Ok(store::all(c, true)?)).await?;
    let body = crate::members::csv_io::export(&members)?;
    Ok(CsvFile::new(&format!("members-{}.csv", ctx.club_day()), body))
}

struct PreviewRow {
    line: usize,
    name: String,
    phone: String,
    category: String,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "members/import.html")]
struct ImportPage {
    ctx: PageCtx,
    command_id: String,
    text: String,
    rows: Vec<PreviewRow>,
    good: usize,
    error: Option<String>,
}

impl ImportPage {
    fn empty(ctx: PageCtx) -> ImportPage {
        ImportPage { ctx, command_id: fresh_id(), text: String::new(), rows: Vec::new(), good: 0, error: None }
    }

    fn bad(&self) -> usize {
        self.rows.len() - self.good
    }
}

#[get("/import")]
pub(super) async fn import_page(_m: Manager, ctx: PageCtx) -> Result<Html, AppError> {
    ok(&ImportPage::empty(ctx))
}

/// Reads an import file against the current club: rows as they would be imported, with what
/// is wrong with the others. Nothing is written.
async fn examine(
    app: &App,
    ctx: &PageCtx,
    text: String,
) -> anyhow::Result<Result<Vec<(crate::members::csv_io::ImportRow, Option<String>)>, &'static str>> {
    use crate::members::csv_io::{ReadError, read};
    let today = ctx.club_day();
    let rows = match read(&text, today) {
        Ok(rows) => rows,
        Err(ReadError::Empty) => return Ok(Err("import-empty")),
        Err(ReadError::NoNameColumn) => return Ok(Err("import-no-name-column")),
        Err(ReadError::TooManyRows) => return Ok(Err("import-too-many")),
        Err(ReadError::Unreadable) => return Ok(Err("import-unreadable")),
    };
    let region = ctx.club.phone_region.clone();
    app.db
        .read(move |c| {
            let cats = store::categories(c)?;
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for mut row in rows {
                let mut category_id = None;
                if !row.category.is_empty() {
                    match cats.iter().find(|k| k.name.to_lowercase() == row.category.to_lowercase()) {
                        Some(k) => category_id = Some(k.id.clone()),
                        None => row.problems.push("import-category-unknown"),
                    }
                }
                row.draft.category_id = category_id;
                match crate::members::model::normalize_phone(&row.draft.phone, &region) {
                    Err(code) => row.problems.push(code),
                    Ok(Some(p)) => {
                        if store::active_by_phone(c, &p)?.is_some() || !seen.insert(p.clone()) {
                            row.problems.push("import-phone-taken");
                        }
                    }
                    Ok(None) => {}
                }
                let phone = crate::members::model::normalize_phone(&row.draft.phone, &region).ok().flatten();
                out.push((row, phone));
            }
            Ok(Ok(out))
        })
        .await
}

#[derive(FromForm)]
pub(super) struct ImportUpload<'r> {
    #[field(default = String::new())]
    csrf: String,
    file: Option<rocket::fs::TempFile<'r>>,
}

#[post("/import", data = "<form>")]
pub(super) async fn import_preview(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    form: rocket::form::Form<ImportUpload<'_>>,
) -> Result<Html, AppError> {
    // Multipart forms bypass the Csrf guard (it reads url-encoded bodies), so check here.
    if !crate::auth::tokens::same_secret(&form.csrf, &ctx.csrf) {
        return Err(AppError::Forbidden);
    }
    let mut page = ImportPage::empty(ctx);
    let text = match &form.file {
        Some(file) if file.len() > 0 => read_upload(file).await,
        _ => None,
    };
    let Some(text) = text else {
        page.error = Some(page.ctx.t("import-choose-file"));
        return render(Status::UnprocessableEntity, &page);
    };
    match examine(app, &page.ctx, text.clone()).await? {
        Err(code) => {
            page.error = Some(page.ctx.t(code));
            render(Status::UnprocessableEntity, &page)
        }
        Ok(rows) => {
            page.good = rows.iter().filter(|(r, _)| r.problems.is_empty()).count();
            page.rows = rows
                .into_iter()
                .map(|(r, phone)| PreviewRow {
                    line: r.line,
                    name: r.draft.full_name,
                    phone: phone.as_deref().map(display_phone).unwrap_or(r.draft.phone),
                    category: r.category,
                    problems: r.problems.iter().map(|p| page.ctx.t(p)).collect(),
                })
                .collect();
            page.text = text;
            ok(&page)
        }
    }
}

async fn read_upload(file: &rocket::fs::TempFile<'_>) -> Option<String> {
    use rocket::tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    file.open().await.ok()?.read_to_end(&mut bytes).await.ok()?;
    // Spreadsheets on Windows may save Windows-1251; only UTF-8 is read, with a clear message otherwise.
    String::from_utf8(bytes).ok()
}

#[derive(FromForm)]
pub(super) struct ImportConfirm {
    #[field(default = String::new())]
    text: String,
}

#[post("/import/confirm", data = "<form>")]
pub(super) async fn import_confirm(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ImportConfirm>) -> Page {
    let Csrf(f, sub) = form;
    let rows = match examine(app, &ctx, f.text.clone()).await? {
        Ok(rows) => rows,
        Err(code) => return go("/members/import", "error", ctx.t(code)),
    };
    let good: Vec<crate::members::commands::ImportedMember> = rows
        .into_iter()
        .filter(|(r, _)| r.problems.is_empty())
        .map(|(r, _)| crate::members::commands::ImportedMember {
            line: r.line,
            member_id: Uuid::now_v7().to_string(),
            member: r.draft,
        })
        .collect();
    let count = good.len();
    let cmd = AnyCommand::ImportMembers(crate::members::commands::ImportMembers { rows: good });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/members", "success", ctx.ta("import-done", "count", count)),
        Outcome::Rejected(rej) => {
            let line = rej.args.iter().find(|(k, _)| k == "line").map(|(_, v)| v.clone()).unwrap_or_default();
            let why = rejection_text(ctx.locale, &rej);
            let message = if line.is_empty() { why } else { format!("{} {why}", ctx.ta("import-row", "line", line)) };
            go("/members/import", "error", message)
        }
    }
}
