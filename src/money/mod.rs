//! Money: the price list, passes, the member ledger, payments and the cash desk. Amounts are
//! integer minor units of the club currency; balances are sums of ledger rows.

pub mod amount;
pub mod cash_web;
pub mod commands;
pub mod fees;
pub mod pay_web;
pub mod payment_commands;
pub mod prices;
pub mod pricing;
pub mod reports_web;
pub mod store;
pub mod till;
pub mod web;
