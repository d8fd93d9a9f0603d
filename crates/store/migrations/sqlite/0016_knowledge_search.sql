-- Suggestions while a report is typed match known errors and articles
-- with any of its words. In the index of every record a common word
-- brings a million incidents to filter out; this second external-content
-- index holds problems and articles only (kept by triggers like
-- records_fts, in the writing transaction), so it stays small and ranks
-- by relevance (bm25) quickly.
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    search_title, search_body,
    content = 'records', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3'
);

INSERT INTO knowledge_fts (rowid, search_title, search_body)
SELECT id, search_title, search_body FROM records
WHERE kind IN ('problem', 'article') AND search_title IS NOT NULL;

CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON records
WHEN new.kind IN ('problem', 'article') AND new.search_title IS NOT NULL BEGIN
    INSERT INTO knowledge_fts (rowid, search_title, search_body) VALUES (new.id, new.search_title, new.search_body);
END;

CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON records
WHEN old.kind IN ('problem', 'article') AND old.search_title IS NOT NULL BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, search_title, search_body)
    VALUES ('delete', old.id, old.search_title, old.search_body);
END;

CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF search_title, search_body ON records
WHEN new.kind IN ('problem', 'article')
    AND (old.search_title IS NOT new.search_title OR old.search_body IS NOT new.search_body) BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, search_title, search_body)
    SELECT 'delete', old.id, old.search_title, old.search_body WHERE old.search_title IS NOT NULL;
    INSERT INTO knowledge_fts (rowid, search_title, search_body)
    SELECT new.id, new.search_title, new.search_body WHERE new.search_title IS NOT NULL;
END;
