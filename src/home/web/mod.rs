//! The start page after login: today at the club, and for managers the state of the system.

mod search;

use std::collections::HashMap;

use askama::Template;
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, routes};

use crate::app::App;
use crate::bookings::store::Booking;
use crate::cash::model::Shift;
use crate::core::{self, CommandFilter, CommandRecord, Role};
use crate::db::{backup, migrate};
use crate::error::AppError;
use crate::home::today::{Today, today};
use crate::web::guards::Staff;
use crate::web::page::{Html, PageCtx, ok};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    staff_count: i64,
    schema_version: i64,
    last_backup: Option<backup::BackupFile>,
    recent: Vec<CommandRecord>,
    backup_hour: i8,
    /// Why SMS sending stopped (credentials, money, settings), for the manager to act on.
    sms_paused: Option<(String, String)>,
    /// Active courts: id, name, open now.
    courts: Vec<(String, String, bool)>,
    /// Today's bookings and what has been paid for each.
    bookings: Vec<Booking>,
    paid: HashMap<String, i64>,
    /// Groups' names by id: a group's session is called by its group.
    groups: HashMap<String, String>,
    /// This desk's till, while a shift is open, with the cash that should be in it.
    shift: Option<(Shift, i64)>,
    /// The slot a booking made now would start at ("18:30").
    slot_now: String,
    /// Each open court's hours today, as instants: the day's occupancy.
    windows: Vec<(String, jiff::Timestamp, jiff::Timestamp)>,
    /// A manager's figures beyond the desk's lists.
    glance: Option<Glance>,
}

/// What a manager sees at a glance besides the desk's lists.
struct Glance {
    /// Members who owe the club, and how much in all (negative).
    debtors: (usize, i64),
    /// Messages not delivered (failed, refused or expired) since `sms_since`.
    sms_failed: i64,
    /// The first of the week's days (today the last): the SMS report's period for the figure.
    sms_since: jiff::civil::Date,
}

/// The days the start page counts undelivered SMS over, today included.
const SMS_PROBLEM_DAYS: i64 = 7;

impl HomePage {
    fn today(&self) -> Today<'_> {
        today(self.ctx.now, &self.courts, &self.bookings, &self.paid)
    }

    fn courts_in_use(&self) -> String {
        let t = self.today();
        let playing = t.courts.iter().filter(|c| c.now.is_some()).count().to_string();
        let all = t.courts.len().to_string();
        crate::i18n::tr_args(self.ctx.locale, "dash-of", &[("n", &playing), ("all", &all)])
    }

    /// The share of today's open court time that is booked, in whole per cent.
    fn occupancy(&self) -> String {
        let (booked, open) = crate::home::today::occupancy(&self.windows, &self.bookings);
        if open == 0 { "—".into() } else { format!("{}%", (booked * 100 + open / 2) / open) }
    }

    fn unpaid_total(&self) -> i64 {
        self.today().unpaid.iter().map(|(_, left)| left).sum()
    }

    fn span(&self, b: &Booking) -> String {
        crate::bookings::model::span(b.starts_at, b.ends_at, &self.ctx.tz)
    }

    fn start(&self, b: &Booking) -> String {
        crate::bookings::model::clock_span(b.starts_at, b.ends_at, &self.ctx.tz).0
    }

    fn until(&self, b: &Booking) -> String {
        crate::bookings::model::clock_span(b.starts_at, b.ends_at, &self.ctx.tz).1
    }

    fn who(&self, b: &Booking) -> String {
        let group = b.group_id.as_ref().and_then(|g| self.groups.get(g)).cloned();
        b.booker_name.clone().or(group).unwrap_or_else(|| self.ctx.t(&format!("kind-{}-label", b.kind.as_str())))
    }

    fn court_name(&self, b: &Booking) -> &str {
        self.courts.iter().find(|(id, _, _)| *id == b.court_id).map_or("", |(_, name, _)| name.as_str())
    }

    /// Each check-in form its own command id.
    fn fresh_id(&self) -> String {
        crate::web::forms::fresh_id()
    }

    fn can_check_in(&self, b: &Booking) -> bool {
        crate::bookings::model::can_check_in(b.status, b.starts_at, self.ctx.now)
    }

    fn kind_label(&self, r: &CommandRecord) -> String {
        self.ctx.t(&format!("kind-{}", r.kind))
    }

    fn actor(&self, r: &CommandRecord) -> String {
        crate::web::log_book::who(&self.ctx, r)
    }

    fn sms_pause_text(&self, reason: &str) -> String {
        self.ctx.t(&format!("sms-paused-{reason}"))
    }

    fn backup_size(&self, b: &backup::BackupFile) -> String {
        crate::i18n::megabytes(self.ctx.locale, b.bytes)
    }
}

#[get("/")]
async fn home(me: Staff, ctx: PageCtx, app: &State<App>) -> Result<Either<Html, Redirect>, AppError> {
    // A coach's start page is their own week: the day's grid is the desk's.
    if me.0.user.role < Role::Reception {
        return Ok(Either::Right(Redirect::to("/coach")));
    }
    let backup_dir = app.config.backup_dir();
    let (day, tz, now, till) = (ctx.club_day(), ctx.tz.clone(), ctx.now, app.till().to_owned());
    let (staff_count, schema_version, recent, sms_paused) = app
        .db
        .read(|c| {
            let staff: i64 = crate::auth::store::all_users(c)?.iter().filter(|u| u.active).count() as i64;
            let routine = crate::web::log_book::SMS_PLUMBING.to_vec();
            let filter = CommandFilter { limit: 8, except_kinds: routine, ..CommandFilter::default() };
            let recent = core::list_commands(c, &filter)?;
            let sms_paused = crate::sms::store::provider(c)?.and_then(|p| p.paused).map(|(r, note, _)| (r, note));
            Ok((staff, migrate::schema_version(c)?, recent, sms_paused))
        })
        .await?;
    let manager = me.0.user.role >= Role::Manager;
    let (courts, (bookings, groups), paid, shift, slot_now, windows, glance) = app
        .db
        .read(move |c| {
            let start = day.to_zoned_datetime(tz.clone())?.timestamp();
            let end = day.tomorrow()?.to_zoned_datetime(tz.clone())?.timestamp();
            let minute = {
                let z = now.to_zoned_datetime(tz.clone());
                i32::from(z.hour()) * 60 + i32::from(z.minute())
            };
            let (week, closures) = (crate::courts::store::week(c)?, crate::courts::store::closures_from(c, day)?);
            let step = i32::from(crate::courts::store::rules(c)?.slot_minutes.max(1));
            let mut windows = Vec::new();
            let courts = crate::courts::store::courts(c)?
                .into_iter()
                .filter(|court| court.draft.active)
                .map(|court| {
                    let hours = crate::courts::model::hours_on(day, &court.id, &week, &closures);
                    let open = hours.is_some_and(|h| {
                        i32::from(h.opens.minutes()) <= minute && minute < i32::from(h.closes.minutes())
                    });
                    if let Some(h) = hours {
                        let minutes = h.closes.minutes().saturating_sub(h.opens.minutes());
                        let slot = crate::bookings::model::LocalSlot { day, start: h.opens, minutes };
                        windows.extend(slot.instants(&tz).map(|(from, to)| (court.id.clone(), from, to)));
                    }
                    (court.id, court.draft.name, open)
                })
                .collect::<Vec<_>>();
            let bookings = crate::bookings::store::between(c, start, end)?;
            let groups = crate::groups::store::names(c)?.into_iter().collect::<HashMap<_, _>>();
            let paid = crate::payments::store::paid_for_bookings_between(c, start, end)?;
            let shift = match crate::cash::store::open_shift(c, &till)? {
                Some(s) => {
                    let expected = crate::cash::store::expected_cash(c, &s)?;
                    Some((s, expected))
                }
                None => None,
            };
            let slot = minute - minute % step;
            let glance = if manager {
                let sms_since = day.saturating_sub(jiff::Span::new().days(SMS_PROBLEM_DAYS - 1));
                let counts =
                    crate::sms::store::period_counts(c, sms_since.to_zoned_datetime(tz.clone())?.timestamp(), now)?;
                Some(Glance {
                    debtors: crate::payments::store::debt(c)?,
                    sms_failed: counts.failed + counts.expired,
                    sms_since,
                })
            } else {
                None
            };
            let slot_now = format!("{:02}:{:02}", slot / 60, slot % 60);
            Ok((courts, (bookings, groups), paid, shift, slot_now, windows, glance))
        })
        .await?;
    let last_backup = tokio::task::spawn_blocking(move || backup::list(&backup_dir))
        .await
        .map_err(anyhow::Error::from)??
        .into_iter()
        .next();
    Ok(Either::Left(ok(&HomePage {
        ctx,
        staff_count,
        schema_version,
        last_backup,
        recent,
        backup_hour: app.config.backup.hour,
        sms_paused,
        courts,
        bookings,
        paid,
        groups,
        shift,
        slot_now,
        windows,
        glance,
    })?))
}

pub fn routes() -> Vec<Route> {
    routes![home, search::search]
}
