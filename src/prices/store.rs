//! SQL for the price list and the money policy.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Extras, PriceRule, StoredRule};
use crate::bookings::model::{weekdays_from_text, weekdays_to_text};
use crate::courts::model::DayMinute;

/// What the club charges on top of the price list, and for late cancellations and no-shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    pub lights_from: Option<DayMinute>,
    pub lights_per_hour: i64,
    pub guest_fee: i64,
    /// Cancelling later than this many hours before the start costs `late_cancel_pct` of the price.
    pub cancel_window_hours: i64,
    pub late_cancel_pct: i64,
    /// A no-show costs this share of the price, less what was already paid.
    pub no_show_pct: i64,
    /// When a booking made with a pass takes its share of the pass.
    #[serde(default)]
    pub pass_use_on: PassUseOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassUseOn {
    #[default]
    Booking,
    CheckIn,
}

impl PassUseOn {
    pub fn as_str(self) -> &'static str {
        match self {
            PassUseOn::Booking => "booking",
            PassUseOn::CheckIn => "check_in",
        }
    }

    pub fn parse(s: &str) -> Option<PassUseOn> {
        [PassUseOn::Booking, PassUseOn::CheckIn].into_iter().find(|p| p.as_str() == s)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            lights_from: None,
            lights_per_hour: 0,
            guest_fee: 0,
            cancel_window_hours: 24,
            late_cancel_pct: 0,
            no_show_pct: 0,
            pass_use_on: PassUseOn::Booking,
        }
    }
}

impl Policy {
    pub fn extras(&self) -> Extras {
        Extras { lights_from: self.lights_from, lights_per_hour: self.lights_per_hour, guest_fee: self.guest_fee }
    }

    /// Problems as (field, message id).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if self.lights_per_hour < 0 {
            return Err(("lights_per_hour", "amount-negative"));
        }
        if self.guest_fee < 0 {
            return Err(("guest_fee", "amount-negative"));
        }
        if !(0..=24 * 14).contains(&self.cancel_window_hours) {
            return Err(("cancel_window_hours", "policy-window-range"));
        }
        for (field, pct) in [("late_cancel_pct", self.late_cancel_pct), ("no_show_pct", self.no_show_pct)] {
            if !(0..=100).contains(&pct) {
                return Err((field, "policy-pct-range"));
            }
        }
        Ok(())
    }
}

pub fn policy(conn: &Connection) -> rusqlite::Result<Policy> {
    Ok(conn
        .prepare_cached(
            "SELECT lights_from_min, lights_per_hour, guest_fee, cancel_window_hours, late_cancel_pct, no_show_pct, \
             pass_use_on FROM money_policy LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(Policy {
                lights_from: r.get::<_, Option<u16>>(0)?.and_then(DayMinute::new),
                lights_per_hour: r.get(1)?,
                guest_fee: r.get(2)?,
                cancel_window_hours: r.get(3)?,
                late_cancel_pct: r.get(4)?,
                no_show_pct: r.get(5)?,
                pass_use_on: PassUseOn::parse(&r.get::<_, String>(6)?).unwrap_or_default(),
            })
        })
        .optional()?
        .unwrap_or_default())
}

pub fn set_policy(conn: &Connection, p: &Policy, new_id: &str, now: Timestamp) -> rusqlite::Result<()> {
    let existing: Option<String> =
        conn.query_row("SELECT id FROM money_policy LIMIT 1", [], |r| r.get(0)).optional()?;
    crate::db::exec(
        conn,
        "INSERT INTO money_policy (id, lights_from_min, lights_per_hour, guest_fee, cancel_window_hours, late_cancel_pct, \
         no_show_pct, pass_use_on, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT (id) DO UPDATE SET lights_from_min = excluded.lights_from_min, lights_per_hour = excluded.lights_per_hour, \
         guest_fee = excluded.guest_fee, cancel_window_hours = excluded.cancel_window_hours, \
         late_cancel_pct = excluded.late_cancel_pct, no_show_pct = excluded.no_show_pct, \
         pass_use_on = excluded.pass_use_on, updated_at = excluded.updated_at",
        params![
            existing.as_deref().unwrap_or(new_id),
            p.lights_from.map(DayMinute::minutes),
            p.lights_per_hour,
            p.guest_fee,
            p.cancel_window_hours,
            p.late_cancel_pct,
            p.no_show_pct,
            p.pass_use_on.as_str(),
            now.as_millisecond()
        ],
    )?;
    Ok(())
}

const RULE_COLS: &str = "id, name, court_ids, weekdays, from_min, to_min, first_day, last_day, category_id, per_hour, \
                         priority, active, created_at";

fn row_to_rule(r: &Row<'_>) -> rusqlite::Result<StoredRule> {
    let courts: String = r.get(2)?;
    let weekdays: String = r.get(3)?;
    let day = |i: usize| -> rusqlite::Result<Option<jiff::civil::Date>> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|d| d.parse().ok()))
    };
    Ok(StoredRule {
        id: r.get(0)?,
        rule: PriceRule {
            name: r.get(1)?,
            court_ids: crate::bookings::model::court_ids_from_text(&courts),
            weekdays: weekdays_from_text(&weekdays),
            from: DayMinute::new(r.get(4)?).unwrap_or(DayMinute::MIDNIGHT_END),
            to: DayMinute::new(r.get(5)?).unwrap_or(DayMinute::MIDNIGHT_END),
            first_day: day(6)?,
            last_day: day(7)?,
            category_id: r.get(8)?,
            per_hour: r.get(9)?,
            priority: r.get(10)?,
            active: r.get(11)?,
        },
        created_at: Timestamp::from_millisecond(r.get(12)?).unwrap_or_default(),
    })
}

/// Every rule, the ones that win first.
/// Any price rule set.
pub fn any_rule(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM price_rules)")?.query_row([], |r| r.get(0))
}

pub fn price_rules(conn: &Connection) -> rusqlite::Result<Vec<StoredRule>> {
    conn.prepare_cached(&format!(
        "SELECT {RULE_COLS} FROM price_rules ORDER BY active DESC, priority DESC, created_at DESC"
    ))?
    .query_map([], row_to_rule)?
    .collect()
}

pub fn price_rule(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredRule>> {
    conn.query_row(&format!("SELECT {RULE_COLS} FROM price_rules WHERE id = ?1"), [id], row_to_rule).optional()
}

pub fn put_price_rule(conn: &Connection, id: &str, rule: &PriceRule, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO price_rules (id, name, court_ids, weekdays, from_min, to_min, first_day, last_day, category_id, \
         per_hour, priority, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, court_ids = excluded.court_ids, weekdays = excluded.weekdays, \
         from_min = excluded.from_min, to_min = excluded.to_min, first_day = excluded.first_day, \
         last_day = excluded.last_day, category_id = excluded.category_id, per_hour = excluded.per_hour, \
         priority = excluded.priority, active = excluded.active, updated_at = excluded.updated_at",
        params![
            id,
            rule.name,
            rule.court_ids.join(","),
            weekdays_to_text(&rule.weekdays),
            rule.from.minutes(),
            rule.to.minutes(),
            rule.first_day.map(|d| d.to_string()),
            rule.last_day.map(|d| d.to_string()),
            rule.category_id,
            rule.per_hour,
            rule.priority,
            rule.active,
            now.as_millisecond()
        ],
    )?;
    Ok(())
}
