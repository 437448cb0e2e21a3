-- Where each desk stood in the log when it last connected: retention keeps the log from there on
-- for it, so a desk that comes back after a few days follows the log instead of a new snapshot.
ALTER TABLE desks ADD COLUMN applied INTEGER;
