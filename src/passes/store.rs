//! SQL for pass products, members' passes and what bookings took from them.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Pass, PassKind, Product};
use crate::bookings::model::{Conditions, court_ids_from_text, weekdays_from_text, weekdays_to_text};
use crate::courts::model::DayMinute;

fn minute(m: u16) -> DayMinute {
    DayMinute::new(m).unwrap_or(DayMinute::MIDNIGHT_END)
}

fn date(s: &str) -> Date {
    s.parse().unwrap_or_default()
}

/// Conditions from four columns starting at `i`: court_ids, weekdays, from_min, to_min.
fn conditions_at(r: &Row<'_>, i: usize) -> rusqlite::Result<Conditions> {
    Ok(Conditions {
        court_ids: court_ids_from_text(&r.get::<_, String>(i)?),
        weekdays: weekdays_from_text(&r.get::<_, String>(i + 1)?),
        from: minute(r.get(i + 2)?),
        to: minute(r.get(i + 3)?),
    })
}

#[derive(Debug, Clone)]
pub struct StoredProduct {
    pub id: String,
    pub product: Product,
}

const PRODUCT_COLS: &str =
    "id, name, kind, quantity, bonus, discount_pct, price, valid_days, court_ids, weekdays, from_min, to_min, active";

fn row_to_product(r: &Row<'_>) -> rusqlite::Result<StoredProduct> {
    Ok(StoredProduct {
        id: r.get(0)?,
        product: Product {
            name: r.get(1)?,
            kind: PassKind::parse(&r.get::<_, String>(2)?).unwrap_or(PassKind::Visits),
            quantity: r.get(3)?,
            bonus: r.get(4)?,
            discount_pct: r.get(5)?,
            price: r.get(6)?,
            valid_days: r.get(7)?,
            conditions: conditions_at(r, 8)?,
            active: r.get(12)?,
        },
    })
}

/// Every product, the ones on sale first.
pub fn products(conn: &Connection) -> rusqlite::Result<Vec<StoredProduct>> {
    conn.prepare_cached(&format!("SELECT {PRODUCT_COLS} FROM pass_products ORDER BY active DESC, name"))?
        .query_map([], row_to_product)?
        .collect()
}

pub fn product(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredProduct>> {
    conn.query_row(&format!("SELECT {PRODUCT_COLS} FROM pass_products WHERE id = ?1"), [id], row_to_product).optional()
}

pub fn put_product(conn: &Connection, id: &str, p: &Product, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO pass_products (id, name, kind, quantity, bonus, discount_pct, price, valid_days, court_ids, weekdays, \
         from_min, to_min, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, quantity = excluded.quantity, \
         bonus = excluded.bonus, discount_pct = excluded.discount_pct, price = excluded.price, \
         valid_days = excluded.valid_days, court_ids = excluded.court_ids, weekdays = excluded.weekdays, \
         from_min = excluded.from_min, to_min = excluded.to_min, active = excluded.active, updated_at = excluded.updated_at",
        params![
            id,
            p.name.trim(),
            p.kind.as_str(),
            p.quantity,
            p.bonus,
            p.discount_pct,
            p.price,
            p.valid_days,
            p.conditions.court_ids.join(","),
            weekdays_to_text(&p.conditions.weekdays),
            p.conditions.from.minutes(),
            p.conditions.to.minutes(),
            p.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

/// A member's pass with who holds it and how it was sold.
#[derive(Debug, Clone)]
pub struct StoredPass {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub product_id: String,
    pub name: String,
    pub price: i64,
    pub sold_at: Timestamp,
    pub sold_by: String,
    pub pass: Pass,
}

const PASS_COLS: &str = "p.id, p.member_id, m.full_name, p.product_id, p.name, p.kind, p.quantity, p.discount_pct, \
    p.court_ids, p.weekdays, p.from_min, p.to_min, p.price, p.sold_at, p.sold_by, p.valid_from, p.valid_until, \
    p.frozen_since, p.voided_at, (SELECT coalesce(sum(u.units), 0) FROM pass_uses u WHERE u.pass_id = p.id)";
const PASS_FROM: &str = "FROM member_passes p JOIN members m ON m.id = p.member_id";

fn row_to_pass(r: &Row<'_>) -> rusqlite::Result<StoredPass> {
    Ok(StoredPass {
        id: r.get(0)?,
        member_id: r.get(1)?,
        member_name: r.get(2)?,
        product_id: r.get(3)?,
        name: r.get(4)?,
        price: r.get(12)?,
        sold_at: Timestamp::from_millisecond(r.get(13)?).unwrap_or_default(),
        sold_by: r.get(14)?,
        pass: Pass {
            kind: PassKind::parse(&r.get::<_, String>(5)?).unwrap_or(PassKind::Visits),
            quantity: r.get(6)?,
            discount_pct: r.get(7)?,
            conditions: conditions_at(r, 8)?,
            valid_from: date(&r.get::<_, String>(15)?),
            valid_until: date(&r.get::<_, String>(16)?),
            frozen_since: r.get::<_, Option<String>>(17)?.map(|d| date(&d)),
            voided: r.get::<_, Option<i64>>(18)?.is_some(),
            used: r.get(19)?,
        },
    })
}

pub fn pass(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredPass>> {
    conn.prepare_cached(&format!("SELECT {PASS_COLS} {PASS_FROM} WHERE p.id = ?1"))?
        .query_row([id], row_to_pass)
        .optional()
}

/// A member's passes, the newest first.
pub fn member_passes(conn: &Connection, member_id: &str) -> rusqlite::Result<Vec<StoredPass>> {
    conn.prepare_cached(&format!("SELECT {PASS_COLS} {PASS_FROM} WHERE p.member_id = ?1 ORDER BY p.sold_at DESC"))?
        .query_map([member_id], row_to_pass)?
        .collect()
}

/// Passes of any of `member_ids` that are not refunded and not past their last day.
pub fn live_passes(conn: &Connection, member_ids: &[&str], today: Date) -> rusqlite::Result<Vec<StoredPass>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PASS_COLS} {PASS_FROM} WHERE p.member_id = ?1 AND p.voided_at IS NULL AND p.valid_until >= ?2 \
         ORDER BY p.valid_until, p.sold_at"
    ))?;
    for id in member_ids {
        out.extend(stmt.query_map(params![id, today.to_string()], row_to_pass)?.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(out)
}

pub struct NewPass<'a> {
    pub id: &'a str,
    pub member_id: &'a str,
    pub product_id: &'a str,
    pub product: &'a Product,
    pub sold_at: Timestamp,
    pub sold_by: &'a str,
    pub valid_from: Date,
    pub valid_until: Date,
}

pub fn insert_pass(conn: &Connection, p: &NewPass<'_>) -> rusqlite::Result<()> {
    let c = &p.product.conditions;
    crate::db::exec(
        conn,
        "INSERT INTO member_passes (id, member_id, product_id, name, kind, quantity, discount_pct, court_ids, weekdays, \
         from_min, to_min, price, sold_at, sold_by, valid_from, valid_until) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            p.id,
            p.member_id,
            p.product_id,
            p.product.name.trim(),
            p.product.kind.as_str(),
            p.product.quantity,
            p.product.discount_pct,
            c.court_ids.join(","),
            weekdays_to_text(&c.weekdays),
            c.from.minutes(),
            c.to.minutes(),
            p.product.price,
            p.sold_at.as_millisecond(),
            p.sold_by,
            p.valid_from.to_string(),
            p.valid_until.to_string()
        ],
    )?;
    Ok(())
}

pub fn set_frozen(conn: &Connection, id: &str, since: Option<Date>, valid_until: Date) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE member_passes SET frozen_since = ?2, valid_until = ?3 WHERE id = ?1",
        params![id, since.map(|d| d.to_string()), valid_until.to_string()],
    )?;
    Ok(())
}

pub fn void(conn: &Connection, id: &str, at: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(conn, "UPDATE member_passes SET voided_at = ?2 WHERE id = ?1", params![id, at.as_millisecond()])?;
    Ok(())
}

pub fn member_of(conn: &Connection, pass_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT member_id FROM member_passes WHERE id = ?1", [pass_id], |r| r.get(0)).optional()
}

pub struct NewUse<'a> {
    pub id: &'a str,
    pub pass_id: &'a str,
    pub at: Timestamp,
    pub booking_id: Option<&'a str>,
    pub payment_id: Option<&'a str>,
    pub units: i64,
    pub reason: &'a str,
}

pub fn insert_use(conn: &Connection, u: &NewUse<'_>) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO pass_uses (id, pass_id, at, booking_id, payment_id, units, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![u.id, u.pass_id, u.at.as_millisecond(), u.booking_id, u.payment_id, u.units, u.reason],
    )?;
    Ok(())
}

/// One line of a pass's history.
#[derive(Debug, Clone)]
pub struct Use {
    pub at: Timestamp,
    pub booking_id: Option<String>,
    pub units: i64,
    pub reason: String,
}

/// What was taken from and given back to pass `id`, oldest first.
pub fn uses(conn: &Connection, id: &str) -> rusqlite::Result<Vec<Use>> {
    conn.prepare_cached("SELECT at, booking_id, units, reason FROM pass_uses WHERE pass_id = ?1 ORDER BY at, rowid")?
        .query_map([id], |r| {
            Ok(Use {
                at: Timestamp::from_millisecond(r.get(0)?).unwrap_or_default(),
                booking_id: r.get(1)?,
                units: r.get(2)?,
                reason: r.get(3)?,
            })
        })?
        .collect()
}

/// Units taken under payment `payment_id`, returns under its refunds taken off (≥ 0).
pub fn units_standing(conn: &Connection, payment_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT -coalesce(sum(units), 0) FROM pass_uses WHERE payment_id = ?1 \
         OR payment_id IN (SELECT id FROM payments WHERE refund_of = ?1)",
    )?
    .query_row([payment_id], |r| r.get(0))
}

/// Whether anything was ever taken from pass `id`.
pub fn ever_used(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM pass_uses WHERE pass_id = ?1)")?.query_row([id], |r| r.get(0))
}
