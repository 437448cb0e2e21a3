//! Weekly series: new (with a preview of every date), one series, "this and following" edits,
//! ending one early, and copying one.

use askama::Template;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use rocket::form::FromForm;
use rocket::http::Status as HttpStatus;
use rocket::{Either, State, get, post};

use super::form::{BookingForm, Prefill, form_data};
use super::{parse_day, status_label};
use crate::app::App;
use crate::bookings::commands::{CreateSeries, EditSeries, EndSeries, SeriesSpec};
use crate::bookings::model::{Kind, LocalSlot, Status};
use crate::bookings::store::{self, Booking};
use crate::commands::AnyCommand;
use crate::core::Outcome;
use crate::core::Submission;
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::{self as courts, Court};
use crate::courts::web::{court_choices, length_options, start_options};
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::members::model::card_label;
use crate::members::store as members;
use crate::web::forms::{Csrf, FieldErrors, Page, fresh_id, go};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok, render};

// ---- series ----

#[derive(FromForm, Default, Clone)]
pub(super) struct SeriesForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    court_id: String,
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
    #[field(default = String::new())]
    booker: String,
    #[field(default = String::new())]
    booker_id: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    note: String,
    /// A series of lessons' coach.
    #[field(default = String::new())]
    coach_id: String,
    /// Dates to leave out (without a preview, e.g. from the API's way of asking).
    #[field(default = Vec::new())]
    skip: Vec<String>,
    /// The dates ticked on the preview: any other date of the series is left out.
    #[field(default = Vec::new())]
    day: Vec<String>,
}

struct PlannedDay {
    day: String,
    label: String,
    problem: Option<String>,
    /// Where it could be booked instead: (what, link to the booking form).
    instead: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "bookings/series_form.html")]
struct SeriesPage {
    ctx: PageCtx,
    form: SeriesForm,
    courts: Vec<Court>,
    rules: BookingRules,
    plan: Vec<PlannedDay>,
    errors: FieldErrors,
}

impl SeriesPage {
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

    fn conflicts(&self) -> usize {
        self.plan.iter().filter(|p| p.problem.is_some()).count()
    }
}

#[get("/series/new?<prefill..>")]
pub(super) async fn series_new(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    prefill: Prefill,
) -> Result<Html, AppError> {
    series_form(app, ctx, prefill).await
}

/// "Repeat weekly" on the booking form: the series form with the court, time, length, kind
/// and booker already chosen there.
#[post("/series/new", data = "<form>")]
pub(super) async fn series_from_booking(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    form: Csrf<BookingForm>,
) -> Result<Html, AppError> {
    series_form(app, ctx, Prefill::from_form(&form.0)).await
}

async fn series_form(app: &App, ctx: PageCtx, prefill: Prefill) -> Result<Html, AppError> {
    let (courts, rules) = form_data(app).await?;
    let first = parse_day(prefill.date.as_deref(), &ctx);
    let (booker, booker_id) = prefill.booker(app).await?;
    let form = SeriesForm {
        command_id: fresh_id(),
        court_id: prefill.court().unwrap_or_default(),
        weekday: vec![first.weekday().to_monday_one_offset()],
        start: prefill.start(),
        minutes: prefill.minutes.unwrap_or_else(|| rules.min_minutes.to_string()),
        first_day: first.to_string(),
        last_day: first.checked_add(jiff::Span::new().months(3)).unwrap_or(first).to_string(),
        booker,
        booker_id,
        kind: prefill
            .kind
            .clone()
            .filter(|k| crate::bookings::model::Kind::parse(k).is_some())
            .unwrap_or_else(|| "play".into()),
        coach_id: prefill.coach_id.clone().unwrap_or_default(),
        ..Default::default()
    };
    ok(&SeriesPage { ctx, form, courts, rules, plan: Vec::new(), errors: FieldErrors::default() })
}

async fn series_spec(
    app: &App,
    ctx: &PageCtx,
    f: &SeriesForm,
    errors: &mut FieldErrors,
) -> anyhow::Result<Option<SeriesSpec>> {
    let first = f.first_day.parse::<Date>().map_err(|_| errors.add(ctx.locale, "first_day", "date-invalid")).ok();
    let last = f.last_day.parse::<Date>().map_err(|_| errors.add(ctx.locale, "last_day", "date-invalid")).ok();
    let start = DayMinute::parse(&f.start).or_else(|| {
        errors.add(ctx.locale, "start", "hours-invalid");
        None
    });
    let minutes =
        f.minutes.parse::<u16>().map_err(|_| errors.add(ctx.locale, "minutes", "slot-length-misaligned")).ok();
    let weekdays: Vec<Weekday> = f.weekday.iter().filter_map(|n| Weekday::from_monday_one_offset(*n).ok()).collect();
    if weekdays.is_empty() {
        errors.add(ctx.locale, "weekdays", "series-no-weekdays");
    }
    let kind = Kind::parse(&f.kind).unwrap_or(Kind::Play);
    let booker_id = crate::members::web::pick_member(app, ctx, &f.booker_id, &f.booker, "booker", errors).await?;
    let (Some(first_day), Some(last_day), Some(start), Some(minutes)) = (first, last, start, minutes) else {
        return Ok(None);
    };
    if !errors.is_empty() {
        return Ok(None);
    }
    Ok(Some(SeriesSpec {
        court_id: f.court_id.clone(),
        weekdays,
        start,
        minutes,
        first_day,
        last_day,
        kind,
        booker_id,
        players: Vec::new(),
        note: f.note.clone(),
        coach_id: Some(f.coach_id.trim().to_owned()).filter(|c| !c.is_empty() && kind == Kind::Lesson),
        group_id: None,
    }))
}

/// Shows every date of the series and which ones cannot be booked; nothing is written.
#[post("/series/preview", data = "<form>")]
pub(super) async fn series_preview(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    form: Csrf<SeriesForm>,
) -> Result<Html, AppError> {
    let mut f = form.0;
    let (courts, rules) = form_data(app).await?;
    let mut errors = FieldErrors::default();
    let mut plan = Vec::new();
    if let Some(spec) = series_spec(app, &ctx, &f, &mut errors).await? {
        let actor = r.0.actor();
        let now = app.now();
        let result = app
            .db
            .read(move |c| {
                crate::core::dry_run(c, &actor, now, |ctx| crate::bookings::commands::plan_series(ctx, &spec, None))
            })
            .await?;
        match result {
            Ok(days) => {
                let names: Vec<(String, String)> =
                    courts.iter().map(|c| (c.id.clone(), c.draft.name.clone())).collect();
                let name = |id: &str| names.iter().find(|(c, _)| c == id).map_or(String::new(), |(_, n)| n.clone());
                plan = days
                    .into_iter()
                    .map(|d| PlannedDay {
                        day: d.day.to_string(),
                        label: format!(
                            "{} {}",
                            ctx.t(&format!("weekday-{}", d.day.weekday().to_monday_one_offset())),
                            crate::i18n::date(ctx.locale, d.day)
                        ),
                        problem: d.problem.as_ref().map(|p| rejection_text(ctx.locale, p)),
                        instead: d
                            .instead
                            .iter()
                            .map(|(court, start)| {
                                let what = format!("{} · {start}", name(court));
                                let link = format!(
                                    "/bookings/new?court={court}&date={}&start={start}&minutes={}&booker_id={}",
                                    d.day, f.minutes, f.booker_id
                                );
                                (what, link)
                            })
                            .collect(),
                    })
                    .collect();
            }
            Err(rej) => errors.rejection(ctx.locale, &rej),
        }
    }
    let status = if errors.is_empty() { HttpStatus::Ok } else { HttpStatus::UnprocessableEntity };
    f.command_id = fresh_id();
    render(status, &SeriesPage { ctx, form: f, courts, rules, plan, errors })
}

#[post("/series", data = "<form>")]
pub(super) async fn series_create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<SeriesForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let again = |ctx: PageCtx, f: SeriesForm, errors: FieldErrors, courts: Vec<Court>, rules: BookingRules| -> Page {
        Ok(Either::Left(render(
            HttpStatus::UnprocessableEntity,
            &SeriesPage {
                ctx,
                form: SeriesForm { command_id: fresh_id(), ..f },
                courts,
                rules,
                plan: Vec::new(),
                errors,
            },
        )?))
    };
    let (courts, rules) = form_data(app).await?;
    let Some(spec) = series_spec(app, &ctx, &f, &mut errors).await? else {
        return again(ctx, f, errors, courts, rules);
    };
    // Ticked on the preview: every other date is left out; without a preview, what `skip` says.
    let skip: Vec<Date> = if f.day.is_empty() {
        f.skip.iter().filter_map(|d| d.parse().ok()).collect()
    } else {
        crate::bookings::model::series_dates(&spec.weekdays, spec.first_day, spec.last_day)
            .into_iter()
            .filter(|d| !f.day.contains(&d.to_string()))
            .collect()
    };
    let id = sub.id;
    let cmd = AnyCommand::CreateSeries(CreateSeries { series_id: id.to_string(), spec, skip });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/series/{id}"), "success", ctx.t("series-created")),
        Outcome::Rejected(rej) => {
            let mut text = rejection_text(ctx.locale, &rej);
            if let Some((_, day)) = rej.args.iter().find(|(k, _)| k == "date") {
                text = format!("{day}: {text}");
            }
            errors.add_text("form", text);
            again(ctx, f, errors, courts, rules)
        }
    }
}

#[derive(Template)]
#[template(path = "bookings/series.html")]
struct SeriesShow {
    ctx: PageCtx,
    series: store::Series,
    court: String,
    booker: String,
    /// A series of lessons' coach's name.
    coach: Option<String>,
    bookings: Vec<(Booking, String)>,
    courts: Vec<Court>,
    rules: BookingRules,
    command_id: String,
    errors: FieldErrors,
}

impl SeriesShow {
    fn weekday_names(&self) -> String {
        self.series
            .weekdays
            .iter()
            .map(|d| self.ctx.t(&format!("weekday-{}", d.to_monday_one_offset())))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn status_name(&self, s: &Status) -> String {
        status_label(&self.ctx, s)
    }

    fn starts(&self) -> Vec<(String, bool)> {
        start_options(&self.rules, &self.series.start.to_string())
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        length_options(&self.ctx, &self.rules, &self.series.minutes.to_string())
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        court_choices(&self.courts, &self.series.court_id)
    }

    fn today(&self) -> String {
        self.ctx.club_day().to_string()
    }

    fn next_season(&self) -> (String, String) {
        let s = &self.series;
        let length = s.first_day.until(s.last_day).map(|sp| sp.get_days()).unwrap_or(90);
        let first = s.last_day.tomorrow().unwrap_or(s.last_day);
        (first.to_string(), first.checked_add(jiff::Span::new().days(i64::from(length))).unwrap_or(first).to_string())
    }
}

async fn series_page(app: &App, ctx: PageCtx, id: String, errors: FieldErrors) -> Result<SeriesShow, AppError> {
    let tz: TimeZone = ctx.tz.clone();
    let lookup = id.clone();
    let (series, (court, coach), booker, bookings, courts, rules) = app
        .db
        .read(move |c| {
            let Some(s) = store::series(c, &lookup)? else { return Ok(None) };
            let court = courts::court(c, &s.court_id)?.map(|c| c.draft.name).unwrap_or_default();
            let coach = match &s.coach_id {
                Some(id) => crate::coaching::store::coach(c, id)?.map(|k| k.draft.name),
                None => None,
            };
            let booker = match &s.booker_id {
                Some(b) => members::member(c, b)?
                    .map(|m| format!("{} (№ {})", m.full_name, card_label(m.card_no)))
                    .unwrap_or_default(),
                None => String::new(),
            };
            let mut stmt_bookings = store::series_all(c, &s.id)?;
            stmt_bookings.sort_by_key(|b| b.starts_at);
            Ok(Some((s, (court, coach), booker, stmt_bookings, courts::courts(c)?, courts::rules(c)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let bookings = bookings
        .into_iter()
        .map(|b| {
            let slot = LocalSlot::from_instants(b.starts_at, b.ends_at, &tz);
            let label = format!(
                "{} {} {}",
                ctx.t(&format!("weekday-{}", slot.day.weekday().to_monday_one_offset())),
                crate::i18n::date(ctx.locale, slot.day),
                slot.start
            );
            (b, label)
        })
        .collect();
    Ok(SeriesShow { ctx, series, court, booker, coach, bookings, courts, rules, command_id: fresh_id(), errors })
}

#[get("/series/<id>")]
pub(super) async fn series_show(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&series_page(app, ctx, id, FieldErrors::default()).await?)
}

async fn on_series(
    app: &App,
    r: &Reception,
    ctx: PageCtx,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    to: String,
    done: String,
) -> Page {
    match app.submit(submission, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(to, "success", done),
        Outcome::Rejected(rej) if rej.code == "series-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            let mut text = rejection_text(ctx.locale, &rej);
            if let Some((_, day)) = rej.args.iter().find(|(k, _)| k == "date") {
                text = format!("{day}: {text}");
            }
            errors.add_text("form", text);
            Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?))
        }
    }
}

#[derive(FromForm)]
pub(super) struct SeriesEditForm {
    #[field(default = String::new())]
    from_day: String,
    #[field(default = String::new())]
    court_id: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    minutes: String,
}

#[post("/series/<id>/edit", data = "<form>")]
pub(super) async fn series_edit(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    form: Csrf<SeriesEditForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let (Some(from_day), Some(start), Some(minutes)) =
        (f.from_day.parse::<Date>().ok(), DayMinute::parse(&f.start), f.minutes.parse::<u16>().ok())
    else {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "form", "date-invalid");
        return Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?));
    };
    let new_id = sub.id;
    let cmd = AnyCommand::EditSeries(EditSeries {
        series_id: id.clone(),
        new_series_id: new_id.to_string(),
        from_day,
        court_id: f.court_id,
        start,
        minutes,
    });
    // A split series continues under the new id; a whole-series change keeps the old one.
    let first_day = app
        .db
        .read({
            let id = id.clone();
            move |c| Ok(store::series(c, &id)?.map(|s| s.first_day))
        })
        .await?;
    let to =
        if first_day.is_some_and(|d| from_day > d) { format!("/series/{new_id}") } else { format!("/series/{id}") };
    let done = ctx.t("series-changed");
    on_series(app, &r, ctx, id, &sub, cmd, to, done).await
}

#[derive(FromForm)]
pub(super) struct SeriesEndForm {
    #[field(default = String::new())]
    last_day: String,
}

#[post("/series/<id>/end", data = "<form>")]
pub(super) async fn series_end(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    form: Csrf<SeriesEndForm>,
) -> Page {
    let Ok(last_day) = form.0.last_day.parse::<Date>() else {
        let mut errors = FieldErrors::default();
        errors.add(ctx.locale, "form", "date-invalid");
        return Ok(Either::Left(render(HttpStatus::UnprocessableEntity, &series_page(app, ctx, id, errors).await?)?));
    };
    let cmd = AnyCommand::EndSeries(EndSeries { series_id: id.clone(), last_day });
    let done = ctx.t("series-ended");
    let to = format!("/series/{id}");
    on_series(app, &r, ctx, id, &form.1, cmd, to, done).await
}

/// "Copy to next season": the series form prefilled with the same terms and the next dates.
#[get("/series/<id>/copy")]
pub(super) async fn series_copy(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let page = series_page(app, ctx, id, FieldErrors::default()).await?;
    let (first, last) = page.next_season();
    let s = &page.series;
    let form = SeriesForm {
        command_id: fresh_id(),
        court_id: s.court_id.clone(),
        weekday: s.weekdays.iter().map(|d| d.to_monday_one_offset()).collect(),
        start: s.start.to_string(),
        minutes: s.minutes.to_string(),
        first_day: first,
        last_day: last,
        booker: page.booker.clone(),
        booker_id: s.booker_id.clone().unwrap_or_default(),
        kind: s.kind.as_str().to_owned(),
        note: s.note.clone(),
        coach_id: s.coach_id.clone().unwrap_or_default(),
        skip: Vec::new(),
        day: Vec::new(),
    };
    let (courts, rules) = (page.courts, page.rules);
    ok(&SeriesPage { ctx: page.ctx, form, courts, rules, plan: Vec::new(), errors: FieldErrors::default() })
}
