-- Calendar feeds: a private address per member for their bookings (only a hash of its secret is
-- kept, on the hub), and whether the club publishes each court's taken times.
CREATE TABLE portal_feeds (
    token_hash TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX portal_feeds_by_member ON portal_feeds (member_id);

ALTER TABLE portal_settings ADD COLUMN court_feeds INTEGER NOT NULL DEFAULT 0;
