//! Booking limits per member category: what players may book themselves (the portal holds them
//! to it) and what the desk is warned about.

pub mod commands;
pub mod model;
pub mod store;
pub mod web;

use crate::i18n::{Locale, tr_args};

/// A breach as one sentence in `locale`.
pub fn describe(locale: Locale, breach: &model::Breach) -> String {
    let args = breach.args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    tr_args(locale, breach.message(), &args)
}
