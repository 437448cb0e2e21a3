//! The booking limits of a member category (managers): one form per category, and one for
//! members without a category.

use askama::Template;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};

use super::commands::SetCategoryLimits;
use super::model::{Limits, UNCATEGORISED, hours_text};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::Court;
use crate::error::AppError;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit};
use crate::web::guards::Manager;
use crate::web::page::{Html, PageCtx, ok};

/// The form as typed: every field text, so a mistake is shown with what was typed.
#[derive(FromForm, Default)]
struct LimitsForm {
    #[field(default = String::new())]
    days_ahead: String,
    #[field(default = String::new())]
    max_active: String,
    #[field(default = String::new())]
    week_hours: String,
    #[field(default = Vec::new())]
    lengths: Vec<u16>,
    #[field(default = Vec::new())]
    court_ids: Vec<String>,
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    to: String,
    #[field(default = String::new())]
    book_before_minutes: String,
    #[field(default = String::new())]
    cancel_hours: String,
}

impl LimitsForm {
    fn of(l: &Limits) -> LimitsForm {
        let text = |v: Option<u16>| v.map(|v| v.to_string()).unwrap_or_default();
        LimitsForm {
            days_ahead: text(l.days_ahead),
            max_active: text(l.max_active),
            week_hours: l.week_minutes.map(hours_text).unwrap_or_default(),
            lengths: l.lengths.clone(),
            court_ids: l.court_ids.clone(),
            from: l.from.map(|m| m.to_string()).unwrap_or_default(),
            to: l.to.map(|m| m.to_string()).unwrap_or_default(),
            book_before_minutes: if l.book_before_minutes == 0 {
                String::new()
            } else {
                l.book_before_minutes.to_string()
            },
            cancel_hours: text(l.cancel_hours),
        }
    }

    /// The limits, or the fields that are not numbers or times.
    fn parse(&self) -> Result<Limits, Vec<(&'static str, &'static str)>> {
        let mut wrong = Vec::new();
        let mut number = |field: &'static str, raw: &str| -> Option<u16> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            raw.parse().map_err(|_| wrong.push((field, "limits-not-a-number"))).ok()
        };
        let days_ahead = number("days_ahead", &self.days_ahead);
        let max_active = number("max_active", &self.max_active);
        let book_before_minutes = number("book_before_minutes", &self.book_before_minutes).unwrap_or(0);
        let cancel_hours = number("cancel_hours", &self.cancel_hours);
        let week = self.week_hours.trim().replace(',', ".");
        let week_minutes = match week.parse::<f64>() {
            _ if week.is_empty() => None,
            Ok(h) if (0.0..=168.0).contains(&h) => Some((h * 60.0).round() as u16),
            _ => {
                wrong.push(("week_hours", "limits-not-a-number"));
                None
            }
        };
        let mut time = |field: &'static str, raw: &str| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            DayMinute::parse(raw).or_else(|| {
                wrong.push((field, "hours-invalid"));
                None
            })
        };
        let (from, to) = (time("from", &self.from), time("to", &self.to));
        if !wrong.is_empty() {
            return Err(wrong);
        }
        Ok(Limits {
            days_ahead,
            max_active,
            week_minutes,
            lengths: self.lengths.clone(),
            court_ids: self.court_ids.iter().filter(|c| !c.is_empty()).cloned().collect(),
            from,
            to,
            book_before_minutes,
            cancel_hours,
        })
    }
}

#[derive(Template)]
#[template(path = "members/limits.html")]
struct LimitsPage {
    ctx: PageCtx,
    key: String,
    /// The category's name; `None` for members without a category.
    category: Option<String>,
    courts: Vec<Court>,
    rules: BookingRules,
    /// The club's free-cancellation window, shown when the category keeps it.
    club_cancel_hours: i64,
    form: LimitsForm,
    command_id: String,
    errors: FieldErrors,
}

impl LimitsPage {
    fn title(&self) -> String {
        match &self.category {
            Some(name) => self.ctx.ta("limits-title", "category", name),
            None => self.ctx.t("limits-title-none"),
        }
    }

    fn length_options(&self) -> Vec<(u16, bool)> {
        let r = &self.rules;
        (r.min_minutes..=r.max_minutes)
            .step_by(usize::from(r.slot_minutes.max(1)))
            .map(|m| (m, self.form.lengths.contains(&m)))
            .collect()
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        self.courts
            .iter()
            .filter(|c| c.draft.active || self.form.court_ids.contains(&c.id))
            .map(|c| (c.id.as_str(), c.draft.name.as_str(), self.form.court_ids.contains(&c.id)))
            .collect()
    }
}

struct Loaded {
    category: Option<String>,
    limits: Limits,
    courts: Vec<Court>,
    rules: BookingRules,
    club_cancel_hours: i64,
}

/// The page's data; `None` when `key` is no category.
async fn load(app: &App, key: &str) -> Result<Option<Loaded>, AppError> {
    let key = key.to_owned();
    Ok(app
        .db
        .read(move |c| {
            let category = if key == UNCATEGORISED {
                None
            } else {
                match crate::members::store::categories(c)?.into_iter().find(|cat| cat.id == key) {
                    Some(cat) => Some(cat.name),
                    None => return Ok(None),
                }
            };
            Ok(Some(Loaded {
                category,
                limits: super::store::limits(c, &key)?,
                courts: crate::courts::store::courts(c)?,
                rules: crate::courts::store::rules(c)?,
                club_cancel_hours: crate::prices::store::policy(c)?.cancel_window_hours,
            }))
        })
        .await?)
}

fn page(ctx: PageCtx, key: String, loaded: Loaded, form: LimitsForm, errors: FieldErrors) -> LimitsPage {
    LimitsPage {
        ctx,
        key,
        category: loaded.category,
        courts: loaded.courts,
        rules: loaded.rules,
        club_cancel_hours: loaded.club_cancel_hours,
        form,
        command_id: fresh_id(),
        errors,
    }
}

#[get("/categories/<key>/limits")]
async fn limits_page(_m: Manager, ctx: PageCtx, app: &State<App>, key: String) -> Result<Option<Html>, AppError> {
    let Some(loaded) = load(app, &key).await? else { return Ok(None) };
    let form = LimitsForm::of(&loaded.limits);
    Ok(Some(ok(&page(ctx, key, loaded, form, FieldErrors::default()))?))
}

#[post("/categories/<key>/limits", data = "<form>")]
async fn save_limits(m: Manager, ctx: PageCtx, app: &State<App>, key: String, form: Csrf<LimitsForm>) -> Page {
    let Csrf(f, sub) = form;
    let Some(loaded) = load(app, &key).await? else { return Err(AppError::NotFound) };
    let outcome = match f.parse() {
        Ok(limits) => {
            let cmd = AnyCommand::SetCategoryLimits(SetCategoryLimits { key: key.clone(), limits });
            submit(app, &ctx, m.0.actor(), &sub, cmd).await?
        }
        Err(wrong) => {
            let mut errors = FieldErrors::default();
            errors.add_all(ctx.locale, wrong);
            Err(errors)
        }
    };
    match outcome {
        Ok(()) => go("/members/categories", "success", ctx.t("limits-saved")),
        Err(errors) => again(&page(ctx, key, loaded, f, errors)),
    }
}

pub fn routes() -> Vec<Route> {
    routes![limits_page, save_limits]
}
