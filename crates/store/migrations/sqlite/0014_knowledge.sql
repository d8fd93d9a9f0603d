-- Knowledge articles (KB): a record of kind 'article' whose title,
-- description (a summary), category and state are those of its current
-- version (the published one, else the one being written), so the record
-- lists, search and links work on articles as on any record. The author of
-- the first version is the record's requester.
--
-- Problems and known errors an article documents are record_links rows
-- (from = the article, link = 'documents', to = the problem); the services
-- it is about are record_cis rows.
CREATE TABLE article_details (
    record_id         INTEGER PRIMARY KEY REFERENCES records (id),
    -- The current version's audience: 'requesters' or 'staff'.
    audience          TEXT NOT NULL,
    -- The published version's number, and when it was published.
    published_version INTEGER,
    published_at      INTEGER,
    review_by         INTEGER,
    views             INTEGER NOT NULL DEFAULT 0
);
-- The articles requesters may read: the list's audience filter.
CREATE INDEX article_details_requesters ON article_details (record_id) WHERE audience = 'requesters';

-- Each version of an article; at most one is open (draft or in review) and
-- at most one published (steward_domain::knowledge decides).
CREATE TABLE article_versions (
    record_id    INTEGER NOT NULL REFERENCES records (id),
    number       INTEGER NOT NULL,
    state        TEXT NOT NULL,
    audience     TEXT NOT NULL,
    category     TEXT,
    review_by    INTEGER,
    change_note  TEXT,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    reviewer_id  INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    submitted_at INTEGER,
    published_at INTEGER,
    -- Superseded, retired or discarded.
    ended_at     INTEGER,
    PRIMARY KEY (record_id, number)
);
-- Versions waiting for a reviewer, oldest first.
CREATE INDEX article_versions_in_review ON article_versions (submitted_at, record_id) WHERE state = 'in_review';

-- A version's text in one language (English and Polish are translations
-- of one article), Markdown.
CREATE TABLE article_texts (
    record_id INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    lang      TEXT NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (record_id, version, lang),
    FOREIGN KEY (record_id, version) REFERENCES article_versions (record_id, number)
);

-- "Did this help?": one answer per reader per version (a second answer
-- replaces the first).
CREATE TABLE article_feedback (
    record_id INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    helpful   INTEGER NOT NULL,
    comment   TEXT,
    at        INTEGER NOT NULL,
    PRIMARY KEY (record_id, version, user_id),
    FOREIGN KEY (record_id, version) REFERENCES article_versions (record_id, number)
);

-- A requester opening an article suggested by the report form: whether
-- they then filed no report (deflection) is decided from these and their
-- incidents (records_requester), see steward_domain::knowledge::deflected.
CREATE TABLE article_opens (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id INTEGER NOT NULL REFERENCES records (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    opened_at INTEGER NOT NULL
);
CREATE INDEX article_opens_at ON article_opens (opened_at);
CREATE INDEX article_opens_record ON article_opens (record_id, opened_at);

-- SQLite numbers articles with a record_numbers row, made on first use.
