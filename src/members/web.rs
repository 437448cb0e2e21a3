//! Member pages (reception and up): search as you type, the member card, the form, family,
//! archive, merge; categories (managers).

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::http::Status;
use rocket::serde::json::{Json, Value, json};
use rocket::{Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::{
    CreateCategory, CreateMember, DeleteMember, LinkFamily, MergeMembers, SetMemberArchived, UnlinkFamily,
    UpdateCategory, UpdateMember,
};
use super::model::{MemberDraft, card_label, display_phone, parse_tags};
use super::store::{self, Category, Member};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::core::{Outcome, Rejection};
use crate::error::AppError;
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, again, fresh_id, go, rejection_text};
use crate::web::guards::{Manager, Reception};
use crate::web::page::{Html, PageCtx, ok, render};

pub const SEARCH_LIMIT: usize = 30;

/// A member as lists show them.
pub struct Row {
    pub id: String,
    pub card: String,
    pub name: String,
    pub phone: String,
    pub category: String,
    pub tags: String,
    pub archived: bool,
}

impl From<&Member> for Row {
    fn from(m: &Member) -> Row {
        Row {
            id: m.id.clone(),
            card: card_label(m.card_no),
            name: m.full_name.clone(),
            phone: m.phone.as_deref().map(display_phone).unwrap_or_default(),
            category: m.category.clone().unwrap_or_default(),
            tags: m.tags.join(", "),
            archived: m.archived,
        }
    }
}

/// Card numbers as printed on cards: six digits.
// ---- list and search ----

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    archived: bool,
    rows: Vec<Row>,
    active_count: i64,
    archived_count: i64,
}

#[derive(Template)]
#[template(path = "members/rows.html")]
struct RowsFragment {
    ctx: PageCtx,
    rows: Vec<Row>,
    q: String,
}

async fn find(app: &App, q: String, archived: bool) -> anyhow::Result<Vec<Row>> {
    let index = app.member_index.clone();
    app.db
        .read(move |c| {
            let found = if q.trim().is_empty() {
                store::first_by_name(c, archived, SEARCH_LIMIT)?
            } else {
                index.search(c, &q, archived, SEARCH_LIMIT)?
            };
            Ok(found.iter().map(Row::from).collect())
        })
        .await
}

#[get("/?<q>&<archived>")]
async fn list(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    q: Option<String>,
    archived: Option<bool>,
) -> Result<Html, AppError> {
    let q = q.unwrap_or_default();
    let archived = archived.unwrap_or(false);
    let rows = find(app, q.clone(), archived).await?;
    let (active_count, archived_count) = app.db.read(|c| Ok(store::count(c)?)).await?;
    ok(&ListPage { ctx, q, archived, rows, active_count, archived_count })
}

/// The result rows alone, for search as you type.
#[get("/search?<q>&<archived>")]
async fn search(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    q: Option<String>,
    archived: Option<bool>,
) -> Result<Html, AppError> {
    let q = q.unwrap_or_default();
    let rows = find(app, q.clone(), archived.unwrap_or(false)).await?;
    ok(&RowsFragment { ctx, rows, q })
}

/// Members for pickers (booking form, family links): JSON for the page's script.
#[get("/suggest?<q>")]
async fn suggest(_r: Reception, app: &State<App>, q: Option<String>) -> Result<Json<Value>, AppError> {
    let q = q.unwrap_or_default();
    let index = app.member_index.clone();
    let found = app.db.read(move |c| Ok(index.search(c, &q, false, 10)?)).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|m| json!({ "id": m.id, "name": m.full_name, "card": card_label(m.card_no), "phone": m.phone.as_deref().map(display_phone) }))
        .collect();
    Ok(Json(json!({ "members": items })))
}

// ---- the member form ----

#[derive(FromForm, Default)]
struct MemberForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    full_name: String,
    #[field(default = String::new())]
    phone: String,
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    birth_date: String,
    #[field(default = String::new())]
    category_id: String,
    #[field(default = String::new())]
    tags: String,
    #[field(default = String::new())]
    notes: String,
    #[field(default = false)]
    sms_consent: bool,
}

impl MemberForm {
    fn from_member(m: &Member) -> MemberForm {
        MemberForm {
            command_id: fresh_id(),
            full_name: m.full_name.clone(),
            phone: m.phone.as_deref().map(display_phone).unwrap_or_default(),
            email: m.email.clone(),
            birth_date: m.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            category_id: m.category_id.clone().unwrap_or_default(),
            tags: m.tags.join(", "),
            notes: m.notes.clone(),
            sms_consent: m.sms_consent,
        }
    }

    fn parse(&self, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<MemberDraft> {
        let birth_date = match self.birth_date.trim() {
            "" => None,
            raw => match raw.parse::<Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(ctx.locale, "birth_date", "birth-date-invalid");
                    return None;
                }
            },
        };
        let draft = MemberDraft {
            full_name: self.full_name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            birth_date,
            category_id: Some(self.category_id.clone()),
            tags: parse_tags(&self.tags),
            notes: self.notes.clone(),
            sms_consent: self.sms_consent,
        }
        .tidy();
        let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
        if let Err(problems) = draft.validate(today) {
            for (field, code) in problems {
                errors.add(ctx.locale, field, code);
            }
            return None;
        }
        Some(draft)
    }
}

#[derive(Template)]
#[template(path = "members/form.html")]
struct FormPage {
    ctx: PageCtx,
    member_id: Option<String>,
    form: MemberForm,
    categories: Vec<Category>,
    errors: FieldErrors,
}

impl FormPage {
    fn action(&self) -> String {
        self.member_id.as_ref().map_or_else(|| "/members".to_owned(), |id| format!("/members/{id}"))
    }

    fn category_options(&self) -> Vec<(&str, &str, bool)> {
        self.categories
            .iter()
            .filter(|c| c.active || c.id == self.form.category_id)
            .map(|c| (c.id.as_str(), c.name.as_str(), c.id == self.form.category_id))
            .collect()
    }
}

async fn categories(app: &App) -> anyhow::Result<Vec<Category>> {
    app.db.read(|c| Ok(store::categories(c)?)).await
}

#[get("/new?<name>")]
async fn new_page(_r: Reception, ctx: PageCtx, app: &State<App>, name: Option<String>) -> Result<Html, AppError> {
    // A search that found nobody offers "add": the typed text becomes the name (or the phone).
    let typed = name.unwrap_or_default();
    let looks_like_phone = !typed.is_empty() && typed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let form = MemberForm {
        command_id: fresh_id(),
        full_name: if looks_like_phone { String::new() } else { typed.clone() },
        phone: if looks_like_phone { typed } else { String::new() },
        sms_consent: true,
        ..<MemberForm as Default>::default()
    };
    ok(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors: FieldErrors::default() })
}

#[post("/", data = "<form>")]
async fn create(r: Reception, ctx: PageCtx, app: &State<App>, form: Csrf<MemberForm>) -> Page {
    let Csrf(mut form, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(draft) = form.parse(&ctx, &mut errors) else {
        form.command_id = fresh_id();
        return again(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors });
    };
    // The new member's id is the command id: a repeated submit lands on the same card.
    let id = sub.id;
    let cmd = AnyCommand::CreateMember(CreateMember { member_id: id.to_string(), member: draft });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => {
            go(format!("/members/{id}"), "success", ctx.ta("member-created", "name", &form.full_name))
        }
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form.command_id = fresh_id();
            again(&FormPage { ctx, member_id: None, form, categories: categories(app).await?, errors })
        }
    }
}

async fn member_or_404(app: &App, id: String) -> Result<Member, AppError> {
    app.db.read(move |c| Ok(store::member(c, &id)?)).await?.ok_or(AppError::NotFound)
}

#[get("/<id>/edit")]
async fn edit_page(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let m = member_or_404(app, id).await?;
    ok(&FormPage {
        ctx,
        member_id: Some(m.id.clone()),
        form: MemberForm::from_member(&m),
        categories: categories(app).await?,
        errors: FieldErrors::default(),
    })
}

#[post("/<id>", data = "<form>")]
async fn update(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<MemberForm>) -> Page {
    let Csrf(mut form, sub) = form;
    let mut errors = FieldErrors::default();
    let Some(draft) = form.parse(&ctx, &mut errors) else {
        form.command_id = fresh_id();
        return again(&FormPage { ctx, member_id: Some(id), form, categories: categories(app).await?, errors });
    };
    let cmd = AnyCommand::UpdateMember(UpdateMember { member_id: id.clone(), member: draft });
    match app.submit(&sub, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/members/{id}"), "success", ctx.t("member-saved")),
        Outcome::Rejected(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            errors.rejection(ctx.locale, &rej);
            form.command_id = fresh_id();
            again(&FormPage { ctx, member_id: Some(id), form, categories: categories(app).await?, errors })
        }
    }
}

// ---- the member card ----

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

struct HistoryLine {
    at: jiff::Timestamp,
    who: String,
    what: String,
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
    history: Vec<HistoryLine>,
    command_id: String,
    errors: FieldErrors,
    /// The member's account balance (money the club holds for them; negative: they owe).
    balance: i64,
    /// Passes still valid (not refunded, not past their last day).
    passes: Vec<crate::passes::store::StoredPass>,
    /// The latest SMS to this member, and whether they asked for none.
    sms: Vec<crate::sms::store::Message>,
    sms_opted_out: bool,
}

impl CardPage {
    fn sms_status(&self, m: &crate::sms::store::Message) -> String {
        self.ctx.t(&format!("sms-status-{}", m.status.as_str()))
    }

    fn age(&self) -> Option<i16> {
        let born = self.m.birth_date?;
        let today = self.ctx.now.to_zoned_datetime(self.ctx.tz.clone()).date();
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
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let (m, merged_into, relatives, records, bookings, balance, passes, (sms, sms_opted_out)) = app
        .db
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
            let records = crate::core::commands_mentioning(c, &m.id, 50)?;
            let courts = crate::courts::store::courts(c)?;
            let bookings: Vec<(crate::bookings::store::Booking, String)> =
                crate::bookings::store::of_member(c, &m.id, 100)?
                    .into_iter()
                    .map(|b| {
                        let court = courts
                            .iter()
                            .find(|k| k.id == b.court_id)
                            .map(|k| k.draft.name.clone())
                            .unwrap_or_default();
                        (b, court)
                    })
                    .collect();
            let balance = crate::payments::store::balance(c, &m.id)?;
            let passes = crate::passes::store::live_passes(c, &[m.id.as_str()], today)?;
            let sms = (crate::sms::store::of_member(c, &m.id, 20)?, crate::sms::store::is_opted_out(c, &m.id)?);
            Ok(Some((m, merged_into, relatives, records, bookings, balance, passes, sms)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let history = records
        .into_iter()
        .map(|r| {
            let mut what = ctx.t(&format!("kind-{}", r.kind));
            if let Outcome::Rejected(rej) = &r.outcome {
                what = format!("{what} — {}", rejection_text(ctx.locale, rej));
            }
            HistoryLine { at: r.executed_at, who: r.actor_name, what }
        })
        .collect();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for (b, court) in bookings {
        let slot = crate::bookings::model::LocalSlot::from_instants(b.starts_at, b.ends_at, &ctx.tz);
        let line = BookingLine {
            id: b.id.clone(),
            when: format!("{} {}", crate::i18n::date(ctx.locale, slot.day), slot.start),
            court,
            status: ctx.t(&format!("status-{}", b.status.as_str())),
            cancelled: b.status == crate::bookings::model::Status::Cancelled,
        };
        if b.ends_at > ctx.now { upcoming.push(line) } else { past.push(line) }
    }
    upcoming.reverse();
    Ok(CardPage {
        ctx,
        row: Row::from(&m),
        merged_into: merged_into.as_ref().map(Row::from),
        m,
        relatives,
        upcoming,
        past,
        history,
        command_id: fresh_id(),
        errors,
        balance,
        passes,
        sms,
        sms_opted_out,
    })
}

#[get("/<id>")]
async fn card(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
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
    match app.submit(submission, r.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go(format!("/members/{id}"), "success", done),
        Outcome::Rejected(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &rej);
            again(&card_page(app, ctx, id, errors).await?)
        }
    }
}

#[derive(FromForm)]
struct ArchiveForm {
    #[field(default = true)]
    archived: bool,
}

#[post("/<id>/archive", data = "<form>", rank = 2)]
async fn archive(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<ArchiveForm>) -> Page {
    let archived = form.0.archived;
    let done = ctx.t(if archived { "member-archived" } else { "member-restored" });
    let cmd = AnyCommand::SetMemberArchived(SetMemberArchived { member_id: id.clone(), archived });
    on_card(app, &r, ctx, id, &form.1, cmd, done).await
}

/// Deletes a member entered by mistake; one with history is archived instead, and told so.
#[post("/<id>/delete", data = "<form>", rank = 2)]
async fn delete(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<NoFields>) -> Page {
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
struct OtherForm {
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
async fn merge(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<OtherForm>) -> Page {
    let Some(dup) = by_card(app, &form.0.card).await? else {
        return card_error(app, ctx, id, "card-not-found").await;
    };
    let done = ctx.ta("member-merged-done", "name", &dup.full_name);
    let cmd = AnyCommand::MergeMembers(MergeMembers { keep_id: id.clone(), merge_id: dup.id });
    on_card(app, &r, ctx, id, &form.1, cmd, done).await
}

#[post("/<id>/links", data = "<form>", rank = 2)]
async fn link(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<OtherForm>) -> Page {
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
async fn unlink(
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

// ---- categories ----

#[derive(Template)]
#[template(path = "members/categories.html")]
struct CategoriesPage {
    ctx: PageCtx,
    categories: Vec<Category>,
    command_id: String,
    name: String,
    errors: FieldErrors,
}

#[get("/categories")]
async fn categories_page(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&CategoriesPage {
        ctx,
        categories: categories(app).await?,
        command_id: fresh_id(),
        name: String::new(),
        errors: FieldErrors::default(),
    })
}

#[derive(FromForm)]
struct CategoryForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = false)]
    active: bool,
}

async fn run_category(
    app: &App,
    m: &Manager,
    ctx: PageCtx,
    (form, sub): (CategoryForm, Submission),
    cmd: AnyCommand,
) -> Page {
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/members/categories", "success", ctx.t("category-saved")),
        Outcome::Rejected(rej) => {
            let mut errors = FieldErrors::default();
            errors.rejection(ctx.locale, &rej);
            again(&CategoriesPage {
                ctx,
                categories: categories(app).await?,
                command_id: fresh_id(),
                name: form.name,
                errors,
            })
        }
    }
}

#[post("/categories", data = "<form>")]
async fn create_category(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<CategoryForm>) -> Page {
    let Csrf(f, sub) = form;
    let cmd =
        AnyCommand::CreateCategory(CreateCategory { category_id: Uuid::now_v7().to_string(), name: f.name.clone() });
    run_category(app, &m, ctx, (f, sub), cmd).await
}

#[post("/categories/<cid>", data = "<form>")]
async fn update_category(m: Manager, ctx: PageCtx, app: &State<App>, cid: String, form: Csrf<CategoryForm>) -> Page {
    let Csrf(f, sub) = form;
    let cmd = AnyCommand::UpdateCategory(UpdateCategory { category_id: cid, name: f.name.clone(), active: f.active });
    run_category(app, &m, ctx, (f, sub), cmd).await
}

pub fn routes() -> Vec<Route> {
    routes![
        list,
        search,
        suggest,
        new_page,
        create,
        edit_page,
        update,
        card,
        archive,
        delete,
        merge,
        link,
        unlink,
        categories_page,
        create_category,
        update_category,
        export,
        import_page,
        import_preview,
        import_confirm
    ]
}

// ---- CSV export and import (managers) ----

#[derive(rocket::Responder)]
#[response(content_type = "text/csv")]
struct CsvFile {
    body: Vec<u8>,
    disposition: rocket::http::Header<'static>,
}

#[get("/export.csv")]
async fn export(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<CsvFile, AppError> {
    let members = app.db.read(|c| Ok(store::all(c, true)?)).await?;
    let body = super::csv_io::export(&members)?;
    let day = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let disposition =
        rocket::http::Header::new("Content-Disposition", format!("attachment; filename=\"members-{day}.csv\""));
    Ok(CsvFile { body, disposition })
}

struct PreviewRow {
    line: usize,
    name: String,
    phone: String,
    category: String,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "members/import.html")]
struct ImportPage {
    ctx: PageCtx,
    command_id: String,
    text: String,
    rows: Vec<PreviewRow>,
    good: usize,
    error: Option<String>,
}

impl ImportPage {
    fn empty(ctx: PageCtx) -> ImportPage {
        ImportPage { ctx, command_id: fresh_id(), text: String::new(), rows: Vec::new(), good: 0, error: None }
    }

    fn bad(&self) -> usize {
        self.rows.len() - self.good
    }
}

#[get("/import")]
async fn import_page(_m: Manager, ctx: PageCtx) -> Result<Html, AppError> {
    ok(&ImportPage::empty(ctx))
}

/// Reads an import file against the current club: rows as they would be imported, with what
/// is wrong with the others. Nothing is written.
async fn examine(
    app: &App,
    ctx: &PageCtx,
    text: String,
) -> anyhow::Result<Result<Vec<(super::csv_io::ImportRow, Option<String>)>, &'static str>> {
    use super::csv_io::{ReadError, read};
    let today = ctx.now.to_zoned_datetime(ctx.tz.clone()).date();
    let rows = match read(&text, today) {
        Ok(rows) => rows,
        Err(ReadError::Empty) => return Ok(Err("import-empty")),
        Err(ReadError::NoNameColumn) => return Ok(Err("import-no-name-column")),
        Err(ReadError::TooManyRows) => return Ok(Err("import-too-many")),
        Err(ReadError::Unreadable) => return Ok(Err("import-unreadable")),
    };
    let region = ctx.club.phone_region.clone();
    app.db
        .read(move |c| {
            let cats = store::categories(c)?;
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for mut row in rows {
                let mut category_id = None;
                if !row.category.is_empty() {
                    match cats.iter().find(|k| k.name.to_lowercase() == row.category.to_lowercase()) {
                        Some(k) => category_id = Some(k.id.clone()),
                        None => row.problems.push("import-category-unknown"),
                    }
                }
                row.draft.category_id = category_id;
                match super::model::normalize_phone(&row.draft.phone, &region) {
                    Err(code) => row.problems.push(code),
                    Ok(Some(p)) => {
                        if store::active_by_phone(c, &p)?.is_some() || !seen.insert(p.clone()) {
                            row.problems.push("import-phone-taken");
                        }
                    }
                    Ok(None) => {}
                }
                let phone = super::model::normalize_phone(&row.draft.phone, &region).ok().flatten();
                out.push((row, phone));
            }
            Ok(Ok(out))
        })
        .await
}

#[derive(FromForm)]
struct ImportUpload<'r> {
    #[field(default = String::new())]
    csrf: String,
    file: Option<rocket::fs::TempFile<'r>>,
}

#[post("/import", data = "<form>")]
async fn import_preview(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    form: rocket::form::Form<ImportUpload<'_>>,
) -> Result<Html, AppError> {
    // Multipart forms bypass the Csrf guard (it reads url-encoded bodies), so check here.
    if !crate::auth::tokens::same_secret(&form.csrf, &ctx.csrf) {
        return Err(AppError::Forbidden);
    }
    let mut page = ImportPage::empty(ctx);
    let text = match &form.file {
        Some(file) if file.len() > 0 => read_upload(file).await,
        _ => None,
    };
    let Some(text) = text else {
        page.error = Some(page.ctx.t("import-choose-file"));
        return render(Status::UnprocessableEntity, &page);
    };
    match examine(app, &page.ctx, text.clone()).await? {
        Err(code) => {
            page.error = Some(page.ctx.t(code));
            render(Status::UnprocessableEntity, &page)
        }
        Ok(rows) => {
            page.good = rows.iter().filter(|(r, _)| r.problems.is_empty()).count();
            page.rows = rows
                .into_iter()
                .map(|(r, phone)| PreviewRow {
                    line: r.line,
                    name: r.draft.full_name,
                    phone: phone.as_deref().map(display_phone).unwrap_or(r.draft.phone),
                    category: r.category,
                    problems: r.problems.iter().map(|p| page.ctx.t(p)).collect(),
                })
                .collect();
            page.text = text;
            ok(&page)
        }
    }
}

async fn read_upload(file: &rocket::fs::TempFile<'_>) -> Option<String> {
    use rocket::tokio::io::AsyncReadExt;
    let mut bytes = Vec::new();
    file.open().await.ok()?.read_to_end(&mut bytes).await.ok()?;
    // Spreadsheets on Windows may save Windows-1251; only UTF-8 is read, with a clear message otherwise.
    String::from_utf8(bytes).ok()
}

#[derive(FromForm)]
struct ImportConfirm {
    #[field(default = String::new())]
    text: String,
}

#[post("/import/confirm", data = "<form>")]
async fn import_confirm(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ImportConfirm>) -> Page {
    let Csrf(f, sub) = form;
    let rows = match examine(app, &ctx, f.text.clone()).await? {
        Ok(rows) => rows,
        Err(code) => return go("/members/import", "error", ctx.t(code)),
    };
    let good: Vec<super::commands::ImportedMember> = rows
        .into_iter()
        .filter(|(r, _)| r.problems.is_empty())
        .map(|(r, _)| super::commands::ImportedMember {
            line: r.line,
            member_id: Uuid::now_v7().to_string(),
            member: r.draft,
        })
        .collect();
    let count = good.len();
    let cmd = AnyCommand::ImportMembers(super::commands::ImportMembers { rows: good });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => go("/members", "success", ctx.ta("import-done", "count", count)),
        Outcome::Rejected(rej) => {
            let line = rej.args.iter().find(|(k, _)| k == "line").map(|(_, v)| v.clone()).unwrap_or_default();
            let why = rejection_text(ctx.locale, &rej);
            let message = if line.is_empty() { why } else { format!("{} {why}", ctx.ta("import-row", "line", line)) };
            go("/members/import", "error", message)
        }
    }
}
