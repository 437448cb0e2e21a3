//! The header's search box: a member by name, phone or card number, or a payment by its receipt
//! number. One clear hit opens it; otherwise the page lists what was found.

use askama::Template;
use rocket::response::Redirect;
use rocket::{Either, State, get};

use crate::app::App;
use crate::error::AppError;
use crate::members::model::{card_label, display_phone};
use crate::members::store::Member;
use crate::payments::store::Payment;
use crate::web::guards::Reception;
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: PageCtx,
    q: String,
    members: Vec<Member>,
    receipt: Option<Payment>,
}

impl SearchPage {
    fn card(&self, m: &Member) -> String {
        card_label(m.card_no)
    }

    fn phone(&self, m: &Member) -> String {
        m.phone.as_deref().map(display_phone).unwrap_or_default()
    }

    fn receipt_link(&self, p: &Payment) -> String {
        match &p.booking_id {
            Some(b) => format!("/bookings/{b}"),
            None => format!("/payments/{}/receipt", p.id),
        }
    }
}

/// "№ 123", "#123", "000123": the number a receipt or a card carries.
fn number_in(q: &str) -> Option<i64> {
    let digits = q.trim().trim_start_matches(['№', '#', 'N', 'n']).trim();
    digits.parse().ok().filter(|n| *n > 0)
}

const LIMIT: usize = 20;

#[get("/search?<q>")]
pub(super) async fn search(
    _r: Reception,
    ctx: PageCtx,
    app: &State<App>,
    q: Option<String>,
) -> Result<Either<Html, Redirect>, AppError> {
    let q = q.unwrap_or_default().trim().to_owned();
    let (index, region, query) = (app.member_index.clone(), ctx.club.phone_region.clone(), q.clone());
    let (members, receipt) = app
        .db
        .read(move |c| {
            let members = if query.is_empty() { Vec::new() } else { index.search(c, &query, &region, true, LIMIT)? };
            let receipt = match number_in(&query) {
                Some(n) => crate::payments::store::by_receipt(c, n)?,
                None => None,
            };
            Ok((members, receipt))
        })
        .await?;
    let page = SearchPage { ctx, q, members, receipt };
    match (page.members.as_slice(), &page.receipt) {
        ([m], None) => Ok(Either::Right(Redirect::to(format!("/members/{}", m.id)))),
        ([], Some(p)) => Ok(Either::Right(Redirect::to(page.receipt_link(p)))),
        _ => Ok(Either::Left(ok(&page)?)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn receipt_and_card_numbers_are_read_as_written() {
        for typed in ["123", "№ 123", "#123", "000123", " N123 "] {
            assert_eq!(super::number_in(typed), Some(123), "{typed}");
        }
        assert_eq!(super::number_in("Anna"), None);
        assert_eq!(super::number_in("0"), None);
    }
}
