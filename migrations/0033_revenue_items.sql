-- The revenue report's rows, kept by triggers as payments and account charges are written, in
-- time order: each payment with its method and what it earned in which category (from the
-- booking it paid for), each fee or group charge with what it earned. A year of a busy club is
-- then one range of this table, instead of a look-up of every payment's booking. Derived: every
-- machine keeps it from its own payments, ledger and bookings; it is never logged or sent.
-- Payments and ledger entries are never changed; they are removed only when a desk undoes its
-- tentative work. A booking's kind or group may change after it was paid for.
CREATE TABLE revenue_items (
    at          INTEGER NOT NULL,
    source_id   TEXT NOT NULL,     -- the payment's or the ledger entry's id
    method      TEXT,              -- the payment's method; NULL for a charge on an account
    category    TEXT,              -- court_rent, lessons, groups, passes or fees; NULL: nothing earned
    amount      INTEGER NOT NULL,  -- a payment's amount; a charge's earnings (its entry negated)
    PRIMARY KEY (at, source_id)
) STRICT, WITHOUT ROWID;

-- What a payment earned, the one place the rule is written. A top-up is not earned until spent,
-- and a booking paid from a pass was earned when the pass was sold.
CREATE VIEW revenue_of_payments (at, source_id, method, category, amount) AS
SELECT p.at, p.id, p.method,
    CASE
        WHEN p.method = 'pass' OR p.purpose = 'top_up' THEN NULL
        WHEN p.purpose = 'pass' THEN 'passes'
        WHEN b.group_id IS NOT NULL THEN 'groups'
        WHEN b.kind = 'lesson' THEN 'lessons'
        ELSE 'court_rent'
    END,
    p.amount
FROM payments p LEFT JOIN bookings b ON b.id = p.booking_id;

-- What a charge on an account earned: fees less waivers, group visits less those given back.
CREATE VIEW revenue_of_charges (at, source_id, method, category, amount) AS
SELECT at, id, NULL, CASE WHEN kind IN ('fee', 'waiver') THEN 'fees' ELSE 'groups' END, -amount
FROM ledger WHERE kind IN ('fee', 'waiver', 'group_fee', 'group_fee_back');

INSERT INTO revenue_items SELECT * FROM revenue_of_payments;
INSERT INTO revenue_items SELECT * FROM revenue_of_charges;

CREATE TRIGGER payment_counts_in_revenue AFTER INSERT ON payments BEGIN
    INSERT INTO revenue_items SELECT * FROM revenue_of_payments WHERE source_id = NEW.id;
END;
CREATE TRIGGER payment_removed_from_revenue AFTER DELETE ON payments BEGIN
    DELETE FROM revenue_items WHERE at = OLD.at AND source_id = OLD.id;
END;
CREATE TRIGGER charge_counts_in_revenue AFTER INSERT ON ledger
WHEN NEW.kind IN ('fee', 'waiver', 'group_fee', 'group_fee_back') BEGIN
    INSERT INTO revenue_items SELECT * FROM revenue_of_charges WHERE source_id = NEW.id;
END;
CREATE TRIGGER charge_removed_from_revenue AFTER DELETE ON ledger
WHEN OLD.kind IN ('fee', 'waiver', 'group_fee', 'group_fee_back') BEGIN
    DELETE FROM revenue_items WHERE at = OLD.at AND source_id = OLD.id;
END;
CREATE TRIGGER booking_kind_recounts_revenue AFTER UPDATE OF kind, group_id ON bookings
WHEN OLD.kind IS NOT NEW.kind OR OLD.group_id IS NOT NEW.group_id BEGIN
    UPDATE revenue_items SET category = (
        SELECT v.category FROM revenue_of_payments v WHERE v.source_id = revenue_items.source_id
    )
    WHERE (at, source_id) IN (SELECT at, id FROM payments WHERE booking_id = NEW.id);
END;
