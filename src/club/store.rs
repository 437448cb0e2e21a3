use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::model::ClubSettings;
use crate::i18n::Locale;

pub fn settings(conn: &Connection) -> rusqlite::Result<Option<(String, ClubSettings)>> {
    conn.prepare_cached("SELECT id, name, time_zone, locale, currency, phone_region FROM club_settings LIMIT 1")?
        .query_row([], |r| {
            let locale: String = r.get(3)?;
            Ok((
                r.get(0)?,
                ClubSettings {
                    name: r.get(1)?,
                    time_zone: r.get(2)?,
                    locale: Locale::parse(&locale).unwrap_or_default(),
                    currency: r.get(4)?,
                    phone_region: r.get(5)?,
                },
            ))
        })
        .optional()
}

/// The club's time zone (UTC until one is set).
pub fn time_zone(conn: &Connection) -> rusqlite::Result<jiff::tz::TimeZone> {
    let zone = settings(conn)?.and_then(|(_, s)| jiff::tz::TimeZone::get(&s.time_zone).ok());
    Ok(zone.unwrap_or(jiff::tz::TimeZone::UTC))
}

pub fn insert(conn: &Connection, id: &str, s: &ClubSettings, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "INSERT INTO club_settings (id, name, time_zone, locale, currency, phone_region, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, s.name, s.time_zone, s.locale.as_str(), s.currency, s.phone_region, now.as_millisecond()],
    )?;
    Ok(())
}

pub fn update(conn: &Connection, id: &str, s: &ClubSettings, now: Timestamp) -> rusqlite::Result<()> {
    crate::db::exec(
        conn,
        "UPDATE club_settings SET name = ?2, time_zone = ?3, locale = ?4, currency = ?5, phone_region = ?6, updated_at = ?7 \
         WHERE id = ?1",
        params![id, s.name, s.time_zone, s.locale.as_str(), s.currency, s.phone_region, now.as_millisecond()],
    )?;
    Ok(())
}

/// Payments taken or prices set: amounts a currency change would reinterpret.
pub fn money_recorded(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(crate::payments::store::any(conn)? || crate::prices::store::any_rule(conn)?)
}
