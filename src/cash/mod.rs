//! The cash desk: a shift opened with a float, cash moved in and out, the X report while it is
//! open and the Z report once it is closed with the cash counted.

pub mod commands;
pub mod model;
pub mod store;
pub mod web;
