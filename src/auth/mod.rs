//! Staff accounts, passwords, sessions, login throttling and API tokens.

pub mod commands;
pub mod gate;
pub mod model;
pub mod password;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod web;
