-- The cancellations report adds up each missed or late-cancelled booking's fees: a small index of
-- the fee entries alone (a few per cent of the ledger) answers each from the page cache, where
-- the index of every entry by booking sent most of them to the disk.
CREATE INDEX ledger_fees_by_booking ON ledger (booking_id, amount, kind) WHERE kind IN ('fee', 'waiver');

-- The members report's visits, kept by triggers as bookings, their players and the groups'
-- journal are written, in time order: a booking played (not cancelled or missed) for its booker
-- and each member player, a group session for each member who came (present or trial). A year
-- is then one range of this table, where it took a look-up of every booking's players. Derived
-- (`changelog::DERIVED_TABLES`): every machine keeps it from its own rows; never logged or sent.
CREATE TABLE member_visits (
    starts_at   INTEGER NOT NULL,
    booking_id  TEXT NOT NULL,
    part        INTEGER NOT NULL,   -- 0 the booker, 1–3 a player by position, 4 a group visit
    member_id   TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (starts_at, booking_id, part, member_id)
) STRICT, WITHOUT ROWID;

-- What counts as a visit, the one place the rule is written.
CREATE VIEW visits_of_bookings (starts_at, booking_id, part, member_id, minutes) AS
SELECT b.starts_at, b.id, 0, b.booker_id, (b.ends_at - b.starts_at) / 60000 FROM bookings b
    WHERE b.booker_id IS NOT NULL AND b.status IN ('booked', 'checked_in') AND b.group_id IS NULL
UNION ALL
SELECT b.starts_at, b.id, p.position, p.member_id, (b.ends_at - b.starts_at) / 60000
    FROM booking_players p JOIN bookings b ON b.id = p.booking_id
    WHERE p.member_id IS NOT NULL AND b.status IN ('booked', 'checked_in')
UNION ALL
SELECT b.starts_at, b.id, 4, v.member_id, (b.ends_at - b.starts_at) / 60000
    FROM group_visits v JOIN bookings b ON b.id = v.booking_id
    WHERE v.status IN ('present', 'trial') AND b.group_id IS NOT NULL;

INSERT INTO member_visits SELECT * FROM visits_of_bookings;

-- Each change to a booking, a player or a journal mark makes its booking's visits again.
CREATE TRIGGER booking_visits_made AFTER INSERT ON bookings BEGIN
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.id;
END;
CREATE TRIGGER booking_visits_changed AFTER UPDATE OF starts_at, ends_at, status, booker_id, group_id ON bookings
WHEN OLD.starts_at IS NOT NEW.starts_at OR OLD.ends_at IS NOT NEW.ends_at OR OLD.status IS NOT NEW.status
    OR OLD.booker_id IS NOT NEW.booker_id OR OLD.group_id IS NOT NEW.group_id BEGIN
    DELETE FROM member_visits WHERE starts_at = OLD.starts_at AND booking_id = OLD.id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.id;
END;
CREATE TRIGGER booking_visits_removed AFTER DELETE ON bookings BEGIN
    DELETE FROM member_visits WHERE starts_at = OLD.starts_at AND booking_id = OLD.id;
END;
CREATE TRIGGER player_visits_made AFTER INSERT ON booking_players BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = NEW.booking_id) AND booking_id = NEW.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.booking_id;
END;
CREATE TRIGGER player_visits_changed AFTER UPDATE ON booking_players BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = OLD.booking_id) AND booking_id = OLD.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = OLD.booking_id;
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = NEW.booking_id) AND booking_id = NEW.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.booking_id;
END;
CREATE TRIGGER player_visits_removed AFTER DELETE ON booking_players BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = OLD.booking_id) AND booking_id = OLD.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = OLD.booking_id;
END;
CREATE TRIGGER group_visits_made AFTER INSERT ON group_visits BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = NEW.booking_id) AND booking_id = NEW.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.booking_id;
END;
CREATE TRIGGER group_visits_changed AFTER UPDATE ON group_visits BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = OLD.booking_id) AND booking_id = OLD.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = OLD.booking_id;
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = NEW.booking_id) AND booking_id = NEW.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = NEW.booking_id;
END;
CREATE TRIGGER group_visits_removed AFTER DELETE ON group_visits BEGIN
    DELETE FROM member_visits
        WHERE starts_at = (SELECT starts_at FROM bookings WHERE id = OLD.booking_id) AND booking_id = OLD.booking_id;
    INSERT INTO member_visits SELECT * FROM visits_of_bookings WHERE booking_id = OLD.booking_id;
END;
