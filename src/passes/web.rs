//! Pass pages: the club's products (managers), a member's passes with selling, freezing and
//! refunding a sale, and paying a booking with a pass.

use askama::Template;
use jiff::civil::Date;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};
use uuid::Uuid;

use super::commands::{FreezePass, SavePassProduct, SellPass, UnfreezePass, UsePass};
use super::labels::remaining_text;
use super::model::{Pass, PassKind, Product, State as PassState};
use super::store::{self, StoredPass, StoredProduct};
use crate::app::App;
use crate::commands::AnyCommand;
use crate::core::Submission;
use crate::courts::store::{self as courts, Court};
use crate::error::AppError;
use crate::members::store::{self as members, Member};
use crate::money::amount;
use crate::payments::commands::RefundPayment;
use crate::payments::model::Method;
use crate::payments::store as payments;
use crate::payments::store::Payment;
use crate::web::conditions;
use crate::web::forms::{Csrf, FieldErrors, Page, again, done, fresh_id, run};
use crate::web::guards::{Manager, Reception};
use crate::web::page::{Html, PageCtx, ok};

/// What a product holds, in words.
fn holds_text(ctx: &PageCtx, p: &Product) -> String {
    match p.kind {
        PassKind::Visits => ctx.ta("pass-holds-visits", "n", p.quantity),
        PassKind::Hours => ctx.duration(p.quantity.clamp(0, i64::from(u16::MAX)) as u16),
        PassKind::Value if p.bonus > 0 => {
            format!("{} ({})", ctx.money(p.quantity), ctx.ta("pass-bonus-of", "amount", ctx.money(p.bonus)))
        }
        PassKind::Value => ctx.money(p.quantity),
        PassKind::Period => ctx.ta("pass-period-share", "pct", p.discount_pct),
    }
}

// ---- products ----

#[derive(Template)]
#[template(path = "passes/products.html")]
struct ProductsPage {
    ctx: PageCtx,
    products: Vec<StoredProduct>,
    courts: Vec<Court>,
}

impl ProductsPage {
    fn kind_name(&self, p: &Product) -> String {
        self.ctx.t(&format!("pass-kind-{}", p.kind.as_str()))
    }

    fn holds(&self, p: &Product) -> String {
        holds_text(&self.ctx, p)
    }

    fn conditions(&self, p: &Product) -> String {
        conditions::text(&self.ctx, &p.conditions, &self.courts, "pass-any-time")
    }
}

#[get("/passes")]
async fn products(_r: Reception, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    let (products, courts) = app.db.read(|c| Ok((store::products(c)?, courts::courts(c)?))).await?;
    ok(&ProductsPage { ctx, products, courts })
}

#[derive(FromForm, Default, Clone)]
struct ProductForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    kind: String,
    /// Visits, or hours (decimals allowed).
    #[field(default = String::new())]
    quantity: String,
    #[field(default = String::new())]
    price: String,
    #[field(default = String::new())]
    bonus: String,
    #[field(default = String::new())]
    discount_pct: String,
    #[field(default = String::new())]
    valid_days: String,
    court: Vec<String>,
    weekday: Vec<i8>,
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    to: String,
    #[field(default = false)]
    active: bool,
}

impl ProductForm {
    fn new_one() -> ProductForm {
        ProductForm {
            command_id: fresh_id(),
            kind: "visits".into(),
            quantity: "10".into(),
            discount_pct: "100".into(),
            valid_days: "90".into(),
            from: "00:00".into(),
            to: "24:00".into(),
            active: true,
            ..Default::default()
        }
    }

    fn of(p: &Product, currency: &str) -> ProductForm {
        let quantity = match p.kind {
            PassKind::Visits => p.quantity.to_string(),
            PassKind::Hours if p.quantity % 60 == 0 => (p.quantity / 60).to_string(),
            PassKind::Hours => format!("{:.2}", p.quantity as f64 / 60.0),
            PassKind::Value | PassKind::Period => String::new(),
        };
        ProductForm {
            command_id: fresh_id(),
            name: p.name.clone(),
            kind: p.kind.as_str().into(),
            quantity,
            price: amount::plain(p.price, currency),
            bonus: if p.bonus > 0 { amount::plain(p.bonus, currency) } else { String::new() },
            discount_pct: p.discount_pct.to_string(),
            valid_days: p.valid_days.to_string(),
            court: p.conditions.court_ids.clone(),
            weekday: conditions::weekday_numbers(&p.conditions),
            from: p.conditions.from.to_string(),
            to: p.conditions.to.to_string(),
            active: p.active,
        }
    }
}

#[derive(Template)]
#[template(path = "passes/product_form.html")]
struct ProductPage {
    ctx: PageCtx,
    product_id: Option<String>,
    form: ProductForm,
    courts: Vec<Court>,
    errors: FieldErrors,
}

impl ProductPage {
    fn kinds(&self) -> Vec<(&'static str, String, bool)> {
        PassKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.ctx.t(&format!("pass-kind-{}", k.as_str())), self.form.kind == k.as_str()))
            .collect()
    }

    fn weekdays(&self) -> Vec<(i8, String, bool)> {
        conditions::weekday_checks(&self.ctx, &self.form.weekday)
    }

    fn court_checks(&self) -> Vec<(&str, &str, bool)> {
        conditions::court_checks(&self.courts, &self.form.court)
    }

    fn action(&self) -> String {
        self.product_id.as_ref().map_or_else(|| "/passes/products".to_owned(), |id| format!("/passes/products/{id}"))
    }
}

/// Hours as typed ("10", "7.5", "7,5") in whole minutes.
fn parse_hours(text: &str) -> Option<i64> {
    let hours: f64 = text.trim().replace(',', ".").parse().ok()?;
    (hours.is_finite() && hours > 0.0 && hours <= 1000.0).then(|| (hours * 60.0).round() as i64)
}

fn parse_product(f: &ProductForm, ctx: &PageCtx) -> Result<Product, FieldErrors> {
    let mut errors = FieldErrors::default();
    let currency = &ctx.club.currency;
    let kind = PassKind::parse(&f.kind).unwrap_or_else(|| {
        errors.add(ctx.locale, "kind", "pass-kind-choose");
        PassKind::Visits
    });
    let mut money = |field: &str, text: &str| -> i64 {
        amount::parse_or_zero(text, currency).unwrap_or_else(|code| {
            errors.add(ctx.locale, field, code);
            0
        })
    };
    let price = money("price", &f.price);
    let bonus = if kind == PassKind::Value { money("bonus", &f.bonus) } else { 0 };
    let quantity = match kind {
        PassKind::Visits => f.quantity.trim().parse().unwrap_or_else(|_| {
            errors.add(ctx.locale, "quantity", "pass-visits-range");
            0
        }),
        PassKind::Hours => parse_hours(&f.quantity).unwrap_or_else(|| {
            errors.add(ctx.locale, "quantity", "pass-hours-range");
            0
        }),
        PassKind::Value => price + bonus,
        PassKind::Period => 0,
    };
    let mut number = |field: &str, text: &str, code: &str| -> i64 {
        text.trim().parse().unwrap_or_else(|_| {
            errors.add(ctx.locale, field, code);
            0
        })
    };
    let discount_pct =
        if kind == PassKind::Period { number("discount_pct", &f.discount_pct, "pass-discount-range") } else { 100 };
    let valid_days = number("valid_days", &f.valid_days, "pass-valid-days-range");
    let typed = conditions::Typed { court: &f.court, weekday: &f.weekday, from: &f.from, to: &f.to };
    let conditions = conditions::parse(ctx, typed, &mut errors);
    let product = Product {
        name: f.name.trim().to_owned(),
        kind,
        quantity,
        bonus,
        discount_pct,
        price,
        valid_days,
        conditions,
        active: f.active,
    };
    if let Err((field, code)) = product.validate()
        && errors.get(field).is_none()
    {
        errors.add(ctx.locale, field, code);
    }
    if errors.is_empty() { Ok(product) } else { Err(errors) }
}

async fn product_page(
    app: &App,
    ctx: PageCtx,
    id: Option<String>,
    form: ProductForm,
    errors: FieldErrors,
) -> Result<ProductPage, AppError> {
    let courts = app.db.read(|c| Ok(courts::courts(c)?)).await?;
    Ok(ProductPage { ctx, product_id: id, form, courts, errors })
}

#[get("/passes/products/new")]
async fn new_product(_m: Manager, ctx: PageCtx, app: &State<App>) -> Result<Html, AppError> {
    ok(&product_page(app, ctx, None, ProductForm::new_one(), FieldErrors::default()).await?)
}

#[get("/passes/products/<id>")]
async fn edit_product(_m: Manager, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    let lookup = id.clone();
    let p = app.db.read(move |c| Ok(store::product(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    let form = ProductForm::of(&p.product, &ctx.club.currency);
    ok(&product_page(app, ctx, Some(id), form, FieldErrors::default()).await?)
}

async fn save_product(
    app: &App,
    m: Manager,
    ctx: PageCtx,
    id: Option<String>,
    Csrf(f, sub): Csrf<ProductForm>,
) -> Page {
    let product = match parse_product(&f, &ctx) {
        Ok(p) => p,
        Err(errors) => {
            let form = ProductForm { command_id: fresh_id(), ..f };
            return again(&product_page(app, ctx, id, form, errors).await?);
        }
    };
    let product_id = id.clone().unwrap_or_else(|| Uuid::now_v7().to_string());
    let cmd = AnyCommand::SavePassProduct(SavePassProduct { product_id, product });
    match run(app, m.0.actor(), &sub, cmd).await? {
        None => done("/passes", ctx.t("pass-product-saved")),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let form = ProductForm { command_id: fresh_id(), ..f };
            again(&product_page(app, ctx, id, form, errors).await?)
        }
    }
}

#[post("/passes/products", data = "<form>")]
async fn create_product(m: Manager, ctx: PageCtx, app: &State<App>, form: Csrf<ProductForm>) -> Page {
    save_product(app, m, ctx, None, form).await
}

#[post("/passes/products/<id>", data = "<form>")]
async fn update_product(m: Manager, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<ProductForm>) -> Page {
    save_product(app, m, ctx, Some(id), form).await
}

// ---- a member's passes ----

#[derive(FromForm, Default, Clone)]
struct SellForm {
    #[field(default = String::new())]
    command_id: String,
    #[field(default = String::new())]
    product_id: String,
    #[field(default = String::new())]
    method: String,
    #[field(default = String::new())]
    valid_from: String,
}

/// One pass on the member's page, with its history and its sale.
struct PassRow {
    stored: StoredPass,
    state: PassState,
    sale: Option<Payment>,
    uses: Vec<store::Use>,
}

#[derive(Template)]
#[template(path = "passes/member.html")]
struct MemberPage {
    ctx: PageCtx,
    m: Member,
    passes: Vec<PassRow>,
    products: Vec<StoredProduct>,
    sell: SellForm,
    command_id: String,
    errors: FieldErrors,
    today: Date,
}

impl MemberPage {
    fn product_options(&self) -> Vec<(&str, String, bool)> {
        self.products
            .iter()
            .filter(|p| p.product.active)
            .map(|p| {
                let label = format!("{} — {}", p.product.name, self.ctx.money(p.product.price));
                (p.id.as_str(), label, self.sell.product_id == p.id)
            })
            .collect()
    }

    fn methods(&self) -> Vec<(&'static str, String, bool)> {
        Method::TAKEN
            .iter()
            .chain([Method::Wallet].iter())
            .map(|m| (m.as_str(), self.ctx.t(&format!("method-{}", m.as_str())), self.sell.method == m.as_str()))
            .collect()
    }

    fn remaining(&self, p: &Pass) -> String {
        remaining_text(&self.ctx, p)
    }

    fn state_name(&self, s: &PassState) -> String {
        self.ctx.t(&format!("pass-state-{}", s.as_str()))
    }

    fn day(&self, d: &Date) -> String {
        crate::i18n::date(self.ctx.locale, *d)
    }

    fn units(&self, p: &Pass, units: &i64) -> String {
        match p.kind {
            PassKind::Visits => format!("{units:+}"),
            PassKind::Hours => {
                let sign = if *units < 0 { "−" } else { "+" };
                format!("{sign}{}", self.ctx.duration(units.unsigned_abs().min(u64::from(u16::MAX)) as u16))
            }
            PassKind::Value => self.ctx.money(*units),
            PassKind::Period => "—".into(),
        }
    }

    /// A sale can be refunded while the pass was never used.
    fn refundable_sale(&self, row: &PassRow) -> bool {
        row.sale.is_some() && row.uses.is_empty() && !row.stored.pass.voided
    }
}

async fn member_page(
    app: &App,
    ctx: PageCtx,
    member_id: String,
    sell: SellForm,
    errors: FieldErrors,
) -> Result<MemberPage, AppError> {
    let today = ctx.club_day();
    let (m, passes, products) = app
        .db
        .read(move |c| {
            let Some(m) = members::member(c, &member_id)? else { return Ok(None) };
            let mut rows = Vec::new();
            for stored in store::member_passes(c, &m.id)? {
                let sale = payments::pass_sale(c, &stored.id)?;
                let uses = store::uses(c, &stored.id)?;
                let state = stored.pass.state(today);
                rows.push(PassRow { stored, state, sale, uses });
            }
            Ok(Some((m, rows, store::products(c)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(MemberPage { ctx, m, passes, products, sell, command_id: fresh_id(), errors, today })
}

fn new_sell_form() -> SellForm {
    SellForm { command_id: fresh_id(), method: Method::Cash.as_str().into(), ..Default::default() }
}

#[get("/members/<id>/passes", rank = 2)]
async fn member_passes(_r: Reception, ctx: PageCtx, app: &State<App>, id: String) -> Result<Html, AppError> {
    ok(&member_page(app, ctx, id, new_sell_form(), FieldErrors::default()).await?)
}

fn passes_link(member_id: &str) -> String {
    format!("/members/{member_id}/passes")
}

#[post("/members/<id>/passes", data = "<form>", rank = 2)]
async fn sell(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<SellForm>) -> Page {
    let Csrf(f, sub) = form;
    let mut errors = FieldErrors::default();
    let method = Method::parse(&f.method);
    if method.is_none() {
        errors.add(ctx.locale, "method", "method-choose");
    }
    let valid_from = match f.valid_from.trim() {
        "" => None,
        t => t.parse::<Date>().map(Some).unwrap_or_else(|_| {
            errors.add(ctx.locale, "valid_from", "date-invalid");
            None
        }),
    };
    let rejection = match method {
        Some(method) if errors.is_empty() => {
            // The pass and its payment take the form's command id, as in the API.
            let sale_id = sub.id.to_string();
            let cmd = AnyCommand::SellPass(SellPass {
                pass_id: sale_id.clone(),
                payment_id: sale_id.clone(),
                member_id: id.clone(),
                product_id: f.product_id.clone(),
                method,
                valid_from,
            });
            run(app, r.0.actor(), &sub, cmd).await?
        }
        _ => None,
    };
    match rejection {
        None if errors.is_empty() => done(passes_link(&id), ctx.t("pass-sold")),
        Some(rej) if rej.code == "member-not-found" => Err(AppError::NotFound),
        other => {
            if let Some(rej) = other {
                errors = FieldErrors::of_rejection(&ctx, &rej);
            }
            let sell = SellForm { command_id: fresh_id(), ..f };
            again(&member_page(app, ctx, id, sell, errors).await?)
        }
    }
}

#[derive(FromForm)]
struct PassActionForm {
    #[field(default = String::new())]
    from: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = false)]
    to_wallet: bool,
}

async fn pass_action(
    app: &App,
    r: Reception,
    ctx: PageCtx,
    pass_id: &str,
    submission: &Submission,
    cmd: AnyCommand,
    message: &str,
) -> Page {
    let lookup = pass_id.to_owned();
    let member = app.db.read(move |c| Ok(store::member_of(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    match run(app, r.0.actor(), submission, cmd).await? {
        None => done(passes_link(&member), ctx.t(message)),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            again(&member_page(app, ctx, member, new_sell_form(), errors).await?)
        }
    }
}

#[post("/passes/<id>/freeze", data = "<form>", rank = 2)]
async fn freeze(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PassActionForm>) -> Page {
    let Csrf(f, sub) = form;
    let from = f.from.trim().parse::<Date>().ok();
    let cmd = AnyCommand::FreezePass(FreezePass { pass_id: id.clone(), from });
    pass_action(app, r, ctx, &id, &sub, cmd, "pass-frozen-done").await
}

#[post("/passes/<id>/unfreeze", data = "<form>", rank = 2)]
async fn unfreeze(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PassActionForm>) -> Page {
    let sub = form.1;
    let cmd = AnyCommand::UnfreezePass(UnfreezePass { pass_id: id.clone() });
    pass_action(app, r, ctx, &id, &sub, cmd, "pass-unfrozen-done").await
}

/// Refunds a pass sale whole (the pass stops working).
#[post("/passes/<id>/refund", data = "<form>", rank = 2)]
async fn refund_sale(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<PassActionForm>) -> Page {
    let Csrf(f, sub) = form;
    let lookup = id.clone();
    let sale = app.db.read(move |c| Ok(payments::pass_sale(c, &lookup)?)).await?.ok_or(AppError::NotFound)?;
    let cmd = AnyCommand::RefundPayment(RefundPayment {
        refund_id: sub.id.to_string(),
        payment_id: sale.id,
        amount: sale.amount,
        to_wallet: f.to_wallet,
        reason: f.reason,
    });
    pass_action(app, r, ctx, &id, &sub, cmd, "pass-refunded-done").await
}

// ---- paying a booking with a pass ----

#[derive(FromForm)]
struct UseForm {
    #[field(default = String::new())]
    pass_id: String,
}

#[post("/bookings/<id>/use-pass", data = "<form>")]
async fn use_pass(r: Reception, ctx: PageCtx, app: &State<App>, id: String, form: Csrf<UseForm>) -> Page {
    let Csrf(f, sub) = form;
    let cmd =
        AnyCommand::UsePass(UsePass { payment_id: sub.id.to_string(), booking_id: id.clone(), pass_id: f.pass_id });
    match run(app, r.0.actor(), &sub, cmd).await? {
        None => done(format!("/bookings/{id}"), ctx.t("pass-used")),
        Some(rej) if rej.code == "booking-not-found" => Err(AppError::NotFound),
        Some(rej) => {
            let errors = FieldErrors::of_rejection(&ctx, &rej);
            let page = crate::bookings::web::show_page(app, ctx, id, errors).await?;
            again(&page)
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        products,
        new_product,
        edit_product,
        create_product,
        update_product,
        member_passes,
        sell,
        freeze,
        unfreeze,
        refund_sale,
        use_pass
    ]
}
