-- Each kind's own measures (issue 14), as named counts per day and per
-- (kind, service, group, organisation, priority), kept by the measures'
-- worker beside report_days: a problem that became a known error, the
-- incidents linked to a problem, a change closed with each close code or
-- one that caused an incident, an incident opened from alerts, alerts that
-- fired (kind 'alert'). A kind adds a measure by naming a new mark: no
-- column to add.
CREATE TABLE report_marks (
    day             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    service_id      BIGINT NOT NULL,
    group_id        BIGINT NOT NULL,
    organisation_id BIGINT NOT NULL,
    priority        BIGINT NOT NULL,
    name            TEXT NOT NULL,
    n               BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, service_id, group_id, organisation_id, priority, name)
);

-- How far the worker has read the alerts' history (their firings are
-- counted from it, not from the journal).
ALTER TABLE report_state ADD COLUMN alert_event_id BIGINT NOT NULL DEFAULT 0;

-- The incidents opened from alerts, as the worker asks of the incidents it
-- counts.
CREATE INDEX alert_groups_incident ON alert_groups (incident_id) WHERE incident_id IS NOT NULL;
