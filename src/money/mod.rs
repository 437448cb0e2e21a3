//! Amounts of money: integer minor units of the club currency, read from what staff type and
//! shown the way each language writes money. The areas that handle money are `prices` (the
//! price list and quotes), `payments` (payments, refunds, the member ledger, fees) and `cash`
//! (the cash desk's shifts).

pub mod amount;
