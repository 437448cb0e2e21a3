-- The player portal (/p/): the club's switches (replicated), and on the hub only, the sign-in
-- codes sent by SMS and the players' browser sessions.

CREATE TABLE portal_settings (
    id          TEXT PRIMARY KEY,
    enabled     INTEGER NOT NULL DEFAULT 0,   -- players may sign in at all
    booking     INTEGER NOT NULL DEFAULT 1,   -- and book free slots
    cancelling  INTEGER NOT NULL DEFAULT 1,   -- and cancel their own bookings
    updated_at  INTEGER NOT NULL
) STRICT;

-- One row per code asked for, also for numbers that are no member's (nothing is sent then, and
-- the visitor is told exactly the same): counted for the limits per number and per address.
CREATE TABLE portal_codes (
    id          TEXT PRIMARY KEY,
    phone       TEXT NOT NULL,                -- E.164
    ip          TEXT NOT NULL,
    member_id   TEXT,                         -- NULL: no member has this number
    code_hash   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER
) STRICT;
CREATE INDEX portal_codes_by_phone ON portal_codes (phone, created_at);
CREATE INDEX portal_codes_by_ip ON portal_codes (ip, created_at);
CREATE INDEX portal_codes_by_time ON portal_codes (created_at);

-- A session's CSRF token is derived from its cookie's secret, so neither is stored here.
CREATE TABLE portal_sessions (
    token_hash   TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX portal_sessions_by_member ON portal_sessions (member_id);
