-- The waiting list: players (and the desk for them) wait for a taken court time; when it comes
-- free the first in line is offered it by SMS and holds it for a while, then the next.

ALTER TABLE portal_settings ADD COLUMN waitlist INTEGER NOT NULL DEFAULT 1;
ALTER TABLE portal_settings ADD COLUMN offer_minutes INTEGER NOT NULL DEFAULT 30 CHECK (offer_minutes BETWEEN 5 AND 1440);
-- The address players reach this server at (https://club.example.ru), for links in SMS and
-- the widget snippet.
ALTER TABLE portal_settings ADD COLUMN address TEXT NOT NULL DEFAULT '';

CREATE TABLE waitlist (
    id          TEXT PRIMARY KEY,
    court_id    TEXT NOT NULL REFERENCES courts (id),
    starts_at   INTEGER NOT NULL,             -- UTC ms
    ends_at     INTEGER NOT NULL,
    member_id   TEXT NOT NULL REFERENCES members (id),
    status      TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'left')),
    offered_at  INTEGER,
    offer_until INTEGER,
    booking_id  TEXT,                         -- made through the offer
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX waitlist_by_court ON waitlist (court_id, starts_at);
CREATE INDEX waitlist_by_member ON waitlist (member_id, starts_at);
CREATE INDEX waitlist_offers ON waitlist (offer_until) WHERE status = 'offered';
-- The second line of defence: one live offer per court and start, whatever the code does.
CREATE UNIQUE INDEX waitlist_one_offer ON waitlist (court_id, starts_at) WHERE status = 'offered';

-- Offers go out as their own kind of SMS (sent at once, like a code: the hold is short).
CREATE TABLE sms_messages_new (
    id           TEXT PRIMARY KEY,
    member_id    TEXT,
    phone        TEXT NOT NULL,
    body         TEXT NOT NULL,
    segments     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('reminder', 'confirmation', 'cancellation', 'campaign', 'manual', 'code', 'test', 'offer')),
    campaign_id  TEXT,
    booking_id   TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'queued', 'sent', 'delivered', 'failed',
                                                 'expired', 'rejected', 'unknown', 'cancelled')),
    not_before   INTEGER NOT NULL,
    deadline     INTEGER,
    provider     TEXT,
    provider_id  TEXT,
    cost_micros  INTEGER,
    cost_currency TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    error_note   TEXT,
    batch_id     TEXT,
    lease_until  INTEGER,
    next_poll_at INTEGER,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER,
    final_at     INTEGER,
    updated_at   INTEGER NOT NULL
) STRICT;
INSERT INTO sms_messages_new SELECT * FROM sms_messages;
DROP TABLE sms_messages;
ALTER TABLE sms_messages_new RENAME TO sms_messages;
CREATE UNIQUE INDEX sms_messages_booking ON sms_messages (booking_id, kind) WHERE booking_id IS NOT NULL;
CREATE UNIQUE INDEX sms_messages_campaign_phone ON sms_messages (campaign_id, phone) WHERE campaign_id IS NOT NULL;
CREATE INDEX sms_messages_due ON sms_messages (status, not_before);
CREATE INDEX sms_messages_poll ON sms_messages (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX sms_messages_member ON sms_messages (member_id, created_at);
CREATE INDEX sms_messages_batch ON sms_messages (batch_id);
CREATE INDEX sms_messages_created ON sms_messages (created_at);
