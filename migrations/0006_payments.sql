-- Money, second part: payments, the member ledger (wallet) and cash desk shifts. Amounts are
-- integers in minor units of the club currency.

-- Cash desk shifts, one open at a time per till.
CREATE TABLE shifts (
    id          TEXT PRIMARY KEY,
    till        TEXT NOT NULL DEFAULT 'main',
    opened_at   INTEGER NOT NULL,
    opened_by   TEXT NOT NULL,
    float       INTEGER NOT NULL CHECK (float >= 0),
    closed_at   INTEGER,
    closed_by   TEXT,
    counted     INTEGER CHECK (counted >= 0),
    note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX shifts_one_open ON shifts (till) WHERE closed_at IS NULL;

-- Money that changed hands, or moved out of a wallet: one row per fact, under the id the desk
-- gave it, so a desk that sends it again cannot count it twice. Refunds are negative and name
-- the payment they return.
CREATE TABLE payments (
    id          TEXT PRIMARY KEY,
    receipt_no  INTEGER NOT NULL UNIQUE,
    at          INTEGER NOT NULL,
    member_id   TEXT REFERENCES members (id),
    booking_id  TEXT REFERENCES bookings (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('booking', 'top_up')),
    method      TEXT NOT NULL CHECK (method IN ('cash', 'card', 'transfer', 'other', 'wallet')),
    amount      INTEGER NOT NULL CHECK (amount <> 0),
    refund_of   TEXT REFERENCES payments (id),
    shift_id    TEXT REFERENCES shifts (id),
    payer_name  TEXT NOT NULL DEFAULT '',     -- a guest without a member card
    note        TEXT NOT NULL DEFAULT '',
    taken_by    TEXT NOT NULL,
    CHECK ((amount < 0) = (refund_of IS NOT NULL))
) STRICT;
CREATE INDEX payments_by_booking ON payments (booking_id);
CREATE INDEX payments_by_member ON payments (member_id, at);
CREATE INDEX payments_by_shift ON payments (shift_id);
CREATE INDEX payments_by_time ON payments (at);
CREATE INDEX payments_refunds ON payments (refund_of);

-- Cash put into or taken out of the till during a shift, other than payments.
CREATE TABLE cash_movements (
    id        TEXT PRIMARY KEY,
    shift_id  TEXT NOT NULL REFERENCES shifts (id),
    at        INTEGER NOT NULL,
    amount    INTEGER NOT NULL CHECK (amount <> 0),
    reason    TEXT NOT NULL,
    taken_by  TEXT NOT NULL
) STRICT;
CREATE INDEX cash_movements_by_shift ON cash_movements (shift_id);

-- The member's account: every money event concerning them. Balance = sum(amount); positive is
-- money the club holds for them. Rows are never changed or removed.
CREATE TABLE ledger (
    id          TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES members (id),
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,               -- payment, charge, refund, payout, adjustment
    amount      INTEGER NOT NULL,
    booking_id  TEXT REFERENCES bookings (id),
    payment_id  TEXT REFERENCES payments (id),
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX ledger_by_member ON ledger (member_id, at);
CREATE INDEX ledger_by_booking ON ledger (booking_id);

CREATE TRIGGER ledger_never_changes BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'courtside: ledger entries are never changed'); END;
CREATE TRIGGER ledger_never_removed BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'courtside: ledger entries are never removed'); END;
CREATE TRIGGER payments_never_change BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'courtside: payments are never changed; refund instead'); END;
CREATE TRIGGER payments_never_removed BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'courtside: payments are never removed; refund instead'); END;
