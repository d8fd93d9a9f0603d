-- Problems (PRB): a record of kind 'problem' (title, description, state,
-- impact × urgency priority, service, group, assignee = the problem owner,
-- requester = who raised it, resolution code and notes = the fix) plus
-- what only a problem has, here, keyed by the record.
--
-- Incidents are linked to their problem in record_links as
-- (from = the incident, link = 'caused_by', to = the problem): its primary
-- key serves "the problems of an incident", record_links_to "the incidents
-- of a problem". The queues use the records indexes, which the kind leads.
CREATE TABLE problem_details (
    record_id      BIGINT PRIMARY KEY REFERENCES records (id),
    cause_category TEXT,
    root_cause     TEXT,
    -- The 5-whys as a JSON array of {question, answer}.
    whys           TEXT NOT NULL DEFAULT '[]',
    workaround     TEXT,
    -- Published as a known error (0/1), and since when.
    known_error    BIGINT NOT NULL DEFAULT 0,
    known_error_at BIGINT,
    cancel_reason  TEXT
);
-- The known errors, for the list's known_error filter and the desk.
CREATE INDEX problem_details_known_error ON problem_details (record_id) WHERE known_error = 1;

-- Problem numbers: a sequence of their own, never a locked row.
CREATE SEQUENCE problem_number;
