-- Bookings, their players, and weekly series ("permanent" bookings).

CREATE TABLE series (
    id          TEXT PRIMARY KEY,
    court_id    TEXT NOT NULL REFERENCES courts (id),
    weekdays    TEXT NOT NULL,              -- e.g. "1,3" (1 = Monday)
    start_min   INTEGER NOT NULL,           -- club-local wall time, minutes after midnight
    minutes     INTEGER NOT NULL,
    first_day   TEXT NOT NULL,              -- YYYY-MM-DD, club-local
    last_day    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    booker_id   TEXT REFERENCES members (id),
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE bookings (
    id            TEXT PRIMARY KEY,
    court_id      TEXT NOT NULL REFERENCES courts (id),
    starts_at     INTEGER NOT NULL,         -- UTC milliseconds
    ends_at       INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('play', 'lesson', 'tournament', 'block')),
    status        TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'no_show', 'cancelled')),
    booker_id     TEXT REFERENCES members (id),
    note          TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL CHECK (source IN ('desk', 'portal', 'api')),
    series_id     TEXT REFERENCES series (id),
    cancelled_at  INTEGER,
    cancel_reason TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX bookings_by_court ON bookings (court_id, starts_at);
CREATE INDEX bookings_by_time ON bookings (starts_at);
CREATE INDEX bookings_by_booker ON bookings (booker_id, starts_at);
CREATE INDEX bookings_by_series ON bookings (series_id, starts_at);

-- Up to three players besides the booker: members or named guests.
CREATE TABLE booking_players (
    id         TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    member_id  TEXT REFERENCES members (id),
    guest_name TEXT,
    UNIQUE (booking_id, position),
    CHECK ((member_id IS NULL) <> (guest_name IS NULL))
) STRICT;
CREATE INDEX booking_players_by_member ON booking_players (member_id);

-- The second line of defence against double booking: whatever the code does, two active
-- bookings can never overlap on one court. (No booking lasts a day, which keeps the check on
-- the index.)
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'courtside: court already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.court_id = NEW.court_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;

CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF court_id, starts_at, ends_at, status ON bookings
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'courtside: court already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.court_id = NEW.court_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;
