-- What a desk needs the command log to hold: which desk sent a command and its place in that
-- desk's gapless count (a desk's command is processed once, in order), and the payload's shape.
ALTER TABLE commands ADD COLUMN desk_id TEXT;
ALTER TABLE commands ADD COLUMN desk_seq INTEGER;
ALTER TABLE commands ADD COLUMN payload_version INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX commands_by_desk ON commands (desk_id, desk_seq) WHERE desk_id IS NOT NULL;
