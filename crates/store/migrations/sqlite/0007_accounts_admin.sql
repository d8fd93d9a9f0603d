-- Accounts an admin can manage: each user's time zone and a version for
-- optimistic concurrency; sessions with an id, the browser that holds them
-- and when they were last used; organisations with a version; and a
-- revision every node watches to drop cached credentials at once.

ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE sessions_new (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
INSERT INTO sessions_new (token_hash, user_id, csrf, created_at, expires_at, last_seen_at)
    SELECT token_hash, user_id, csrf, created_at, expires_at, created_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);

-- Bumped by every change that must end credentials (a password changed, a
-- user deactivated, sessions or tokens revoked), also by the CLI: each
-- node polls it and forgets its cached credentials when it moves.
CREATE TABLE credentials_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO credentials_rev (id, rev) VALUES (1, 0);
