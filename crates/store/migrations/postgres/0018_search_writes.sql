-- SQLite's search index changes its prefix indexes and merging here
-- (see the SQLite migration). PostgreSQL's GIN index needs no change: a
-- prefix is matched from three letters on by the query side on both.
SELECT 1;
