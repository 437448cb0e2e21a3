//! Member pages (reception and up): search as you type (`list`), the form (`form`), the member
//! card with family, archive and merge (`card`); categories and CSV import/export (managers).

mod card;
mod categories;
mod csv;
mod form;
mod history;
mod list;

use rocket::{Route, routes};

use super::model::{card_label, display_phone};
use super::store::Member;

/// The member of a form's member picker (`field`): the one picked from the suggestions, else
/// the one found by what was typed (a card number, or a name or phone that finds exactly one
/// member). Typed text that finds none or several is a mistake on `field`.
pub async fn pick_member(
    app: &crate::app::App,
    ctx: &crate::web::page::PageCtx,
    picked: &str,
    typed: &str,
    field: &str,
    errors: &mut crate::web::forms::FieldErrors,
) -> anyhow::Result<Option<String>> {
    let (picked, typed) = (picked.trim(), typed.trim().to_owned());
    if !picked.is_empty() {
        return Ok(Some(picked.to_owned()));
    }
    if typed.is_empty() {
        return Ok(None);
    }
    let index = app.member_index.clone();
    let region = app.club().await?.phone_region;
    let found = app.db.read(move |c| Ok(index.search(c, &typed, &region, false, 2)?)).await?;
    let code = match found.as_slice() {
        [one] => return Ok(Some(one.id.clone())),
        [] => "booker-unknown",
        _ => "booker-ambiguous",
    };
    errors.add(ctx.locale, field, code);
    Ok(None)
}

pub const SEARCH_LIMIT: usize = 30;

/// A member as lists show them.
pub struct Row {
    pub id: String,
    pub card: String,
    pub name: String,
    pub phone: String,
    pub category: String,
    pub tags: String,
    pub archived: bool,
}

impl From<&Member> for Row {
    fn from(m: &Member) -> Row {
        Row {
            id: m.id.clone(),
            card: card_label(m.card_no),
            name: m.full_name.clone(),
            phone: m.phone.as_deref().map(display_phone).unwrap_or_default(),
            category: m.category.clone().unwrap_or_default(),
            tags: m.tags.join(", "),
            archived: m.archived,
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![
        list::list,
        list::search,
        list::suggest,
        form::new_page,
        form::create,
        form::edit_page,
        form::update,
        card::card,
        history::history,
        card::archive,
        card::delete,
        card::merge,
        card::link,
        card::unlink,
        categories::categories_page,
        categories::create_category,
        categories::update_category,
        csv::export,
        csv::import_page,
        csv::import_preview,
        csv::import_confirm
    ]
}
