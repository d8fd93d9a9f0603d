-- Search over every kind of record. The text is folded in Rust
-- (domain::search::fold: "Żółty" -> "zolty", ł -> l) into two columns the
-- index reads: the title and the body. NULL means "not folded yet": rows
-- written before this migration, which a step after migrating fills in
-- batches (store::search_index::backfill), found by a partial index.
ALTER TABLE records ADD COLUMN search_title TEXT;
ALTER TABLE records ADD COLUMN search_body TEXT;
CREATE INDEX records_search_pending ON records (id) WHERE search_title IS NULL;

-- An external-content FTS5 table over the folded columns (the text lives
-- once, in records), kept by the triggers below in the writing
-- transaction. No diacritic removal: the text is folded already. Prefix
-- indexes for two and three letters keep type-ahead fast.
CREATE VIRTUAL TABLE records_fts USING fts5(
    search_title, search_body,
    content = 'records', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);

CREATE TRIGGER records_fts_insert AFTER INSERT ON records WHEN new.search_title IS NOT NULL BEGIN
    INSERT INTO records_fts (rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);
END;

CREATE TRIGGER records_fts_delete AFTER DELETE ON records WHEN old.search_title IS NOT NULL BEGIN
    INSERT INTO records_fts (records_fts, rowid, search_title, search_body)
    VALUES ('delete', old.id, old.search_title, old.search_body);
END;

-- Only when the folded text changed: most updates (a state, an assignee)
-- write the same text again.
CREATE TRIGGER records_fts_update AFTER UPDATE OF search_title, search_body ON records
WHEN old.search_title IS NOT new.search_title OR old.search_body IS NOT new.search_body BEGIN
    INSERT INTO records_fts (records_fts, rowid, search_title, search_body)
    SELECT 'delete', old.id, old.search_title, old.search_body WHERE old.search_title IS NOT NULL;
    INSERT INTO records_fts (rowid, search_title, search_body)
    SELECT new.id, new.search_title, new.search_body WHERE new.search_title IS NOT NULL;
END;
