-- Steward foundation: accounts, groups, incidents, journal, comments, attachments.
-- Times are microseconds since the Unix epoch, UTC. Flags are 0/1 integers.


CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    role            TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations (id),
    password_hash   TEXT,
    locale          TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE TABLE assignment_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES assignment_groups (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The incident's id is its number: INC0000042 is id 42. AUTOINCREMENT
-- hands out numbers inside the INSERT and never reuses one.
CREATE TABLE incidents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL,
    hold_reason         TEXT,
    impact              INTEGER NOT NULL,
    urgency             INTEGER NOT NULL,
    priority            INTEGER NOT NULL,
    requester_id        INTEGER NOT NULL REFERENCES users (id),
    organisation_id     INTEGER REFERENCES organisations (id),
    category            TEXT,
    service             TEXT,
    assignment_group_id INTEGER REFERENCES assignment_groups (id),
    assignee_id         INTEGER REFERENCES users (id),
    major               INTEGER NOT NULL DEFAULT 0,
    parent_id           INTEGER REFERENCES incidents (id),
    resolution_code     TEXT,
    resolution_notes    TEXT,
    reopen_count        INTEGER NOT NULL DEFAULT 0,
    opened_at           INTEGER NOT NULL,
    first_response_at   INTEGER,
    resolved_at         INTEGER,
    closed_at           INTEGER,
    updated_at          INTEGER NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES users (id),
    version             INTEGER NOT NULL DEFAULT 1
);
-- Queues: state and group filters, priority then age order.
CREATE INDEX incidents_queue ON incidents (state, assignment_group_id, priority, opened_at, id);
CREATE INDEX incidents_state_priority ON incidents (state, priority, opened_at, id);
CREATE INDEX incidents_assignee ON incidents (assignee_id, state, priority, opened_at, id);
CREATE INDEX incidents_requester ON incidents (requester_id, opened_at, id);
CREATE INDEX incidents_opened ON incidents (opened_at, id);
CREATE INDEX incidents_updated ON incidents (updated_at, id);
CREATE INDEX incidents_priority ON incidents (priority, opened_at, id);
CREATE INDEX incidents_parent ON incidents (parent_id);
CREATE INDEX incidents_service ON incidents (service, opened_at, id);
CREATE INDEX incidents_resolved ON incidents (state, resolved_at);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    author_id   INTEGER NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    internal    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_incident ON comments (incident_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    sha256       TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_incident ON attachments (incident_id, id);

-- Append-only: one entry per event, field changes as a JSON array.
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]',
    comment_id  INTEGER REFERENCES comments (id),
    UNIQUE (record_kind, record_id, seq)
);
