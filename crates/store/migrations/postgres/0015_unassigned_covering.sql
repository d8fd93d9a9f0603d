-- The queue of unassigned records in the reader's groups sorts its matches
-- (thousands at a million records): an index holding the sort columns lets
-- PostgreSQL find the page's ids from the index alone.
DROP INDEX records_unassigned;
CREATE INDEX records_unassigned ON records (kind, assignment_group_id, state, priority, opened_at, id)
    WHERE assignee_id IS NULL;
