-- Event management (issue 13, items 3, 4 and 6): maintenance windows that
-- mute alerts, and the alerts seen on a change's CIs while its window
-- was open.

-- A maintenance window for alerts (not the change calendar's weekly
-- windows of a service): the alerts it mutes (matchers in Alertmanager's
-- syntax and/or CIs, optionally with the CIs that depend on them) and
-- when (once, weekly or monthly on the clock of a zone), until it expires.
CREATE TABLE alert_windows (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    -- JSON: the matchers as typed, e.g. ["alertname=\"DiskFull\""].
    matchers        TEXT NOT NULL DEFAULT '[]',
    -- JSON: the CIs' ids.
    cis             TEXT NOT NULL DEFAULT '[]',
    -- 1: alerts on CIs that depend on those CIs are muted too.
    dependents      INTEGER NOT NULL DEFAULT 0,
    -- once, weekly or monthly; the rest of the schedule as JSON.
    recurrence      TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    -- After this it mutes nothing (NULL: never expires).
    expires_at      INTEGER,
    created_by      INTEGER REFERENCES users (id),
    updated_by      INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- The windows still in force: those not expired.
CREATE INDEX alert_windows_expiry ON alert_windows (expires_at);

-- Alerts that fired while a change's planned window was open, on its CIs
-- (declared = 1) or on CIs that depend on them or that they depend on
-- (declared = 0: the change may have touched more than it said).
CREATE TABLE change_alerts (
    change_id   INTEGER NOT NULL REFERENCES records (id),
    alert_id    INTEGER NOT NULL REFERENCES alerts (id),
    -- The start of the alert's episode that fell in the window.
    starts_at   INTEGER NOT NULL,
    ci_id       INTEGER NOT NULL,
    declared    INTEGER NOT NULL,
    PRIMARY KEY (change_id, alert_id, starts_at)
);
CREATE INDEX change_alerts_alert ON change_alerts (alert_id);
