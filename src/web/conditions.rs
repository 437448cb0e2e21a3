//! The courts, weekdays and time band of a `Conditions` on a form (a pass product, a coach's
//! working hours) and in words; `templates/partials/conditions.html` draws the fields.

use jiff::civil::Weekday;

use crate::bookings::model::Conditions;
use crate::courts::model::DayMinute;
use crate::courts::store::Court;
use crate::web::forms::FieldErrors;
use crate::web::page::PageCtx;

/// The fields as typed: ticked court ids and weekdays (1 = Monday), and the band's ends.
pub struct Typed<'a> {
    pub court: &'a [String],
    pub weekday: &'a [i8],
    pub from: &'a str,
    pub to: &'a str,
}

/// The conditions the fields say; a time that is not a time is named in `errors` (an empty
/// field is the start or the end of the day).
pub fn parse(ctx: &PageCtx, t: Typed<'_>, errors: &mut FieldErrors) -> Conditions {
    let any = Conditions::default();
    let mut time = |field: &str, text: &str, empty: DayMinute| match text.trim() {
        "" => empty,
        t => DayMinute::parse(t).unwrap_or_else(|| {
            errors.add(ctx.locale, field, "time-invalid");
            empty
        }),
    };
    Conditions {
        court_ids: t.court.to_vec(),
        weekdays: t.weekday.iter().filter_map(|n| Weekday::from_monday_one_offset(*n).ok()).collect(),
        from: time("from", t.from, any.from),
        to: time("to", t.to, any.to),
    }
}

/// The ticked weekdays of `c`, as the form sends them.
pub fn weekday_numbers(c: &Conditions) -> Vec<i8> {
    c.weekdays.iter().map(|d| d.to_monday_one_offset()).collect()
}

/// Each weekday (1 = Monday), its name, and whether it is ticked.
pub fn weekday_checks(ctx: &PageCtx, ticked: &[i8]) -> Vec<(i8, String, bool)> {
    (1..=7).map(|n| (n, ctx.t(&format!("weekday-{n}")), ticked.contains(&n))).collect()
}

/// Each court's id, its name, and whether it is ticked.
pub fn court_checks<'a>(courts: &'a [Court], ticked: &[String]) -> Vec<(&'a str, &'a str, bool)> {
    courts.iter().map(|c| (c.id.as_str(), c.draft.name.as_str(), ticked.contains(&c.id))).collect()
}

/// "Mon, Tue · 07:00–16:00 · Court 1", or the text of message `any` when nothing is limited.
pub fn text(ctx: &PageCtx, c: &Conditions, courts: &[Court], any: &str) -> String {
    let mut parts = Vec::new();
    if !c.weekdays.is_empty() {
        let days: Vec<String> =
            c.weekdays.iter().map(|d| ctx.t(&format!("weekday-short-{}", d.to_monday_one_offset()))).collect();
        parts.push(days.join(", "));
    }
    if c.from.minutes() > 0 || c.to != DayMinute::MIDNIGHT_END {
        parts.push(format!("{}–{}", c.from, c.to));
    }
    if !c.court_ids.is_empty() {
        let names: Vec<&str> =
            courts.iter().filter(|k| c.court_ids.contains(&k.id)).map(|k| k.draft.name.as_str()).collect();
        parts.push(names.join(", "));
    }
    if parts.is_empty() { ctx.t(any) } else { parts.join(" · ") }
}
