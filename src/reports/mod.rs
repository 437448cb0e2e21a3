//! The manager's reports beyond the takings: how full the courts were and where the money came
//! from, each for a chosen period, drawn as SVG charts in the page and exported as CSV and XLSX.
//! The figures are worked out in plain functions (`occupancy`, `revenue`) from rows the store
//! reads in one pass.

pub mod cancellations;
pub mod coaching;
pub mod members;
pub mod occupancy;
pub mod revenue;
pub mod sms;
pub mod store;
pub mod web;
