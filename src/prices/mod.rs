//! The price list: rules by court, time, season and member category, floodlight and guest
//! extras, the club's money policy, and the quote a booking gets from them.

pub mod commands;
pub mod model;
pub mod pricing;
pub mod store;
pub mod web;
