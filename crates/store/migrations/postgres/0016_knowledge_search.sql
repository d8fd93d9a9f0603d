-- Suggestions while a report is typed match known errors and articles
-- with any of its words. In the index of every record a common word
-- brings a million incidents to filter out; this partial index holds
-- problems and articles only, so it stays small.
CREATE INDEX records_knowledge_search ON records USING GIN (search_tsv) WHERE kind IN ('problem', 'article');
