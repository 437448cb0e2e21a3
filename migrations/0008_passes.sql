-- Money, fourth part: passes and memberships. The club defines products; a member buys one (a
-- payment with purpose 'pass') and gets a pass with the product's terms copied in, so editing a
-- product never changes what was sold. Bookings use passes (a payment with method 'pass').

CREATE TABLE pass_products (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('visits', 'hours', 'value', 'period')),
    -- What a sold pass holds: visits, minutes, or minor units of value (price + bonus); 0 for a
    -- period membership, which is not used up.
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    bonus         INTEGER NOT NULL DEFAULT 0 CHECK (bonus >= 0),
    -- A period membership pays this share of each booking's price (100 = unlimited play).
    discount_pct  INTEGER NOT NULL DEFAULT 100 CHECK (discount_pct BETWEEN 0 AND 100),
    price         INTEGER NOT NULL CHECK (price >= 0),
    valid_days    INTEGER NOT NULL CHECK (valid_days BETWEEN 1 AND 3660),
    court_ids     TEXT NOT NULL DEFAULT '',    -- comma-separated court ids; '' = every court
    weekdays      TEXT NOT NULL DEFAULT '',    -- e.g. "1,2,3,4,5" (1 = Monday); '' = every day
    from_min      INTEGER NOT NULL DEFAULT 0 CHECK (from_min BETWEEN 0 AND 1440),
    to_min        INTEGER NOT NULL DEFAULT 1440 CHECK (to_min BETWEEN 0 AND 1440),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (to_min > from_min)
) STRICT;

CREATE TABLE member_passes (
    id            TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id),
    product_id    TEXT NOT NULL REFERENCES pass_products (id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('visits', 'hours', 'value', 'period')),
    quantity      INTEGER NOT NULL CHECK (quantity >= 0),
    discount_pct  INTEGER NOT NULL CHECK (discount_pct BETWEEN 0 AND 100),
    court_ids     TEXT NOT NULL,
    weekdays      TEXT NOT NULL,
    from_min      INTEGER NOT NULL,
    to_min        INTEGER NOT NULL,
    price         INTEGER NOT NULL,
    sold_at       INTEGER NOT NULL,
    sold_by       TEXT NOT NULL,
    valid_from    TEXT NOT NULL,               -- club-local YYYY-MM-DD, inclusive
    valid_until   TEXT NOT NULL,               -- moves later when a freeze ends
    frozen_since  TEXT,                        -- club-local date the freeze began; NULL = not frozen
    voided_at     INTEGER                      -- set when the sale was refunded
) STRICT;
CREATE INDEX member_passes_by_member ON member_passes (member_id);

-- What each use took from a pass (negative) or gave back (positive), in the pass's units.
-- Remaining = quantity + sum(units). Rows are never changed or removed.
CREATE TABLE pass_uses (
    id          TEXT PRIMARY KEY,
    pass_id     TEXT NOT NULL REFERENCES member_passes (id),
    at          INTEGER NOT NULL,
    booking_id  TEXT REFERENCES bookings (id),
    payment_id  TEXT,                          -- the 'pass' payment (or its refund) this unit count belongs to
    units       INTEGER NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX pass_uses_by_pass ON pass_uses (pass_id);
CREATE INDEX pass_uses_by_payment ON pass_uses (payment_id);
CREATE TRIGGER pass_uses_never_change BEFORE UPDATE ON pass_uses
BEGIN SELECT RAISE(ABORT, 'courtside: pass uses are never changed'); END;
CREATE TRIGGER pass_uses_never_removed BEFORE DELETE ON pass_uses
BEGIN SELECT RAISE(ABORT, 'courtside: pass uses are never removed'); END;

-- The pass a booking is (to be) paid with; used at booking or at check-in, per club policy.
ALTER TABLE bookings ADD COLUMN pass_id TEXT REFERENCES member_passes (id);
ALTER TABLE money_policy ADD COLUMN pass_use_on TEXT NOT NULL DEFAULT 'booking' CHECK (pass_use_on IN ('booking', 'check_in'));

-- Payments gain the purpose 'pass' (a sale), the method 'pass' (a booking paid from a pass) and
-- the pass they concern. SQLite cannot alter a CHECK, so the table is rebuilt (the migration
-- runner turns foreign keys off meanwhile and checks them before committing).
DROP TRIGGER payments_never_change;
DROP TRIGGER payments_never_removed;
CREATE TABLE payments_new (
    id          TEXT PRIMARY KEY,
    receipt_no  INTEGER NOT NULL UNIQUE,
    at          INTEGER NOT NULL,
    member_id   TEXT REFERENCES members (id),
    booking_id  TEXT REFERENCES bookings (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('booking', 'top_up', 'pass')),
    method      TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'other', 'wallet', 'pass')),
    amount      INTEGER NOT NULL CHECK (amount <> 0),
    refund_of   TEXT REFERENCES payments (id),
    shift_id    TEXT REFERENCES shifts (id),
    payer_name  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    taken_by    TEXT NOT NULL,
    pass_id     TEXT REFERENCES member_passes (id),
    CHECK ((amount < 0) = (refund_of IS NOT NULL)),
    CHECK ((purpose = 'pass' OR method = 'pass') = (pass_id IS NOT NULL))
) STRICT;
INSERT INTO payments_new (id, receipt_no, at, member_id, booking_id, purpose, method, amount, refund_of, shift_id,
                          payer_name, note, taken_by)
    SELECT id, receipt_no, at, member_id, booking_id, purpose, method, amount, refund_of, shift_id,
           payer_name, note, taken_by FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_by_booking ON payments (booking_id);
CREATE INDEX payments_by_member ON payments (member_id, at);
CREATE INDEX payments_by_shift ON payments (shift_id);
CREATE INDEX payments_by_time ON payments (at);
CREATE INDEX payments_refunds ON payments (refund_of);
CREATE INDEX payments_by_pass ON payments (pass_id);
CREATE TRIGGER payments_never_change BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'courtside: payments are never changed; refund instead'); END;
CREATE TRIGGER payments_never_removed BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'courtside: payments are never removed; refund instead'); END;
