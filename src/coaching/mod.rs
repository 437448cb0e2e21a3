//! Coaches: a staff account with a coach's profile (the name members see, a colour on the grid,
//! the fee a lesson adds to court rent, the coach's pay per lesson hour), and the coach's own
//! schedule. Lessons are bookings of kind `lesson` that name their coach (`bookings`).

pub mod commands;
pub mod model;
pub mod store;
pub mod web;
