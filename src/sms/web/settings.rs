//! The SMS settings page (managers): the provider and its credentials (hub only, never shown
//! back), the club's reminder and quiet-hour choices with their templates, a test message, the
//! balance, and resuming a paused sender.

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::courts::model::DayMinute;
use crate::error::AppError;
use crate::sms::commands::{ResumeSms, SaveSmsProvider, SaveSmsSettings, SendSms};
use crate::sms::model::{Kind, QuietHours};
use crate::sms::providers::{Provider, ProviderKind};
use crate::sms::store::{self, Message, Settings, StoredProvider};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, done, fresh_id, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok, render};

#[derive(FromForm, Default, Clone)]
struct ProviderForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    sender: String,
    #[field(default = String::new())]
    base_url: String,
    #[field(default = String::new())]
    login: String,
    #[field(default = String::new())]
    secret: String,
}

#[derive(FromForm, Default, Clone)]
struct ClubForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    reminder_hours: String,
    #[field(default = false)]
    confirmations: bool,
    #[field(default = false)]
    cancellations: bool,
    #[field(default = String::new())]
    quiet_from: String,
    #[field(default = String::new())]
    quiet_to: String,
    #[field(default = String::new())]
    tpl_reminder: String,
    #[field(default = String::new())]
    tpl_confirmation: String,
    #[field(default = String::new())]
    tpl_cancellation: String,
}

#[derive(FromForm, Default, Clone)]
struct TestForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    text: String,
}

#[derive(Template)]
#[template(path = "sms/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    provider: ProviderForm,
    club: ClubForm,
    test: TestForm,
    errors: FieldErrors,
    stored: Option<StoredProvider>,
    /// The provider comes from courtside.toml / the environment: read-only here.
    pinned: bool,
    recent: Vec<Message>,
    placeholders: [String; 3],
}

impl SettingsPage {
    fn kinds(&self) -> [ProviderKind; 4] {
        ProviderKind::ALL
    }

    fn kind_name(&self, k: &ProviderKind) -> String {
        self.ctx.t(&format!("sms-provider-{}", k.as_str()))
    }

    fn has_secret(&self) -> bool {
        self.stored.as_ref().is_some_and(|s| !s.config.secret.is_empty())
    }

    fn status_name(&self, m: &Message) -> String {
        self.ctx.t(&format!("sms-status-{}", m.status.as_str()))
    }

    fn status_class(&self, m: &Message) -> &'static str {
        use crate::sms::model::Status::*;
        match m.status {
            Delivered => "ok",
            Failed | Rejected | Expired => "bad",
            _ => "",
        }
    }

    fn cost(&self, m: &Message) -> String {
        super::show_cost(m.cost_micros, m.cost_currency.as_deref(), &self.ctx.club.currency)
    }

    fn paused_text(&self, reason: &str) -> String {
        self.ctx.t(&format!("sms-paused-{reason}"))
    }
}

fn minute_text(m: u16) -> String {
    DayMinute::new(m).map(|d| d.to_string()).unwrap_or_default()
}

impl ProviderForm {
    fn of(p: Option<&StoredProvider>) -> ProviderForm {
        let c = p.map(|p| p.config.clone());
        ProviderForm {
            command_id: fresh_id(),
            kind: c.as_ref().map_or("log", |c| c.kind.as_str()).to_owned(),
            sender: c.as_ref().map(|c| c.sender.clone()).unwrap_or_default(),
            base_url: c.as_ref().map(|c| c.base_url.clone()).unwrap_or_default(),
            login: c.as_ref().map(|c| c.login.clone()).unwrap_or_default(),
            // The secret is never sent back to a browser.
            secret: String::new(),
        }
    }
}

impl ClubForm {
    fn of(s: &Settings) -> ClubForm {
        ClubForm {
            command_id: fresh_id(),
            reminder_hours: s.reminder_hours.to_string(),
            confirmations: s.confirmations,
            cancellations: s.cancellations,
            quiet_from: minute_text(s.quiet.from),
            quiet_to: minute_text(s.quiet.to),
            tpl_reminder: s.tpl_reminder.clone(),
            tpl_confirmation: s.tpl_confirmation.clone(),
            tpl_cancellation: s.tpl_cancellation.clone(),
        }
    }
}

#[derive(Default)]
struct Kept {
    provider: Option<ProviderForm>,
    club: Option<ClubForm>,
    test: Option<TestForm>,
}

async fn settings_page(app: &App, ctx: PageCtx, kept: Kept, errors: FieldErrors) -> Result<SettingsPage, AppError> {
    let (stored, settings, recent) = app
        .db
        .read(|c| {
            let recent = store::between(c, jiff::Timestamp::MIN, jiff::Timestamp::MAX, 10, 0)?;
            Ok((store::provider(c)?, store::settings(c)?, recent))
        })
        .await?;
    let locale = ctx.club.locale;
    let placeholders = [Kind::Reminder, Kind::Confirmation, Kind::Cancellation]
        .map(|k| crate::sms::reminders::template(&Settings::default(), k, locale));
    Ok(SettingsPage {
        provider: kept.provider.unwrap_or_else(|| ProviderForm::of(stored.as_ref())),
        club: kept.club.unwrap_or_else(|| ClubForm::of(&settings)),
        test: kept.test.unwrap_or_else(|| TestForm {
            command_id: fresh_id(),
            phone: String::new(),
            text: String::new(),
        }),
        errors,
        stored,
        pinned: app.config.sms.pinned().is_some(),
        recent,
        placeholders,
        ctx,
    })
}

async fn again(app: &App, ctx: PageCtx, kept: Kept, errors: FieldErrors) -> Page {
    Ok(Either::Left(render(Http::UnprocessableEntity, &settings_page(app, ctx, kept, errors).await?)?))
}

#[get("/settings")]
async fn page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&settings_page(app, ctx, Kept::default(), FieldErrors::default()).await?)
}

#[post("/settings/provider", data = "<form>")]
async fn save_provider(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ProviderForm>) -> Page {
    let Csrf(form, sub) = form;
    let mut errors = FieldErrors::default();
    if app.config.sms.pinned().is_some() {
        errors.add(ctx.locale, "kind", "sms-provider-pinned");
        return again(app, ctx, Kept { provider: Some(form), ..Kept::default() }, errors).await;
    }
    let Some(kind) = ProviderKind::parse(&form.kind) else {
        errors.add(ctx.locale, "kind", "sms-provider-choose");
        return again(app, ctx, Kept { provider: Some(form), ..Kept::default() }, errors).await;
    };
    let cmd = AnyCommand::SaveSmsProvider(SaveSmsProvider {
        kind,
        sender: form.sender.clone(),
        base_url: form.base_url.clone(),
        login: form.login.clone(),
        // Sealed here, so the command log and backups never hold the credential itself.
        secret: Some(form.secret.trim()).filter(|s| !s.is_empty()).map(|s| app.sealer.seal(s)),
    });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => done("/sms/settings", ctx.t("sms-provider-saved")),
        Outcome::Rejected(r) => {
            errors.rejection(ctx.locale, &r);
            // The secret typed is not shown again, even on error; a refused id is spent.
            let kept = ProviderForm { secret: String::new(), command_id: fresh_id(), ..form };
            again(app, ctx, Kept { provider: Some(kept), ..Kept::default() }, errors).await
        }
    }
}

fn parse_club(f: &ClubForm, ctx: &PageCtx) -> Result<Settings, FieldErrors> {
    let mut errors = FieldErrors::default();
    let reminder_hours = f.reminder_hours.trim().parse::<i64>().unwrap_or_else(|_| {
        errors.add(ctx.locale, "reminder_hours", "reject-sms-reminder-hours-range");
        0
    });
    let mut minute = |field: &str, text: &str| -> u16 {
        DayMinute::parse(text.trim()).filter(|d| d.minutes() < 24 * 60).map_or_else(
            || {
                errors.add(ctx.locale, field, "time-invalid");
                0
            },
            DayMinute::minutes,
        )
    };
    let quiet = QuietHours { from: minute("quiet_from", &f.quiet_from), to: minute("quiet_to", &f.quiet_to) };
    let s = Settings {
        reminder_hours,
        confirmations: f.confirmations,
        cancellations: f.cancellations,
        quiet,
        tpl_reminder: f.tpl_reminder.trim().to_owned(),
        tpl_confirmation: f.tpl_confirmation.trim().to_owned(),
        tpl_cancellation: f.tpl_cancellation.trim().to_owned(),
    };
    if errors.is_empty() { Ok(s) } else { Err(errors) }
}

#[post("/settings/club", data = "<form>")]
async fn save_club(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ClubForm>) -> Page {
    let Csrf(form, sub) = form;
    let settings = match parse_club(&form, &ctx) {
        Ok(s) => s,
        Err(errors) => return again(app, ctx, Kept { club: Some(form), ..Kept::default() }, errors).await,
    };
    let cmd = AnyCommand::SaveSmsSettings(SaveSmsSettings { settings_id: Uuid::now_v7().to_string(), settings });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => done("/sms/settings", ctx.t("sms-settings-saved")),
        Err(errors) => {
            let form = ClubForm { command_id: fresh_id(), ..form };
            again(app, ctx, Kept { club: Some(form), ..Kept::default() }, errors).await
        }
    }
}

#[post("/settings/test", data = "<form>")]
async fn send_test(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<TestForm>) -> Page {
    let Csrf(form, sub) = form;
    let id = sub.id;
    let cmd = AnyCommand::SendSms(SendSms {
        message_id: id.to_string(),
        member_id: None,
        phone: Some(form.phone.clone()),
        text: form.text.clone(),
        kind: Kind::Test,
    });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => done("/sms/settings", ctx.t("sms-test-queued")),
        Err(errors) => {
            let form = TestForm { command_id: fresh_id(), ..form };
            again(app, ctx, Kept { test: Some(form), ..Kept::default() }, errors).await
        }
    }
}

#[post("/settings/balance", data = "<form>")]
async fn balance(_m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<NoFields>) -> Page {
    let _ = form;
    let Some(stored) = crate::sms::provider(app).await? else {
        return Ok(Either::Right(Flash::error(Redirect::to("/sms/settings"), ctx.t("sms-no-provider"))));
    };
    let provider = Provider::new(&stored.config, app.config.sms.timeouts());
    Ok(Either::Right(match provider.balance().await {
        Ok(b) => Flash::success(Redirect::to("/sms/settings"), ctx.ta("sms-balance-is", "amount", b)),
        Err(e) => Flash::error(Redirect::to("/sms/settings"), ctx.ta("sms-balance-failed", "reason", e)),
    }))
}

#[post("/settings/resume", data = "<form>")]
async fn resume(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::ResumeSms(ResumeSms {});
    app.submit(&form.1, m.0.actor(), cmd).await?;
    done("/sms/settings", ctx.t("sms-resumed"))
}

pub fn routes() -> Vec<Route> {
    routes![page, save_provider, save_club, send_test, balance, resume]
}
