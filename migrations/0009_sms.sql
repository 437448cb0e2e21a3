-- SMS: club settings and templates and campaigns replicate to desks; the provider's
-- credentials, the outbox and its events stay on the hub (only the hub talks to providers,
-- and a 10 000-message campaign must not become 10 000 change-log rows per status change).

-- Replicated: what the club decided (no secrets here).
CREATE TABLE sms_settings (
    id               TEXT PRIMARY KEY,
    reminder_hours   INTEGER NOT NULL DEFAULT 0,     -- 0 = no reminders
    confirmations    INTEGER NOT NULL DEFAULT 0,     -- SMS when a booking is made
    cancellations    INTEGER NOT NULL DEFAULT 0,     -- SMS when a booking is cancelled
    quiet_from_min   INTEGER NOT NULL DEFAULT 1320,  -- club-local wall time; from = to means none
    quiet_to_min     INTEGER NOT NULL DEFAULT 540,
    tpl_reminder     TEXT NOT NULL DEFAULT '',       -- '' = the built-in text in the club language
    tpl_confirmation TEXT NOT NULL DEFAULT '',
    tpl_cancellation TEXT NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL
) STRICT;

-- Replicated: members who want no SMS from the club at all.
CREATE TABLE sms_optouts (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL UNIQUE REFERENCES members (id),
    created_at INTEGER NOT NULL
) STRICT;

-- Replicated: campaigns as composed; their messages live in the hub's outbox.
CREATE TABLE sms_campaigns (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL,
    audience    TEXT NOT NULL,                  -- JSON of the filter, for the report
    status      TEXT NOT NULL CHECK (status IN ('scheduled', 'sending', 'cancelled')),
    send_at     INTEGER NOT NULL,
    recipients  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Hub only: the provider and its credentials (one row).
CREATE TABLE sms_provider (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    kind        TEXT NOT NULL CHECK (kind IN ('log', 'smsru', 'smsc', 'twilio')),
    sender      TEXT NOT NULL DEFAULT '',
    base_url    TEXT NOT NULL DEFAULT '',
    login       TEXT NOT NULL DEFAULT '',       -- SMSC login, Twilio account SID
    secret      TEXT NOT NULL DEFAULT '',       -- SMS.ru api_id, SMSC password, Twilio auth token
    paused      TEXT,                           -- 'auth' | 'no_money' | 'config': sending stopped, manager alerted
    paused_note TEXT NOT NULL DEFAULT '',
    paused_at   INTEGER,
    updated_at  INTEGER NOT NULL
) STRICT;

-- Hub only: the outbox, one row per message and recipient.
CREATE TABLE sms_messages (
    id           TEXT PRIMARY KEY,
    member_id    TEXT,
    phone        TEXT NOT NULL,                 -- E.164
    body         TEXT NOT NULL,
    segments     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('reminder', 'confirmation', 'cancellation', 'campaign', 'manual', 'code', 'test')),
    campaign_id  TEXT,
    booking_id   TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'queued', 'sent', 'delivered', 'failed',
                                                 'expired', 'rejected', 'unknown', 'cancelled')),
    not_before   INTEGER NOT NULL,              -- UTC ms; reminders wait for their time
    deadline     INTEGER,                       -- not sent by then: expired (a reminder after the start is useless)
    provider     TEXT,
    provider_id  TEXT,
    cost_micros  INTEGER,                       -- in cost_currency, millionths
    cost_currency TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,                          -- provider code or our reason
    error_note   TEXT,
    batch_id     TEXT,                          -- the send request this row went out in
    lease_until  INTEGER,
    next_poll_at INTEGER,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER,
    final_at     INTEGER,
    updated_at   INTEGER NOT NULL
) STRICT;
-- Exactly one reminder (and one confirmation / cancellation) per booking.
CREATE UNIQUE INDEX sms_messages_booking ON sms_messages (booking_id, kind) WHERE booking_id IS NOT NULL;
CREATE UNIQUE INDEX sms_messages_campaign_phone ON sms_messages (campaign_id, phone) WHERE campaign_id IS NOT NULL;
CREATE INDEX sms_messages_due ON sms_messages (status, not_before);
CREATE INDEX sms_messages_poll ON sms_messages (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX sms_messages_member ON sms_messages (member_id, created_at);
CREATE INDEX sms_messages_batch ON sms_messages (batch_id);
CREATE INDEX sms_messages_created ON sms_messages (created_at);

-- Hub only: every status a message went through, with the provider's raw code.
CREATE TABLE sms_events (
    id         INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    at         INTEGER NOT NULL,
    status     TEXT NOT NULL,
    raw        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX sms_events_message ON sms_events (message_id, at);
