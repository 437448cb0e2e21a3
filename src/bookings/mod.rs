//! Bookings: the day grid, making, moving, cancelling and checking in bookings, and weekly
//! series ("permanent" bookings) expanded in the club's time zone.

pub mod availability;
pub mod commands;
pub mod grid;
pub mod model;
pub mod rezone;
pub mod slots;
pub mod store;
pub mod web;
