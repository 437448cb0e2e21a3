//! SMS pages: settings (provider, club choices, test message, balance), campaigns and reports.

pub mod campaigns;
pub mod member;
pub mod settings;

use rocket::Route;

pub fn routes() -> Vec<Route> {
    let mut all = settings::routes();
    all.extend(campaigns::routes());
    all.extend(member::routes());
    all
}

/// A cost in millionths as people read it ("0.50 RUB").
/// A provider's cost with its currency; a provider that does not say bills in `club`'s.
pub fn show_cost(micros: Option<i64>, currency: Option<&str>, club: &str) -> String {
    match micros {
        Some(m) => format!("{} {}", super::model::show_micros(m), currency.unwrap_or(club)),
        None => "—".into(),
    }
}
