-- Suggestions read a table of their own: the known errors and published
-- articles (records with `suggest_to`, migration 0016), their words and
-- who they are suggested to, kept by a trigger in the writing transaction
-- as SQLite's `knowledge_fts` is. A partial index over `records` left its
-- rows scattered among a million incidents' pages: ranking 3,000 matches
-- read 1,800 pages (40 ms); here they lie together, in a few hundred.
CREATE TABLE knowledge_search (
    record_id BIGINT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    suggest_to TEXT NOT NULL,
    search_tsv tsvector NOT NULL
);
INSERT INTO knowledge_search (record_id, suggest_to, search_tsv)
SELECT id, suggest_to, search_tsv FROM records WHERE suggest_to IS NOT NULL;
CREATE INDEX knowledge_search_words ON knowledge_search USING GIN (search_tsv);
DROP INDEX records_suggest;

CREATE FUNCTION knowledge_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.suggest_to IS NULL THEN
        DELETE FROM knowledge_search WHERE record_id = NEW.id;
    ELSE
        INSERT INTO knowledge_search (record_id, suggest_to, search_tsv)
        VALUES (NEW.id, NEW.suggest_to, NEW.search_tsv)
        ON CONFLICT (record_id) DO UPDATE SET suggest_to = EXCLUDED.suggest_to, search_tsv = EXCLUDED.search_tsv;
    END IF;
    RETURN NULL;
END $$;

-- Incidents never carry `suggest_to`: the WHEN clauses keep the function
-- from being called for them at all.
CREATE TRIGGER knowledge_search_insert AFTER INSERT ON records
FOR EACH ROW WHEN (NEW.suggest_to IS NOT NULL) EXECUTE FUNCTION knowledge_search_keep();
CREATE TRIGGER knowledge_search_update AFTER UPDATE OF suggest_to, search_title, search_body ON records
FOR EACH ROW WHEN (OLD.suggest_to IS NOT NULL OR NEW.suggest_to IS NOT NULL) EXECUTE FUNCTION knowledge_search_keep();

-- Search looks among the newest records first (store::fulltext::search):
-- a range of ids, which the id's B-tree hands over as a bitmap of every
-- row in it (100,000 rows: 30 ms) before the words' index narrows it. A
-- BRIN index of the id hands over the range as a few page ranges instead.
CREATE INDEX records_id_brin ON records USING BRIN (id) WITH (autosummarize = on);
