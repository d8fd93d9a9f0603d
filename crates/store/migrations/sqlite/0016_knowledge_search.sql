-- Suggestions while a report is typed: the known errors and published
-- articles that match any of its words. `suggest_to` says who a record is
-- suggested to: 'staff' (a known error not closed or cancelled, a
-- published article for staff), 'everyone' (a published article for
-- requesters), NULL (anything else); the app keeps it with every write
-- of a problem or an article (store::fulltext::refresh_suggest_to).
ALTER TABLE records ADD COLUMN suggest_to TEXT;
UPDATE records SET suggest_to = CASE
    WHEN kind = 'problem' AND state NOT IN ('closed', 'cancelled')
        AND EXISTS (SELECT 1 FROM problem_details pd WHERE pd.record_id = records.id AND pd.known_error = 1)
        THEN 'staff'
    WHEN kind = 'article' AND state = 'published'
        THEN (SELECT CASE ad.audience WHEN 'requesters' THEN 'everyone' ELSE 'staff' END
              FROM article_details ad WHERE ad.record_id = records.id)
    END
WHERE kind IN ('problem', 'article');

-- Only those records, in an index of their own kept by triggers in the
-- writing transaction: small whatever the number of incidents, so FTS5
-- ranks every match (bm25: title words four times body words) and keeps
-- the best without reading `records`. `suggest_to` is indexed too, so a
-- requester's search names it as a column filter (`suggest_to : everyone`).
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    search_title, search_body, suggest_to,
    content = 'records', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3'
);
INSERT INTO knowledge_fts (knowledge_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)');

INSERT INTO knowledge_fts (rowid, search_title, search_body, suggest_to)
SELECT id, search_title, search_body, suggest_to FROM records
WHERE suggest_to IS NOT NULL AND search_title IS NOT NULL;

CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON records
WHEN new.suggest_to IS NOT NULL AND new.search_title IS NOT NULL BEGIN
    INSERT INTO knowledge_fts (rowid, search_title, search_body, suggest_to)
    VALUES (new.id, new.search_title, new.search_body, new.suggest_to);
END;

CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON records
WHEN old.suggest_to IS NOT NULL AND old.search_title IS NOT NULL BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, search_title, search_body, suggest_to)
    VALUES ('delete', old.id, old.search_title, old.search_body, old.suggest_to);
END;

CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF search_title, search_body, suggest_to ON records
WHEN old.suggest_to IS NOT new.suggest_to OR old.search_title IS NOT new.search_title
    OR old.search_body IS NOT new.search_body BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, search_title, search_body, suggest_to)
    SELECT 'delete', old.id, old.search_title, old.search_body, old.suggest_to
    WHERE old.suggest_to IS NOT NULL AND old.search_title IS NOT NULL;
    INSERT INTO knowledge_fts (rowid, search_title, search_body, suggest_to)
    SELECT new.id, new.search_title, new.search_body, new.suggest_to
    WHERE new.suggest_to IS NOT NULL AND new.search_title IS NOT NULL;
END;
