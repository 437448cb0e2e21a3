//! The day grid as data: courts as columns, slots as rows, bookings as blocks, closed time
//! shaded. Built from plain values so it can be tested and rendered without a request.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::model::{Kind, LocalSlot, Status};
use super::store::Booking;
use crate::courts::model::{BookingRules, Closure, DayMinute, Hours, Week, hours_on};
use crate::courts::store::Court;

pub struct GridCourt {
    pub id: String,
    pub name: String,
    pub detail: String,
    pub column: usize,
}

/// One slot of one court: free (bookable) or closed.
pub struct Cell {
    pub column: usize,
    pub row: usize,
    pub court_id: String,
    pub start: DayMinute,
    pub open: bool,
}

pub struct Block {
    pub id: String,
    pub column: usize,
    pub row: usize,
    pub span: usize,
    pub kind: Kind,
    pub status: Status,
    pub title: String,
    pub time: String,
    pub players: String,
    pub series: bool,
}

pub struct DayGrid {
    pub day: Date,
    pub step: u16,
    pub first: DayMinute,
    pub rows: usize,
    pub courts: Vec<GridCourt>,
    pub times: Vec<(usize, DayMinute)>,
    pub cells: Vec<Cell>,
    pub blocks: Vec<Block>,
    /// Row (1-based, fractional) of the current time, when it is on the grid.
    pub now_row: Option<f64>,
}

pub struct GridInput<'a> {
    pub day: Date,
    pub tz: &'a TimeZone,
    pub courts: &'a [Court],
    pub rules: BookingRules,
    pub week: &'a Week,
    pub closures: &'a [Closure],
    /// Bookings of the day with the names of their extra players.
    pub bookings: &'a [(Booking, Vec<String>)],
    pub now: Timestamp,
}

pub fn build(input: &GridInput<'_>, label_for: impl Fn(&Court) -> String) -> DayGrid {
    let step = input.rules.slot_minutes;
    let courts: Vec<&Court> = input.courts.iter().filter(|c| c.draft.active).collect();
    let hours: Vec<Option<Hours>> =
        courts.iter().map(|c| hours_on(input.day, &c.id, input.week, input.closures)).collect();
    let bookings: Vec<(&Booking, &Vec<String>, LocalSlot)> = input
        .bookings
        .iter()
        .filter(|(b, _)| b.status != Status::Cancelled)
        .map(|(b, p)| (b, p, LocalSlot::from_instants(b.starts_at, b.ends_at, input.tz)))
        .collect();
    // The grid spans the earliest opening to the latest closing, widened for any booking outside.
    let mut first = hours.iter().flatten().map(|h| h.opens.minutes()).min().unwrap_or(7 * 60);
    let mut last = hours.iter().flatten().map(|h| h.closes.minutes()).max().unwrap_or(23 * 60);
    for (_, _, s) in &bookings {
        if s.day == input.day {
            first = first.min(s.start.minutes());
            last = last.max(u16::try_from(s.end_minute().min(1440)).unwrap_or(1440));
        }
    }
    first -= first % step;
    let rows = usize::from((last.max(first + step) - first).div_ceil(step));
    let row_of = |m: u16| usize::from((m.saturating_sub(first)) / step) + 1;

    let mut cells = Vec::new();
    for (i, c) in courts.iter().enumerate() {
        for r in 0..rows {
            let start = first + step * r as u16;
            let open = hours[i].is_some_and(|h| start >= h.opens.minutes() && start + step <= h.closes.minutes());
            cells.push(Cell {
                column: i + 1,
                row: r + 1,
                court_id: c.id.clone(),
                start: DayMinute::new(start).unwrap_or(DayMinute::MIDNIGHT_END),
                open,
            });
        }
    }
    let mut blocks = Vec::new();
    for (b, players, s) in &bookings {
        let Some(column) = courts.iter().position(|c| c.id == b.court_id) else { continue };
        // A booking that began the day before shows from the top.
        let start_min = if s.day == input.day { s.start.minutes() } else { first };
        let end_min = (u32::from(start_min) + u32::from(s.minutes)).min(1440) as u16;
        let row = row_of(start_min);
        let span = usize::from((end_min.saturating_sub(start_min)).div_ceil(step)).max(1);
        let title = b.booker_name.clone().unwrap_or_default();
        let time = format!("{}–{}", s.start, DayMinute::new(end_min).unwrap_or(DayMinute::MIDNIGHT_END));
        blocks.push(Block {
            id: b.id.clone(),
            column: column + 1,
            row,
            span,
            kind: b.kind,
            status: b.status,
            title,
            time,
            players: players.join(", "),
            series: b.series_id.is_some(),
        });
    }
    let times = (0..rows)
        .map(|r| (r + 1, DayMinute::new(first + step * r as u16).unwrap_or(DayMinute::MIDNIGHT_END)))
        .collect();
    let now = input.now.to_zoned_datetime(input.tz.clone());
    let now_row = (now.date() == input.day).then(|| {
        let m = f64::from(now.hour()) * 60.0 + f64::from(now.minute());
        (m - f64::from(first)) / f64::from(step) + 1.0
    });
    let now_row = now_row.filter(|r| *r >= 1.0 && *r <= rows as f64 + 1.0);
    DayGrid {
        day: input.day,
        step,
        first: DayMinute::new(first).unwrap_or(DayMinute::MIDNIGHT_END),
        rows,
        courts: courts
            .iter()
            .enumerate()
            .map(|(i, c)| GridCourt {
                id: c.id.clone(),
                name: c.draft.name.clone(),
                detail: label_for(c),
                column: i + 1,
            })
            .collect(),
        times,
        cells,
        blocks,
        now_row,
    }
}
