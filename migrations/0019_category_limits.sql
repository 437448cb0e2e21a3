-- What members of a category may book by themselves (the portal refuses what breaks these; the
-- desk shows it as a warning). One row per category, keyed by the category's id, or 'none' for
-- members without a category. No row, or NULL/empty in a column, is no limit.
CREATE TABLE category_limits (
    id                  TEXT PRIMARY KEY,
    days_ahead          INTEGER CHECK (days_ahead BETWEEN 0 AND 366),
    max_active          INTEGER CHECK (max_active BETWEEN 1 AND 100),
    week_minutes        INTEGER CHECK (week_minutes BETWEEN 1 AND 10080),
    lengths             TEXT NOT NULL DEFAULT '',     -- allowed lengths in minutes, e.g. "60,90"
    court_ids           TEXT NOT NULL DEFAULT '',     -- comma-separated; '' = every court
    from_min            INTEGER CHECK (from_min BETWEEN 0 AND 1440),
    to_min              INTEGER CHECK (to_min BETWEEN 0 AND 1440),
    book_before_minutes INTEGER NOT NULL DEFAULT 0 CHECK (book_before_minutes BETWEEN 0 AND 10080),
    cancel_hours        INTEGER CHECK (cancel_hours BETWEEN 0 AND 336),  -- NULL = the club's policy
    updated_at          INTEGER NOT NULL
) STRICT;
