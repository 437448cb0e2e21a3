//! The form that pays a booking: shown on the booking page, read by the pay page.

use rocket::form::FromForm;

use crate::money::amount;
use crate::payments::model::Method;
use crate::web::forms::fresh_id;

#[derive(FromForm, Default, Clone)]
pub struct PayForm {
    #[field(default = String::new())]
    pub command_id: String,
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub method: String,
    /// A member id, or empty for a guest named in `payer_name`.
    #[field(default = String::new())]
    pub payer: String,
    #[field(default = String::new())]
    pub payer_name: String,
}

impl PayForm {
    pub fn for_booking(booker: Option<String>, left: i64, currency: &str) -> PayForm {
        PayForm {
            command_id: fresh_id(),
            amount: if left > 0 { amount::plain(left, currency) } else { String::new() },
            method: Method::Cash.as_str().into(),
            payer: booker.unwrap_or_default(),
            payer_name: String::new(),
        }
    }
}
