//! The club's logo in the portal's header: managers upload or remove it in Settings → Portal,
//! and the portal serves it under an address that changes with it, so browsers keep it.

use rocket::form::{Form, FromForm};
use rocket::http::{ContentType, Header};
use rocket::{Responder, State, get, post};
use uuid::Uuid;

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::error::AppError;
use crate::portal::commands::SetPortalLogo;
use crate::portal::model::LOGO_MAX_BYTES;
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, go, submit};
use crate::web::guards::Manager;
use crate::web::page::PageCtx;

#[derive(Responder)]
pub(super) struct LogoImage {
    bytes: Vec<u8>,
    kind: ContentType,
    cache: Header<'static>,
}

/// The logo; `v` (its version) makes the address new whenever it changes.
#[get("/logo?<v>")]
pub(super) async fn logo(app: &State<App>, v: Option<i64>) -> Result<Option<LogoImage>, AppError> {
    let Some((kind, bytes)) = app.db.read(|c| Ok(crate::portal::store::logo(c)?)).await? else { return Ok(None) };
    let cache = if v.is_some() { "public, max-age=31536000, immutable" } else { "no-cache" };
    Ok(Some(LogoImage {
        bytes,
        kind: ContentType::parse_flexible(&kind).unwrap_or(ContentType::Binary),
        cache: Header::new("Cache-Control", cache),
    }))
}

#[derive(FromForm)]
pub(super) struct LogoUpload<'r> {
    #[field(default = String::new())]
    csrf: String,
    #[field(default = String::new())]
    command_id: String,
    file: Option<rocket::fs::TempFile<'r>>,
}

async fn read_upload(file: &rocket::fs::TempFile<'_>) -> Option<Vec<u8>> {
    use rocket::tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    file.open().await.ok()?.read_to_end(&mut bytes).await.ok()?;
    Some(bytes)
}

#[post("/portal/logo", data = "<form>")]
pub(super) async fn upload(m: Manager, ctx: PageCtx, app: &State<App>, form: Form<LogoUpload<'_>>) -> Page {
    // Multipart forms bypass the Csrf guard (it reads url-encoded bodies), so check here.
    if !crate::auth::tokens::same_secret(&form.csrf, &ctx.csrf) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let bytes = match &form.file {
        Some(f) if f.len() as usize > LOGO_MAX_BYTES => {
            errors.add(ctx.locale, "logo", "portal-logo-too-big");
            None
        }
        Some(f) if f.len() > 0 => read_upload(f).await,
        _ => None,
    };
    let Some(bytes) = bytes else {
        if errors.is_empty() {
            errors.add(ctx.locale, "logo", "portal-logo-choose");
        }
        return super::settings::again_with(app, ctx, errors).await;
    };
    let id = Uuid::parse_str(form.command_id.trim()).unwrap_or_else(|_| Uuid::now_v7());
    let sub = Submission::new(id, &[m.0.user.id.as_bytes(), b"portal logo", &bytes]);
    let image = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &bytes);
    let cmd = AnyCommand::SetPortalLogo(SetPortalLogo { image: Some(image) });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/settings/portal#logo", "success", ctx.t("portal-logo-saved")),
        Err(errors) => super::settings::again_with(app, ctx, errors).await,
    }
}

#[post("/portal/logo/remove", data = "<form>")]
pub(super) async fn remove(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::SetPortalLogo(SetPortalLogo { image: None });
    match submit(app, &ctx, m.0.actor(), &form.1, cmd).await? {
        Ok(()) => go("/settings/portal", "success", ctx.t("portal-logo-removed")),
        Err(errors) => super::settings::again_with(app, ctx, errors).await,
    }
}
