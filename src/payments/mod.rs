//! Payments and refunds, the member ledger (each member's account), receipts, the late-cancel
//! and no-show fees, and the takings report. Payments are facts under the id the desk gave
//! them; the ledger is append-only and a balance is the sum of its rows.

pub mod commands;
pub mod fees;
pub mod model;
pub mod store;
pub mod web;
