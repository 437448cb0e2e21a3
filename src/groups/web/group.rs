//! A group's page: its terms and schedule, its roster and waiting list (enrol, take off, move:
//! the desk), its coming and held sessions, and an extra session (the desk).

use std::collections::HashMap;

use askama::Template;
use jiff::SignedDuration;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::{State, get, post};

use super::super::commands::{AddGroupSession, EnrolMember, LeaveGroup, MoveMember};
use super::super::model::Place;
use super::super::store::{self, Group, RosterEntry};
use super::{group_or_404, may_see};
use crate::app::App;
use crate::bookings::store::{Booking, Series};
use crate::commands::AnyCommand;
use crate::courts::model::{BookingRules, DayMinute};
use crate::courts::store::Court;
use crate::error::AppError;
use crate::web::forms::{Csrf, Page, again, fresh_id, go, submit};
use crate::web::guards::{Reception, Staff};
use crate::web::page::{Html, PageCtx, ok};

/// How far the page looks back for held sessions and ahead for coming ones.
const WEEKS: i64 = 8;

#[derive(Template)]
#[template(path = "groups/show.html")]
struct GroupPage {
    ctx: PageCtx,
    g: Group,
    roster: Vec<RosterEntry>,
    schedule: Vec<Series>,
    coming: Vec<Booking>,
    held: Vec<Booking>,
    /// Per session: (came, marked).
    turnout: HashMap<String, (i64, i64)>,
    others: Vec<Group>,
    courts: Vec<Court>,
    rules: BookingRules,
    /// The desk's forms are shown (a coach sees the page only).
    desk: bool,
    /// The extra session's form as typed, with what was wrong, when it was refused.
    extra: Option<(ExtraForm, String)>,
}

impl GroupPage {
    fn fullness(&self) -> String {
        super::fullness(&self.ctx, &self.g)
    }

    fn below_minimum(&self) -> bool {
        self.g.enrolled < self.g.draft.minimum
    }

    fn model(&self) -> String {
        let d = &self.g.draft;
        let label = self.ctx.t(&format!("group-model-{}", d.price_model.as_str()));
        if d.price > 0 { format!("{label}, {}", self.ctx.money(d.price)) } else { label }
    }

    fn enrolled(&self) -> Vec<&RosterEntry> {
        self.roster.iter().filter(|e| e.place == Place::Enrolled).collect()
    }

    fn waiting(&self) -> Vec<&RosterEntry> {
        self.roster.iter().filter(|e| e.place == Place::Waiting).collect()
    }

    fn since(&self, e: &RosterEntry) -> String {
        crate::i18n::date(self.ctx.locale, e.since.to_zoned_datetime(self.ctx.tz.clone()).date())
    }

    fn series_line(&self, s: &Series) -> String {
        let days: Vec<String> =
            s.weekdays.iter().map(|w| self.ctx.t(&format!("weekday-short-{}", w.to_monday_one_offset()))).collect();
        let end = s.start.minutes() + s.minutes;
        let end = DayMinute::new(end).map_or_else(String::new, |e| e.to_string());
        format!(
            "{} {}–{}, {} – {}",
            days.join(", "),
            s.start,
            end,
            crate::i18n::date(self.ctx.locale, s.first_day),
            crate::i18n::date(self.ctx.locale, s.last_day)
        )
    }

    fn when(&self, b: &Booking) -> String {
        let day = b.starts_at.to_zoned_datetime(self.ctx.tz.clone()).date();
        let weekday = self.ctx.t(&format!("weekday-short-{}", day.weekday().to_monday_one_offset()));
        format!(
            "{weekday} {} {}",
            crate::i18n::date(self.ctx.locale, day),
            crate::bookings::model::span(b.starts_at, b.ends_at, &self.ctx.tz)
        )
    }

    fn court(&self, b: &Booking) -> &str {
        self.courts.iter().find(|c| c.id == b.court_id).map_or("", |c| c.draft.name.as_str())
    }

    fn cancelled(&self, b: &Booking) -> bool {
        b.status == crate::bookings::model::Status::Cancelled
    }

    fn came(&self, b: &Booking) -> String {
        let (came, _) = self.turnout.get(&b.id).copied().unwrap_or_default();
        self.ctx.ta("group-came-n", "came", came)
    }

    /// The extra session's day: as typed, else today.
    fn extra_date(&self) -> String {
        self.extra.as_ref().map_or_else(|| self.ctx.club_day().to_string(), |(f, _)| f.date.clone())
    }

    fn starts(&self) -> Vec<(String, bool)> {
        let first = self.schedule.first().map(|s| s.start.to_string()).unwrap_or_default();
        let start = self.extra.as_ref().map_or(first, |(f, _)| f.start.clone());
        crate::courts::web::start_options(&self.rules, &start)
    }

    fn lengths(&self) -> Vec<(u16, String, bool)> {
        let first = self.schedule.first().map(|s| s.minutes.to_string()).unwrap_or_default();
        let minutes = self.extra.as_ref().map_or(first, |(f, _)| f.minutes.to_string());
        crate::courts::web::length_options(&self.ctx, &self.rules, &minutes)
    }

    fn court_options(&self) -> Vec<(&str, &str, bool)> {
        let court = self.extra.as_ref().map_or(self.g.draft.court_id.as_str(), |(f, _)| f.court_id.as_str());
        crate::courts::web::court_choices(&self.courts, court)
    }

    /// Each form's own command id.
    fn command_id(&self) -> String {
        fresh_id()
    }
}

#[get("/groups/<id>")]
pub(super) async fn page(s: Staff, ctx: PageCtx, app: &State<App>, id: &str) -> Result<Html, AppError> {
    let g = group_or_404(app, id).await?;
    may_see(&s.0, &g)?;
    let desk = s.0.user.role >= crate::core::Role::Reception;
    ok(&group_page(app, ctx, g, desk, None).await?)
}

async fn group_page(
    app: &App,
    ctx: PageCtx,
    g: Group,
    desk: bool,
    extra: Option<(ExtraForm, String)>,
) -> Result<GroupPage, AppError> {
    let now = ctx.now;
    let group_id = g.id.clone();
    let (roster, schedule, sessions, turnout, others, courts, rules) = app
        .db
        .read(move |c| {
            let weeks = SignedDuration::from_hours(24 * 7 * WEEKS);
            let sessions = crate::bookings::store::of_group(c, &group_id, now - weeks, now + weeks)?;
            let schedule: Vec<Series> = crate::bookings::store::group_series(c, &group_id)?
                .iter()
                .filter_map(|id| crate::bookings::store::series(c, id).transpose())
                .collect::<Result<_, _>>()?;
            let turnout = store::turnout(c, &group_id)?.into_iter().map(|(b, came, n)| (b, (came, n))).collect();
            let others = store::groups(c, None)?.into_iter().filter(|o| o.id != group_id && o.draft.active).collect();
            Ok((
                store::roster(c, &group_id)?,
                schedule,
                sessions,
                turnout,
                others,
                crate::courts::store::courts(c)?,
                crate::courts::store::rules(c)?,
            ))
        })
        .await?;
    let (mut held, coming): (Vec<Booking>, Vec<Booking>) = sessions.into_iter().partition(|b| b.ends_at <= now);
    held.retain(|b| b.status != crate::bookings::model::Status::Cancelled);
    held.reverse();
    Ok(GroupPage { ctx, g, roster, schedule, coming, held, turnout, others, courts, rules, desk, extra })
}

#[derive(FromForm)]
pub(super) struct EnrolForm {
    #[field(default = String::new())]
    member: String,
    #[field(default = String::new())]
    member_id: String,
}

#[post("/groups/<id>/enrol", data = "<form>")]
pub(super) async fn enrol(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<EnrolForm>) -> Page {
    let Csrf(f, sub) = form;
    let g = group_or_404(app, id).await?;
    let back = format!("/groups/{}", g.id);
    let mut errors = crate::web::forms::FieldErrors::default();
    let picked = crate::members::web::pick_member(app, &ctx, &f.member_id, &f.member, "member", &mut errors).await?;
    let Some(member_id) = picked else {
        let why = errors.get("member").map_or_else(|| ctx.t("booker-unknown"), str::to_owned);
        return go(back, "error", why);
    };
    let cmd = EnrolMember {
        entry_id: uuid::Uuid::now_v7().to_string(),
        group_id: g.id.clone(),
        member_id: member_id.clone(),
    };
    match submit(app, &ctx, r.0.actor(), &sub, AnyCommand::EnrolMember(cmd)).await? {
        Ok(()) => {
            let (gid, mid) = (g.id.clone(), member_id);
            let place = app.db.read(move |c| Ok(store::entry(c, &gid, &mid)?)).await?.map(|e| e.place);
            let said = if place == Some(Place::Waiting) { "group-waiting-done" } else { "group-enrolled-done" };
            go(back, "success", ctx.t(said))
        }
        Err(errors) => go(back, "error", first_error(&ctx, &errors)),
    }
}

fn first_error(ctx: &PageCtx, errors: &crate::web::forms::FieldErrors) -> String {
    ["form", "member", "to_group_id", "court_id", "start", "minutes", "date", "coach_id", "reason"]
        .iter()
        .find_map(|f| errors.get(f))
        .map_or_else(|| ctx.t("group-not-saved"), str::to_owned)
}

#[derive(FromForm)]
pub(super) struct MemberForm {
    #[field(default = String::new())]
    member_id: String,
    #[field(default = String::new())]
    to_group_id: String,
}

#[post("/groups/<id>/leave", data = "<form>")]
pub(super) async fn leave(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<MemberForm>) -> Page {
    let Csrf(f, sub) = form;
    let g = group_or_404(app, id).await?;
    let back = format!("/groups/{}", g.id);
    let in_place = |place| {
        let group_id = g.id.clone();
        app.db.read(move |c| {
            let roster = store::roster(c, &group_id)?;
            Ok(roster.into_iter().filter(|e| e.place == place).map(|e| (e.member_id, e.name)).collect::<Vec<_>>())
        })
    };
    let was_waiting = in_place(Place::Waiting).await?;
    let cmd = LeaveGroup { group_id: g.id.clone(), member_id: f.member_id };
    match submit(app, &ctx, r.0.actor(), &sub, AnyCommand::LeaveGroup(cmd)).await? {
        Ok(()) => {
            // Say who got the place, so the desk can tell them too.
            let now_in = in_place(Place::Enrolled).await?;
            let up: Vec<&str> =
                was_waiting.iter().filter(|w| now_in.iter().any(|e| e.0 == w.0)).map(|w| w.1.as_str()).collect();
            let said = match up.is_empty() {
                true => ctx.t("group-left-done"),
                false => ctx.ta("group-left-moved-up", "names", up.join(", ")),
            };
            go(back, "success", said)
        }
        Err(errors) => go(back, "error", first_error(&ctx, &errors)),
    }
}

#[post("/groups/<id>/move", data = "<form>")]
pub(super) async fn move_member(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: &str,
    form: Csrf<MemberForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let g = group_or_404(app, id).await?;
    let back = format!("/groups/{}", g.id);
    if f.to_group_id.is_empty() {
        return go(back, "error", ctx.t("group-move-choose"));
    }
    let (to, member) = (f.to_group_id.clone(), f.member_id.clone());
    let cmd = MoveMember {
        entry_id: uuid::Uuid::now_v7().to_string(),
        group_id: g.id.clone(),
        to_group_id: f.to_group_id,
        member_id: f.member_id,
    };
    match submit(app, &ctx, r.0.actor(), &sub, AnyCommand::MoveMember(cmd)).await? {
        Ok(()) => {
            // A full group takes the member onto its waiting list: said, not left to be found.
            let landed = app.db.read(move |c| Ok(store::group(c, &to)?.zip(store::entry(c, &to, &member)?))).await?;
            let said = match landed {
                Some((to, e)) if e.place == Place::Waiting => ctx.ta("group-moved-waiting", "group", &to.draft.name),
                Some((to, _)) => ctx.ta("group-moved-into", "group", &to.draft.name),
                None => ctx.t("group-moved-done"),
            };
            go(back, "success", said)
        }
        Err(errors) => go(back, "error", first_error(&ctx, &errors)),
    }
}

#[derive(FromForm)]
pub(super) struct ExtraForm {
    #[field(default = String::new())]
    date: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = 0)]
    minutes: u16,
    #[field(default = String::new())]
    court_id: String,
}

#[post("/groups/<id>/sessions", data = "<form>")]
pub(super) async fn extra(r: Reception, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<ExtraForm>) -> Page {
    let Csrf(f, sub) = form;
    let g = group_or_404(app, id).await?;
    let back = format!("/groups/{}", g.id);
    let (Ok(day), Some(start)) = (f.date.parse::<Date>(), DayMinute::parse(&f.start)) else {
        let why = ctx.t("date-invalid");
        return again(&group_page(app, ctx, g, true, Some((f, why))).await?);
    };
    let cmd = AddGroupSession {
        booking_id: uuid::Uuid::now_v7().to_string(),
        group_id: g.id.clone(),
        court_id: f.court_id.clone(),
        day,
        start,
        minutes: f.minutes,
    };
    match submit(app, &ctx, r.0.actor(), &sub, AnyCommand::AddGroupSession(cmd)).await? {
        Ok(()) => go(back, "success", ctx.t("group-extra-added")),
        // The form comes back open, as typed, with what was wrong.
        Err(errors) => {
            let why = first_error(&ctx, &errors);
            again(&group_page(app, ctx, g, true, Some((f, why))).await?)
        }
    }
}
