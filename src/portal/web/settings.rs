//! Settings → Portal (managers): whether players may sign in, book, cancel and pay, the
//! widget's sites, and the logo (`logo`).

use askama::Template;
use rocket::form::FromForm;
use rocket::{State, get, post};

use crate::app::App;
use crate::commands::AnyCommand;
use crate::error::AppError;
use crate::portal::commands::SavePortalSettings;
use crate::portal::model::PortalSettings;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "portal/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    settings: PortalSettings,
    /// The logo's version, when the club has one.
    logo: Option<i64>,
    command_id: String,
    errors: FieldErrors,
}

impl SettingsPage {
    fn origins(&self) -> String {
        self.settings.widget_origins.join("\n")
    }

    /// What the club pastes into its site.
    fn snippet(&self) -> String {
        let base = self.settings.link("").unwrap_or_else(|| "https://HUB".to_owned());
        format!("<script src=\"{base}/widget.js\" data-days=\"7\" async></script>")
    }

    fn iframe(&self) -> String {
        let base = self.settings.link("").unwrap_or_else(|| "https://HUB".to_owned());
        format!(
            "<iframe src=\"{base}/p/widget?days=7\" title=\"{}\" style=\"width:100%;height:480px;border:0\"></iframe>",
            self.ctx.club.name
        )
    }
}

#[get("/portal")]
pub(super) async fn settings_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let (settings, logo) = read(app).await?;
    ok(&SettingsPage { ctx, settings, logo, command_id: fresh_id(), errors: FieldErrors::default() })
}

async fn read(app: &App) -> Result<(PortalSettings, Option<i64>), AppError> {
    Ok(app.db.read(|c| Ok((crate::portal::store::settings(c)?, crate::portal::store::logo_version(c)?))).await?)
}

/// The page again with `errors` (a refused logo).
pub(super) async fn again_with(app: &App, ctx: PageCtx, errors: FieldErrors) -> Page {
    let (settings, logo) = read(app).await?;
    again(&SettingsPage { ctx, settings, logo, command_id: fresh_id(), errors })
}

#[derive(FromForm)]
pub(super) struct SettingsForm {
    #[field(default = false)]
    enabled: bool,
    #[field(default = false)]
    booking: bool,
    #[field(default = false)]
    cancelling: bool,
    #[field(default = false)]
    waitlist: bool,
    #[field(default = String::new())]
    offer_minutes: String,
    #[field(default = String::new())]
    address: String,
    #[field(default = false)]
    court_feeds: bool,
    #[field(default = false)]
    widget: bool,
    #[field(default = String::new())]
    widget_origins: String,
    #[field(default = false)]
    pay_from_account: bool,
    #[field(default = false)]
    pay_with_pass: bool,
    #[field(default = false)]
    passwords: bool,
    #[field(default = false)]
    guests: bool,
}

#[post("/portal", data = "<form>")]
pub(super) async fn save_settings(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<SettingsForm>) -> Page {
    let Csrf(f, sub) = form;
    let settings = PortalSettings {
        enabled: f.enabled,
        booking: f.booking,
        cancelling: f.cancelling,
        waitlist: f.waitlist,
        // Not a number: 0, which the command refuses with the field's range.
        offer_minutes: f.offer_minutes.trim().parse().unwrap_or(0),
        address: f.address.clone(),
        court_feeds: f.court_feeds,
        widget: f.widget,
        widget_origins: f.widget_origins.lines().map(str::to_owned).collect(),
        pay_from_account: f.pay_from_account,
        pay_with_pass: f.pay_with_pass,
        passwords: f.passwords,
        guests: f.guests,
    };
    let cmd = AnyCommand::SavePortalSettings(SavePortalSettings { settings: settings.clone(), new_id: fresh_id() });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/settings/portal", "success", ctx.t("portal-settings-saved")),
        Err(errors) => {
            let logo = read(app).await?.1;
            again(&SettingsPage { ctx, settings, logo, command_id: fresh_id(), errors })
        }
    }
}
