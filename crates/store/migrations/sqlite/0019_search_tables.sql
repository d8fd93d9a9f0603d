-- PostgreSQL's suggestions get a table of their own and its search a
-- block-range index of ids; SQLite has both already (`knowledge_fts`,
-- migration 0016, and a rowid that is the id).
SELECT 1;
