-- Money, first part: the price list and the extras on top of it. Amounts are integers in
-- minor units of the club currency.

-- A price per hour for court time matching every condition given (empty/NULL = any).
-- The highest priority wins where rules overlap; equal priorities: the later created.
CREATE TABLE price_rules (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    court_ids      TEXT NOT NULL DEFAULT '',    -- comma-separated court ids; '' = every court
    weekdays       TEXT NOT NULL DEFAULT '',    -- e.g. "1,2,3,4,5" (1 = Monday); '' = every day
    from_min       INTEGER NOT NULL CHECK (from_min BETWEEN 0 AND 1440),
    to_min         INTEGER NOT NULL CHECK (to_min BETWEEN 0 AND 1440),
    first_day      TEXT,                        -- season, club-local YYYY-MM-DD; NULL = open
    last_day       TEXT,
    category_id    TEXT REFERENCES member_categories (id),   -- NULL = everyone
    per_hour       INTEGER NOT NULL CHECK (per_hour >= 0),
    priority       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (to_min > from_min)
) STRICT;

-- The club's money policy (one row once set; defaults until then).
CREATE TABLE money_policy (
    id                   TEXT PRIMARY KEY,
    lights_from_min      INTEGER CHECK (lights_from_min BETWEEN 0 AND 1440),  -- NULL = no surcharge
    lights_per_hour      INTEGER NOT NULL DEFAULT 0 CHECK (lights_per_hour >= 0),
    guest_fee            INTEGER NOT NULL DEFAULT 0 CHECK (guest_fee >= 0),
    updated_at           INTEGER NOT NULL
) STRICT;

-- The booking's price: from the price list, or a manager's with the reason in price_note.
ALTER TABLE bookings ADD COLUMN price INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN price_note TEXT NOT NULL DEFAULT '';
