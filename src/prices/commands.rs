//! Commands that set the price list and the money policy (managers), and override a booking's
//! price (managers, with a reason: the audit log keeps it).

use serde::{Deserialize, Serialize};

use super::model::PriceRule;
use super::store::{self, Policy};
use crate::bookings::model::Status;
use crate::bookings::store as bookings;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::courts::store as courts;
use crate::members::store as members;

/// Creates price rule `rule_id`, or replaces it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavePriceRule {
    pub rule_id: String,
    pub rule: PriceRule,
}

impl SavePriceRule {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let mut rule = self.rule.clone();
        rule.name = rule.name.trim().to_owned();
        rule.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
        if rule.name.chars().count() > 80 {
            return Err(Rejection::new("price-name-too-long").on("name").into());
        }
        for id in &rule.court_ids {
            courts::court(ctx.tx, id)?.ok_or_else(|| Rejection::new("court-not-found").on("court_ids"))?;
        }
        if let Some(c) = &rule.category_id
            && !members::categories(ctx.tx)?.iter().any(|cat| &cat.id == c)
        {
            return Err(Rejection::new("category-not-found").on("category_id").into());
        }
        store::put_price_rule(ctx.tx, &self.rule_id, &rule, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let r = &self.rule;
        format!("{}: {}–{} {}/h, priority {}", r.name, r.from, r.to, r.per_hour, r.priority)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetMoneyPolicy {
    pub policy: Policy,
    pub new_id: String,
}

impl SetMoneyPolicy {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        self.policy.validate().map_err(|(field, code)| Rejection::new(code).on(field))?;
        store::set_policy(ctx.tx, &self.policy, &self.new_id, ctx.now)?;
        Ok(())
    }

    pub fn summary(&self) -> String {
        let p = &self.policy;
        let from = p.lights_from.map_or_else(|| "-".to_owned(), |m| m.to_string());
        format!(
            "lights {}/h from {from}, guest {}, cancel {} h: {}%, no-show {}%",
            p.lights_per_hour, p.guest_fee, p.cancel_window_hours, p.late_cancel_pct, p.no_show_pct
        )
    }
}

/// A manager's price for one booking, with the reason; `None` hands it back to the price list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetBookingPrice {
    pub booking_id: String,
    pub price: Option<i64>,
    pub reason: String,
}

impl SetBookingPrice {
    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let b = bookings::booking(ctx.tx, &self.booking_id)?.ok_or_else(|| Rejection::new("booking-not-found"))?;
        if b.status == Status::Cancelled {
            return Err(Rejection::new("booking-cancelled").into());
        }
        let reason = self.reason.trim();
        match self.price {
            Some(price) => {
                if reason.is_empty() || reason.chars().count() > 200 {
                    return Err(Rejection::new("price-reason-required").on("reason").into());
                }
                if !(0..=crate::money::amount::MAX_MAJOR * 100).contains(&price) {
                    return Err(Rejection::new("amount-out-of-range").on("price").into());
                }
                bookings::set_price(ctx.tx, &b.id, price, reason)?;
            }
            None => {
                bookings::set_price(ctx.tx, &b.id, b.price, "")?;
                let tz = crate::club::store::time_zone(ctx.tx)?;
                super::pricing::reprice(ctx.tx, &b.id, &tz)?;
            }
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        match self.price {
            Some(p) => format!("{} → {p}: {}", self.booking_id, self.reason),
            None => format!("{} → price list", self.booking_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{TestDb, slot};

    #[test]
    fn a_booking_takes_its_price_from_the_price_list_when_it_is_made() {
        let mut db = TestDb::new();
        db.price_per_hour(120_000);
        let court = db.court("Court 1");
        let anna = db.member("Anna Smith", "");
        let booking = db.book(&court, &anna, slot("2026-12-01", "10:00", 90)).unwrap();
        let stored = crate::bookings::store::booking(&db.conn, &booking).unwrap().unwrap();
        assert_eq!(stored.price, 180_000, "an hour and a half at 1,200.00 an hour");
    }
}
