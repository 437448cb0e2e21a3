//! The booking pages: the booking form (`form`), one booking (`booking`) and weekly series
//! (`series`), and the waiting list for a booking's time (`waiting`); the grid pages are in `grid`.

mod booking;
mod cancel;
mod form;
pub mod grid;
mod series;
mod waiting;

use jiff::civil::Date;
use rocket::{Route, routes};

use super::model::{Kind, Status};
use crate::web::page::PageCtx;

pub(crate) use booking::show_page;

pub(crate) fn parse_day(raw: Option<&str>, ctx: &PageCtx) -> Date {
    raw.and_then(|d| d.trim().parse().ok()).unwrap_or_else(|| ctx.club_day())
}

pub(crate) fn kind_label(ctx: &PageCtx, k: &Kind) -> String {
    ctx.t(&format!("kind-{}-label", k.as_str()))
}

pub(crate) fn status_label(ctx: &PageCtx, s: &Status) -> String {
    ctx.t(&format!("status-{}", s.as_str()))
}

pub fn routes() -> Vec<Route> {
    routes![
        form::new_page,
        form::create,
        booking::show,
        booking::edit_page,
        booking::update,
        cancel::cancel,
        booking::set_price,
        form::quote,
        form::pass_options,
        booking::attendance,
        booking::move_booking,
        waiting::join,
        waiting::leave,
        series::series_new,
        series::series_from_booking,
        series::series_preview,
        series::series_create,
        series::series_show,
        series::series_edit,
        series::series_end,
        series::series_copy
    ]
}
