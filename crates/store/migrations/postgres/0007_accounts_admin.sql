-- Accounts an admin can manage: each user's time zone and a version for
-- optimistic concurrency; sessions with an id, the browser that holds them
-- and when they were last used; organisations with a version; and a
-- revision every node watches to drop cached credentials at once.

ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

ALTER TABLE sessions ADD COLUMN id BIGSERIAL UNIQUE;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);

-- Bumped by every change that must end credentials (a password changed, a
-- user deactivated, sessions or tokens revoked), also by the CLI: each
-- node polls it and forgets its cached credentials when it moves.
CREATE TABLE credentials_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO credentials_rev (id, rev) VALUES (1, 0);
