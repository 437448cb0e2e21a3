//! The player portal at /p/: players sign in with a code sent by SMS and see and book their own
//! court time, within their category's limits.

pub mod calendar;
pub mod commands;
pub mod model;
pub mod player_rules;
pub mod store;
pub mod web;
