-- Foundation: the command log, the change log, staff users, club settings, API tokens, sessions.
-- Change-log triggers are not written here: they are generated from the list of replicated
-- tables in src/core/changelog.rs and re-created after every migration run.

-- Hub history anchors: log_id, head_txn_seq, head_hash.
CREATE TABLE sync_meta (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
) STRICT;

-- One row per committed transaction that changed replicated tables; txn_seq is gapless.
CREATE TABLE sync_txn (
    txn_seq    INTEGER PRIMARY KEY,
    hub_ts     INTEGER NOT NULL,
    command_id TEXT,
    origin     TEXT NOT NULL,
    actor_id   TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

-- Row images and tombstones, appended by the generated triggers.
CREATE TABLE change_log (
    txn_seq    INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    tbl        TEXT NOT NULL,
    pk         TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('put', 'del')),
    row        TEXT,
    command_id TEXT,
    PRIMARY KEY (txn_seq, idx)
) STRICT, WITHOUT ROWID;

-- Present only while a command executes; the triggers refuse writes without it.
CREATE TABLE write_context (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    txn_seq    INTEGER NOT NULL,
    command_id TEXT NOT NULL
) STRICT;

-- Every command ever executed here, with its outcome (the audit trail and the idempotency record).
CREATE TABLE commands (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    payload_hash  TEXT NOT NULL,
    actor_id      TEXT,
    actor_name    TEXT NOT NULL,
    origin        TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    executed_at   INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    reject_code   TEXT,
    reject_field  TEXT,
    reject_args   TEXT,
    txn_seq       INTEGER
) STRICT;
CREATE INDEX commands_by_time ON commands (executed_at);
CREATE INDEX commands_by_actor ON commands (actor_id, executed_at);

CREATE TABLE staff_users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'reception', 'coach')),
    locale               TEXT CHECK (locale IN ('en', 'ru')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    active               INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX staff_users_username ON staff_users (lower(username));

CREATE TABLE club_settings (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    locale     TEXT NOT NULL CHECK (locale IN ('en', 'ru')),
    currency   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- Hub-only: bearer tokens for the JSON API, stored as SHA-256 of the secret.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES staff_users (id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at INTEGER
) STRICT;

-- Local to this machine: browser sessions (not club data, never replicated).
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
