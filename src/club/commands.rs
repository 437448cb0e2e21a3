use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::model::ClubSettings;
use super::store;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::i18n::Locale;
use crate::money::amount::exponent;

/// Sets the club settings; the first time, creates the settings row with `settings_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateClubSettings {
    pub settings_id: String,
    pub name: String,
    pub time_zone: String,
    pub locale: Locale,
    pub currency: String,
    pub phone_region: String,
}

impl UpdateClubSettings {
    pub fn settings(&self) -> ClubSettings {
        ClubSettings {
            name: self.name.trim().to_owned(),
            time_zone: self.time_zone.trim().to_owned(),
            locale: self.locale,
            currency: self.currency.trim().to_ascii_uppercase(),
            phone_region: self.phone_region.trim().to_ascii_uppercase(),
        }
    }

    pub fn apply(&self, ctx: &Ctx<'_>) -> Result<(), CommandError> {
        require(ctx.actor, Role::Manager)?;
        let settings = self.settings();
        if let Err(problems) = settings.validate() {
            let (field, code) = problems[0];
            return Err(Rejection::new(code).on(field).into());
        }
        match store::settings(ctx.tx)? {
            Some((_, current)) if current == settings => {}
            Some((id, current)) => {
                if current.currency != settings.currency
                    && exponent(&current.currency) != exponent(&settings.currency)
                    && store::money_recorded(ctx.tx)?
                {
                    // Amounts are kept in minor units: 1 500.00 RUB would read 150 000 JPY.
                    return Err(Rejection::new("currency-decimals-differ")
                        .on("currency")
                        .arg("from", &current.currency)
                        .into());
                }
                store::update(ctx.tx, &id, &settings, ctx.now)?;
                if current.time_zone != settings.time_zone {
                    let from = TimeZone::get(&current.time_zone).unwrap_or(TimeZone::UTC);
                    let to = TimeZone::get(&settings.time_zone).map_err(anyhow::Error::from)?;
                    crate::bookings::rezone::keep_wall_clock(ctx, &from, &to)?;
                    crate::sms::commands::keep_campaign_times(ctx, &from, &to)?;
                }
            }
            None => store::insert(ctx.tx, &self.settings_id, &settings, ctx.now)?,
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let s = self.settings();
        format!("{}, {}, {}, {}, phones {}", s.name, s.time_zone, s.locale.as_str(), s.currency, s.phone_region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::AnyCommand;
    use crate::testing::{TestDb, id};

    fn in_currency(code: &str) -> AnyCommand {
        AnyCommand::UpdateClubSettings(UpdateClubSettings {
            settings_id: id(),
            name: "Test Club".into(),
            time_zone: "Europe/Moscow".into(),
            locale: Locale::En,
            currency: code.into(),
            phone_region: "RU".into(),
        })
    }

    #[test]
    fn a_currency_counting_minor_units_differently_is_refused_once_money_is_recorded() {
        let mut db = TestDb::new();
        db.applied(in_currency("JPY"));
        db.applied(in_currency("RUB"));
        db.price_per_hour(150_000);
        assert_eq!(db.refused(in_currency("JPY")).code, "currency-decimals-differ", "1 500.00 would read 150 000");
        db.applied(in_currency("EUR"));
    }
}
