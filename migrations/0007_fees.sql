-- Money, third part: the cancellation and no-show policy, and members' credit limits. Fees are
-- ledger entries (kind 'fee', and 'waiver' when a manager lets one go).
ALTER TABLE money_policy ADD COLUMN cancel_window_hours INTEGER NOT NULL DEFAULT 24 CHECK (cancel_window_hours BETWEEN 0 AND 336);
ALTER TABLE money_policy ADD COLUMN late_cancel_pct INTEGER NOT NULL DEFAULT 0 CHECK (late_cancel_pct BETWEEN 0 AND 100);
ALTER TABLE money_policy ADD COLUMN no_show_pct INTEGER NOT NULL DEFAULT 0 CHECK (no_show_pct BETWEEN 0 AND 100);

-- How far a member's account may go below zero when paying from it (minor units; 0 = not at all).
ALTER TABLE members ADD COLUMN credit_limit INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0);
