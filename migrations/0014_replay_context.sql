-- A write context that replays rows the log already holds (a desk applying the hub's
-- transactions, or putting its confirmed rows back): the change-log triggers still guard the
-- tables but write no images of their own, since the received ones are stored as they came.
ALTER TABLE write_context ADD COLUMN replay INTEGER NOT NULL DEFAULT 0 CHECK (replay IN (0, 1));
