//! Court pages (managers and the owner): the list, a court's form, and the schedule page with
//! opening hours, booking rules and closures.

use std::collections::HashMap;

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::{AddClosure, CreateCourt, RemoveClosure, SetBookingRules, SetOpeningHours, UpdateCourt};
use super::model::{BookingRules, Closure, CourtDraft, DayMinute, Hours, Surface, WEEKDAYS, Week};
use super::store::{self, Court};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::core::Submission;
use crate::error::AppError;
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, again, done, fresh_id, submit};
use crate::web::guards::{Manager, Reception};
use crate::web::page::{Html, PageCtx, ok};

fn new_id() -> String {
    Uuid::now_v7().to_string()
}

// ---- list ----

#[derive(Template)]
#[template(path = "courts/list.html")]
struct ListPage {
    ctx: PageCtx,
    courts: Vec<Court>,
}

impl ListPage {
    fn surface(&self, s: &Surface) -> String {
        self.ctx.t(&format!("surface-{}", s.as_str()))
    }
}

#[get("/")]
async fn list(_m: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let courts = app.db.read(|c| Ok(store::courts(c)?)).await?;
    ok(&ListPage { ctx, courts })
}

// ---- one court ----

#[derive(FromForm)]
struct CourtForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    surface: String,
    #[field(default = false)]
    indoor: bool,
    #[field(default = false)]
    floodlights: bool,
    #[field(default = String::new())]
    group: String,
    #[field(default = String::new())]
    display_order: String,
    #[field(default = false)]
    active: bool,
}

#[derive(Template)]
#[template(path = "courts/form.html")]
struct CourtPage {
    ctx: PageCtx,
    /// None while creating.
    court_id: Option<String>,
    command_id: String,
    name: String,
    surface: String,
    indoor: bool,
    floodlights: bool,
    group: String,
    display_order: String,
    active: bool,
    groups: Vec<String>,
    errors: FieldErrors,
}

impl CourtPage {
    fn from_draft(ctx: PageCtx, court_id: Option<String>, d: &CourtDraft, groups: Vec<String>) -> CourtPage {
        CourtPage {
            ctx,
            court_id,
            command_id: fresh_id(),
            name: d.name.clone(),
            surface: d.surface.as_str().to_owned(),
            indoor: d.indoor,
            floodlights: d.floodlights,
            group: d.group.clone(),
            display_order: d.display_order.to_string(),
            active: d.active,
            groups,
            errors: FieldErrors::default(),
        }
    }

    fn from_form(
        ctx: PageCtx,
        court_id: Option<String>,
        f: CourtForm,
        groups: Vec<String>,
        errors: FieldErrors,
    ) -> CourtPage {
        CourtPage {
            ctx,
            court_id,
            command_id: fresh_id(),
            name: f.name,
            surface: f.surface,
            indoor: f.indoor,
            floodlights: f.floodlights,
            group: f.group,
            display_order: f.display_order,
            active: f.active,
            groups,
            errors,
        }
    }

    fn surfaces(&self) -> Vec<(&'static str, String, bool)> {
        Surface::ALL
            .iter()
            .map(|s| (s.as_str(), self.ctx.t(&format!("surface-{}", s.as_str())), self.surface == s.as_str()))
            .collect()
    }

    fn action(&self) -> String {
        self.court_id.as_ref().map_or_else(|| "/courts".to_owned(), |id| format!("/courts/{id}"))
    }
}

/// Parses the form into a draft, or collects a message per bad field.
fn parse_court(f: &CourtForm, ctx: &PageCtx) -> Result<CourtDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let surface = Surface::parse(&f.surface);
    if surface.is_none() {
        errors.add(ctx.locale, "surface", "court-surface-choose");
    }
    let order = f.display_order.trim().parse::<i64>();
    if order.is_err() {
        errors.add(ctx.locale, "display_order", "court-order-range");
    }
    let draft = CourtDraft {
        name: f.name.clone(),
        surface: surface.unwrap_or(Surface::Hard),
        indoor: f.indoor,
        floodlights: f.floodlights,
        group: f.group.clone(),
        display_order: order.unwrap_or(0),
        active: f.active,
    }
    .tidy();
    if let Err(problems) = draft.validate() {
        for (field, code) in problems {
            if errors.get(field).is_none() {
                errors.add(ctx.locale, field, code);
            }
        }
    }
    if errors.is_empty() { Ok(draft) } else { Err(errors) }
}

async fn groups(app: &App) -> anyhow::Result<Vec<String>> {
    let courts = app.db.read(|c| Ok(store::courts(c)?)).await?;
    let mut groups: Vec<String> = courts.into_iter().map(|c| c.draft.group).filter(|g| !g.is_empty()).collect();
    groups.sort();
    groups.dedup();
    Ok(groups)
}

#[get("/new")]
async fn new_page(_m: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let order = app.db.read(|c| Ok(store::next_display_order(c)?)).await?;
    let name = ctx.ta("court-default-name", "number", order);
    let draft = CourtDraft {
        name,
        surface: Surface::Hard,
        indoor: false,
        floodlights: true,
        group: String::new(),
        display_order: order,
        active: true,
    };
    let groups = groups(app).await?;
    ok(&CourtPage::from_draft(ctx, None, &draft, groups))
}

#[post("/", data = "<form>")]
async fn create(m: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<CourtForm>) -> Page {
    let Csrf(form, sub) = form;
    let draft = match parse_court(&form, &ctx) {
        Ok(d) => d,
        Err(errors) => return again(&CourtPage::from_form(ctx, None, form, groups(app).await?, errors)),
    };
    let name = draft.name.clone();
    let cmd = AnyCommand::CreateCourt(CreateCourt { court_id: new_id(), court: draft });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => done("/courts", ctx.ta("court-created", "name", name)),
        Err(errors) => again(&CourtPage::from_form(ctx, None, form, groups(app).await?, errors)),
    }
}

#[get("/<id>")]
async fn edit_page(_m: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let court = app.db.read(move |c| Ok(store::court(c, &id)?)).await?.ok_or(AppError::NotFound)?;
    let groups = groups(app).await?;
    ok(&CourtPage::from_draft(ctx, Some(court.id), &court.draft, groups))
}

#[post("/<id>", data = "<form>")]
async fn update(m: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<CourtForm>) -> Page {
    let Csrf(form, sub) = form;
    let draft = match parse_court(&form, &ctx) {
        Ok(d) => d,
        Err(errors) => return again(&CourtPage::from_form(ctx, Some(id), form, groups(app).await?, errors)),
    };
    let name = draft.name.clone();
    let cmd = AnyCommand::UpdateCourt(UpdateCourt { court_id: id.clone(), court: draft });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => done("/courts", ctx.ta("court-saved", "name", name)),
        Outcome::Rejected(r) if r.code == "court-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &r);
            again(&CourtPage::from_form(ctx, Some(id), form, groups(app).await?, errors))
        }
    }
}

// ---- schedule: opening hours, booking rules, closures ----

/// One weekday row of the hours form, as typed.
struct DayRow {
    index: usize,
    name: String,
    open: bool,
    opens: String,
    closes: String,
}

#[derive(Template)]
#[template(path = "courts/schedule.html")]
struct SchedulePage {
    ctx: PageCtx,
    command_id: String,
    days: Vec<DayRow>,
    rules: RulesInput,
    closures: Vec<Closure>,
    courts: Vec<Court>,
    closure: ClosureInput,
    errors: FieldErrors,
}

struct RulesInput {
    slot_minutes: String,
    min_minutes: String,
    max_minutes: String,
}

#[derive(Default)]
struct ClosureInput {
    first_day: String,
    last_day: String,
    court_id: String,
    special_hours: bool,
    opens: String,
    closes: String,
    reason: String,
}

impl SchedulePage {
    fn steps(&self) -> Vec<(u16, bool)> {
        BookingRules::STEPS.iter().map(|s| (*s, self.rules.slot_minutes == s.to_string())).collect()
    }

    fn court_name(&self, id: &Option<String>) -> String {
        match id {
            None => self.ctx.t("closure-all-courts"),
            Some(id) => self.courts.iter().find(|c| &c.id == id).map(|c| c.draft.name.clone()).unwrap_or_default(),
        }
    }

    fn closure_hours(&self, c: &Closure) -> String {
        c.hours.map_or_else(|| self.ctx.t("closure-closed"), |h| format!("{}–{}", h.opens, h.closes))
    }

    fn day_error(&self, index: &usize) -> Option<&str> {
        self.errors.get(&format!("day{}", index + 1))
    }
}

fn weekday_name(ctx: &PageCtx, i: usize) -> String {
    ctx.t(&format!("weekday-{}", i + 1))
}

async fn schedule_page(app: &App, ctx: PageCtx, errors: FieldErrors) -> Result<SchedulePage, AppError> {
    let today = ctx.club_day();
    let (week, rules, closures, courts) = app
        .db
        .read(move |c| Ok((store::week(c)?, store::rules(c)?, store::closures_from(c, today)?, store::courts(c)?)))
        .await?;
    let days = (0..7)
        .map(|i| {
            let h = week.0[i];
            DayRow {
                index: i,
                name: weekday_name(&ctx, i),
                open: h.is_some(),
                opens: h.map(|h| h.opens.to_string()).unwrap_or_default(),
                closes: h.map(|h| h.closes.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let rules = RulesInput {
        slot_minutes: rules.slot_minutes.to_string(),
        min_minutes: rules.min_minutes.to_string(),
        max_minutes: rules.max_minutes.to_string(),
    };
    let closure = ClosureInput { first_day: today.to_string(), last_day: today.to_string(), ..ClosureInput::default() };
    Ok(SchedulePage { ctx, command_id: fresh_id(), days, rules, closures, courts, closure, errors })
}

#[get("/schedule")]
async fn schedule(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&schedule_page(app, ctx, FieldErrors::default()).await?)
}

#[derive(FromForm)]
struct HoursForm {
    /// Keyed by weekday index (0 = Monday): `open[3]=on`, `opens[3]=08:00`, `closes[3]=22:00`.
    /// Unchecked boxes are not sent, hence maps rather than lists.
    #[field(default = HashMap::new())]
    open: HashMap<usize, bool>,
    #[field(default = HashMap::new())]
    opens: HashMap<usize, String>,
    #[field(default = HashMap::new())]
    closes: HashMap<usize, String>,
}

#[post("/schedule/hours", data = "<form>")]
async fn set_hours(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<HoursForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let mut week = Week([None; 7]);
    for (i, _) in WEEKDAYS.iter().enumerate() {
        if !f.open.get(&i).copied().unwrap_or(false) {
            continue;
        }
        let get = |v: &HashMap<usize, String>| v.get(&i).and_then(|s| DayMinute::parse(s));
        match (get(&f.opens), get(&f.closes)) {
            (Some(o), Some(c)) => match Hours::new(o, c) {
                Some(h) => week.0[i] = Some(h),
                None => errors.add(ctx.locale, &format!("day{}", i + 1), "hours-reversed"),
            },
            _ => errors.add(ctx.locale, &format!("day{}", i + 1), "hours-invalid"),
        }
    }
    if !errors.is_empty() {
        let mut page = schedule_page(app, ctx, errors).await?;
        for (i, day) in page.days.iter_mut().enumerate() {
            day.open = f.open.get(&i).copied().unwrap_or(false);
            day.opens = f.opens.get(&i).cloned().unwrap_or_default();
            day.closes = f.closes.get(&i).cloned().unwrap_or_default();
        }
        return again(&page);
    }
    let cmd = AnyCommand::SetOpeningHours(SetOpeningHours { week, new_ids: std::array::from_fn(|_| new_id()) });
    run_schedule(app, &m, ctx, &sub, cmd, "hours-saved").await
}

async fn run_schedule(
    app: &App,
    m: &Manager,
    ctx: PageCtx,
    submission: &Submission,
    cmd: AnyCommand,
    saved: &str,
) -> Page {
    match submit(app, &ctx, m.0.actor(), submission, cmd).await? {
        Ok(()) => done("/courts/schedule", ctx.t(saved)),
        Err(errors) => again(&schedule_page(app, ctx, errors).await?),
    }
}

#[derive(FromForm)]
struct RulesForm {
    #[field(default = String::new())]
    slot_minutes: String,
    #[field(default = String::new())]
    min_minutes: String,
    #[field(default = String::new())]
    max_minutes: String,
}

#[post("/schedule/rules", data = "<form>")]
async fn set_rules(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<RulesForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let mut num = |field: &str, raw: &str| {
        raw.trim().parse::<u16>().map_err(|_| errors.add(ctx.locale, field, "rules-not-multiple")).unwrap_or(0)
    };
    let rules = BookingRules {
        slot_minutes: num("slot_minutes", &f.slot_minutes),
        min_minutes: num("min_minutes", &f.min_minutes),
        max_minutes: num("max_minutes", &f.max_minutes),
    };
    if let (true, Err(problems)) = (errors.is_empty(), rules.validate()) {
        for (field, code) in problems {
            errors.add(ctx.locale, field, code);
        }
    }
    if !errors.is_empty() {
        let mut page = schedule_page(app, ctx, errors).await?;
        page.rules =
            RulesInput { slot_minutes: f.slot_minutes, min_minutes: f.min_minutes, max_minutes: f.max_minutes };
        return again(&page);
    }
    let cmd = AnyCommand::SetBookingRules(SetBookingRules { rules, new_id: new_id() });
    run_schedule(app, &m, ctx, &sub, cmd, "rules-saved").await
}

#[derive(FromForm)]
struct ClosureForm {
    #[field(default = String::new())]
    first_day: String,
    #[field(default = String::new())]
    last_day: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = false)]
    special_hours: bool,
    #[field(default = String::new())]
    opens: String,
    #[field(default = String::new())]
    closes: String,
    #[field(default = String::new())]
    reason: String,
}

#[post("/schedule/closures", data = "<form>")]
async fn add_closure(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ClosureForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let first =
        f.first_day.trim().parse::<Date>().map_err(|_| errors.add(ctx.locale, "first_day", "date-invalid")).ok();
    let last = if f.last_day.trim().is_empty() {
        first
    } else {
        f.last_day.trim().parse::<Date>().map_err(|_| errors.add(ctx.locale, "last_day", "date-invalid")).ok()
    };
    let hours = if f.special_hours {
        match (DayMinute::parse(&f.opens), DayMinute::parse(&f.closes)) {
            (Some(o), Some(c)) => Hours::new(o, c).or_else(|| {
                errors.add(ctx.locale, "opens", "hours-reversed");
                None
            }),
            _ => {
                errors.add(ctx.locale, "opens", "hours-invalid");
                None
            }
        }
    } else {
        None
    };
    let (Some(first_day), Some(last_day)) = (first, last) else {
        return closure_again(app, ctx, f, errors).await;
    };
    if !errors.is_empty() {
        return closure_again(app, ctx, f, errors).await;
    }
    let closure = Closure {
        id: new_id(),
        first_day,
        last_day,
        court_id: Some(f.court_id.trim().to_owned()).filter(|c| !c.is_empty()),
        hours,
        reason: f.reason.clone(),
    };
    match app.submit(&sub, m.0.actor(), AnyCommand::AddClosure(AddClosure { closure })).await?.outcome {
        Outcome::Applied { .. } => done("/courts/schedule", ctx.t("closure-added")),
        Outcome::Rejected(r) => {
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &r);
            closure_again(app, ctx, f, errors).await
        }
    }
}

async fn closure_again(app: &App, ctx: PageCtx, f: ClosureForm, errors: FieldErrors) -> Page {
    let mut page = schedule_page(app, ctx, errors).await?;
    page.closure = ClosureInput {
        first_day: f.first_day,
        last_day: f.last_day,
        court_id: f.court_id,
        special_hours: f.special_hours,
        opens: f.opens,
        closes: f.closes,
        reason: f.reason,
    };
    again(&page)
}

#[post("/schedule/closures/<id>/remove", data = "<form>")]
async fn remove_closure(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::RemoveClosure(RemoveClosure { closure_id: id });
    run_schedule(app, &m, ctx, &form.1, cmd, "closure-removed").await
}

pub fn routes() -> Vec<Route> {
    routes![list, new_page, create, edit_page, update, schedule, set_hours, set_rules, add_closure, remove_closure]
}

// ---- what booking forms offer (bookings, series, groups) ----

/// Start times a form offers: every slot step of the day, `chosen` marked.
pub fn start_options(rules: &BookingRules, chosen: &str) -> Vec<(String, bool)> {
    let step = rules.slot_minutes;
    (0..1440 / step)
        .filter_map(|i| DayMinute::new(i * step))
        .map(|m| (m.to_string(), m.to_string() == chosen))
        .collect()
}

/// Lengths a form offers: from the club's shortest to longest booking, `chosen` marked.
pub fn length_options(ctx: &PageCtx, rules: &BookingRules, chosen: &str) -> Vec<(u16, String, bool)> {
    (rules.min_minutes..=rules.max_minutes)
        .step_by(usize::from(rules.slot_minutes))
        .map(|m| (m, ctx.duration(m), chosen == m.to_string()))
        .collect()
}

/// Courts a form offers: the active ones, plus the chosen one if it is no longer in use.
pub fn court_choices<'a>(courts: &'a [Court], chosen: &str) -> Vec<(&'a str, &'a str, bool)> {
    courts
        .iter()
        .filter(|c| c.draft.active || c.id == chosen)
        .map(|c| (c.id.as_str(), c.draft.name.as_str(), c.id == chosen))
        .collect()
}
