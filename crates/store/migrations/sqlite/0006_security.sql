-- The security audit log: sign-ins, refusals, tokens, user and role
-- changes. Append-only; read newest first by id, filtered by kind or actor.

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   BIGINT,
    actor_name TEXT NOT NULL,
    subject    TEXT NOT NULL,
    client     TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX audit_events_kind ON audit_events (kind, id);
CREATE INDEX audit_events_actor ON audit_events (actor_name, id);
