//! Courtside: a self-hosted tennis-club appliance in one binary.
//! `core` is the one write path; areas (`auth`, `club`, ...) hold their model, commands, SQL and
//! pages; `web` mounts everything; `cli` is the operator's console.

pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod bookings;
pub mod cash;
pub mod cli;
pub mod clock;
pub mod club;
pub mod coaching;
pub mod commands;
pub mod config;
pub mod core;
pub mod courts;
pub mod db;
pub mod demo;
pub mod desk;
pub mod error;
pub mod export;
pub mod groups;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod limits;
pub mod members;
pub mod memory;
pub mod money;
pub mod passes;
pub mod pause;
pub mod payments;
pub mod portal;
pub mod prices;
pub mod reports;
pub mod sealed;
pub mod secret_key;
pub mod sms;
pub mod staff;
pub mod sync;
#[cfg(test)]
pub mod testing;
pub mod text;
pub mod waitlist;
pub mod web;

pub use app::App;
