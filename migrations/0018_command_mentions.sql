-- Which commands mention which entity, for the history on a member card and a booking page.
-- Finding them with instr() over every payload read the whole command log on each view (32 ms a
-- member card for the 1-year club, and ten times that for ten years). Every id in a payload is
-- a UUID string; each is listed here with the command, newest found first by walking the key
-- backwards. By command id, not rowid: VACUUM may renumber the rowids of `commands`. Hub-local
-- like `commands`, and kept by triggers so no writer can forget it.
CREATE TABLE command_mentions (
    subject     TEXT NOT NULL,
    executed_at INTEGER NOT NULL,
    command_id  TEXT NOT NULL,
    PRIMARY KEY (subject, executed_at, command_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER commands_mention AFTER INSERT ON commands WHEN json_valid(new.payload)
BEGIN
    INSERT OR IGNORE INTO command_mentions (subject, executed_at, command_id)
    SELECT value, new.executed_at, new.id FROM json_tree(new.payload)
    WHERE type = 'text' AND value GLOB '????????-????-????-????-????????????';
END;

-- Only a desk removes commands (its own, on a rebase), from a small table: no index by command.
CREATE TRIGGER commands_unmention AFTER DELETE ON commands
BEGIN
    DELETE FROM command_mentions WHERE command_id = old.id;
END;

INSERT OR IGNORE INTO command_mentions (subject, executed_at, command_id)
SELECT t.value, c.executed_at, c.id FROM commands c, json_tree(c.payload) t
WHERE json_valid(c.payload) AND t.type = 'text' AND t.value GLOB '????????-????-????-????-????????????';
