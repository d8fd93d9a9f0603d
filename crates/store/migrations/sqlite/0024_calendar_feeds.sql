-- The change calendar: changes found by when they were carried out too
-- (an implementing or done change may have left its planned window), and
-- each user's iCalendar feeds. A feed is read by calendar programs, which
-- cannot send headers, so its secret is in the URL: only its SHA-256 is kept.
CREATE INDEX change_details_actual ON change_details (actual_start) WHERE actual_start IS NOT NULL;

CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);
