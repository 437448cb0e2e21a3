//! Who a campaign goes to: a filter over members (or a pasted list of numbers) turned into
//! recipients, with duplicates, invalid numbers and members who opted out (or never agreed to
//! SMS) shown and left out. The same resolution serves the preview and the send, so what the
//! manager saw is what goes.

use std::collections::HashSet;

use jiff::civil::Date;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::members::model::{fold, normalize_phone};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Audience {
    /// Every member who is not archived.
    AllActive,
    Category {
        category_id: String,
    },
    Tag {
        tag: String,
    },
    /// Members who booked or played between these club-local days (inclusive).
    PlayedBetween {
        #[schemars(with = "String", extend("format" = "date"))]
        from: Date,
        #[schemars(with = "String", extend("format" = "date"))]
        to: Date,
    },
    /// Members holding a pass or membership valid on this club-local day (not refunded).
    PassHolders {
        #[schemars(with = "String", extend("format" = "date"))]
        on: Date,
    },
    /// Numbers pasted by the manager, one per line (or separated by commas / semicolons).
    Pasted {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub member_id: Option<String>,
    pub name: String,
    pub phone: String,
}

/// Why someone is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    Duplicate,
    InvalidNumber,
    NoPhone,
    OptedOut,
    NoConsent,
}

impl LeftOut {
    pub fn as_str(self) -> &'static str {
        match self {
            LeftOut::Duplicate => "duplicate",
            LeftOut::InvalidNumber => "invalid_number",
            LeftOut::NoPhone => "no_phone",
            LeftOut::OptedOut => "opted_out",
            LeftOut::NoConsent => "no_consent",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Resolved {
    pub recipients: Vec<Recipient>,
    pub left_out: Vec<(LeftOut, String, String)>,
}

impl Resolved {
    pub fn count(&self, why: LeftOut) -> usize {
        self.left_out.iter().filter(|(w, _, _)| *w == why).count()
    }
}

struct Candidate {
    member_id: Option<String>,
    name: String,
    phone: Option<String>,
    consent: bool,
    opted_out: bool,
}

const MEMBER_SQL: &str = "SELECT m.id, m.full_name, m.phone, m.sms_consent, \
     EXISTS (SELECT 1 FROM sms_optouts o WHERE o.member_id = m.id) FROM members m \
     WHERE m.archived = 0 AND m.merged_into IS NULL";

fn members_where(conn: &Connection, clause: &str, p: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<Candidate>> {
    let mut stmt = conn.prepare(&format!("{MEMBER_SQL} {clause} ORDER BY m.search_name"))?;
    stmt.query_map(p, |r| {
        Ok(Candidate {
            member_id: Some(r.get(0)?),
            name: r.get(1)?,
            phone: r.get(2)?,
            consent: r.get(3)?,
            opted_out: r.get(4)?,
        })
    })?
    .collect()
}

/// Resolves `audience` against the members now. `region` reads pasted numbers without a country
/// code; `tz` turns the played-between days into instants.
pub fn resolve(
    conn: &Connection,
    audience: &Audience,
    region: &str,
    tz: &jiff::tz::TimeZone,
) -> rusqlite::Result<Resolved> {
    let mut out = Resolved::default();
    let candidates = match audience {
        Audience::AllActive => members_where(conn, "", &[])?,
        Audience::Category { category_id } => members_where(conn, "AND m.category_id = ?1", &[category_id])?,
        Audience::Tag { tag } => {
            members_where(conn, "AND (',' || m.tags || ',') LIKE ('%,' || ?1 || ',%')", &[&fold(tag)])?
        }
        Audience::PlayedBetween { from, to } => {
            let start = from.to_zoned_datetime(tz.clone()).map(|z| z.timestamp().as_millisecond()).unwrap_or(0);
            let end = to
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
                .map_or(i64::MAX, |z| z.timestamp().as_millisecond());
            members_where(
                conn,
                "AND m.id IN (SELECT b.booker_id FROM bookings b WHERE b.status IN ('booked', 'checked_in') \
                 AND b.starts_at >= ?1 AND b.starts_at < ?2 AND b.booker_id IS NOT NULL \
                 UNION SELECT p.member_id FROM booking_players p JOIN bookings b ON b.id = p.booking_id \
                 WHERE b.status IN ('booked', 'checked_in') AND b.starts_at >= ?1 AND b.starts_at < ?2 \
                 AND p.member_id IS NOT NULL)",
                &[&start, &end],
            )?
        }
        Audience::PassHolders { on } => members_where(
            conn,
            "AND m.id IN (SELECT p.member_id FROM member_passes p WHERE p.voided_at IS NULL \
             AND p.valid_from <= ?1 AND p.valid_until >= ?1)",
            &[&on.to_string()],
        )?,
        Audience::Pasted { text } => pasted(conn, text, region, &mut out)?,
    };
    let mut seen: HashSet<String> = HashSet::new();
    let pasted_list = matches!(audience, Audience::Pasted { .. });
    for c in candidates {
        let Some(phone) = c.phone else {
            out.left_out.push((LeftOut::NoPhone, c.name, String::new()));
            continue;
        };
        if c.opted_out {
            out.left_out.push((LeftOut::OptedOut, c.name, phone));
        } else if !c.consent && !pasted_list {
            // A pasted number is the manager's own list; members from filters must have agreed.
            out.left_out.push((LeftOut::NoConsent, c.name, phone));
        } else if !seen.insert(phone.clone()) {
            out.left_out.push((LeftOut::Duplicate, c.name, phone));
        } else {
            out.recipients.push(Recipient { member_id: c.member_id, name: c.name, phone });
        }
    }
    Ok(out)
}

fn pasted(conn: &Connection, text: &str, region: &str, out: &mut Resolved) -> rusqlite::Result<Vec<Candidate>> {
    let mut by_phone = conn.prepare_cached(
        "SELECT m.id, m.full_name, EXISTS (SELECT 1 FROM sms_optouts o WHERE o.member_id = m.id) \
         FROM members m WHERE m.phone = ?1 AND m.archived = 0",
    )?;
    let mut list = Vec::new();
    for raw in text.split(['\n', ',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        match normalize_phone(raw, region) {
            Ok(Some(phone)) => {
                let member = by_phone
                    .query_row(params![phone], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))
                    .ok();
                list.push(match member {
                    Some((id, name, opted_out)) => {
                        Candidate { member_id: Some(id), name, phone: Some(phone), consent: true, opted_out }
                    }
                    None => Candidate {
                        member_id: None,
                        name: String::new(),
                        phone: Some(phone),
                        consent: true,
                        opted_out: false,
                    },
                });
            }
            _ => out.left_out.push((LeftOut::InvalidNumber, String::new(), raw.to_owned())),
        }
    }
    Ok(list)
}
