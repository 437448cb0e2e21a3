//! The report pages (managers): each a period picker, charts and tables, and its CSV and XLSX.

mod cancellations;
mod chart;
mod coaching;
mod members;
mod occupancy;
mod revenue;
mod sms;

use rocket::Route;

use crate::web::page::PageCtx;

/// A share as a whole percent, "—" when nothing was open.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{}%", (s * 100.0).round()))
}

/// A bucket's label: a day ("Nov 30") or a month ("Nov 2026") in the page's language.
fn bucket_label(ctx: &PageCtx, start: jiff::civil::Date, monthly: bool) -> String {
    let id = if monthly { "fmt-month" } else { "fmt-day-short" };
    start.strftime(&ctx.t(id)).to_string()
}

pub fn routes() -> Vec<Route> {
    let mut routes = occupancy::routes();
    routes.extend(revenue::routes());
    routes.extend(cancellations::routes());
    routes.extend(members::routes());
    routes.extend(coaching::routes());
    routes.extend(sms::routes());
    routes
}
