//! Who a campaign goes to: a filter over members (or a pasted list of numbers) turned into
//! recipients, with duplicates, invalid numbers and members who opted out (or never agreed to
//! SMS) shown and left out. The same resolution serves the preview and the send, so what the
//! manager saw is what goes.

use std::collections::HashSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::store::audience::{self as store, Candidate};
use crate::db::{Conn, SqlError};
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

/// Resolves `audience` against the members now. `region` reads pasted numbers without a country
/// code; `tz` turns the played-between days into instants.
pub fn resolve(conn: &Conn, audience: &Audience, region: &str, tz: &jiff::tz::TimeZone) -> Result<Resolved, SqlError> {
    let mut out = Resolved::default();
    let candidates = match audience {
        Audience::AllActive => store::candidates_all(conn)?,
        Audience::Category { category_id } => store::candidates_in_category(conn, category_id)?,
        Audience::Tag { tag } => store::candidates_tagged(conn, &fold(tag))?,
        Audience::PlayedBetween { from, to } => {
            let start = from.to_zoned_datetime(tz.clone()).map_or(jiff::Timestamp::UNIX_EPOCH, |z| z.timestamp());
            let end = to
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
                .map_or(jiff::Timestamp::MAX, |z| z.timestamp());
            store::candidates_played_between(conn, start, end)?
        }
        Audience::PassHolders { on } => store::candidates_holding_a_pass(conn, *on)?,
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

fn pasted(conn: &Conn, text: &str, region: &str, out: &mut Resolved) -> Result<Vec<Candidate>, SqlError> {
    let mut list = Vec::new();
    for raw in text.split(['\n', ',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
        match normalize_phone(raw, region) {
            Ok(Some(phone)) => {
                let member = store::member_by_phone_for_sms(conn, &phone)?;
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
