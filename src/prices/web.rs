//! The price list and the money policy (managers): rules of court × weekday × time band ×
//! season × category, the floodlight surcharge, the guest fee, late-cancel and no-show fees.

use askama::Template;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::{SavePriceRule, SetMoneyPolicy};
use super::model::{PriceRule, StoredRule};
use super::store::{self, PassUseOn, Policy};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::courts::model::DayMinute;
use crate::courts::store::{self as courts, Court};
use crate::error::AppError;
use crate::members::store::{self as members, Category};
use crate::money::amount;
use crate::web::forms::{Csrf, FieldErrors, Page, again, done, fresh_id, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

struct Choices {
    courts: Vec<Court>,
    categories: Vec<Category>,
}

async fn choices(app: &App) -> anyhow::Result<Choices> {
    app.db.read(|c| Ok(Choices { courts: courts::courts(c)?, categories: members::categories(c)? })).await
}

// ---- the list and the policy ----

#[derive(FromForm, Default, Clone)]
struct PolicyForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    lights_from: String,
    #[field(default = String::new())]
    lights_per_hour: String,
    #[field(default = String::new())]
    guest_fee: String,
    #[field(default = String::new())]
    cancel_window_hours: String,
    #[field(default = String::new())]
    late_cancel_pct: String,
    #[field(default = String::new())]
    no_show_pct: String,
    #[field(default = String::new())]
    pass_use_on: String,
}

impl PolicyForm {
    fn of(p: &Policy, currency: &str) -> PolicyForm {
        PolicyForm {
            command_id: fresh_id(),
            lights_from: p.lights_from.map(|m| m.to_string()).unwrap_or_default(),
            lights_per_hour: amount::plain(p.lights_per_hour, currency),
            guest_fee: amount::plain(p.guest_fee, currency),
            cancel_window_hours: p.cancel_window_hours.to_string(),
            late_cancel_pct: p.late_cancel_pct.to_string(),
            no_show_pct: p.no_show_pct.to_string(),
            pass_use_on: p.pass_use_on.as_str().into(),
        }
    }
}

#[derive(Template)]
#[template(path = "prices/prices.html")]
struct PricesPage {
    ctx: PageCtx,
    rules: Vec<StoredRule>,
    choices: Choices,
    policy: PolicyForm,
    errors: FieldErrors,
}

impl PricesPage {
    fn courts_of(&self, r: &PriceRule) -> String {
        if r.court_ids.is_empty() {
            return self.ctx.t("price-all-courts");
        }
        let names: Vec<&str> = r
            .court_ids
            .iter()
            .filter_map(|id| self.choices.courts.iter().find(|c| &c.id == id).map(|c| c.draft.name.as_str()))
            .collect();
        names.join(", ")
    }

    fn days_of(&self, r: &PriceRule) -> String {
        if r.weekdays.is_empty() {
            return self.ctx.t("price-every-day");
        }
        let names: Vec<String> =
            r.weekdays.iter().map(|d| self.ctx.t(&format!("weekday-short-{}", d.to_monday_one_offset()))).collect();
        names.join(" ")
    }

    fn season_of(&self, r: &PriceRule) -> String {
        match (r.first_day, r.last_day) {
            (None, None) => self.ctx.t("price-all-year"),
            (f, l) => format!(
                "{} – {}",
                f.map(|d| crate::i18n::date(self.ctx.locale, d)).unwrap_or_default(),
                l.map(|d| crate::i18n::date(self.ctx.locale, d)).unwrap_or_default()
            ),
        }
    }

    fn category_of(&self, r: &PriceRule) -> String {
        match &r.category_id {
            None => self.ctx.t("price-everyone"),
            Some(id) => {
                self.choices.categories.iter().find(|c| &c.id == id).map(|c| c.name.clone()).unwrap_or_default()
            }
        }
    }
}

async fn prices_page(
    app: &App,
    ctx: PageCtx,
    policy: Option<(PolicyForm, FieldErrors)>,
) -> Result<PricesPage, AppError> {
    let (rules, current) = app.db.read(|c| Ok((store::price_rules(c)?, store::policy(c)?))).await?;
    let (policy, errors) =
        policy.unwrap_or_else(|| (PolicyForm::of(&current, &ctx.club.currency), FieldErrors::default()));
    Ok(PricesPage { ctx, rules, choices: choices(app).await?, policy, errors })
}

#[get("/")]
async fn list(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&prices_page(app, ctx, None).await?)
}

fn parse_policy(f: &PolicyForm, ctx: &PageCtx) -> Result<Policy, FieldErrors> {
    let mut errors = FieldErrors::default();
    let currency = &ctx.club.currency;
    let mut money = |field: &str, text: &str| -> i64 {
        amount::parse_or_zero(text, currency).unwrap_or_else(|code| {
            errors.add(ctx.locale, field, code);
            0
        })
    };
    let lights_per_hour = money("lights_per_hour", &f.lights_per_hour);
    let guest_fee = money("guest_fee", &f.guest_fee);
    let lights_from = match f.lights_from.trim() {
        "" => None,
        t => DayMinute::parse(t).or_else(|| {
            errors.add(ctx.locale, "lights_from", "time-invalid");
            None
        }),
    };
    let mut number = |field: &str, text: &str, code: &str| -> i64 {
        text.trim().parse().unwrap_or_else(|_| {
            errors.add(ctx.locale, field, code);
            0
        })
    };
    let policy = Policy {
        lights_from,
        lights_per_hour,
        guest_fee,
        cancel_window_hours: number("cancel_window_hours", &f.cancel_window_hours, "policy-window-range"),
        late_cancel_pct: number("late_cancel_pct", &f.late_cancel_pct, "policy-pct-range"),
        no_show_pct: number("no_show_pct", &f.no_show_pct, "policy-pct-range"),
        // An old form without the field keeps the default.
        pass_use_on: PassUseOn::parse(&f.pass_use_on).unwrap_or_default(),
    };
    if let Err((field, code)) = policy.validate()
        && errors.get(field).is_none()
    {
        errors.add(ctx.locale, field, code);
    }
    if errors.is_empty() { Ok(policy) } else { Err(errors) }
}

#[post("/policy", data = "<form>")]
async fn set_policy(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<PolicyForm>) -> Page {
    let Csrf(form, sub) = form;
    let policy = match parse_policy(&form, &ctx) {
        Ok(p) => p,
        Err(errors) => return again(&prices_page(app, ctx, Some((form, errors))).await?),
    };
    let cmd = AnyCommand::SetMoneyPolicy(SetMoneyPolicy { policy, new_id: Uuid::now_v7().to_string() });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => done("/prices", ctx.t("policy-saved")),
        Err(errors) => again(&prices_page(app, ctx, Some((form, errors))).await?),
    }
}

// ---- one rule ----

#[derive(FromForm, Default, Clone)]
struct RuleForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    name: String,
    court: Vec<String>,
    weekday: Vec<i8>,
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    to: String,
    #[field(default = String::new())]
    first_day: String,
    #[field(default = String::new())]
    last_day: String,
    #[field(default = String::new())]
    category_id: String,
    #[field(default = String::new())]
    per_hour: String,
    #[field(default = String::new())]
    priority: String,
    #[field(default = false)]
    active: bool,
}

impl RuleForm {
    fn of(r: &PriceRule, currency: &str) -> RuleForm {
        RuleForm {
            command_id: fresh_id(),
            name: r.name.clone(),
            court: r.court_ids.clone(),
            weekday: r.weekdays.iter().map(|d| d.to_monday_one_offset()).collect(),
            from: r.from.to_string(),
            to: r.to.to_string(),
            first_day: r.first_day.map(|d| d.to_string()).unwrap_or_default(),
            last_day: r.last_day.map(|d| d.to_string()).unwrap_or_default(),
            category_id: r.category_id.clone().unwrap_or_default(),
            per_hour: amount::plain(r.per_hour, currency),
            priority: r.priority.to_string(),
            active: r.active,
        }
    }
}

#[derive(Template)]
#[template(path = "prices/price_form.html")]
struct RulePage {
    ctx: PageCtx,
    /// None while creating.
    rule_id: Option<String>,
    form: RuleForm,
    choices: Choices,
    errors: FieldErrors,
}

impl RulePage {
    fn weekdays(&self) -> Vec<(i8, String, bool)> {
        crate::web::conditions::weekday_checks(&self.ctx, &self.form.weekday)
    }

    fn court_checks(&self) -> Vec<(&str, &str, bool)> {
        crate::web::conditions::court_checks(&self.choices.courts, &self.form.court)
    }

    fn category_options(&self) -> Vec<(&str, &str, bool)> {
        self.choices
            .categories
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str(), self.form.category_id == c.id))
            .collect()
    }

    fn action(&self) -> String {
        self.rule_id.as_ref().map_or_else(|| "/prices".to_owned(), |id| format!("/prices/{id}"))
    }
}

fn parse_rule(f: &RuleForm, ctx: &PageCtx) -> Result<PriceRule, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut time = |field: &str, text: &str| {
        DayMinute::parse(text.trim()).unwrap_or_else(|| {
            errors.add(ctx.locale, field, "time-invalid");
            DayMinute::MIDNIGHT_END
        })
    };
    let (from, to) = (time("from", &f.from), time("to", &f.to));
    let mut day = |field: &str, text: &str| match text.trim() {
        "" => None,
        t => t.parse().ok().or_else(|| {
            errors.add(ctx.locale, field, "date-invalid");
            None
        }),
    };
    let (first_day, last_day) = (day("first_day", &f.first_day), day("last_day", &f.last_day));
    let per_hour = amount::parse(&f.per_hour, &ctx.club.currency).unwrap_or_else(|code| {
        errors.add(ctx.locale, "per_hour", code);
        0
    });
    let priority = match f.priority.trim() {
        "" => 0,
        t => t.parse::<i64>().ok().filter(|p| (-1000..=1000).contains(p)).unwrap_or_else(|| {
            errors.add(ctx.locale, "priority", "price-priority-range");
            0
        }),
    };
    let rule = PriceRule {
        name: f.name.trim().to_owned(),
        court_ids: f.court.clone(),
        weekdays: f.weekday.iter().filter_map(|n| jiff::civil::Weekday::from_monday_one_offset(*n).ok()).collect(),
        from,
        to,
        first_day,
        last_day,
        category_id: Some(f.category_id.clone()).filter(|c| !c.is_empty()),
        per_hour,
        priority,
        active: f.active,
    };
    if errors.is_empty()
        && let Err((field, code)) = rule.validate()
    {
        errors.add(ctx.locale, field, code);
    }
    if errors.is_empty() { Ok(rule) } else { Err(errors) }
}

#[get("/new")]
async fn new_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let blank = PriceRule {
        name: String::new(),
        court_ids: Vec::new(),
        weekdays: Vec::new(),
        from: DayMinute::new(0).unwrap_or(DayMinute::MIDNIGHT_END),
        to: DayMinute::MIDNIGHT_END,
        first_day: None,
        last_day: None,
        category_id: None,
        per_hour: 0,
        priority: 0,
        active: true,
    };
    let mut form = RuleForm::of(&blank, &ctx.club.currency);
    form.per_hour.clear();
    ok(&RulePage { ctx, rule_id: None, form, choices: choices(app).await?, errors: FieldErrors::default() })
}

#[get("/<id>")]
async fn edit_page(_m: Manager, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let found = app.db.read(move |c| Ok(store::price_rule(c, &id)?)).await?.ok_or(AppError::NotFound)?;
    let form = RuleForm::of(&found.rule, &ctx.club.currency);
    ok(&RulePage { ctx, rule_id: Some(found.id), form, choices: choices(app).await?, errors: FieldErrors::default() })
}

async fn save(app: &App, m: &Manager, ctx: PageCtx, rule_id: Option<String>, Csrf(form, sub): Csrf<RuleForm>) -> Page {
    let rule = match parse_rule(&form, &ctx) {
        Ok(r) => r,
        Err(errors) => return again(&RulePage { ctx, rule_id, form, choices: choices(app).await?, errors }),
    };
    let name = rule.name.clone();
    let id = rule_id.clone().unwrap_or_else(|| Uuid::now_v7().to_string());
    let cmd = AnyCommand::SavePriceRule(SavePriceRule { rule_id: id, rule });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => done("/prices", ctx.ta("price-saved", "name", name)),
        Err(errors) => again(&RulePage { ctx, rule_id, form, choices: choices(app).await?, errors }),
    }
}

#[post("/", data = "<form>")]
async fn create(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<RuleForm>) -> Page {
    save(app, &m, ctx, None, form).await
}

#[post("/<id>", data = "<form>")]
async fn update(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<RuleForm>) -> Page {
    let lookup = id.clone();
    app.db.read(move |c| Ok(store::price_rule(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    save(app, &m, ctx, Some(id), form).await
}

pub fn routes() -> Vec<Route> {
    routes![list, set_policy, new_page, edit_page, create, update]
}
