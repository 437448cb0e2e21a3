-- A coach's rate for group sessions when it differs from the rate for lessons (NULL: the
-- same), and the courts, weekdays and hours the coach takes lessons (empty lists: any; the band
-- in minutes of the day, as for pass products).
ALTER TABLE coaches ADD COLUMN group_rate INTEGER;
ALTER TABLE coaches ADD COLUMN court_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE coaches ADD COLUMN weekdays TEXT NOT NULL DEFAULT '';
ALTER TABLE coaches ADD COLUMN from_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE coaches ADD COLUMN to_min INTEGER NOT NULL DEFAULT 1440;
