-- Changes (CHG): a record of kind 'change' (title, description, state,
-- impact × urgency priority, category, service, group, assignee = who
-- carries it out, requester = who raised it, resolution code = the close
-- code) plus what only a change has, here, keyed by the record. The CIs it
-- changes are the record's CIs (record_cis), as for every kind.
CREATE TABLE change_details (
    record_id           INTEGER PRIMARY KEY REFERENCES records (id),
    -- standard | normal | emergency
    change_type         TEXT NOT NULL,
    -- The risk questionnaire's answers as a JSON array of [question, answer],
    -- and what they gave.
    risk_answers        TEXT NOT NULL DEFAULT '[]',
    risk_score          INTEGER,
    risk_level          TEXT,
    -- The planned window and what happened, in microseconds since the epoch.
    planned_start       INTEGER,
    planned_end         INTEGER,
    actual_start        INTEGER,
    actual_end          INTEGER,
    implementation_plan TEXT,
    backout_plan        TEXT,
    test_plan           TEXT,
    -- The post-implementation review.
    review_notes        TEXT,
    cancel_reason       TEXT,
    -- Authorised (0/1), and since when.
    approved            INTEGER NOT NULL DEFAULT 0,
    approved_at         INTEGER
);
-- The calendar and the conflict check read changes by their planned window.
CREATE INDEX change_details_window ON change_details (planned_start, planned_end) WHERE planned_start IS NOT NULL;

-- SQLite numbers changes with a record_numbers row, made on first use.
