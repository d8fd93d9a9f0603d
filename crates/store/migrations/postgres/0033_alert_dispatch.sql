-- Alert notifications (issue 13): the dispatcher reads the alerts changed
-- since its last pass by when they were last posted.
CREATE INDEX alerts_updated ON alerts (updated_at, id);

-- The notification log (Alertmanager's nflog): per group and receiver,
-- what was last notified (the fingerprints firing and resolved, JSON
-- arrays of 16 hex digits) and when, so a restart or another node taking
-- over does not notify again within the route's repeat_interval. A row
-- is written in the write that enqueues the notification; it is kept
-- until expires_at (a day past the repeat interval).
CREATE TABLE alert_notifications (
    group_key   TEXT NOT NULL,
    receiver    TEXT NOT NULL,
    firing      TEXT NOT NULL,
    resolved    TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (group_key, receiver)
);
CREATE INDEX alert_notifications_expires ON alert_notifications (expires_at);
