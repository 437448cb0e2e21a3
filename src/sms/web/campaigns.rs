//! Campaigns (managers): compose with a live segment count and a cost estimate, pick the
//! audience, preview who gets it and who is left out and why, send now or at a time, and follow
//! delivery per recipient, with a CSV export. Also the delivery report over a period.

use askama::Template;
use jiff::civil::{Date, DateTime};
use rocket::form::FromForm;
use rocket::http::Status as Http;
use rocket::response::{Flash, Redirect};
use rocket::{Either, Route, State, get, post, routes};

use super::show_cost;
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::{Actor, Outcome};
use crate::error::AppError;
use crate::export::Csv;
use crate::members::store::{self as members, Category};
use crate::sms::audience::{Audience, LeftOut, Resolved};
use crate::sms::commands::{CampaignPlan, CancelCampaign, CreateCampaign};
use crate::sms::model::{self, Encoding, Status};
use crate::sms::store::{self, Campaign, Counts, Message};
use crate::web::forms::{Csrf, FieldErrors, NoFields, Page, fresh_id};
use crate::web::guards::Manager;
use crate::web::page::{CsvFile, Html, PageCtx, ok, render};
use crate::web::period::PeriodQuery;

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Delivered => "ok",
        Status::Failed | Status::Rejected | Status::Expired => "bad",
        _ => "",
    }
}

/// The reason shown for a message that did not arrive (or waits).
fn reason(ctx: &PageCtx, m: &Message) -> String {
    let code = m.error.clone().unwrap_or_default();
    let id = format!("sms-reason-{code}");
    let known = if crate::i18n::has(ctx.locale, &id) { ctx.t(&id) } else { code };
    match &m.error_note {
        Some(note) if !note.is_empty() => format!("{known} ({note})").trim().to_owned(),
        _ => known,
    }
}

// ---- overview ----

#[derive(Template)]
#[template(path = "sms/campaigns.html")]
struct ListPage {
    ctx: PageCtx,
    campaigns: Vec<(Campaign, Counts)>,
}

impl ListPage {
    fn cost(&self, c: &Counts) -> String {
        show_cost(Some(c.cost_micros), c.cost_currency.as_deref(), &self.ctx.club.currency)
    }

    fn state(&self, c: &Campaign, n: &Counts) -> String {
        let key = if c.status == "cancelled" {
            "cancelled-state"
        } else if c.send_at > self.ctx.now {
            "scheduled"
        } else if n.pending > 0 {
            "sending"
        } else {
            "done"
        };
        self.ctx.t(&format!("sms-campaign-{key}"))
    }
}

#[get("/")]
async fn list(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let campaigns = app
        .db
        .read(|c| {
            store::campaigns(c, 100)?
                .into_iter()
                .map(|camp| {
                    let n = store::campaign_counts(c, &camp.id)?;
                    Ok((camp, n))
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .await?;
    ok(&ListPage { ctx, campaigns })
}

// ---- compose ----

#[derive(FromForm, Clone)]
struct ComposeForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    text: String,
    #[field(default = String::new())]
    by: String,
    #[field(default = String::new())]
    category_id: String,
    #[field(default = String::new())]
    tag: String,
    #[field(default = String::new())]
    played_from: String,
    #[field(default = String::new())]
    played_to: String,
    #[field(default = String::new())]
    pasted: String,
    #[field(default = String::new())]
    send_at: String,
    /// The number of recipients the manager saw in the preview and confirmed.
    confirmed_recipients: Option<usize>,
}

impl ComposeForm {
    fn blank() -> ComposeForm {
        ComposeForm {
            command_id: fresh_id(),
            name: String::new(),
            text: String::new(),
            by: "all_active".into(),
            category_id: String::new(),
            tag: String::new(),
            played_from: String::new(),
            played_to: String::new(),
            pasted: String::new(),
            send_at: String::new(),
            confirmed_recipients: None,
        }
    }
}

#[derive(Template)]
#[template(path = "sms/compose.html")]
struct ComposePage {
    ctx: PageCtx,
    form: ComposeForm,
    errors: FieldErrors,
    categories: Vec<Category>,
    /// The campaign as it would go out, shown with the button that sends it.
    preview: Option<CampaignPlan>,
    /// The recipients confirmed earlier when the audience has changed since.
    confirmed_before: Option<usize>,
    cost_per_part: Option<(i64, String)>,
}

impl ComposePage {
    fn by_options(&self) -> [&'static str; 6] {
        ["all_active", "category", "tag", "played", "passes", "pasted"]
    }

    fn by_name(&self, by: &&str) -> String {
        self.ctx.t(&format!("sms-audience-{by}"))
    }

    fn counter(&self) -> String {
        let s = model::segments(self.form.text.trim());
        let key = if s.encoding == Encoding::Gsm7 { "sms-count-gsm" } else { "sms-count-ucs" };
        crate::i18n::tr_args(self.ctx.locale, key, &[("parts", &s.parts.to_string()), ("units", &s.units.to_string())])
    }

    fn counter_template(&self, key: &str) -> String {
        crate::i18n::tr_args(self.ctx.locale, key, &[("parts", "{parts}"), ("units", "{units}")])
    }

    /// Recipients × parts × what a part cost lately.
    fn estimate(&self, p: &Resolved) -> String {
        let parts = model::segments(self.form.text.trim()).parts as i64;
        let total = p.recipients.len() as i64 * parts;
        match &self.cost_per_part {
            Some((micros, cur)) => self.ctx.ta(
                "sms-estimate",
                "amount",
                show_cost(Some(micros * total), Some(cur), &self.ctx.club.currency),
            ),
            None => self.ctx.t("sms-estimate-none"),
        }
    }

    fn parts_total(&self, p: &Resolved) -> usize {
        p.recipients.len() * model::segments(self.form.text.trim()).parts
    }

    fn left_out_name(&self, why: &LeftOut) -> String {
        self.ctx.t(&format!("sms-left-{}", why.as_str()))
    }

    /// What the send button will do, in one sentence: to whom, when and at what cost.
    fn confirmation(&self, p: &CampaignPlan) -> String {
        let when = if p.send_at > self.ctx.now {
            let at = crate::i18n::datetime(self.ctx.locale, p.send_at, &self.ctx.tz);
            self.ctx.ta("sms-confirm-at", "when", at)
        } else {
            self.ctx.t("sms-confirm-now")
        };
        let count = p.resolved.recipients.len().to_string();
        let args = [("name", self.form.name.trim()), ("count", count.as_str()), ("when", when.as_str())];
        crate::i18n::tr_args(self.ctx.locale, "sms-confirm-send", &args)
    }
}

async fn compose_page(
    app: &App,
    ctx: PageCtx,
    form: ComposeForm,
    errors: FieldErrors,
    preview: Option<CampaignPlan>,
) -> Result<ComposePage, AppError> {
    let (categories, cost_per_part) =
        app.db.read(|c| Ok((members::categories(c)?, store::recent_cost_per_part(c)?))).await?;
    Ok(ComposePage { ctx, form, errors, categories, preview, confirmed_before: None, cost_per_part })
}

#[get("/campaigns/new")]
async fn new(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&compose_page(app, ctx, ComposeForm::blank(), FieldErrors::default(), None).await?)
}

fn parse_audience(f: &ComposeForm, ctx: &PageCtx, errors: &mut FieldErrors) -> Option<Audience> {
    let day = |field: &str, text: &str, errors: &mut FieldErrors| -> Option<Date> {
        text.trim().parse().ok().or_else(|| {
            errors.add(ctx.locale, field, "date-invalid");
            None
        })
    };
    match f.by.as_str() {
        "all_active" => Some(Audience::AllActive),
        "category" if !f.category_id.is_empty() => Some(Audience::Category { category_id: f.category_id.clone() }),
        "category" => {
            errors.add(ctx.locale, "category_id", "sms-audience-category-required");
            None
        }
        "tag" if !f.tag.trim().is_empty() => Some(Audience::Tag { tag: f.tag.trim().to_owned() }),
        "tag" => {
            errors.add(ctx.locale, "tag", "sms-audience-tag-required");
            None
        }
        "played" => {
            let from = day("played_from", &f.played_from, errors);
            let to = day("played_to", &f.played_to, errors);
            match (from, to) {
                (Some(from), Some(to)) if from <= to => Some(Audience::PlayedBetween { from, to }),
                (Some(_), Some(_)) => {
                    errors.add(ctx.locale, "played_to", "sms-audience-range");
                    None
                }
                _ => None,
            }
        }
        "passes" => Some(Audience::PassHolders { on: ctx.club_day() }),
        "pasted" if !f.pasted.trim().is_empty() => Some(Audience::Pasted { text: f.pasted.clone() }),
        "pasted" => {
            errors.add(ctx.locale, "pasted", "sms-audience-pasted-required");
            None
        }
        _ => {
            errors.add(ctx.locale, "by", "sms-audience-choose");
            None
        }
    }
}

/// The audience and send time of a submitted form, or the form again with its messages.
fn parse_form(f: &ComposeForm, ctx: &PageCtx) -> Result<(Audience, Option<jiff::Timestamp>), FieldErrors> {
    let mut errors = FieldErrors::default();
    let audience = parse_audience(f, ctx, &mut errors);
    let send_at = match f.send_at.trim() {
        "" => None,
        text => match text.parse::<DateTime>().ok().and_then(|d| d.to_zoned_datetime(ctx.tz.clone()).ok()) {
            Some(z) => Some(z.timestamp()),
            None => {
                errors.add(ctx.locale, "send_at", "sms-send-at-invalid");
                None
            }
        },
    };
    match audience {
        Some(a) if errors.is_empty() => Ok((a, send_at)),
        _ => Err(errors),
    }
}

/// The campaign the form describes, checked and its audience resolved without writing
/// anything; or the form's mistakes.
async fn plan(
    app: &App,
    ctx: &PageCtx,
    actor: Actor,
    form: &ComposeForm,
) -> Result<Result<(CreateCampaign, CampaignPlan), FieldErrors>, AppError> {
    let (audience, send_at) = match parse_form(form, ctx) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let cmd = CreateCampaign {
        campaign_id: form.command_id.clone(),
        name: form.name.clone(),
        text: form.text.clone(),
        audience,
        send_at,
    };
    let now = ctx.now;
    let (planned, cmd) = app
        .db
        .read(move |c| {
            let planned = crate::core::dry_run(c, &actor, now, |ctx| cmd.plan(ctx))?;
            Ok((planned, cmd))
        })
        .await?;
    Ok(match planned {
        Ok(plan) => Ok((cmd, plan)),
        Err(r) => Err(FieldErrors::of_rejection(ctx, &r)),
    })
}

/// The form again with its mistakes (422).
async fn mistakes(app: &App, ctx: PageCtx, form: ComposeForm, errors: FieldErrors) -> Page {
    Ok(Either::Left(render(Http::UnprocessableEntity, &compose_page(app, ctx, form, errors, None).await?)?))
}

// The preview has its own address (the compose form's action); sending is only offered on the
// preview, naming the recipients and the cost, and takes exactly what was previewed.
#[post("/campaigns/preview", data = "<form>")]
async fn preview(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ComposeForm>) -> Page {
    let form = form.0;
    match plan(app, &ctx, m.0.actor(), &form).await? {
        Ok((_, planned)) => {
            let form = ComposeForm { confirmed_recipients: None, ..form };
            Ok(Either::Left(render(
                Http::Ok,
                &compose_page(app, ctx, form, FieldErrors::default(), Some(planned)).await?,
            )?))
        }
        Err(errors) => mistakes(app, ctx, form, errors).await,
    }
}

#[post("/campaigns", data = "<form>")]
async fn create(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ComposeForm>) -> Page {
    let Csrf(form, sub) = form;
    let (cmd, planned) = match plan(app, &ctx, m.0.actor(), &form).await? {
        Ok(p) => p,
        Err(errors) => return mistakes(app, ctx, form, errors).await,
    };
    // Not previewed, or the audience changed since: the preview (again), never a send.
    let count = planned.resolved.recipients.len();
    if form.confirmed_recipients != Some(count) {
        let before = form.confirmed_recipients;
        let status = if before.is_some() { Http::Conflict } else { Http::Ok };
        let form = ComposeForm { confirmed_recipients: None, ..form };
        let mut page = compose_page(app, ctx, form, FieldErrors::default(), Some(planned)).await?;
        page.confirmed_before = before;
        return Ok(Either::Left(render(status, &page)?));
    }
    let id = sub.id;
    let cmd = AnyCommand::CreateCampaign(CreateCampaign { campaign_id: id.to_string(), ..cmd });
    match app.submit(&sub, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Ok(Either::Right(Flash::success(
            Redirect::to(format!("/sms/campaigns/{id}")),
            ctx.t("sms-campaign-created"),
        ))),
        Outcome::Rejected(r) => {
            let errors = FieldErrors::of_rejection(&ctx, &r);
            // A refused id is spent; the next try needs a fresh one.
            mistakes(app, ctx, ComposeForm { command_id: fresh_id(), ..form }, errors).await
        }
    }
}

// ---- one campaign ----

#[derive(Template)]
#[template(path = "sms/campaign.html")]
struct CampaignPage {
    ctx: PageCtx,
    c: Campaign,
    n: Counts,
    rows: Vec<Message>,
    command_id: String,
}

/// What the campaign page and the period report show of each message and of the totals.
trait MessageRows {
    fn ctx(&self) -> &PageCtx;
    fn counts(&self) -> &Counts;

    fn cost(&self, m: &Message) -> String {
        show_cost(m.cost_micros, m.cost_currency.as_deref(), &self.ctx().club.currency)
    }

    fn total_cost(&self) -> String {
        show_cost(Some(self.counts().cost_micros), self.counts().cost_currency.as_deref(), &self.ctx().club.currency)
    }

    fn status_name(&self, m: &Message) -> String {
        self.ctx().t(&format!("sms-status-{}", m.status.as_str()))
    }

    fn status_class(&self, m: &Message) -> &'static str {
        status_class(m.status)
    }

    fn reason(&self, m: &Message) -> String {
        reason(self.ctx(), m)
    }
}

impl MessageRows for CampaignPage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }

    fn counts(&self) -> &Counts {
        &self.n
    }
}

impl MessageRows for ReportPage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }

    fn counts(&self) -> &Counts {
        &self.n
    }
}

impl CampaignPage {
    fn done_pct(&self) -> i64 {
        if self.n.total == 0 { 100 } else { (self.n.total - self.n.pending) * 100 / self.n.total }
    }

    fn sending(&self) -> bool {
        self.c.status != "cancelled" && self.n.pending > 0
    }
}

async fn load_campaign(app: &App, id: &str) -> Result<Option<(Campaign, Counts, Vec<Message>)>, AppError> {
    let id = id.to_owned();
    Ok(app
        .db
        .read(move |c| {
            let Some(camp) = store::campaign(c, &id)? else { return Ok(None) };
            Ok(Some((camp, store::campaign_counts(c, &id)?, store::of_campaign(c, &id)?)))
        })
        .await?)
}

#[get("/campaigns/<id>", rank = 2)]
async fn show(_m: Manager, ctx: PageCtx, app: &State<App>, id: &str) -> Result<Option<Html>, AppError> {
    let Some((c, n, messages)) = load_campaign(app, id).await? else { return Ok(None) };
    Ok(Some(ok(&CampaignPage { ctx, c, n, rows: messages, command_id: fresh_id() })?))
}

#[post("/campaigns/<id>/cancel", data = "<form>")]
async fn cancel(m: Manager, ctx: PageCtx, app: &State<App>, id: &str, form: Csrf<NoFields>) -> Page {
    let cmd = AnyCommand::CancelCampaign(CancelCampaign { campaign_id: id.to_owned() });
    let to = Redirect::to(format!("/sms/campaigns/{id}"));
    Ok(Either::Right(match app.submit(&form.1, m.0.actor(), cmd).await?.outcome {
        Outcome::Applied { .. } => Flash::success(to, ctx.t("sms-campaign-cancelled")),
        Outcome::Rejected(r) => Flash::error(to, crate::i18n::rejection_text(ctx.locale, &r)),
    }))
}

fn csv_of(ctx: &PageCtx, name: &str, messages: &[Message]) -> Result<CsvFile, AppError> {
    let mut out = Csv::default();
    let head = [
        "sms-when",
        "sms-member",
        "sms-phone",
        "sms-kind",
        "sms-status",
        "sms-reason",
        "sms-parts",
        "sms-cost",
        "sms-text",
    ];
    out.row(head.iter().map(|h| ctx.t(h)))?;
    for m in messages {
        out.row([
            m.created_at.to_zoned_datetime(ctx.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string(),
            m.member_name.clone().unwrap_or_default(),
            m.phone.clone(),
            ctx.t(&format!("sms-kind-{}", m.kind.as_str())),
            ctx.t(&format!("sms-status-{}", m.status.as_str())),
            reason(ctx, m),
            m.segments.to_string(),
            m.cost_micros.map(model::show_micros).unwrap_or_default(),
            m.body_for_staff(),
        ])?;
    }
    Ok(CsvFile::new(name, out.finish()?))
}

#[get("/campaigns/<id>/export.csv")]
async fn campaign_csv(_m: Manager, ctx: PageCtx, app: &State<App>, id: &str) -> Result<CsvFile, AppError> {
    let (_, _, messages) = load_campaign(app, id).await?.ok_or(AppError::NotFound)?;
    csv_of(&ctx, &format!("sms-campaign-{}.csv", ctx.club_day()), &messages)
}

// ---- the period report ----

#[derive(Template)]
#[template(path = "sms/report.html")]
struct ReportPage {
    ctx: PageCtx,
    from: Date,
    to: Date,
    n: Counts,
    rows: Vec<Message>,
    /// This page (1 = the newest) and how many pages there are.
    page: i64,
    pages: i64,
}

impl ReportPage {
    fn kind_name(&self, m: &Message) -> String {
        self.ctx.t(&format!("sms-kind-{}", m.kind.as_str()))
    }

    fn page_of(&self) -> String {
        let (page, pages) = (self.page.to_string(), self.pages.to_string());
        crate::i18n::tr_args(self.ctx.locale, "pager-page", &[("page", page.as_str()), ("pages", pages.as_str())])
    }

    /// The report's address for page `page` of the same period.
    fn page_link(&self, page: i64) -> String {
        format!("/sms/report?from={}&to={}&page={page}", self.from, self.to)
    }
}

/// Unless asked otherwise, the last 30 days.
const REPORT_DAYS: i64 = 30;
/// Messages on one page of the report, newest first.
const REPORT_ROWS: i64 = 100;

#[get("/report?<page>&<query..>")]
async fn report(
    _m: Manager,
    ctx: PageCtx,
    app: &State<App>,
    query: PeriodQuery,
    page: Option<i64>,
) -> Result<Html, AppError> {
    let period = query.period(ctx.club_day(), REPORT_DAYS);
    let (start, end) = period.instants(&ctx.tz);
    let n = app.db.read(move |c| Ok(store::period_counts(c, start, end)?)).await?;
    let pages = ((n.total + REPORT_ROWS - 1) / REPORT_ROWS).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let skip = (page - 1) * REPORT_ROWS;
    let rows = app.db.read(move |c| Ok(store::between(c, start, end, REPORT_ROWS, skip)?)).await?;
    ok(&ReportPage { ctx, from: period.first, to: period.last, n, rows, page, pages })
}

#[get("/report.csv?<query..>")]
async fn report_csv(_m: Manager, ctx: PageCtx, app: &State<App>, query: PeriodQuery) -> Result<CsvFile, AppError> {
    let period = query.period(ctx.club_day(), REPORT_DAYS);
    let (start, end) = period.instants(&ctx.tz);
    let messages = app.db.read(move |c| Ok(store::between(c, start, end, i64::MAX, 0)?)).await?;
    csv_of(&ctx, &format!("sms-{}-{}.csv", period.first, period.last), &messages)
}

pub fn routes() -> Vec<Route> {
    routes![list, new, preview, create, show, cancel, campaign_csv, report, report_csv]
}
