//! The day grid as data: courts as columns, slots as rows, bookings as blocks, closed time
//! shaded. Built from plain values so it can be tested and rendered without a request.
//!
//! Bookings are placed on the CSS grid explicitly; free and closed slots are listed in row
//! order with no position, for the browser's auto-placement to flow into the slots the
//! bookings leave. That keeps the page small: a busy day has hundreds of slots.

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

/// One slot of one court not under a booking: free (bookable) or closed.
pub struct Cell {
    /// The court's column, one more than its index in `DayGrid::courts`.
    pub column: usize,
    pub row: usize,
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
    pub pay: PayState,
    /// Made or changed on this desk while the hub has not yet decided it.
    pub tentative: bool,
    /// Members on the waiting list for this time.
    pub waiting: usize,
    /// A lesson's coach: (name, `#rrggbb`).
    pub coach: Option<(String, String)>,
}

/// How far a booking is paid, for its colour on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayState {
    /// Nothing to pay (a block, or no price).
    Free,
    Unpaid,
    Part,
    Paid,
    /// Paid, or to be paid at check-in, with a pass.
    Pass,
}

impl PayState {
    pub fn of(price: i64, paid: i64, by_pass: bool) -> PayState {
        match (price, paid) {
            _ if by_pass => PayState::Pass,
            (p, _) if p <= 0 => PayState::Free,
            (_, 0) => PayState::Unpaid,
            (p, paid) if paid >= p => PayState::Paid,
            _ => PayState::Part,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PayState::Free => "free",
            PayState::Unpaid => "unpaid",
            PayState::Part => "part",
            PayState::Paid => "paid",
            PayState::Pass => "pass",
        }
    }
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
}

impl DayGrid {
    /// The court a free slot is on (cells keep no copy of its id: a busy day has hundreds).
    pub fn court_id(&self, cell: &Cell) -> &str {
        &self.courts[cell.column - 1].id
    }
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
    /// What has been paid for each booking, by id.
    pub paid: &'a std::collections::HashMap<String, i64>,
    /// Bookings this desk changed that the hub has not yet decided (empty on the hub).
    pub tentative: &'a std::collections::HashSet<String>,
    /// Live waiting-list entries of the day: (court id, start, end).
    pub waiting: &'a [(String, jiff::Timestamp, jiff::Timestamp)],
    /// Coaches by id: (name, colour).
    pub coaches: &'a std::collections::HashMap<String, (String, String)>,
    /// Groups' names by id: a group's session is titled by its group.
    pub groups: &'a std::collections::HashMap<String, String>,
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
        } else {
            // Began the night before: the grid starts at midnight to show the rest of it.
            first = 0;
            last = last.max(u16::try_from(s.end_minute().saturating_sub(1440).min(1440)).unwrap_or(1440));
        }
    }
    first -= first % step;
    let rows = usize::from((last.max(first + step) - first).div_ceil(step));
    let row_of = |m: u16| usize::from((m.saturating_sub(first)) / step) + 1;

    let mut blocks = Vec::new();
    // Which slots bookings cover, row by row, so no cell is listed under a block.
    let mut covered = vec![false; rows * courts.len()];
    for (b, players, s) in &bookings {
        let Some(column) = courts.iter().position(|c| c.id == b.court_id) else { continue };
        // A booking that began the day before shows from the top, for what is left of it.
        let (start_min, end_min) = if s.day == input.day {
            (s.start.minutes(), (u32::from(s.start.minutes()) + u32::from(s.minutes)).min(1440) as u16)
        } else {
            (first, (u32::from(s.start.minutes()) + u32::from(s.minutes)).saturating_sub(1440).min(1440) as u16)
        };
        let row = row_of(start_min);
        let span = usize::from((end_min.saturating_sub(start_min)).div_ceil(step)).max(1);
        for r in row..(row + span).min(rows + 1) {
            covered[(r - 1) * courts.len() + column] = true;
        }
        let group = b.group_id.as_ref().and_then(|g| input.groups.get(g));
        let title = b.booker_name.clone().or_else(|| group.cloned()).unwrap_or_default();
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
            pay: PayState::of(b.price, input.paid.get(&b.id).copied().unwrap_or(0), b.pass_id.is_some()),
            tentative: input.tentative.contains(&b.id),
            waiting: input
                .waiting
                .iter()
                .filter(|(court, from, to)| *court == b.court_id && *from < b.ends_at && b.starts_at < *to)
                .count(),
            coach: b.coach_id.as_ref().and_then(|c| input.coaches.get(c)).cloned(),
        });
    }
    let mut cells = Vec::new();
    for r in 0..rows {
        let start = first + step * r as u16;
        for i in 0..courts.len() {
            if covered[r * courts.len() + i] {
                continue;
            }
            let open = hours[i].is_some_and(|h| start >= h.opens.minutes() && start + step <= h.closes.minutes());
            cells.push(Cell {
                column: i + 1,
                row: r + 1,
                start: DayMinute::new(start).unwrap_or(DayMinute::MIDNIGHT_END),
                open,
            });
        }
    }
    let times = (0..rows)
        .map(|r| (r + 1, DayMinute::new(first + step * r as u16).unwrap_or(DayMinute::MIDNIGHT_END)))
        .collect();
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
    }
}

/// Row (1-based, fractional) of `now` on the grid of `day` that starts at `first`, when the
/// current time is on it: where the red line goes.
pub fn now_row(day: Date, first: DayMinute, step: u16, rows: usize, now: Timestamp, tz: &TimeZone) -> Option<f64> {
    let now = now.to_zoned_datetime(tz.clone());
    let row = (now.date() == day).then(|| {
        let m = f64::from(now.hour()) * 60.0 + f64::from(now.minute());
        (m - f64::from(first.minutes())) / f64::from(step) + 1.0
    });
    row.filter(|r| *r >= 1.0 && *r <= rows as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::bookings::model::Source;
    use crate::courts::model::{CourtDraft, Surface};

    fn court(id: &str) -> Court {
        let draft = CourtDraft {
            name: id.to_uppercase(),
            surface: Surface::Hard,
            indoor: false,
            floodlights: false,
            group: String::new(),
            display_order: 0,
            active: true,
        };
        Court { id: id.into(), draft }
    }

    fn booking(court: &str, start: &str, end: &str) -> (Booking, Vec<String>) {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let b = Booking {
            id: format!("{court}-{start}"),
            court_id: court.into(),
            starts_at: at(start),
            ends_at: at(end),
            kind: Kind::Play,
            status: Status::Booked,
            booker_id: None,
            booker_name: Some("Anna".into()),
            note: String::new(),
            source: Source::Desk,
            series_id: None,
            cancelled_at: None,
            cancel_reason: None,
            created_at: at(start),
            price: 0,
            price_note: String::new(),
            pass_id: None,
            updated_at: at(start),
            coach_id: None,
            group_id: None,
        };
        (b, Vec::new())
    }

    fn grid_of(day: Date, bookings: &[(Booking, Vec<String>)]) -> DayGrid {
        let courts = [court("a"), court("b")];
        let input = GridInput {
            day,
            tz: &TimeZone::UTC,
            courts: &courts,
            rules: BookingRules::default(),
            week: &Week::default(),
            closures: &[],
            bookings,
            paid: &Default::default(),
            tentative: &Default::default(),
            waiting: &[],
            coaches: &Default::default(),
            groups: &Default::default(),
        };
        build(&input, |_| String::new())
    }

    #[test]
    fn slots_under_a_booking_are_not_listed_and_the_rest_come_in_row_order() {
        let day = date(2026, 11, 30);
        let g = grid_of(day, &[booking("b", "2026-11-30T09:00Z", "2026-11-30T10:30Z")]);
        let first = g.first.minutes();
        assert_eq!(g.blocks.len(), 1);
        let block = &g.blocks[0];
        assert_eq!((block.column, block.row, block.span), (2, usize::from((540 - first) / 30) + 1, 3));
        assert_eq!(g.cells.len(), g.rows * 2 - 3, "three half-hours on court b are under the booking");
        assert!(g.cells.iter().all(|c| !(c.column == 2 && (block.row..block.row + 3).contains(&c.row))));
        let order: Vec<(usize, usize)> = g.cells.iter().map(|c| (c.row, c.column)).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "row by row, courts left to right, as auto-placement fills them");
    }

    #[test]
    fn a_booking_from_the_night_before_shows_only_what_is_left_of_it() {
        let day = date(2026, 11, 30);
        let g = grid_of(day, &[booking("a", "2026-11-29T23:00Z", "2026-11-30T01:00Z")]);
        assert_eq!(g.first.minutes(), 0, "the grid opens early to show it");
        assert_eq!((g.blocks[0].row, g.blocks[0].span), (1, 2), "00:00–01:00 is two half-hour rows");
    }

    #[test]
    fn the_now_line_is_drawn_only_on_the_day_and_within_the_grid() {
        let first = DayMinute::new(8 * 60).unwrap();
        let now = "2026-11-30T09:15Z".parse().unwrap();
        let day = date(2026, 11, 30);
        assert_eq!(now_row(day, first, 30, 28, now, &TimeZone::UTC), Some(3.5));
        assert_eq!(now_row(date(2026, 12, 1), first, 30, 28, now, &TimeZone::UTC), None);
        assert_eq!(now_row(day, first, 30, 2, now, &TimeZone::UTC), None, "09:15 is past a grid that ends at 09:00");
    }
}
