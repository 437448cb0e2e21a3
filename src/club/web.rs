//! The club settings page (managers and the owner). Fields pinned by courtside.toml, the
//! environment or a flag are shown read-only: the configuration wins at every start.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::UpdateClubSettings;
use super::model::ClubSettings;
use crate::app::{App, Pinned};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::web::forms::{Csrf, FieldErrors, fresh_id};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok, render};

#[derive(Template)]
#[template(path = "club/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    form: ClubSettings,
    pinned: Pinned,
    command_id: String,
    errors: FieldErrors,
}

impl SettingsPage {
    fn currency_hint(&self) -> String {
        iso_currency::Currency::from_code(&self.form.currency).map(|c| c.name().to_owned()).unwrap_or_default()
    }
}

#[get("/")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let form = ctx.club.clone();
    ok(&SettingsPage { ctx, form, pinned: app.pinned, command_id: fresh_id(), errors: FieldErrors::default() })
}

#[derive(FromForm)]
struct SettingsForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    time_zone: String,
    #[field(default = String::new())]
    locale: String,
    #[field(default = String::new())]
    currency: String,
    #[field(default = String::new())]
    phone_region: String,
}

#[post("/", data = "<form>")]
async fn save(
    m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    form: Csrf<SettingsForm>,
) -> Result<Either<Html, Flash<Redirect>>, AppError> {
    let Csrf(form, sub) = form;
    let current = ctx.club.clone();
    let pinned = app.pinned;
    // Pinned fields keep their configured value whatever the form says.
    let wanted = ClubSettings {
        name: if pinned.name { current.name.clone() } else { form.name.trim().to_owned() },
        time_zone: if pinned.time_zone { current.time_zone.clone() } else { form.time_zone.trim().to_owned() },
        locale: if pinned.locale { current.locale } else { Locale::parse(&form.locale).unwrap_or(current.locale) },
        currency: if pinned.currency { current.currency.clone() } else { form.currency.trim().to_ascii_uppercase() },
        phone_region: form.phone_region.trim().to_ascii_uppercase(),
    };
    let locale = ctx.locale;
    let rerender =
        |ctx: PageCtx, errors: FieldErrors, wanted: ClubSettings| -> Result<Either<Html, Flash<Redirect>>, AppError> {
            let page = SettingsPage { ctx, form: wanted, pinned, command_id: fresh_id(), errors };
            Ok(Either::Left(render(Status::UnprocessableEntity, &page)?))
        };
    if let Err(problems) = wanted.validate() {
        let mut errors = FieldErrors::default();
        for (field, code) in problems {
            errors.add(locale, field, code);
        }
        return rerender(ctx, errors, wanted);
    }
    let cmd = AnyCommand::UpdateClubSettings(UpdateClubSettings {
        settings_id: Uuid::now_v7().to_string(),
        name: wanted.name.clone(),
        time_zone: wanted.time_zone.clone(),
        locale: wanted.locale,
        currency: wanted.currency.clone(),
        phone_region: wanted.phone_region.clone(),
    });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            Ok(Either::Right(Flash::success(Redirect::to("/settings"), ctx.t("settings-saved"))))
        }
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.rejection(locale, &r);
            rerender(ctx, errors, wanted)
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![page, save]
}
