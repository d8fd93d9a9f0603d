-- Personal dashboards (issue 14): the panels a user chose, in order, as a
-- JSON array of {panel, kind}; a user without a row sees their role's
-- default dashboard.
CREATE TABLE dashboards (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    panels     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
