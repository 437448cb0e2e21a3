//! The member card and what is done from it: archive, delete, merge, family links.

use askama::Template;
use rocket::form::FromForm;
use rocket::{State, get, post};
use uuid::Uuid;

use super::Row;
use super::history::{self, HistoryLine};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::core::{Outcome, Rejection};
use crate::error::AppError;
use crate::i18n::rejection_text;
use crate::members::commands::{DeleteMember, LinkFamily, MergeMembers, SetMemberArchived, UnlinkFamily};
use crate::members::store::{self, Member};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, again, fresh_id, go, submit_on};
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

// ---- the member card ----

/// Bookings the card lists: the next ones and the latest past ones (the rest are in the history).
const UPCOMING: i64 = 50;
const PAST: i64 = 20;

struct Relative {
    link_id: String,
    member: Row,
    /// "guardian" when the relative is this member's guardian, else "child".
    role: &'static str,
}

/// A booking as the member card lists it.
struct BookingLine {
    id: String,
    when: String,
    court: String,
    status: String,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "members/card.html")]
struct CardPage {
    ctx: PageCtx,
    m: Member,
    row: Row,
    merged_into: Option<Row>,
    relatives: Vec<Relative>,
    upcoming: Vec<BookingLine>,
    past: Vec<BookingLine>,
    /// More bookings than the card lists, on either side of now.
    more_upcoming: bool,
    more_past: bool,
    history: Vec<HistoryLine>,
    command_id: String,
    errors: FieldErrors,
    /// The member's account balance (money the club holds for them; negative: they owe).
    balance: i64,
    /// Passes still valid (not refunded, not past their last day).
    passes: Vec<crate::passes::store::StoredPass>,
    /// Groups the member is in or waits for: (id, name, place).
    groups: Vec<(String, String, crate::groups::model::Place)>,
    /// The latest SMS to this member, and whether they asked for none.
    sms: Vec<crate::sms::store::Message>,
    sms_opted_out: bool,
    /// Added on this desk and not yet seen by the hub: the card number may still change.
    provisional: bool,
}

impl CardPage {
    fn sms_status(&self, m: &crate::sms::store::Message) -> String {
        self.ctx.t(&format!("sms-status-{}", m.status.as_str()))
    }

    fn age(&self) -> Option<i16> {
        let born = self.m.birth_date?;
        let today = self.ctx.club_day();
        let mut age = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        Some(age)
    }

    fn pass_left(&self, p: &crate::passes::model::Pass) -> String {
        crate::passes::labels::remaining_text(&self.ctx, p)
    }

    fn pass_until(&self, p: &crate::passes::model::Pass) -> String {
        self.ctx.ta("pass-until", "date", crate::i18n::date(self.ctx.locale, p.valid_until))
    }

    fn birth(&self) -> String {
        self.m.birth_date.map(|d| crate::i18n::date(self.ctx.locale, d)).unwrap_or_default()
    }
}

async fn card_page(app: &App, ctx: PageCtx, id: String, errors: FieldErrors) -> Result<CardPage, AppError> {
    let lookup = id.clone();
    let today = ctx.club_day();
    let on_desk = app.desk.is_some();
    let now = ctx.now;
    let (m, merged_into, relatives, records, bookings, balance, (passes, groups), (sms, sms_opted_out), provisional) =
        app.db
            .read(move |c| {
                let Some(m) = store::member(c, &lookup)? else { return Ok(None) };
                let merged_into = match &m.merged_into {
                    Some(other) => store::member(c, other)?,
                    None => None,
                };
                let mut relatives = Vec::new();
                for link in store::links_of(c, &m.id)? {
                    let (other, role) =
                        if link.child_id == m.id { (&link.guardian_id, "guardian") } else { (&link.child_id, "child") };
                    if let Some(o) = store::member(c, other)? {
                        relatives.push(Relative { link_id: link.id, member: Row::from(&o), role });
                    }
                }
                let records = crate::core::commands_mentioning(c, &m.id, history::ON_CARD, 0)?;
                let courts = crate::courts::store::courts(c)?;
                let court_of = |b: crate::bookings::store::Booking| {
                    let court =
                        courts.iter().find(|k| k.id == b.court_id).map(|k| k.draft.name.clone()).unwrap_or_default();
                    (b, court)
                };
                // One more than is shown tells whether there are more.
                let upcoming = crate::bookings::store::upcoming_of_member(c, &m.id, now, UPCOMING + 1)?;
                let past = crate::bookings::store::past_of_member(c, &m.id, now, PAST + 1)?;
                let bookings: (Vec<_>, Vec<_>) =
                    (upcoming.into_iter().map(court_of).collect(), past.into_iter().map(court_of).collect());
                let balance = crate::payments::store::balance(c, &m.id)?;
                let passes = crate::passes::store::live_passes(c, &[m.id.as_str()], today)?;
                let passes = (passes, crate::groups::store::member_groups(c, &m.id)?);
                let sms = (crate::sms::store::of_member(c, &m.id, 20)?, crate::sms::store::is_opted_out(c, &m.id)?);
                let provisional = on_desk && crate::desk::store::replica::made_tentatively(c, "members", &m.id)?;
                Ok(Some((m, merged_into, relatives, records, bookings, balance, passes, sms, provisional)))
            })
            .await?
            .ok_or(AppError::NotFound)?;
    let history = history::lines(&ctx, records);
    let line = |(b, court): (crate::bookings::store::Booking, String)| {
        let slot = crate::bookings::model::LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
        BookingLine {
            id: b.id,
            when: format!("{} {}", crate::i18n::date(ctx.locale, slot.day), slot.start),
            court,
            status: ctx.t(&format!("status-{}", b.status.as_str())),
            cancelled: b.status == crate::bookings::model::Status::Cancelled,
        }
    };
    let (more_upcoming, more_past) = (bookings.0.len() as i64 > UPCOMING, bookings.1.len() as i64 > PAST);
    let upcoming: Vec<BookingLine> = bookings.0.into_iter().take(UPCOMING as usize).map(line).collect();
    let past: Vec<BookingLine> = bookings.1.into_iter().take(PAST as usize).map(line).collect();
    Ok(CardPage {
        ctx,
        row: Row::from(&m),
        merged_into: merged_into.as_ref().map(Row::from),
        m,
        relatives,
        upcoming,
        past,
        more_upcoming,
        more_past,
        history,
        command_id: fresh_id(),
        errors,
        balance,
        passes,
        groups,
        sms,
        sms_opted_out,
        provisional,
    })
}

#[get("/<id>")]
pub(super) async fn card(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&card_page(app, ctx, id, FieldErrors::default()).await?)
}

/// Runs a command from the member card: back to the card with a flash, or the card again with
/// the reason.
async fn on_card(
    app: &App,
    r: &Reception,
    ctx: PageCtx,
    id: String,
    submission: &Submission,
    cmd: AnyCommand,
    done: String,
) -> Page {
    match submit_on(app, &ctx, r.0.actor(), submission, cmd, "member-not-found").await? {
        Ok(()) => go(format!("/members/{id}"), "success", done),
        Err(errors) => again(&card_page(app, ctx, id, errors).await?),
    }
}

#[derive(FromForm)]
pub(super) struct ArchiveForm {
    #[field(default = true)]
    archived: bool,
}

#[post("/<id>/archive", data = "<form>", rank = 2)]
pub(super) async fn archive(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<ArchiveForm>) -> Page {
    let archived = form.0.archived;
    let done = ctx.t(if archived { "member-archived" } else { "member-restored" });
    let cmd = AnyCommand::SetMemberArchived(SetMemberArchived { member_id: id.clone(), archived });
    on_card(app, &r, ctx, id, &form.1, cmd, done).await
}

/// Deletes a member entered by mistake; one with history is archived instead, and told so.
#[post("/<id>/delete", data = "<form>", rank = 2)]
pub(super) async fn delete(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::DeleteMember(DeleteMember { member_id: id.clone() });
    match app.submit(&form.1, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/members", "success", ctx.t("member-deleted")),
        Outcome::Rejected(rej) if rej.code == "member-has-history" => {
            let cmd = AnyCommand::SetMemberArchived(SetMemberArchived { member_id: id.clone(), archived: true });
            let told = rejection_text(ctx.locale, &rej);
            on_card(app, &r, ctx, id, &Submission::new(Uuid::now_v7(), &[]), cmd, told).await
        }
        Outcome::Rejected(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => go(format!("/members/{id}"), "error", rejection_text(ctx.locale, &rej)),
    }
}

#[derive(FromForm)]
pub(super) struct OtherForm {
    /// The other member's card number.
    #[field(default = String::new())]
    card: String,
    /// For links: "guardian" (the other is this member's guardian) or "child".
    #[field(default = String::new())]
    relation: String,
}

async fn by_card(app: &App, raw: &str) -> anyhow::Result<Option<Member>> {
    let Ok(n) = raw.trim().trim_start_matches('0').parse::<i64>() else { return Ok(None) };
    app.db.read(move |c| Ok(store::by_card(c, n)?)).await
}

async fn card_error(app: &App, ctx: PageCtx, id: String, code: &str) -> Page {
    let mut errors = FieldErrors::default();
    errors.rejection(ctx.locale, &Rejection::new(code).on("card"));
    again(&card_page(app, ctx, id, errors).await?)
}

/// Merges the member with the given card number into this one.
#[post("/<id>/merge", data = "<form>", rank = 2)]
pub(super) async fn merge(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<OtherForm>) -> Page {
    let Some(dup) = by_card(app, &form.0.card).await? else {
        return card_error(app, ctx, id, "card-not-found").await;
    };
    let done = ctx.ta("member-merged-done", "name", &dup.full_name);
    let cmd = AnyCommand::MergeMembers(MergeMembers { keep_id: id.clone(), merge_id: dup.id });
    on_card(app, &r, ctx, id, &form.1, cmd, done).await
}

#[post("/<id>/links", data = "<form>", rank = 2)]
pub(super) async fn link(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<OtherForm>) -> Page {
    let Some(other) = by_card(app, &form.0.card).await? else {
        return card_error(app, ctx, id, "card-not-found").await;
    };
    let (guardian_id, child_id) =
        if form.0.relation == "guardian" { (other.id, id.clone()) } else { (id.clone(), other.id) };
    let cmd = AnyCommand::LinkFamily(LinkFamily { link_id: Uuid::now_v7().to_string(), guardian_id, child_id });
    let done = ctx.t("link-added");
    on_card(app, &r, ctx, id, &form.1, cmd, done).await
}

#[post("/<id>/links/<link_id>/remove", data = "<form>")]
pub(super) async fn unlink(
    r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    id: String,
    link_id: String,
    form: Csrf<NoFields>,
) -> Page {
    let done = ctx.t("link-removed");
    on_card(app, &r, ctx, id, &form.1, AnyCommand::UnlinkFamily(UnlinkFamily { link_id }), done).await
}
