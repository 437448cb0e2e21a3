//! The cash desk's shifts: what a shift is, the cash moved in and out, and the X/Z figures
//! worked out from its payments. Plain types and sums, no I/O.

use jiff::Timestamp;

use crate::payments::model::{Method, Purpose};
use crate::payments::store::Payment;

#[derive(Debug, Clone)]
pub struct Shift {
    pub id: String,
    /// `Origin::till`: the hub's main till or a desk's.
    pub till: String,
    pub opened_at: Timestamp,
    pub opened_by: String,
    pub float: i64,
    pub closed_at: Option<Timestamp>,
    pub closed_by: Option<String>,
    pub counted: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Movement {
    pub at: Timestamp,
    pub amount: i64,
    pub reason: String,
    pub taken_by: String,
}

/// A shift's figures: what came in by method and purpose, what went back, the cash expected.
pub struct Report {
    pub shift: Shift,
    pub payments: Vec<Payment>,
    pub movements: Vec<Movement>,
    pub expected_cash: i64,
}

impl Report {
    /// (method, taken, refunded) for each method used.
    pub fn by_method(&self) -> Vec<(Method, i64, i64)> {
        Method::ALL
            .into_iter()
            .map(|m| {
                let of = self.payments.iter().filter(|p| p.method == m);
                let taken = of.clone().filter(|p| p.amount > 0).map(|p| p.amount).sum();
                let refunded = of.filter(|p| p.amount < 0).map(|p| -p.amount).sum();
                (m, taken, refunded)
            })
            .filter(|(_, t, r)| *t != 0 || *r != 0)
            .collect()
    }

    /// Net money in per purpose (bookings, top-ups, passes); wallet and pass payments are left out: they are not money in.
    pub fn by_purpose(&self) -> Vec<(Purpose, i64)> {
        Purpose::ALL
            .into_iter()
            .map(|k| {
                let net =
                    self.payments.iter().filter(|p| p.purpose == k && p.method.is_money()).map(|p| p.amount).sum();
                (k, net)
            })
            .collect()
    }
}
