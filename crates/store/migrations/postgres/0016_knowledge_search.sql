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

-- Their words in a partial index of their own: small whatever the number
-- of incidents, so ranking every match stays quick.
CREATE INDEX records_suggest ON records USING GIN (search_tsv) WHERE suggest_to IS NOT NULL;
