//! Courts, the club's opening hours, closed days and holiday hours, and booking-length rules.

pub mod commands;
pub mod model;
pub mod store;
pub mod web;
