-- One table for every kind of record (incidents now; problems, changes,
-- requests and tasks to come). What every kind shares lives here, with
-- the indexes queues need, each led by the kind; a kind's own fields go in
-- a details table keyed by the record id. Journal, comments, attachments,
-- watchers, CIs, links and SLA clocks hang off the record id.
--
-- Incidents move over as they are: the table is renamed, so every row,
-- id and reference stays (an incident's id was its number, and stays so
-- for the incidents that exist; new records take ids of their own).
ALTER TABLE incidents RENAME TO records;
ALTER TABLE records ADD COLUMN kind TEXT NOT NULL DEFAULT 'incident';
ALTER TABLE records ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE records SET number = id;
CREATE UNIQUE INDEX records_number ON records (kind, number);

-- Numbers per kind: the last one handed out. SQLite has one writer, so a
-- counter row costs no waiting (PostgreSQL uses a sequence per kind).
CREATE TABLE record_numbers (
    kind TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO record_numbers (kind, last)
SELECT 'incident', MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0),
                       COALESCE((SELECT MAX(number) FROM records), 0));

-- The queues' indexes, each now led by the kind.
DROP INDEX incidents_queue;
DROP INDEX incidents_state_priority;
DROP INDEX incidents_assignee;
DROP INDEX incidents_requester;
DROP INDEX incidents_opened;
DROP INDEX incidents_updated;
DROP INDEX incidents_priority;
DROP INDEX incidents_parent;
DROP INDEX incidents_service;
DROP INDEX incidents_resolved;
DROP INDEX incidents_sla_due;
DROP INDEX incidents_sla_breached;
DROP INDEX incidents_organisation;
DROP INDEX incidents_category;
DROP INDEX incidents_group;
DROP INDEX incidents_major;
DROP INDEX incidents_assignee_order;
DROP INDEX incidents_requester_order;
DROP INDEX incidents_service_order;
DROP INDEX incidents_unassigned;
CREATE INDEX records_queue ON records (kind, state, assignment_group_id, priority, opened_at, id);
CREATE INDEX records_state_priority ON records (kind, state, priority, opened_at, id);
CREATE INDEX records_assignee ON records (kind, assignee_id, state, priority, opened_at, id);
CREATE INDEX records_requester ON records (kind, requester_id, opened_at, id);
CREATE INDEX records_opened ON records (kind, opened_at, id);
CREATE INDEX records_updated ON records (kind, updated_at, id);
CREATE INDEX records_priority ON records (kind, priority, opened_at, id);
CREATE INDEX records_parent ON records (parent_id);
CREATE INDEX records_service ON records (kind, service_id, state, opened_at, id);
CREATE INDEX records_resolved ON records (kind, state, resolved_at);
CREATE INDEX records_sla_due ON records (kind, sla_due_at, id) WHERE sla_due_at IS NOT NULL;
CREATE INDEX records_sla_breached ON records (kind, sla_breached, state, priority, opened_at, id);
CREATE INDEX records_organisation ON records (kind, organisation_id, priority, opened_at, id);
CREATE INDEX records_category ON records (kind, category, priority, opened_at, id);
CREATE INDEX records_group ON records (kind, assignment_group_id, priority, opened_at, id);
CREATE INDEX records_major ON records (kind, priority, opened_at, id) WHERE major = 1;
CREATE INDEX records_assignee_order ON records (kind, assignee_id, priority, opened_at, id);
CREATE INDEX records_requester_order ON records (kind, requester_id, priority, opened_at, id);
CREATE INDEX records_service_order ON records (kind, service_id, priority, opened_at, id);
CREATE INDEX records_unassigned ON records (kind, assignment_group_id, state, assignee_id) WHERE assignee_id IS NULL;

-- Comments, attachments and CIs hang off the record.
ALTER TABLE comments RENAME COLUMN incident_id TO record_id;
DROP INDEX comments_incident;
CREATE INDEX comments_record ON comments (record_id, id);
ALTER TABLE attachments RENAME COLUMN incident_id TO record_id;
DROP INDEX attachments_incident;
CREATE INDEX attachments_record ON attachments (record_id, id);
ALTER TABLE incident_cis RENAME TO record_cis;
ALTER TABLE record_cis RENAME COLUMN incident_id TO record_id;
DROP INDEX incident_cis_ci;
CREATE INDEX record_cis_ci ON record_cis (ci_id, record_id);

-- Links between records of any kinds: `from` caused by / duplicate of /
-- related to `to` (parent and child is the record's own parent_id).
CREATE TABLE record_links (
    from_id    INTEGER NOT NULL REFERENCES records (id),
    to_id      INTEGER NOT NULL REFERENCES records (id),
    link       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id),
    PRIMARY KEY (from_id, link, to_id)
);
CREATE INDEX record_links_to ON record_links (to_id, link, from_id);
