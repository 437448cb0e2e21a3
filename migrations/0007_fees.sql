-- Money, third part: the cancellation and no-show policy. Fees are ledger entries (kind 'fee',
-- and 'waiver' when a manager lets one go).
ALTER TABLE money_policy ADD COLUMN cancel_window_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_window_hours BETWEEN 0 AND 336);
ALTER TABLE money_policy ADD COLUMN late_cancel_pct INTEGER NOT NULL DEFAULT 0 CHECK (late_cancel_pct BETWEEN 0 AND 100);
ALTER TABLE money_policy ADD COLUMN no_show_pct INTEGER NOT NULL DEFAULT 0 CHECK (no_show_pct BETWEEN 0 AND 100);
