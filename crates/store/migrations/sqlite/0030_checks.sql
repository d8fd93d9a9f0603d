-- Steward's own checks (issue 13): what each check is, where it stands,
-- its results (raw, then rolled up per minute, hour and day) and its hard
-- state changes, which the alert pipeline reads.
CREATE TABLE checks (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    -- http, tcp, dns, tls, ping or plugin: also inside `settings`.
    kind          TEXT NOT NULL,
    -- The kind and its settings as JSON (`CheckKind`); the timing is in
    -- the columns below.
    settings      TEXT NOT NULL,
    interval_secs INTEGER NOT NULL,
    timeout_ms    INTEGER NOT NULL,
    retries       INTEGER NOT NULL DEFAULT 0,
    -- What it watches: a CI and the service (a CI of a service class).
    ci_id         INTEGER REFERENCES cis (id),
    service_id    INTEGER REFERENCES cis (id),
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER REFERENCES users (id),
    updated_by    INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX checks_name ON checks (name);
-- The list's filters, each in id order (keyset pages).
CREATE INDEX checks_kind ON checks (kind, id);
CREATE INDEX checks_service ON checks (service_id, id) WHERE service_id IS NOT NULL;
CREATE INDEX checks_ci ON checks (ci_id, id) WHERE ci_id IS NOT NULL;

-- Where each check stands, written by the scheduler (not versioned: an
-- edit of the check and a run never wait for each other).
CREATE TABLE check_states (
    check_id        INTEGER PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
    -- The latest result's status, whether it is confirmed (soft/hard),
    -- the last confirmed status and the attempt while soft.
    status          TEXT NOT NULL DEFAULT 'ok',
    state_type      TEXT NOT NULL DEFAULT 'hard',
    hard_status     TEXT NOT NULL DEFAULT 'ok',
    attempt         INTEGER NOT NULL DEFAULT 1,
    flapping        INTEGER NOT NULL DEFAULT 0,
    -- The rest of `CheckState` (flap history, percent change, the status
    -- last notified) as JSON.
    memory          TEXT NOT NULL DEFAULT '{}',
    last_at         INTEGER,
    last_status     TEXT,
    last_message    TEXT,
    last_latency_ms INTEGER,
    -- When it runs next; NULL while disabled.
    next_run_at     INTEGER,
    -- A node running it holds it until then; a dead node's lease runs out
    -- and another node takes the check.
    lease_until     INTEGER,
    lease_node      TEXT
);
-- The scheduler's scan for due checks.
CREATE INDEX check_states_due ON check_states (next_run_at) WHERE next_run_at IS NOT NULL;
-- The list's filter by state.
CREATE INDEX check_states_hard ON check_states (hard_status, check_id);

-- Raw results, kept `checks.keep_raw_days` (14).
CREATE TABLE check_results (
    id         INTEGER PRIMARY KEY,
    check_id   INTEGER NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    status     TEXT NOT NULL,
    latency_ms INTEGER NOT NULL,
    message    TEXT NOT NULL,
    -- Performance data as JSON (a list of `PerfDatum`).
    perfdata   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX check_results_check ON check_results (check_id, at);
-- The purge of expired results.
CREATE INDEX check_results_at ON check_results (at);

-- Results counted per check and minute, hour or day (bucket: its start),
-- kept up to date on each result: minutes `checks.keep_minute_days` (90),
-- hours and days for ever.
CREATE TABLE check_rollups (
    check_id       INTEGER NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    span           TEXT NOT NULL,
    bucket         INTEGER NOT NULL,
    ok             INTEGER NOT NULL DEFAULT 0,
    warning        INTEGER NOT NULL DEFAULT 0,
    critical       INTEGER NOT NULL DEFAULT 0,
    unknown        INTEGER NOT NULL DEFAULT 0,
    latency_sum_ms INTEGER NOT NULL DEFAULT 0,
    latency_max_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (check_id, span, bucket)
);
-- The purge of expired minutes.
CREATE INDEX check_rollups_age ON check_rollups (span, bucket);

-- Hard state changes and flapping starting or stopping: what alerts are
-- raised from (`id` order is the order to read them in).
CREATE TABLE check_events (
    id          INTEGER PRIMARY KEY,
    check_id    INTEGER NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    -- hard, flapping_started or flapping_stopped.
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    -- 0 while the check flaps: the change is recorded, not notified.
    notify      INTEGER NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX check_events_check ON check_events (check_id, at);
