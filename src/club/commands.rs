use serde::{Deserialize, Serialize};

use super::model::ClubSettings;
use super::store;
use crate::core::{CommandError, Ctx, Rejection, Role, require};
use crate::i18n::Locale;

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
            Some((id, _)) => store::update(ctx.tx, &id, &settings, ctx.now)?,
            None => store::insert(ctx.tx, &self.settings_id, &settings, ctx.now)?,
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let s = self.settings();
        format!("{}, {}, {}, {}, phones {}", s.name, s.time_zone, s.locale.as_str(), s.currency, s.phone_region)
    }
}
