//! A session's journal: the roster with each member's mark and what it charged, someone trying
//! the group, and (the desk) cancelling the session. Made for the coach's phone as well.

use askama::Template;
use rocket::form::FromForm;
use rocket::{State, get, post};

use super::super::journal::{MarkGroupVisits, VisitMark};
use super::super::model::Mark;
use super::super::store::{self, Group, Visit};
use super::may_see;
use crate::app::App;
use crate::bookings::store::Booking;
use crate::commands::AnyCommand;
use crate::error::AppError;
use crate::web::forms::{Csrf, Page, fresh_id, go, submit};
use crate::web::guards::{Reception, Staff};
use crate::web::page::{Html, PageCtx, ok};

/// A line of the journal: a member of the roster, or someone already marked.
struct Line {
    member_id: String,
    name: String,
    visit: Option<Visit>,
}

#[derive(Template)]
#[template(path = "groups/session.html")]
struct SessionPage {
    ctx: PageCtx,
    g: Group,
    b: Booking,
    court: String,
    lines: Vec<Line>,
    desk: bool,
    command_id: String,
}

impl SessionPage {
    fn when(&self) -> String {
        let day = self.b.starts_at.to_zoned_datetime(self.ctx.tz.clone()).date();
        format!(
            "{} {}",
            crate::i18n::date(self.ctx.locale, day),
            crate::bookings::model::span(self.b.starts_at, self.b.ends_at, &self.ctx.tz)
        )
    }

    fn cancelled(&self) -> bool {
        self.b.status == crate::bookings::model::Status::Cancelled
    }

    /// The journal opens an hour before the session, as check-in does.
    fn open(&self) -> bool {
        self.ctx.now >= self.b.starts_at - crate::bookings::model::CHECK_IN_FROM
    }

    fn marks(&self) -> Vec<(&'static str, String)> {
        Mark::ALL.iter().map(|m| (m.as_str(), self.ctx.t(&format!("group-mark-{}", m.as_str())))).collect()
    }

    fn is(&self, l: &Line, mark: &str) -> bool {
        l.visit.as_ref().is_some_and(|v| v.mark.as_str() == mark)
    }

    /// Nobody is marked yet: the session may still be cancelled.
    fn unmarked(&self) -> bool {
        self.lines.iter().all(|l| l.visit.is_none())
    }

    /// What the visit took: an amount, a visit of a pass, or nothing.
    fn took(&self, l: &Line) -> String {
        match &l.visit {
            Some(v) if v.pass_id.is_some() => self.ctx.t("group-from-pass"),
            Some(v) if v.charge > 0 => self.ctx.ta("group-charged", "amount", self.ctx.money(v.charge)),
            _ => String::new(),
        }
    }
}

async fn session_or_404(app: &App, group_id: &str, id: &str) -> Result<(Group, Booking, String, Vec<Line>), AppError> {
    let (group_id, id) = (group_id.to_owned(), id.to_owned());
    app.db
        .read(move |c| {
            let Some(b) = crate::bookings::store::booking(c, &id)?.filter(|b| b.group_id.as_ref() == Some(&group_id))
            else {
                return Ok(None);
            };
            let Some(g) = b.group_id.as_deref().map(|g| store::group(c, g)).transpose()?.flatten() else {
                return Ok(None);
            };
            let court = crate::courts::store::court(c, &b.court_id)?.map(|k| k.draft.name).unwrap_or_default();
            let visits = store::visits(c, &b.id)?;
            let mut lines: Vec<Line> = store::roster(c, &g.id)?
                .into_iter()
                .filter(|e| e.on_roster_for(&b))
                .map(|e| Line {
                    visit: visits.iter().find(|v| v.member_id == e.member_id).cloned(),
                    member_id: e.member_id,
                    name: e.name,
                })
                .collect();
            for v in visits {
                if !lines.iter().any(|l| l.member_id == v.member_id) {
                    lines.push(Line { member_id: v.member_id.clone(), name: v.name.clone(), visit: Some(v) });
                }
            }
            Ok(Some((g, b, court, lines)))
        })
        .await?
        .ok_or(AppError::NotFound)
}

#[get("/groups/<group>/sessions/<id>")]
pub(super) async fn page(s: Staff, ctx: PageCtx, app: &State<App>, group: &str, id: &str) -> Result<Html, AppError> {
    let (g, b, court, lines) = session_or_404(app, group, id).await?;
    may_see(&s.0, &g)?;
    let desk = s.0.user.role >= crate::core::Role::Reception;
    ok(&SessionPage { ctx, g, b, court, lines, desk, command_id: fresh_id() })
}

#[derive(FromForm)]
pub(super) struct Row {
    #[field(default = String::new())]
    member_id: String,
    #[field(default = String::new())]
    mark: String,
}

#[derive(FromForm)]
pub(super) struct JournalForm {
    #[field(default = Vec::new())]
    rows: Vec<Row>,
    /// Someone trying the group, typed or picked.
    #[field(default = String::new())]
    trial: String,
    #[field(default = String::new())]
    trial_id: String,
}

#[post("/groups/<group>/sessions/<id>", data = "<form>")]
pub(super) async fn mark(
    s: Staff,
    ctx: PageCtx,
    app: &State<App>,
    group: &str,
    id: &str,
    form: Csrf<JournalForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let (g, b, ..) = session_or_404(app, group, id).await?;
    may_see(&s.0, &g)?;
    let back = format!("/groups/{}/sessions/{}", g.id, b.id);
    let mut marks: Vec<VisitMark> = f
        .rows
        .iter()
        .filter_map(|r| Mark::parse(&r.mark).map(|mark| VisitMark { member_id: r.member_id.clone(), mark }))
        .collect();
    let mut errors = crate::web::forms::FieldErrors::default();
    let trial = crate::members::web::pick_member(app, &ctx, &f.trial_id, &f.trial, "trial", &mut errors).await?;
    if let Some(e) = errors.get("trial") {
        // A coach has no suggestions to pick from (members outside their groups are not theirs
        // to browse): only what they typed.
        let desk = s.0.user.role >= crate::core::Role::Reception;
        return go(back, "error", if desk { e.to_owned() } else { ctx.t("group-trial-coach-unknown") });
    }
    if let Some(member_id) = trial.filter(|t| !marks.iter().any(|m| m.member_id == *t)) {
        marks.push(VisitMark { member_id, mark: Mark::Trial });
    }
    let cmd = AnyCommand::MarkGroupVisits(MarkGroupVisits { booking_id: b.id.clone(), marks });
    match submit(app, &ctx, s.0.actor(), &sub, cmd).await? {
        Ok(()) => go(back, "success", ctx.t("group-journal-saved")),
        Err(errors) => go(back, "error", errors.get("form").map_or_else(|| ctx.t("group-not-saved"), str::to_owned)),
    }
}

#[derive(FromForm)]
pub(super) struct CancelForm {
    #[field(default = String::new())]
    reason: String,
}

#[post("/groups/<group>/sessions/<id>/cancel", data = "<form>")]
pub(super) async fn cancel(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    group: &str,
    id: &str,
    form: Csrf<CancelForm>,
) -> Page {
    let Csrf(f, sub) = form;
    let (g, b, ..) = session_or_404(app, group, id).await?;
    let cmd = super::super::commands::CancelGroupSession { booking_id: b.id.clone(), reason: f.reason };
    match submit(app, &ctx, r.0.actor(), &sub, AnyCommand::CancelGroupSession(cmd)).await? {
        Ok(()) => go(format!("/groups/{}", g.id), "success", ctx.t("group-session-cancelled")),
        Err(errors) => {
            let why = errors.get("form").or_else(|| errors.get("reason"));
            go(
                format!("/groups/{}/sessions/{}", g.id, b.id),
                "error",
                why.map_or_else(|| ctx.t("group-not-saved"), str::to_owned),
            )
        }
    }
}
