-- What else the club may let players do on the portal: pay for a booking from their account or
-- with a pass, keep a password instead of a code, and (visitors who are not members yet) sign
-- up with their phone to book as a guest.
ALTER TABLE portal_settings ADD COLUMN pay_from_account INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_settings ADD COLUMN pay_with_pass INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_settings ADD COLUMN passwords INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_settings ADD COLUMN guests INTEGER NOT NULL DEFAULT 0;

-- Players' own passwords (argon2id), on the hub only: the portal is served there.
CREATE TABLE portal_passwords (
    member_id     TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

-- The club's logo on the portal's pages, on the hub only (a BLOB has no place in the change
-- log's JSON, and desks do not serve the portal).
CREATE TABLE portal_logo (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes         BLOB NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
