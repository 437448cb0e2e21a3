//! SMS from the member card (reception and up): send one message, and record that the member
//! wants no SMS from the club (or agrees again).

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};
use uuid::Uuid;

use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::members::store::{self as members, Member};
use crate::sms::commands::{SendSms, SetSmsOptOut};
use crate::sms::model::{Encoding, Kind, segments};
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok, render};

#[derive(FromForm)]
struct SendForm {
    #[field(default = String::new())]
    text: String,
}

#[derive(Template)]
#[template(path = "sms/member_send.html")]
struct SendPage {
    ctx: PageCtx,
    m: Member,
    command_id: String,
    text: String,
    errors: FieldErrors,
}

impl SendPage {
    fn phone(&self) -> String {
        self.m.phone.as_deref().map(crate::members::model::display_phone).unwrap_or_default()
    }

    fn counter(&self) -> String {
        let s = segments(self.text.trim());
        let key = if s.encoding == Encoding::Gsm7 { "sms-count-gsm" } else { "sms-count-ucs" };
        crate::i18n::tr_args(self.ctx.locale, key, &[("parts", &s.parts.to_string()), ("units", &s.units.to_string())])
    }

    fn counter_template(&self, key: &str) -> String {
        crate::i18n::tr_args(self.ctx.locale, key, &[("parts", "{parts}"), ("units", "{units}")])
    }
}

async fn member(app: &App, id: &str) -> Result<Member, AppError> {
    let id = id.to_owned();
    app.db.read(move |c| Ok(members::member(c, &id)?)).await?.ok_or(AppError::NotFound)
}

#[get("/members/<id>/send")]
async fn send_page(_r: Reception, ctx: PageCtx, app: &State<App>, id: &str) -> Result<Html, AppError> {
    let m = member(app, id).await?;
    ok(&SendPage { ctx, m, command_id: fresh_id(), text: String::new(), errors: FieldErrors::default() })
}

#[post("/members/<id>/send", data = "<form>")]
async fn send(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<SendForm>) -> Page {
    let Csrf(form, sub) = form;
    let m = member(app, id).await?;
    let message_id = sub.id;
    let cmd = AnyCommand::SendSms(SendSms {
        message_id: message_id.to_string(),
        member_id: Some(m.id.clone()),
        phone: None,
        text: form.text.clone(),
        kind: Kind::Manual,
    });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            Ok(Either::Right(Flash::success(Redirect::to(format!("/members/{}", m.id)), ctx.t("sms-member-queued"))))
        }
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            let field = if rej.field.as_deref() == Some("text") { "text" } else { "form" };
            errors.add_text(field, rejection_text(ctx.locale, &rej));
            let page = SendPage { ctx, m, command_id: fresh_id(), text: form.text, errors };
            Ok(Either::Left(render(Http::UnprocessableEntity, &page)?))
        }
    }
}

#[derive(FromForm)]
struct OptOutForm {
    #[field(default = false)]
    opted_out: bool,
}

#[post("/members/<id>/opt-out", data = "<form>")]
async fn opt_out(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<OptOutForm>) -> Page {
    let Csrf(form, sub) = form;
    let cmd = AnyCommand::SetSmsOptOut(SetSmsOptOut {
        optout_id: Uuid::now_v7().to_string(),
        member_id: id.to_owned(),
        opted_out: form.opted_out,
    });
    let back = Redirect::to(format!("/members/{id}"));
    Ok(Either::Right(match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            let key = if form.opted_out { "sms-member-opted-out-saved" } else { "sms-member-opted-in-saved" };
            Flash::success(back, ctx.t(key))
        }
        Outcome::Rejected(rej) if rej.code == "member-not-found" => return Err(AppError::NotFound),
        Outcome::Rejected(rej) => Flash::error(back, rejection_text(ctx.locale, &rej)),
    }))
}

pub fn routes() -> Vec<Route> {
    routes![send_page, send, opt_out]
}
