-- The same index as PostgreSQL's: the sort columns of the queue of
-- unassigned records in the reader's groups, after its filter columns.
DROP INDEX records_unassigned;
CREATE INDEX records_unassigned ON records (kind, assignment_group_id, state, priority, opened_at, id)
    WHERE assignee_id IS NULL;
