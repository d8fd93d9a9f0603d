-- The desk's daily work: canned replies (per group, in English and
-- Polish) and each user's saved views of the incident list.

CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    -- NULL: offered to every group.
    group_id   BIGINT REFERENCES assignment_groups (id),
    title      TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    -- NULL: the English text serves Polish readers too.
    body_pl    TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX canned_replies_group ON canned_replies (group_id, title);

CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    -- The list's query string (filters and sort), as the list page links it.
    query      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, name)
);

-- The comment a file was sent with (one form: text and files), if any.
ALTER TABLE attachments ADD COLUMN comment_id BIGINT REFERENCES comments (id);
