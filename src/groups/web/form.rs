//! A group's form (managers): its terms, and for a new group its weekly schedule.

use askama::Template;
use jiff::civil::{Date, Weekday};
use rocket::form::FromForm;
use rocket::{State, get, post};

use super::super::commands::{CreateGroup, Schedule, UpdateGroup, schedule_spec};
use super::super::model::{GroupDraft, PriceModel};
use super::super::store::Group;
use super::group_or_404;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::Court;
use crate::courts::web::{court_choices, length_options, start_options};
use crate::error::AppError;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

/// The form as typed: numbers and amounts as text, so a mistake is shown with what was typed.
#[derive(FromForm, Default, Clone)]
pub(super) struct GroupForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    coach_id: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    capacity: String,
    #[field(default = String::new())]
    minimum: String,
    #[field(default = String::new())]
    price_model: String,
    #[field(default = String::new())]
    price: String,
    #[field(default = String::new())]
    product_id: String,
    #[field(default = false)]
    charge_absent: bool,
    #[field(default = false)]
    active: bool,
    // The schedule (a new group only).
    #[field(default = Vec::new())]
    weekday: Vec<i8>,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
    #[field(default = String::new())]
    first_day: String,
    #[field(default = String::new())]
    last_day: String,
    #[field(default = false)]
    skip_taken: bool,
}

impl GroupForm {
    fn of(g: &Group, ctx: &PageCtx) -> GroupForm {
        let d = &g.draft;
        GroupForm {
            name: d.name.clone(),
            coach_id: d.coach_id.clone(),
            court_id: d.court_id.clone(),
            capacity: d.capacity.to_string(),
            minimum: d.minimum.to_string(),
            price_model: d.price_model.as_str().into(),
            price: crate::money::amount::plain(d.price, &ctx.club.currency),
            product_id: d.product_id.clone().unwrap_or_default(),
            charge_absent: d.charge_absent,
            active: d.active,
            ..<GroupForm as Default>::default()
        }
    }

    /// The terms, or `None` with the fields that are not numbers or amounts marked.
    fn draft(&self, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<GroupDraft> {
        let mut number = |field: &str, text: &str| {
            let n = text.trim().parse::<i64>().ok();
            if n.is_none() {
                errors.add(ctx.locale, field, &format!("group-{field}-invalid"));
            }
            n
        };
        let (capacity, minimum) = (number("capacity", &self.capacity), number("minimum", &self.minimum));
        let price = crate::money::amount::parse_or_zero(&self.price, &ctx.club.currency)
            .map_err(|code| errors.add(ctx.locale, "price", code))
            .ok();
        let draft = GroupDraft {
            name: self.name.clone(),
            coach_id: self.coach_id.clone(),
            court_id: self.court_id.clone(),
            capacity: capacity?,
            minimum: minimum?,
            price_model: PriceModel::parse(&self.price_model).unwrap_or(PriceModel::Visit),
            price: price?,
            product_id: Some(self.product_id.clone()).filter(|p| !p.is_empty()),
            charge_absent: self.charge_absent,
            active: self.active,
        }
        .tidy();
        // The terms' own mistakes first: not after the manager has sorted out the dates.
        match draft.validate() {
            Ok(()) => Some(draft),
            Err((field, code)) => {
                errors.add(ctx.locale, field, code);
                None
            }
        }
    }

    fn schedule(&self, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<Schedule> {
        let weekdays: Vec<Weekday> =
            self.weekday.iter().filter_map(|n| Weekday::from_monday_one_offset(*n).ok()).collect();
        if weekdays.is_empty() {
            errors.add(ctx.locale, "weekdays", "series-no-weekdays");
        }
        let start = DayMinute::parse(&self.start);
        if start.is_none() {
            errors.add(ctx.locale, "start", "time-invalid");
        }
        let minutes = self.minutes.parse::<u16>().ok().filter(|m| *m > 0);
        let mut day = |field: &str, text: &str| {
            let d = text.parse::<Date>().ok();
            if d.is_none() {
                errors.add(ctx.locale, field, "date-invalid");
            }
            d
        };
        let (first_day, last_day) = (day("first_day", &self.first_day), day("last_day", &self.last_day));
        Some(Schedule { weekdays, start: start?, minutes: minutes?, first_day: first_day?, last_day: last_day? })
    }
}

#[derive(Template)]
#[template(path = "groups/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    /// The group being changed; `None` for a new one.
    editing: Option<String>,
    form: GroupForm,
    coaches: Vec<(String, String)>,
    courts: Vec<Court>,
    products: Vec<(String, String)>,
    rules: BookingRules,
    command_id: String,
    errors: FieldErrors,
}

impl FormPage {
    fn weekdays(&self) -> Vec<(i8, String, bool)> {
        (1..=7).map(|n| (n, self.ctx.t(&format!("weekday-{n}")), self.form.weekday.contains(&n))).collect()
    }

    fn starts(&self) -> Vec<(String, bool)> {
        start_options(&self.rules, &self.form.start)
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        length_options(&self.ctx, &self.rules, &self.form.minutes)
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        court_choices(&self.courts, &self.form.court_id)
    }

    fn models(&self) -> Vec<(&'static str, String, bool)> {
        PriceModel::ALL
            .iter()
            .map(|m| {
                (m.as_str(), self.ctx.t(&format!("group-model-{}", m.as_str())), m.as_str() == self.form.price_model)
            })
            .collect()
    }

    /// A page-level message: the form's own, or a schedule date that cannot be had.
    fn top_error(&self) -> Option<&str> {
        self.errors.get("form").or_else(|| self.errors.get("series"))
    }
}

async fn page(
    app: &App,
    ctx: PageCtx,
    editing: Option<String>,
    form: GroupForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let (coaches, courts, products, rules) = app
        .db
        .read(|c| {
            let coaches = crate::coaching::store::coaches(c)?
                .into_iter()
                .filter(|k| k.draft.active)
                .map(|k| (k.id, k.draft.name))
                .collect();
            let products = crate::passes::store::products(c)?
                .into_iter()
                .filter(|p| p.product.active && p.product.kind != crate::passes::model::PassKind::Value)
                .map(|p| (p.id, p.product.name))
                .collect();
            Ok((coaches, crate::courts::store::courts(c)?, products, crate::courts::store::rules(c)?))
        })
        .await?;
    Ok(FormPage { ctx, editing, form, coaches, courts, products, rules, command_id: fresh_id(), errors })
}

#[get("/groups/new")]
pub(super) async fn new_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let today = ctx.club_day();
    let form = GroupForm {
        capacity: "8".into(),
        minimum: "0".into(),
        charge_absent: true,
        active: true,
        start: "17:00".into(),
        minutes: "60".into(),
        first_day: today.to_string(),
        last_day: today.checked_add(jiff::Span::new().days(180)).unwrap_or(today).to_string(),
        ..<GroupForm as Default>::default()
    };
    ok(&page(app, ctx, None, form, FieldErrors::default()).await?)
}

#[post("/groups", data = "<form>")]
pub(super) async fn create(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<GroupForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let (draft, schedule) = (f.draft(&ctx, &mut errors), f.schedule(&ctx, &mut errors));
    let (Some(draft), Some(schedule)) = (draft, schedule) else {
        return again(&page(app, ctx, None, f, errors).await?);
    };
    let group_id = uuid::Uuid::now_v7().to_string();
    // The dates the schedule cannot have, as the series form's preview would show them.
    let spec = schedule_spec(&group_id, &draft, &schedule);
    let (actor, now) = (m.0.actor(), app.now());
    let plan = app
        .db
        .read(move |c| {
            crate::core::dry_run(c, &actor, now, |ctx| crate::bookings::commands::plan_series(ctx, &spec, None))
        })
        .await?;
    let days = match plan {
        Ok(days) => days,
        Err(r) => {
            errors.rejection(ctx.locale, &r);
            return again(&page(app, ctx, None, f, errors).await?);
        }
    };
    // Hours the coach does not work are the schedule's mistake, not dates to skip: said as such.
    if let Some(r) = days.iter().filter_map(|d| d.problem.as_ref()).find(|r| r.code.starts_with("coach-off-")) {
        errors.rejection(ctx.locale, r);
        return again(&page(app, ctx, None, f, errors).await?);
    }
    let taken: Vec<Date> = days.into_iter().filter(|d| d.problem.is_some()).map(|d| d.day).collect();
    if !taken.is_empty() && !f.skip_taken {
        let dates: Vec<String> = taken.iter().map(|d| crate::i18n::date(ctx.locale, *d)).collect();
        errors.add_text("series", ctx.ta("group-taken-dates", "dates", dates.join(", ")));
        return again(&page(app, ctx, None, f, errors).await?);
    }
    let cmd = CreateGroup {
        group_id: group_id.clone(),
        series_id: uuid::Uuid::now_v7().to_string(),
        group: draft,
        schedule,
        skip: taken,
    };
    match submit(app, &ctx, m.0.actor(), &sub, AnyCommand::CreateGroup(cmd)).await? {
        Ok(()) => go(format!("/groups/{group_id}"), "success", ctx.t("group-created")),
        Err(errors) => again(&page(app, ctx, None, f, errors).await?),
    }
}

#[get("/groups/<id>/edit")]
pub(super) async fn edit_page(_m: Manager, ctx: PageCtx, app: &State<App>, id: &str) -> Result<Html, AppError> {
    let g = group_or_404(app, id).await?;
    let form = GroupForm::of(&g, &ctx);
    ok(&page(app, ctx, Some(g.id), form, FieldErrors::default()).await?)
}

#[post("/groups/<id>/edit", data = "<form>")]
pub(super) async fn update(m: Manager, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<GroupForm>) -> Page {
    let Csrf(f, sub) = form;
    let g = group_or_404(app, id).await?;
    let mut errors = FieldErrors::default();
    let Some(draft) = f.draft(&ctx, &mut errors) else {
        return again(&page(app, ctx, Some(g.id), f, errors).await?);
    };
    let cmd = AnyCommand::UpdateGroup(UpdateGroup { group_id: g.id.clone(), group: draft });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go(format!("/groups/{}", g.id), "success", ctx.t("group-saved")),
        Err(errors) => again(&page(app, ctx, Some(g.id), f, errors).await?),
    }
}
