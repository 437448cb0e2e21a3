//! The club's own settings: name, time zone, language, currency.

pub mod commands;
pub mod model;
pub mod store;
pub mod web;
