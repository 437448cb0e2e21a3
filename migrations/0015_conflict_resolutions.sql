-- How staff dealt with a desk's command the hub refused (booked it elsewhere, left it, credited):
-- replicated, so a conflict resolved at the hub leaves the desk's inbox too, and the other way
-- round, and nobody books the same lost slot again twice.
CREATE TABLE conflict_resolutions (
    id           TEXT PRIMARY KEY,          -- the refused command's id (replicated tables key on id)
    resolution   TEXT NOT NULL,             -- what was done, in a few words
    resolved_by  TEXT NOT NULL,
    resolved_at  INTEGER NOT NULL
) STRICT;

-- The hub's inbox of refused desk commands, counted for the banner on every page.
CREATE INDEX commands_refused_from_desks ON commands (executed_at) WHERE desk_id IS NOT NULL AND status = 'rejected';
