//! Groups: a coach's class for several members on a weekly schedule ("Juniors 8–10, Tue/Thu
//! 17:00, court 3"), with a capacity, a waiting list, extra and cancelled sessions, and a
//! journal per session that charges visits by the group's price model. A session is a booking
//! of kind `lesson` naming the group and its coach, so courts and coaches stay single-booked.

pub mod commands;
#[cfg(test)]
pub mod fixtures;
pub mod journal;
pub mod model;
mod notify;
pub mod store;
pub mod web;
