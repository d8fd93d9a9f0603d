-- The continual improvement register (issue 14): each improvement aims to
-- move one measure (over a rolling window, narrowed like the dashboard)
-- from a baseline to a target by a date; progress is read from the live
-- measure. Linked records are the work that should move it.
CREATE TABLE improvements (
    id INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    measure         TEXT NOT NULL,
    -- What the measure is narrowed to (NULL: all).
    kind            TEXT,
    service_id      BIGINT,
    group_id        BIGINT,
    priority        BIGINT,
    baseline        REAL NOT NULL,
    target          REAL NOT NULL,
    -- YYYY-MM-DD.
    target_date     TEXT NOT NULL,
    owner_id        BIGINT NOT NULL REFERENCES users (id),
    -- open, done (kept, no longer followed) or dropped.
    state           TEXT NOT NULL DEFAULT 'open',
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX improvements_state ON improvements (state, target_date, id);

CREATE TABLE improvement_records (
    improvement_id BIGINT NOT NULL REFERENCES improvements (id) ON DELETE CASCADE,
    record_id      BIGINT NOT NULL REFERENCES records (id),
    PRIMARY KEY (improvement_id, record_id)
);
