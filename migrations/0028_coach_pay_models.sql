-- How a coach is paid: by the hour (as before), per lesson or session held, per attendee, or a
-- share of the revenue of what they held. `pay_per_hour` holds the rate for each: minor units,
-- or a percentage for a share.
ALTER TABLE coaches ADD COLUMN pay_model TEXT NOT NULL DEFAULT 'hour'
    CHECK (pay_model IN ('hour', 'lesson', 'attendee', 'share'));
