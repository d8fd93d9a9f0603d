-- Personal dashboards (issue 14): the panels a user chose, in order, as a
-- JSON array of {panel, kind}; a user without a row sees their role's
-- default dashboard.
CREATE TABLE dashboards (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    panels     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- An agent's own work: what they resolved in a period, counted from the
-- index alone (the totals carry no assignee).
CREATE INDEX records_assignee_resolved ON records (kind, assignee_id, resolved_at)
    WHERE assignee_id IS NOT NULL AND resolved_at IS NOT NULL;
