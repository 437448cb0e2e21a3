-- The desks paired with this hub and the one-time codes that pair them. Both stay on the hub:
-- a desk's secret is kept only as a hash, a code only as the hash of its secret part.
CREATE TABLE desks (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    paired_at   INTEGER NOT NULL,
    paired_with TEXT NOT NULL,
    revoked_at  INTEGER,
    revoked_by  TEXT,
    last_seen   INTEGER,
    app_version TEXT
) STRICT;

CREATE TABLE desk_codes (
    id          TEXT PRIMARY KEY,
    code_hash   TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    used_at     INTEGER,
    desk_id     TEXT
) STRICT;
