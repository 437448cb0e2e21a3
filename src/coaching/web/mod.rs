//! Coaches' pages: managers keep the coaches' profiles (`/coaches`) and read their pay (`pay`);
//! a coach sees their own lessons for the week and marks who came (`/coach`), on a phone too.

mod pay;

use askama::Template;
use jiff::ToSpan;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};

use super::commands::SaveCoach;
use super::model::{CoachDraft, PALETTE, PayModel};
use super::store::Coach;
use crate::app::App;
use crate::auth::store::StaffUser;
use crate::bookings::commands::SetAttendance;
use crate::bookings::model::day_bounds;
use crate::bookings::store::Booking;
use crate::commands::AnyCommand;
use crate::courts::store::Court;
use crate::error::AppError;
use crate::web::conditions;
use crate::web::forms::{Csrf, FieldErrors, Page, again, fresh_id, go, submit};
use crate::web::guards::{Manager, Staff};
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "coaching/list.html")]
struct ListPage {
    ctx: PageCtx,
    coaches: Vec<Coach>,
    courts: Vec<Court>,
}

impl ListPage {
    fn money(&self, minor: &i64) -> String {
        self.ctx.money(*minor)
    }

    /// "₽800.00 an hour", "40% of revenue"; "₽800.00 an hour; groups ₽600.00 an hour".
    fn pay(&self, d: &CoachDraft) -> String {
        let text = |rate: i64| {
            let rate = match d.pay_model {
                PayModel::Share => rate.to_string(),
                _ => self.ctx.money(rate),
            };
            self.ctx.ta(&format!("coach-pay-{}", d.pay_model.as_str()), "rate", rate)
        };
        match d.group_rate {
            Some(group) => {
                self.ctx.tas("coach-pay-and-groups", &[("lessons", text(d.pay_per_hour)), ("groups", text(group))])
            }
            None => text(d.pay_per_hour),
        }
    }

    /// "Mon, Tue · 07:00–16:00 · Court 1", or "any court, any time".
    fn works(&self, d: &CoachDraft) -> String {
        conditions::text(&self.ctx, &d.works, &self.courts, "pass-any-time")
    }
}

#[get("/coaches")]
async fn list(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let (coaches, courts) = app.db.read(|c| Ok((super::store::coaches(c)?, crate::courts::store::courts(c)?))).await?;
    ok(&ListPage { ctx, coaches, courts })
}

/// The profile form as typed: amounts as text, so a mistake is shown with what was typed.
#[derive(FromForm, Default, Clone)]
struct CoachForm {
    #[field(default = String::new())]
    coach_id: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    colour: String,
    #[field(default = String::new())]
    lesson_fee: String,
    #[field(default = String::new())]
    pay_per_hour: String,
    #[field(default = String::new())]
    pay_model: String,
    /// Empty: group sessions are paid at the lessons' rate.
    #[field(default = String::new())]
    group_rate: String,
    court: Vec<String>,
    weekday: Vec<i8>,
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    to: String,
    #[field(default = false)]
    active: bool,
}

impl CoachForm {
    /// A new profile: any court, any time.
    fn new_one(colour: String) -> CoachForm {
        CoachForm { colour, from: "00:00".into(), to: "24:00".into(), active: true, ..Default::default() }
    }

    fn of(c: &Coach, ctx: &PageCtx) -> CoachForm {
        let rate = |m: i64| match c.draft.pay_model {
            PayModel::Share => m.to_string(),
            _ => crate::money::amount::plain(m, &ctx.club.currency),
        };
        CoachForm {
            coach_id: c.id.clone(),
            name: c.draft.name.clone(),
            colour: c.draft.colour.clone(),
            lesson_fee: crate::money::amount::plain(c.draft.lesson_fee, &ctx.club.currency),
            pay_per_hour: rate(c.draft.pay_per_hour),
            pay_model: c.draft.pay_model.as_str().to_owned(),
            group_rate: c.draft.group_rate.map(rate).unwrap_or_default(),
            court: c.draft.works.court_ids.clone(),
            weekday: conditions::weekday_numbers(&c.draft.works),
            from: c.draft.works.from.to_string(),
            to: c.draft.works.to.to_string(),
            active: c.draft.active,
        }
    }

    /// The draft, or the fields whose amounts are not amounts.
    fn parse(&self, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<CoachDraft> {
        let mut amount = |field: &str, text: &str| {
            crate::money::amount::parse_or_zero(text, &ctx.club.currency)
                .map_err(|code| errors.add(ctx.locale, field, code))
                .ok()
        };
        let pay_model = PayModel::parse(&self.pay_model).unwrap_or_default();
        let fee = amount("lesson_fee", &self.lesson_fee);
        // A share is a whole percentage; every other rate is an amount.
        let mut rate = |field: &str, text: &str| {
            let rate = match pay_model {
                PayModel::Share => {
                    text.trim().trim_end_matches('%').trim().parse::<i64>().map_err(|_| "coach-share-range")
                }
                _ => crate::money::amount::parse_or_zero(text, &ctx.club.currency),
            };
            rate.map_err(|code| errors.add(ctx.locale, field, code)).ok()
        };
        let pay = rate("pay_per_hour", &self.pay_per_hour);
        let group_rate = match self.group_rate.trim() {
            "" => Some(None),
            text => rate("group_rate", text).map(Some),
        };
        let typed = conditions::Typed { court: &self.court, weekday: &self.weekday, from: &self.from, to: &self.to };
        let works = conditions::parse(ctx, typed, errors);
        let draft = CoachDraft {
            name: self.name.clone(),
            colour: self.colour.clone(),
            lesson_fee: fee?,
            pay_per_hour: pay?,
            pay_model,
            group_rate: group_rate?,
            works,
            active: self.active,
        };
        errors.is_empty().then_some(draft)
    }
}

#[derive(Template)]
#[template(path = "coaching/form.html")]
struct FormPage {
    ctx: PageCtx,
    /// `None` for a new profile: then `accounts` are the staff accounts to choose from.
    editing: Option<String>,
    accounts: Vec<StaffUser>,
    /// The club's courts, to tick the ones the coach works on.
    courts: Vec<Court>,
    form: CoachForm,
    command_id: String,
    errors: FieldErrors,
}

impl FormPage {
    fn pay_models(&self) -> [PayModel; 4] {
        PayModel::ALL
    }

    fn weekdays(&self) -> Vec<(i8, String, bool)> {
        conditions::weekday_checks(&self.ctx, &self.form.weekday)
    }

    fn court_checks(&self) -> Vec<(&str, &str, bool)> {
        conditions::court_checks(&self.courts, &self.form.court)
    }
}

/// The profile form: for a new profile (`editing` is `None`) the active staff accounts without
/// a coach's profile to choose from.
async fn form_page(
    app: &App,
    ctx: PageCtx,
    editing: Option<String>,
    form: CoachForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let new = editing.is_none();
    let (accounts, courts) = app
        .db
        .read(move |c| {
            let coaches = super::store::coaches(c)?;
            let accounts = if new {
                let users = crate::auth::store::all_users(c)?;
                users.into_iter().filter(|u| u.active && !coaches.iter().any(|k| k.id == u.id)).collect()
            } else {
                Vec::new()
            };
            Ok((accounts, crate::courts::store::courts(c)?))
        })
        .await?;
    Ok(FormPage { ctx, editing, accounts, courts, form, command_id: fresh_id(), errors })
}

#[get("/coaches/new")]
async fn new_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let taken = app.db.read(|c| Ok(super::store::coaches(c)?.len())).await?;
    let form = CoachForm::new_one(PALETTE[taken % PALETTE.len()].to_owned());
    ok(&form_page(app, ctx, None, form, FieldErrors::default()).await?)
}

#[post("/coaches", data = "<form>")]
async fn create(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<CoachForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let draft = f.parse(&ctx, &mut errors);
    if f.coach_id.is_empty() {
        errors.add(ctx.locale, "coach_id", "coach-account-required");
    }
    let Some(coach) = draft.filter(|_| errors.is_empty()) else {
        return again(&form_page(app, ctx, None, f, errors).await?);
    };
    let cmd = AnyCommand::SaveCoach(SaveCoach { coach_id: f.coach_id.clone(), coach });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/coaches", "success", ctx.t("coach-saved")),
        Err(errors) => again(&form_page(app, ctx, None, f, errors).await?),
    }
}

async fn coach_or_404(app: &App, id: &str) -> Result<Coach, AppError> {
    let id = id.to_owned();
    app.db.read(move |c| Ok(super::store::coach(c, &id)?)).await?.ok_or(AppError::NotFound)
}

#[get("/coaches/<id>")]
async fn edit_page(_m: Manager, ctx: PageCtx, app: &State<App>, id: &str) -> Result<Html, AppError> {
    let coach = coach_or_404(app, id).await?;
    let form = CoachForm::of(&coach, &ctx);
    ok(&form_page(app, ctx, Some(coach.username), form, FieldErrors::default()).await?)
}

#[post("/coaches/<id>", data = "<form>")]
async fn update(m: Manager, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<CoachForm>) -> Page {
    let Csrf(mut f, sub) = form;
    let coach = coach_or_404(app, id).await?;
    f.coach_id = coach.id.clone();
    let mut errors = FieldErrors::default();
    let Some(draft) = f.parse(&ctx, &mut errors) else {
        return again(&form_page(app, ctx, Some(coach.username), f, errors).await?);
    };
    let cmd = AnyCommand::SaveCoach(SaveCoach { coach_id: coach.id.clone(), coach: draft });
    match submit(app, &ctx, m.0.actor(), &sub, cmd).await? {
        Ok(()) => go("/coaches", "success", ctx.t("coach-saved")),
        Err(errors) => again(&form_page(app, ctx, Some(coach.username), f, errors).await?),
    }
}

/// A lesson on the coach's own page: when, where, who.
struct Lesson {
    b: Booking,
    court: String,
    players: Vec<String>,
    /// A group's session: the group's name and how full it is ("5 of 8").
    group: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "coaching/mine.html")]
struct MinePage {
    ctx: PageCtx,
    /// The signed-in coach's name; `None` when the account has no coach's profile.
    coach: Option<String>,
    from: Date,
    /// Each day of the week with its lessons.
    days: Vec<(Date, Vec<Lesson>)>,
}

impl MinePage {
    /// "Tuesday, 8 December 2026": on a phone, the weekday is what the coach looks for.
    fn day(&self, d: &Date) -> String {
        let weekday = self.ctx.t(&format!("weekday-{}", d.weekday().to_monday_one_offset()));
        format!("{weekday}, {}", crate::i18n::date(self.ctx.locale, *d))
    }

    fn time(&self, l: &Lesson) -> String {
        crate::bookings::model::span(l.b.starts_at, l.b.ends_at, &self.ctx.tz)
    }

    /// Whether the coach may say yet who came: from the lesson's start.
    /// A lesson that has begun is marked came or not; a cancelled one is only shown.
    fn begun(&self, l: &Lesson) -> bool {
        l.b.starts_at <= self.ctx.now && !self.cancelled(l)
    }

    fn cancelled(&self, l: &Lesson) -> bool {
        l.b.status == crate::bookings::model::Status::Cancelled
    }

    fn status(&self, l: &Lesson) -> String {
        self.ctx.t(&format!("status-{}", l.b.status.as_str()))
    }

    /// Each attendance form's own command id: two lessons marked are two commands.
    fn command_id(&self) -> String {
        fresh_id()
    }

    fn earlier(&self) -> Date {
        self.from - 7.days()
    }

    fn later(&self) -> Date {
        self.from + 7.days()
    }
}

/// The signed-in coach's lessons for seven days from `from` (today by default).
#[get("/coach?<from>")]
async fn mine(s: Staff, ctx: PageCtx, app: &State<App>, from: Option<&str>) -> Result<Html, AppError> {
    let today = ctx.club_day();
    let from = from.and_then(|d| d.parse::<Date>().ok()).unwrap_or(today);
    let (tz, me) = (ctx.tz.clone(), s.0.user.id.clone());
    let (coach, days) = app
        .db
        .read(move |c| {
            let Some(coach) = super::store::coach(c, &me)? else { return Ok((None, Vec::new())) };
            let dates: Vec<Date> = from.series(1.day()).take(7).collect();
            let (Some((start, _)), Some((_, end))) = (day_bounds(dates[0], &tz), day_bounds(dates[6], &tz)) else {
                return Ok((Some(coach.draft.name), Vec::new()));
            };
            let courts = crate::courts::store::courts(c)?;
            let groups = crate::groups::store::groups(c, Some(&me))?;
            let mut days: Vec<(Date, Vec<Lesson>)> = dates.iter().map(|d| (*d, Vec::new())).collect();
            for b in crate::bookings::store::of_coach(c, &me, start, end)?.into_iter().filter(|b| b.starts_at >= start)
            {
                let day = b.starts_at.to_zoned_datetime(tz.clone()).date();
                let court =
                    courts.iter().find(|k| k.id == b.court_id).map(|k| k.draft.name.clone()).unwrap_or_default();
                let players = crate::bookings::store::players(c, &b.id)?.into_iter().map(|(_, name)| name).collect();
                let group = b.group_id.as_ref().and_then(|g| groups.iter().find(|k| k.id == *g)).map(|g| {
                    let full = format!("{}/{}", g.enrolled, g.draft.capacity);
                    (g.draft.name.clone(), full)
                });
                if let Some((_, lessons)) = days.iter_mut().find(|(d, _)| *d == day) {
                    lessons.push(Lesson { b, court, players, group });
                }
            }
            Ok((Some(coach.draft.name), days))
        })
        .await?;
    ok(&MinePage { ctx, coach, from, days })
}

#[derive(FromForm)]
struct AttendanceForm {
    /// `checked_in` or `no_show`.
    #[field(default = String::new())]
    status: String,
    /// The first day of the week the page showed, to come back to.
    #[field(default = String::new())]
    from: String,
}

/// The coach marks whether the lesson's player came (their own lessons only: the command
/// checks).
#[post("/coach/lessons/<id>/attendance", data = "<form>")]
async fn attendance(s: Staff, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<AttendanceForm>) -> Page {
    let Csrf(f, sub) = form;
    let back = format!("/coach?from={}", f.from.parse::<Date>().unwrap_or_else(|_| ctx.club_day()));
    let Some(status) = crate::bookings::model::Status::parse(&f.status) else { return Err(AppError::NotFound) };
    let cmd = AnyCommand::SetAttendance(SetAttendance { booking_id: id.to_owned(), status });
    match submit(app, &ctx, s.0.actor(), &sub, cmd).await? {
        Ok(()) => go(back, "success", ctx.t("coach-attendance-saved")),
        Err(errors) => {
            go(back, "error", errors.get("form").map_or_else(|| ctx.t("coach-attendance-refused"), str::to_owned))
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        list,
        new_page,
        create,
        edit_page,
        update,
        mine,
        attendance,
        pay::page,
        pay::csv,
        pay::xlsx,
        pay::approve,
        pay::withdraw
    ]
}
