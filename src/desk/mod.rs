//! Desks: a front-desk PC running `courtside desk`, with a replica of the hub's data that it
//! keeps following, and a journal of the commands taken at it, which reach the hub in order and
//! are decided there. It keeps working when the hub cannot be reached.

pub mod commands;
pub mod console;
pub mod engine;
pub mod hub_link;
pub mod link;
pub mod links;
pub mod refusals;
pub mod retention;
#[cfg(test)]
mod sim;
pub mod status;
pub mod store;
pub mod web;
