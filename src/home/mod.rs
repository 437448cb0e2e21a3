//! The start page after login: today at the club, and for managers the state of the system.

pub mod today;
pub mod web;
