//! The cash desk: open a shift with a float, put cash in or take it out, read the X report
//! while it is open, close it with the cash counted and read the Z report.

use std::collections::HashMap;

use askama::Template;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};

use super::model::{Report, Shift};
use crate::app::App;
use crate::cash::commands::{CloseShift, MoveCash, OpenShift};
use crate::cash::store as cash;
use crate::commands::AnyCommand;
use crate::core::{MAIN_TILL, Submission};
use crate::core::{Outcome, Rejection};
use crate::db::Conn;
use crate::desk::store::registry;
use crate::error::AppError;
use crate::money::amount;
use crate::payments::model::{Method, Purpose};
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok, render};

#[derive(FromForm, Default, Clone)]
struct CashForm {
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    reason: String,
    /// "in" or "out" for a cash movement.
    #[field(default = String::new())]
    direction: String,
}

#[derive(Template)]
#[template(path = "cash/cash.html")]
struct CashPage {
    ctx: PageCtx,
    open: Option<Report>,
    recent: Vec<Shift>,
    /// This machine's till.
    till: String,
    tills: Tills,
    command_id: String,
    errors: FieldErrors,
    typed: CashForm,
}

#[derive(Template)]
#[template(path = "cash/shift.html")]
struct ShiftPage {
    ctx: PageCtx,
    r: Report,
    tills: Tills,
}

/// The names of the tills a page shows: the main one, and desks by the names they were paired
/// with (a desk knows only its own).
#[derive(Default)]
struct Tills(HashMap<String, String>);

impl Tills {
    fn read(app: &App, conn: &Conn) -> anyhow::Result<Tills> {
        let mut names = HashMap::new();
        match &app.desk {
            Some(desk) => {
                names.insert(desk.identity.desk_id.clone(), desk.identity.name.clone());
            }
            None => names.extend(registry::desks(conn)?.into_iter().map(|d| (d.id, d.name))),
        }
        Ok(Tills(names))
    }
}

/// Labels and money for the cash page and the shift report.
trait Labels {
    fn ctx(&self) -> &PageCtx;

    fn method_name(&self, m: &Method) -> String {
        self.ctx().t(&format!("method-{}", m.as_str()))
    }

    fn purpose_name(&self, p: &Purpose) -> String {
        self.ctx().t(&format!("purpose-{}", p.as_str()))
    }

    fn tills(&self) -> &Tills;

    fn till_name(&self, till: &str) -> String {
        match self.tills().0.get(till) {
            _ if till == MAIN_TILL => self.ctx().t("till-main"),
            Some(name) => self.ctx().ta("till-desk", "name", name),
            None => self.ctx().t("till-other"),
        }
    }
}

impl Labels for CashPage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }

    fn tills(&self) -> &Tills {
        &self.tills
    }
}

impl Labels for ShiftPage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }

    fn tills(&self) -> &Tills {
        &self.tills
    }
}

async fn cash_page(app: &App, ctx: PageCtx, errors: FieldErrors, typed: CashForm) -> Result<CashPage, AppError> {
    let till = app.till().to_owned();
    let (open, recent, tills) = app
        .db
        .read({
            let (app, till) = (app.clone(), till.clone());
            move |c| {
                let open = cash::open_shift(c, &till)?.map(|s| cash::report(c, s)).transpose()?;
                Ok((open, cash::recent_shifts(c, 10)?, Tills::read(&app, c)?))
            }
        })
        .await?;
    Ok(CashPage { ctx, open, recent, till, tills, command_id: fresh_id(), errors, typed })
}

#[get("/")]
async fn page(_r: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&cash_page(app, ctx, FieldErrors::default(), <CashForm as Default>::default()).await?)
}

/// Runs a cash desk command; on success goes to `to` with `done`, else shows the page again.
async fn run(
    app: &App,
    r: &Reception,
    ctx: PageCtx,
    (f, sub): (CashForm, Submission),
    cmd: Result<AnyCommand, Rejection>,
    (to, done): (String, &str),
) -> Page {
    let outcome = match cmd {
        Ok(cmd) => match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
            Outcome::Applied { .. } => None,
            Outcome::Rejected(rej) => Some(rej),
        },
        Err(rej) => Some(rej),
    };
    match outcome {
        None => Ok(Either::Right(Flash::success(Redirect::to(to), ctx.t(done)))),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            Ok(Either::Left(render(Status::UnprocessableEntity, &cash_page(app, ctx, errors, f).await?)?))
        }
    }
}

fn parse_amount(ctx: &PageCtx, text: &str, field: &str) -> Result<i64, Rejection> {
    amount::parse(text, &ctx.club.currency).map_err(|code| Rejection::new(code).on(field))
}

#[post("/open", data = "<form>")]
async fn open(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<CashForm>) -> Page {
    let Csrf(f, sub) = form;
    let float = if f.amount.trim().is_empty() { Ok(0) } else { parse_amount(&ctx, &f.amount, "float") };
    let cmd = float.map(|float| AnyCommand::OpenShift(OpenShift { shift_id: sub.id.to_string(), float }));
    run(app, &r, ctx, (f, sub), cmd, ("/cash".into(), "shift-opened")).await
}

#[post("/move", data = "<form>")]
async fn move_cash(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<CashForm>) -> Page {
    let Csrf(f, sub) = form;
    let sign = if f.direction == "out" { -1 } else { 1 };
    let cmd = parse_amount(&ctx, &f.amount, "amount").map(|amount| {
        AnyCommand::MoveCash(MoveCash {
            movement_id: sub.id.to_string(),
            amount: sign * amount,
            reason: f.reason.clone(),
        })
    });
    run(app, &r, ctx, (f, sub), cmd, ("/cash".into(), "cash-moved")).await
}

#[post("/close", data = "<form>")]
async fn close(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<CashForm>) -> Page {
    let Csrf(f, sub) = form;
    let till = app.till().to_owned();
    let shift = app.db.read(move |c| Ok(cash::open_shift(c, &till)?)).await?;
    // A closed shift goes straight to its Z report.
    let to = shift.as_ref().map_or_else(|| "/cash".to_owned(), |s| format!("/cash/shifts/{}", s.id));
    let cmd = match shift {
        None => Err(Rejection::new("cash-desk-closed")),
        Some(s) => parse_amount(&ctx, &f.amount, "counted")
            .map(|counted| AnyCommand::CloseShift(CloseShift { shift_id: s.id, counted, note: f.reason.clone() })),
    };
    run(app, &r, ctx, (f, sub), cmd, (to, "shift-closed")).await
}

#[get("/shifts/<id>")]
async fn shift(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let (r, tills) = app
        .db
        .read({
            let app = app.inner().clone();
            move |c| {
                let r = cash::shift(c, &id)?.map(|s| cash::report(c, s)).transpose()?;
                Ok((r, Tills::read(&app, c)?))
            }
        })
        .await?;
    ok(&ShiftPage { ctx, r: r.ok_or(AppError::NotFound)?, tills })
}

pub fn routes() -> Vec<Route> {
    routes![page, open, move_cash, close, shift]
}
