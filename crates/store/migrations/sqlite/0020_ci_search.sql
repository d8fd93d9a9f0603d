-- Services and CIs found by words, as records are (0013, 0018). The text is
-- folded in Rust (store::search::ci_search_text): the name as the title;
-- the description, vendor and attributes' text values (hostname, serial,
-- asset tag, FQDN, ...) as the body, written by the statement that writes
-- the CI. NULL means "not folded yet": CIs from before this migration,
-- which the search backfill fills in batches, found by a partial index.
ALTER TABLE cis ADD COLUMN search_title TEXT;
ALTER TABLE cis ADD COLUMN search_body TEXT;
CREATE INDEX cis_search_pending ON cis (id) WHERE search_title IS NULL;

-- An external-content FTS5 table over the folded columns, kept by the
-- triggers below in the writing transaction; prefixes of three letters
-- indexed for type-ahead. No automatic merging after each transaction (a
-- bulk import writes thousands of CIs): the workers merge it in the
-- background with the records' index (store::fulltext::merge).
CREATE VIRTUAL TABLE cis_fts USING fts5(
    search_title, search_body,
    content = 'cis', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3'
);
INSERT INTO cis_fts (cis_fts, rank) VALUES ('automerge', 0);

CREATE TRIGGER cis_fts_insert AFTER INSERT ON cis WHEN new.search_title IS NOT NULL BEGIN
    INSERT INTO cis_fts (rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);
END;

CREATE TRIGGER cis_fts_delete AFTER DELETE ON cis WHEN old.search_title IS NOT NULL BEGIN
    INSERT INTO cis_fts (cis_fts, rowid, search_title, search_body)
    VALUES ('delete', old.id, old.search_title, old.search_body);
END;

-- Only when the folded text changed: most updates (a status, an owner)
-- write the same text again.
CREATE TRIGGER cis_fts_update AFTER UPDATE OF search_title, search_body ON cis
WHEN old.search_title IS NOT new.search_title OR old.search_body IS NOT new.search_body BEGIN
    INSERT INTO cis_fts (cis_fts, rowid, search_title, search_body)
    SELECT 'delete', old.id, old.search_title, old.search_body WHERE old.search_title IS NOT NULL;
    INSERT INTO cis_fts (rowid, search_title, search_body)
    SELECT new.id, new.search_title, new.search_body WHERE new.search_title IS NOT NULL;
END;
