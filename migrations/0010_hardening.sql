-- Hardening: idempotency keys are bound to what was sent, and /health can prove a write.

-- A fingerprint of the submission a command id came with (who sent it, to which route, with
-- what body). A repeat with the same fingerprint gets the first outcome; the same id with a
-- different one is refused. NULL for commands recorded before: their payload hash stands in.
ALTER TABLE commands ADD COLUMN request_hash TEXT;

-- Local to this machine: after a write failed for a disk reason, /health writes 64 KiB here
-- to learn whether the database takes writes of a booking's size again.
CREATE TABLE health_probe (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    at  INTEGER NOT NULL,
    pad BLOB NOT NULL
) STRICT;

-- The SMS provider's credential was recorded in the command log in plain text: removed there.
-- (The stored credential itself is sealed with the data folder's key at the next start.)
UPDATE commands SET payload = json_set(payload, '$.secret', NULL)
 WHERE kind = 'save_sms_provider' AND json_extract(payload, '$.secret') IS NOT NULL;
