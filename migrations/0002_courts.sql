-- Courts, the club's weekly opening hours, closed days and holiday hours, booking-length rules.

CREATE TABLE courts (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    surface       TEXT NOT NULL CHECK (surface IN ('hard', 'clay', 'grass', 'carpet', 'artificial_grass')),
    indoor        INTEGER NOT NULL,
    floodlights   INTEGER NOT NULL,
    court_group   TEXT NOT NULL DEFAULT '',
    display_order INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX courts_name ON courts (lower(name));

-- One row per weekday that differs from the default (07:00-23:00); 1 = Monday ... 7 = Sunday.
-- opens/closes are minutes after midnight; NULL opens = closed all day.
CREATE TABLE opening_hours (
    id      TEXT PRIMARY KEY,
    weekday INTEGER NOT NULL UNIQUE CHECK (weekday BETWEEN 1 AND 7),
    opens   INTEGER CHECK (opens BETWEEN 0 AND 1440),
    closes  INTEGER CHECK (closes BETWEEN 0 AND 1440)
) STRICT;

-- A closed day (or days), for the whole club or one court; with opens/closes it is holiday
-- hours instead of a full closure. Dates are club-local YYYY-MM-DD.
CREATE TABLE closures (
    id         TEXT PRIMARY KEY,
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    court_id   TEXT REFERENCES courts (id),
    opens      INTEGER CHECK (opens BETWEEN 0 AND 1440),
    closes     INTEGER CHECK (closes BETWEEN 0 AND 1440),
    reason     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX closures_by_day ON closures (last_day, first_day);

-- The club's slot step and booking-length limits (one row once set; defaults until then).
CREATE TABLE booking_rules (
    id           TEXT PRIMARY KEY,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes IN (15, 30, 60)),
    min_minutes  INTEGER NOT NULL,
    max_minutes  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
