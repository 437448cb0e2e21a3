//! The club settings page (managers and the owner). Fields pinned by courtsides.toml, the
//! environment or a flag are shown read-only: the configuration wins at every start. A change
//! of zone on a club with bookings, or of currency on a club with money, is confirmed first.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::UpdateClubSettings;
use super::model::ClubSettings;
use super::store::money_recorded;
use crate::app::{App, Pinned};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::forms::{Csrf, FieldErrors, fresh_id};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok, render};

/// The club's name, zone, language, currency and phone country as typed into a form; shared by
/// this page and the first-run setup.
#[derive(FromForm, Default)]
pub struct ClubFields {
    #[field(default = String::new())]
    pub name: String,
    #[field(default = String::new())]
    pub time_zone: String,
    #[field(default = String::new())]
    pub locale: String,
    #[field(default = String::new())]
    pub currency: String,
    #[field(default = String::new())]
    pub phone_region: String,
}

impl ClubFields {
    /// The settings wanted: pinned fields keep their configured value whatever the form says.
    pub fn wanted(&self, current: &ClubSettings, pinned: Pinned) -> ClubSettings {
        ClubSettings {
            name: if pinned.name { current.name.clone() } else { self.name.trim().to_owned() },
            time_zone: if pinned.time_zone { current.time_zone.clone() } else { self.time_zone.trim().to_owned() },
            locale: if pinned.locale { current.locale } else { Locale::parse(&self.locale).unwrap_or(current.locale) },
            currency: if pinned.currency {
                current.currency.clone()
            } else {
                self.currency.trim().to_ascii_uppercase()
            },
            phone_region: self.phone_region.trim().to_ascii_uppercase(),
        }
    }
}

/// The command that sets `s`.
pub fn command(s: &ClubSettings) -> AnyCommand {
    AnyCommand::UpdateClubSettings(UpdateClubSettings {
        settings_id: Uuid::now_v7().to_string(),
        name: s.name.clone(),
        time_zone: s.time_zone.clone(),
        locale: s.locale,
        currency: s.currency.clone(),
        phone_region: s.phone_region.clone(),
    })
}

/// The zones offered while typing one: the IANA names of places, and UTC.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| n.contains('/') && !n.starts_with("Etc/") && !n.starts_with("SystemV/"))
        .collect();
    names.push("UTC".into());
    names.sort();
    names
}

/// A currency's name in the page's language where we have it, else its code and symbol.
pub fn currency_name(locale: Locale, code: &str) -> String {
    let Some(c) = iso_currency::Currency::from_code(code) else { return String::new() };
    let id = format!("currency-{code}");
    if i18n::has(locale, &id) {
        i18n::tr(locale, &id)
    } else if locale == Locale::En {
        c.name().to_owned()
    } else {
        format!("{code} ({})", c.symbol())
    }
}

#[derive(Template)]
#[template(path = "club/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    form: ClubSettings,
    pinned: Pinned,
    command_id: String,
    errors: FieldErrors,
    zones: Vec<String>,
    /// Replace a UTC zone by the browser's (first-run setup only).
    suggest_zone: bool,
    /// What saving would change beyond the settings, for the manager to confirm.
    confirm: Option<Consequences>,
}

/// What a change of zone or currency does to the club's records.
struct Consequences {
    zone: Option<ZoneChange>,
    currency: Option<(String, String)>,
}

struct ZoneChange {
    from: String,
    to: String,
    /// Bookings from today on, which keep their times on the club's clock.
    upcoming: i64,
}

impl SettingsPage {
    fn currency_hint(&self) -> String {
        currency_name(self.ctx.locale, &self.form.currency)
    }

    fn zone_sentence(&self, z: &ZoneChange) -> String {
        let args = [("from", z.from.as_str()), ("to", z.to.as_str())];
        i18n::tr_args(self.ctx.locale, "settings-confirm-zone", &args)
    }

    fn currency_sentence(&self, from: &str, to: &str) -> String {
        i18n::tr_args(self.ctx.locale, "settings-confirm-currency", &[("from", from), ("to", to)])
    }
}

#[get("/")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let form = ctx.club.clone();
    let page = SettingsPage {
        ctx,
        form,
        pinned: app.pinned,
        command_id: fresh_id(),
        errors: FieldErrors::default(),
        zones: zone_names(),
        suggest_zone: false,
        confirm: None,
    };
    ok(&page)
}

#[derive(FromForm)]
struct SettingsForm {
    club: ClubFields,
    /// Set by the confirmation step: the manager has read what the change does.
    #[field(default = false)]
    confirmed: bool,
}

/// What changing from `current` to `wanted` does that the manager should know first; `None`
/// when it only changes the settings themselves.
async fn consequences(
    app: &App,
    ctx: &PageCtx,
    current: &ClubSettings,
    wanted: &ClubSettings,
) -> Result<Option<Consequences>, AppError> {
    let zone_moves = current.time_zone != wanted.time_zone;
    let currency_moves = current.currency != wanted.currency;
    if !zone_moves && !currency_moves {
        return Ok(None);
    }
    let from = ctx.club_day().to_zoned_datetime(ctx.tz.clone()).map_err(anyhow::Error::from)?.timestamp();
    let (any_booking, upcoming, money) = app
        .db
        .read(move |c| {
            Ok((
                crate::bookings::store::any(c)?,
                crate::bookings::store::count_active_from(c, from)?,
                money_recorded(c)?,
            ))
        })
        .await?;
    let zone = (zone_moves && any_booking).then(|| ZoneChange {
        from: current.time_zone.clone(),
        to: wanted.time_zone.clone(),
        upcoming,
    });
    let currency = (currency_moves && money).then(|| (current.currency.clone(), wanted.currency.clone()));
    Ok((zone.is_some() || currency.is_some()).then_some(Consequences { zone, currency }))
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
    let wanted = form.club.wanted(&current, pinned);
    let locale = ctx.locale;
    let page = |ctx: PageCtx, form: ClubSettings, errors: FieldErrors, confirm: Option<Consequences>| SettingsPage {
        ctx,
        form,
        pinned,
        command_id: fresh_id(),
        errors,
        zones: zone_names(),
        suggest_zone: false,
        confirm,
    };
    if let Err(problems) = wanted.validate() {
        let mut errors = FieldErrors::default();
        for (field, code) in problems {
            errors.add(locale, field, code);
        }
        return Ok(Either::Left(render(Status::UnprocessableEntity, &page(ctx, wanted, errors, None))?));
    }
    if !form.confirmed
        && let Some(confirm) = consequences(app, &ctx, &current, &wanted).await?
    {
        return Ok(Either::Left(render(Status::Ok, &page(ctx, wanted, FieldErrors::default(), Some(confirm)))?));
    }
    match app.submit(&sub, m.0.actor(), command(&wanted)).await?.outcome {
        Outcome::Applied { .. } => {
            Ok(Either::Right(Flash::success(Redirect::to("/settings"), ctx.t("settings-saved"))))
        }
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.rejection(locale, &r);
            Ok(Either::Left(render(Status::UnprocessableEntity, &page(ctx, wanted, errors, None))?))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![page, save]
}
