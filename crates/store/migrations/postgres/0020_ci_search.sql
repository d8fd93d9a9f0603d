-- Services and CIs found by words, as records are (0013). The text is
-- folded in Rust (store::search::ci_search_text): the name as the title;
-- the description, vendor and attributes' text values (hostname, serial,
-- asset tag, FQDN, ...) as the body, written by the statement that writes
-- the CI. NULL means "not folded yet": CIs from before this migration,
-- which the search backfill fills in batches, found by a partial index.
ALTER TABLE cis ADD COLUMN search_title TEXT;
ALTER TABLE cis ADD COLUMN search_body TEXT;
CREATE INDEX cis_search_pending ON cis (id) WHERE search_title IS NULL;

-- The words, weighted (name A, body B), kept by PostgreSQL from the
-- folded columns in the writing transaction; 'simple': no stemming, no
-- stop words (the query side drops those itself).
ALTER TABLE cis ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', COALESCE(search_title, '')), 'A')
    || setweight(to_tsvector('simple', COALESCE(search_body, '')), 'B')
) STORED;
CREATE INDEX cis_search ON cis USING GIN (search_tsv);
