//! Settings → Portal (managers): whether players may sign in, book and cancel.

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
    let settings = app.db.read(|c| Ok(crate::portal::store::settings(c)?)).await?;
    ok(&SettingsPage { ctx, settings, command_id: fresh_id(), errors: FieldErrors::default() })
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
    };
    let cmd = AnyCommand::SavePortalSettings(SavePortalSettings { settings: settings.clone(), new_id: fresh_id() });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/settings/portal", "success", ctx.t("portal-settings-saved")),
        Err(errors) => again(&SettingsPage { ctx, settings, command_id: fresh_id(), errors }),
    }
}
