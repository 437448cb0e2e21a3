-- Groups: a coach's class for several members ("Juniors 8–10, Tue/Thu 17:00, court 3"). Its
-- schedule is a weekly series holding the court; each session is a booking of kind 'lesson'
-- that names the group (one-off extra sessions too). The roster says who is enrolled and who
-- waits; the journal says who came to each session and what that visit was charged.
CREATE TABLE training_groups (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    coach_id      TEXT NOT NULL REFERENCES coaches (id),
    court_id      TEXT NOT NULL REFERENCES courts (id),   -- where extra sessions go by default
    capacity      INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 200),
    minimum       INTEGER NOT NULL DEFAULT 0 CHECK (minimum >= 0),
    -- visit: each chargeable visit costs `price`; monthly: `price` once a calendar month, at the
    -- first chargeable visit; pass: a visit of the member's pass of `product_id`, or `price`
    -- when they have none that covers it.
    price_model   TEXT NOT NULL CHECK (price_model IN ('visit', 'monthly', 'pass')),
    price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    product_id    TEXT REFERENCES pass_products (id),
    -- Whether missing a session without notice ('absent') is charged like a visit.
    charge_absent INTEGER NOT NULL DEFAULT 1,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK ((price_model = 'pass') = (product_id IS NOT NULL))
) STRICT;

-- A member in a group: enrolled, waiting for a place (first come, first served by `since`), or
-- gone. One live row per member and group.
CREATE TABLE group_members (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES training_groups (id),
    member_id   TEXT NOT NULL REFERENCES members (id),
    status      TEXT NOT NULL CHECK (status IN ('enrolled', 'waiting', 'left')),
    since       INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX group_members_once ON group_members (group_id, member_id) WHERE status <> 'left';
CREATE INDEX group_members_by_member ON group_members (member_id);

-- The journal: one row per member and session. `charge` is what the visit put on the member's
-- account (minor units), `pass_id` the pass a visit was taken from; both are undone when the
-- mark changes to one that is not charged.
CREATE TABLE group_visits (
    id          TEXT PRIMARY KEY,
    booking_id  TEXT NOT NULL REFERENCES bookings (id),
    member_id   TEXT NOT NULL REFERENCES members (id),
    status      TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused', 'trial')),
    charge      INTEGER NOT NULL DEFAULT 0,
    pass_id     TEXT REFERENCES member_passes (id),
    month_fee   INTEGER NOT NULL DEFAULT 0,               -- 1: this visit carries the month's fee
    marked_at   INTEGER NOT NULL,
    marked_by   TEXT NOT NULL,
    UNIQUE (booking_id, member_id)
) STRICT;
CREATE INDEX group_visits_by_member ON group_visits (member_id);

ALTER TABLE series ADD COLUMN group_id TEXT REFERENCES training_groups (id);
ALTER TABLE bookings ADD COLUMN group_id TEXT REFERENCES training_groups (id);
CREATE INDEX bookings_by_group ON bookings (group_id, starts_at);
