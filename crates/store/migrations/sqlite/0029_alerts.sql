-- Alerts in (issue 13): what Prometheus, amtool and other tools post, kept
-- one row per fingerprint (Alertmanager's: FNV-1a 64 over the labels, kept
-- as its signed 64-bit value), so a repeat updates the alert and never
-- adds one. A row is committed before the sender hears 200.
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    fingerprint   INTEGER NOT NULL,
    -- JSON objects, names sorted.
    labels        TEXT NOT NULL,
    annotations   TEXT NOT NULL DEFAULT '{}',
    generator_url TEXT NOT NULL DEFAULT '',
    starts_at     INTEGER NOT NULL,
    -- Firing while ends_at is later than now.
    ends_at       INTEGER NOT NULL,
    -- 1: ends_at came from the resolve timeout, not from the sender.
    timeout       INTEGER NOT NULL DEFAULT 0,
    -- When it was last posted, and when this episode (firing since a
    -- resolution) was first received.
    updated_at    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    -- Acknowledged (by whom, when) and assigned; a new episode clears both.
    acked_by      INTEGER REFERENCES users (id),
    acked_at      INTEGER,
    assignee_id   INTEGER REFERENCES users (id),
    -- Whose token sent it last (the correlation opens incidents as them).
    sender_id     INTEGER REFERENCES users (id),
    -- The CI its labels name (correlation's mapping): NULL not mapped yet,
    -- 0 none found.
    ci_id         INTEGER
);
CREATE UNIQUE INDEX alerts_fingerprint ON alerts (fingerprint);
-- The active list: those still firing, newest first.
CREATE INDEX alerts_ends ON alerts (ends_at);
CREATE INDEX alerts_unmapped ON alerts (id) WHERE ci_id IS NULL;

-- An alert's history: fired, resolved, acknowledged, assigned … one row
-- each, in order.
CREATE TABLE alert_events (
    id        INTEGER PRIMARY KEY,
    alert_id  INTEGER NOT NULL REFERENCES alerts (id),
    at        INTEGER NOT NULL,
    -- fired, resolved, acknowledged, unacknowledged, assigned
    kind      TEXT NOT NULL,
    actor_id  INTEGER REFERENCES users (id),
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

-- Correlation (issue 13): the failing CIs that depend on each other form a
-- group, which opens one incident. `group_key` (the probable cause and when
-- it began failing) is unique, so no group is opened twice, even by two
-- nodes; a node claims the opening (`claimed_at`) and one that died is
-- taken over after a minute.
CREATE TABLE alert_groups (
    id           INTEGER PRIMARY KEY,
    group_key    TEXT NOT NULL,
    cause_ci     INTEGER NOT NULL,
    incident_id  INTEGER,
    -- Whose token sent the alert that opened it: the incident's updates and
    -- resolution are theirs too.
    opened_by    INTEGER REFERENCES users (id),
    -- JSON: the member CIs' ids, and what the incident was last told.
    members      TEXT NOT NULL DEFAULT '[]',
    summary      TEXT NOT NULL DEFAULT '',
    opened_at    INTEGER NOT NULL,
    claimed_at   INTEGER,
    updated_at   INTEGER NOT NULL,
    resolved_at  INTEGER
);
CREATE UNIQUE INDEX alert_groups_key ON alert_groups (group_key);
CREATE INDEX alert_groups_open ON alert_groups (id) WHERE resolved_at IS NULL;

-- Silences, as Alertmanager keeps them: an id (a UUID), matchers (JSON:
-- [{name, value, isRegex, isEqual}]), a span, who and why. An expired
-- silence stays readable.
CREATE TABLE silences (
    id          TEXT PRIMARY KEY,
    matchers    TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    comment     TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);

-- An API token may be limited to sending alerts (the /api/v2 alert API and
-- the alert webhooks): 'all' or 'alerts'.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
