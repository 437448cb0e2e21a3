//! One court's week: its free starts day by day for seven days, for the player who plays on
//! the same court and looks for the day that suits.

use askama::Template;
use jiff::ToSpan;
use jiff::civil::Date;
use rocket::http::Status;
use rocket::{State, get};

use super::PortalCtx;
use super::book::Window;
use crate::app::App;
use crate::bookings::availability::{self, FreeStart};
use crate::error::AppError;
use crate::web::guards::Player;
use crate::web::page::{Html, render};

const WEEK: u16 = 7;

#[derive(Template)]
#[template(path = "portal/week.html")]
struct WeekPage {
    ctx: PortalCtx,
    court_id: String,
    court: String,
    /// (date, label, free starts) for each day of the week shown.
    days: Vec<(Date, String, Vec<FreeStart>)>,
    /// The first days of the weeks before and after, within what the player may book.
    earlier: Option<Date>,
    later: Option<Date>,
}

#[get("/book/week/<court_id>?<from>")]
pub(super) async fn week(
    p: Player,
    ctx: PortalCtx,
    app: &State<App>,
    court_id: String,
    from: Option<&str>,
) -> Result<Option<Html>, AppError> {
    if !ctx.settings.booking {
        return Ok(None);
    }
    let window = Window::of(app, &ctx, &p.0.member_id).await?;
    let (today, last, first) = (window.today, window.last, window.day(from));
    let shown = u16::try_from((last - first).get_days() + 1).unwrap_or(1).min(WEEK);
    let tz = ctx.tz.clone();
    let days = app.db.read(move |c| availability::of_days(c, &tz, first, shown)).await?;
    let mut court = None;
    let mut out = Vec::new();
    for (day, courts) in days {
        let Some(mut found) = courts.into_iter().find(|k| k.court_id == court_id) else { continue };
        window.keep_bookable(&ctx, &court_id, day, &mut found.free);
        court.get_or_insert(found.name);
        out.push((day, ctx.date(day), found.free));
    }
    let Some(court) = court else { return Ok(None) };
    let earlier = (first > today).then(|| (first - i64::from(WEEK).days()).max(today));
    let next = first + i64::from(WEEK).days();
    let later = (next <= last).then_some(next);
    let page = WeekPage { ctx, court_id, court, days: out, earlier, later };
    Ok(Some(render(Status::Ok, &page)?))
}
