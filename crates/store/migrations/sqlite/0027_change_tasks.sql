-- Change tasks (TASK): a record of kind 'task' (title, description, state
-- open | in_progress | closed | cancelled, group and assignee, resolution
-- code = the close code) plus what only a task has, here, keyed by the
-- record: the change it belongs to and its step (tasks of one step run in
-- parallel; a step starts when the steps before it are done).
CREATE TABLE task_details (
    record_id     INTEGER PRIMARY KEY REFERENCES records (id),
    change_id     INTEGER NOT NULL REFERENCES records (id),
    step          INTEGER NOT NULL,
    -- The planned start and end, in microseconds since the epoch, either or both.
    planned_start INTEGER,
    planned_end   INTEGER,
    close_notes   TEXT,
    -- 1 while the task is open or in progress (kept with the record's
    -- state in the same write), so a change's open tasks are read from
    -- one index.
    is_open       INTEGER NOT NULL DEFAULT 1
);
-- A change's tasks in step order.
CREATE INDEX task_details_change ON task_details (change_id, step, record_id);
-- A change's open tasks: the review gate and the order rule count them.
CREATE INDEX task_details_open ON task_details (change_id, step) WHERE is_open = 1;

-- SQLite numbers tasks with a record_numbers row, made on first use.
