-- Search over every kind of record. The text is folded in Rust
-- (domain::search::fold: "Żółty" -> "zolty", ł -> l) into two columns the
-- index reads: the title and the body. NULL means "not folded yet": rows
-- written before this migration, which a step after migrating fills in
-- batches (store::search_index::backfill), found by a partial index.
ALTER TABLE records ADD COLUMN search_title TEXT;
ALTER TABLE records ADD COLUMN search_body TEXT;
CREATE INDEX records_search_pending ON records (id) WHERE search_title IS NULL;

-- The words, weighted (title A, body B), kept by PostgreSQL itself from
-- the folded columns in the writing transaction. The 'simple'
-- configuration: no stemming, no stop words (the text is folded already;
-- the query side drops stop words itself).
ALTER TABLE records ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', COALESCE(search_title, '')), 'A')
    || setweight(to_tsvector('simple', COALESCE(search_body, '')), 'B')
) STORED;
CREATE INDEX records_search ON records USING GIN (search_tsv);
