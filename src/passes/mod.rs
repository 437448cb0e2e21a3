//! Passes and memberships: products the club sells (visit packs, hours, value cards, period
//! memberships), the passes members hold, and bookings paid with them.

pub mod commands;
pub mod labels;
pub mod model;
pub mod store;
pub mod web;
