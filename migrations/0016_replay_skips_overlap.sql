-- A desk replaying the hub's rows need not look for overlapping bookings again: the hub did,
-- in the same order, and the hash chain vouches for the rows. Commands (on the hub, and a desk's
-- own tentative ones) are checked as before.
DROP TRIGGER bookings_no_overlap_insert;
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM write_context WHERE replay = 1)
BEGIN
    SELECT RAISE(ABORT, 'courtside: court already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.court_id = NEW.court_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;

DROP TRIGGER bookings_no_overlap_update;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF court_id, starts_at, ends_at, status ON bookings
WHEN NEW.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM write_context WHERE replay = 1)
BEGIN
    SELECT RAISE(ABORT, 'courtside: court already booked for that time')
    WHERE EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.court_id = NEW.court_id AND b.starts_at > NEW.starts_at - 86400000
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND b.status <> 'cancelled' AND b.id <> NEW.id
    );
END;
