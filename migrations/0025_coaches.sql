-- Coaches: a staff account with a coach's profile (the name members see, a colour on the grid,
-- the fee a lesson adds to court rent, the coach's pay per lesson hour), and lessons that name
-- their coach.
CREATE TABLE coaches (
    id           TEXT PRIMARY KEY REFERENCES staff_users (id),
    name         TEXT NOT NULL,
    colour       TEXT NOT NULL,                 -- #rrggbb
    lesson_fee   INTEGER NOT NULL DEFAULT 0,    -- per hour, minor units, on top of court rent
    pay_per_hour INTEGER NOT NULL DEFAULT 0,    -- the coach's pay per lesson hour, minor units
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

ALTER TABLE bookings ADD COLUMN coach_id TEXT REFERENCES coaches (id);
-- A weekly series of lessons keeps its coach for every date.
ALTER TABLE series ADD COLUMN coach_id TEXT REFERENCES coaches (id);
CREATE INDEX bookings_by_coach ON bookings (coach_id, starts_at);

-- As for courts, the second line of defence: a coach is never in two live bookings at once,
-- whatever the code does (replays of the hub's rows are trusted, as for courts in 0016).
CREATE TRIGGER bookings_coach_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.coach_id IS NOT NULL AND NEW.status <> 'cancelled'
    AND NOT EXISTS (SELECT 1 FROM write_context WHERE replay = 1)
BEGIN
    SELECT RAISE(ABORT, 'courtside: coach already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.coach_id = NEW.coach_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;

CREATE TRIGGER bookings_coach_no_overlap_update
BEFORE UPDATE OF coach_id, starts_at, ends_at, status ON bookings
WHEN NEW.coach_id IS NOT NULL AND NEW.status <> 'cancelled'
    AND NOT EXISTS (SELECT 1 FROM write_context WHERE replay = 1)
BEGIN
    SELECT RAISE(ABORT, 'courtside: coach already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.coach_id = NEW.coach_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;
