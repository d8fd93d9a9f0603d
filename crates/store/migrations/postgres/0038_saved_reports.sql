-- Saved and scheduled reports (issue 14). A report keeps a question (the
-- measures of a rolling period broken down one way, or the incident
-- list's filters) and the file it makes; with a frequency it is mailed to
-- its recipients, each at the hour in their own time zone, so each
-- recipient has the moment they are due next.
CREATE TABLE saved_reports (
    id BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    owner_id    BIGINT NOT NULL REFERENCES users (id),
    -- measures or incidents.
    subject     TEXT NOT NULL,
    -- The question as JSON: period, narrowing and breakdown, or list filters.
    params      TEXT NOT NULL,
    -- csv or xlsx.
    format      TEXT NOT NULL,
    -- NULL (not scheduled), daily, weekly or monthly.
    frequency   TEXT,
    hour        BIGINT NOT NULL DEFAULT 8,
    weekday     BIGINT,
    monthday    BIGINT,
    -- The last run and what went wrong with it, for the owner to read.
    last_run_at BIGINT,
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX saved_reports_owner ON saved_reports (owner_id, name);

CREATE TABLE saved_report_recipients (
    report_id   BIGINT NOT NULL REFERENCES saved_reports (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    -- NULL when the report is not scheduled.
    next_run_at BIGINT,
    PRIMARY KEY (report_id, user_id)
);
CREATE INDEX saved_report_recipients_due ON saved_report_recipients (next_run_at) WHERE next_run_at IS NOT NULL;

-- Files an outgoing message carries (a scheduled report's), kept beside
-- the outbox so its lists stay light.
CREATE TABLE outbox_files (
    id BIGSERIAL PRIMARY KEY,
    outbox_id    BIGINT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BYTEA NOT NULL
);
CREATE INDEX outbox_files_message ON outbox_files (outbox_id);
