-- Members, their club-defined categories, and family links (guardian and child).

CREATE TABLE member_categories (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX member_categories_name ON member_categories (lower(name));

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    card_no      INTEGER NOT NULL UNIQUE,       -- assigned by the hub
    full_name    TEXT NOT NULL,
    search_name  TEXT NOT NULL,                 -- full_name folded for search (lower case, ё→е)
    phone        TEXT,                          -- E.164
    phone_digits TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    birth_date   TEXT,                          -- YYYY-MM-DD
    category_id  TEXT REFERENCES member_categories (id),
    tags         TEXT NOT NULL DEFAULT '',      -- comma-separated, folded
    notes        TEXT NOT NULL DEFAULT '',
    sms_consent  INTEGER NOT NULL DEFAULT 0,
    archived     INTEGER NOT NULL DEFAULT 0,
    merged_into  TEXT REFERENCES members (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
-- A phone number belongs to at most one active member.
CREATE UNIQUE INDEX members_active_phone ON members (phone) WHERE phone IS NOT NULL AND archived = 0;
CREATE INDEX members_by_name ON members (archived, search_name);

CREATE TABLE member_links (
    id          TEXT PRIMARY KEY,
    guardian_id TEXT NOT NULL REFERENCES members (id),
    child_id    TEXT NOT NULL REFERENCES members (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (guardian_id, child_id),
    CHECK (guardian_id <> child_id)
) STRICT;

-- The region used to read phone numbers written without a country code (e.g. 8 916 ...).
ALTER TABLE club_settings ADD COLUMN phone_region TEXT NOT NULL DEFAULT 'RU';
