//! Members: who they are, how to reach them, their category and family, and finding them fast.

pub mod commands;
pub mod csv_io;
mod history;
pub mod index;
pub mod model;
pub mod store;
pub mod web;
