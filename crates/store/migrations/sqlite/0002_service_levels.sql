-- Service levels: business calendars, SLA definitions and group OLAs, the
-- clocks that run against them, and the notification outbox with its
-- channels (webhooks), watchers, opt-outs and the inbound mail log.
-- Times are microseconds since the Unix epoch, UTC; durations microseconds.

-- A calendar's working hours and holidays as the admin wrote them (JSON).
CREATE TABLE calendars (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    spec       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
-- Out of the box: round the clock, every day, no holidays.
INSERT INTO calendars (id, name, spec, created_at, updated_at) VALUES (1, '24×7',
 '{"time_zone":"UTC","week":{"monday":[{"start":"00:00","end":"24:00"}],"tuesday":[{"start":"00:00","end":"24:00"}],"wednesday":[{"start":"00:00","end":"24:00"}],"thursday":[{"start":"00:00","end":"24:00"}],"friday":[{"start":"00:00","end":"24:00"}],"saturday":[{"start":"00:00","end":"24:00"}],"sunday":[{"start":"00:00","end":"24:00"}]},"holidays":[]}',
 0, 0);

-- An ordered list: the first active definition whose conditions match a
-- record applies. `definition` holds conditions, targets, pause states and
-- thresholds (JSON).
CREATE TABLE sla_definitions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    position    BIGINT NOT NULL,
    active      BIGINT NOT NULL DEFAULT 1,
    calendar_id BIGINT NOT NULL REFERENCES calendars (id),
    definition  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

-- Operational-level agreements: how long a record may sit with a group.
CREATE TABLE group_olas (
    group_id    BIGINT PRIMARY KEY REFERENCES assignment_groups (id),
    target_us   BIGINT NOT NULL,
    calendar_id BIGINT NOT NULL REFERENCES calendars (id),
    thresholds  TEXT NOT NULL DEFAULT '[]',
    updated_at  BIGINT NOT NULL
);

-- One clock per record and target. `next_event_at` is the moment of the
-- next warning or the breach while the clock runs, NULL otherwise: the
-- timer scan is one range read of its partial index.
CREATE TABLE sla_clocks (
    id            INTEGER PRIMARY KEY,
    record_kind   TEXT NOT NULL,
    record_id     BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    sla_id        BIGINT REFERENCES sla_definitions (id),
    group_id      BIGINT REFERENCES assignment_groups (id),
    calendar_id   BIGINT NOT NULL REFERENCES calendars (id),
    thresholds    TEXT NOT NULL DEFAULT '[]',
    target_us     BIGINT NOT NULL,
    started_at    BIGINT NOT NULL,
    elapsed_us    BIGINT NOT NULL DEFAULT 0,
    running_since BIGINT,
    stopped_at    BIGINT,
    due_at        BIGINT,
    fired         BIGINT NOT NULL DEFAULT 0,
    breached_at   BIGINT,
    next_event_at BIGINT
);
CREATE INDEX sla_clocks_record ON sla_clocks (record_kind, record_id);
CREATE INDEX sla_clocks_next_event ON sla_clocks (next_event_at) WHERE next_event_at IS NOT NULL;

-- The record's SLA at a glance, kept with its clocks: which definition
-- applied, the nearest due moment of a running clock, and whether any
-- clock breached. Lists sort and filter on these.
ALTER TABLE incidents ADD COLUMN sla_id BIGINT REFERENCES sla_definitions (id);
ALTER TABLE incidents ADD COLUMN sla_due_at BIGINT;
ALTER TABLE incidents ADD COLUMN sla_breached BIGINT NOT NULL DEFAULT 0;
CREATE INDEX incidents_sla_due ON incidents (sla_due_at, id) WHERE sla_due_at IS NOT NULL;
CREATE INDEX incidents_sla_breached ON incidents (sla_breached, state, priority, opened_at, id);

-- Messages to deliver, written in the transaction of the change that
-- caused them. A worker claims due rows by pushing `next_attempt_at` past
-- its lease, delivers, then marks them sent or schedules a retry; after
-- the last attempt a message is dead until an admin retries it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      BIGINT NOT NULL,
    channel         TEXT NOT NULL,
    event           TEXT NOT NULL,
    record_kind     TEXT,
    record_id       BIGINT,
    target          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (created_at, id) WHERE state = 'dead';
CREATE INDEX outbox_record ON outbox (record_kind, record_id);

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    url        TEXT NOT NULL,
    secret     TEXT,
    format     TEXT NOT NULL,
    events     TEXT NOT NULL DEFAULT '[]',
    active     BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    webhook_id  BIGINT NOT NULL REFERENCES webhooks (id),
    outbox_id   BIGINT NOT NULL REFERENCES outbox (id),
    at          BIGINT NOT NULL,
    status      BIGINT,
    duration_us BIGINT NOT NULL,
    excerpt     TEXT NOT NULL DEFAULT '',
    error       TEXT
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, at);

CREATE TABLE watchers (
    record_kind TEXT NOT NULL,
    record_id   BIGINT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (record_kind, record_id, user_id)
);

-- Optional notifications a user turned off, by event name.
CREATE TABLE notification_optouts (
    user_id BIGINT NOT NULL REFERENCES users (id),
    event   TEXT NOT NULL,
    PRIMARY KEY (user_id, event)
);

-- Every message that came in, once by its Message-ID: what became of it.
CREATE TABLE inbound_mail (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT NOT NULL UNIQUE,
    received_at BIGINT NOT NULL,
    sender      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    record_kind TEXT,
    record_id   BIGINT,
    reason      TEXT
);
CREATE INDEX inbound_mail_received ON inbound_mail (received_at, id);
