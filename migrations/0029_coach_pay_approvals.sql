-- A manager's approval of a coach's pay for a period: the figures as the report showed them
-- then, kept as approved even if a lesson of the period is marked later. An approval is
-- withdrawn (never removed) to approve again; live approvals of one coach never overlap, so no
-- lesson is paid twice.
CREATE TABLE coach_pay_approvals (
    id           TEXT PRIMARY KEY,
    coach_id     TEXT NOT NULL REFERENCES coaches (id),
    first_day    TEXT NOT NULL,                 -- YYYY-MM-DD, club time
    last_day     TEXT NOT NULL,
    held         INTEGER NOT NULL,
    minutes      INTEGER NOT NULL,
    sessions     INTEGER NOT NULL,
    attendees    INTEGER NOT NULL,
    amount       INTEGER NOT NULL,              -- minor units
    approved_by  TEXT NOT NULL,
    approved_at  INTEGER NOT NULL,
    withdrawn_at INTEGER
) STRICT;
CREATE INDEX coach_pay_approvals_by_coach ON coach_pay_approvals (coach_id, first_day);
