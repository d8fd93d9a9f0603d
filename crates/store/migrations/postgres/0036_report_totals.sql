-- Standing totals for /metrics (issue 14), kept by the measures' worker
-- beside the daily totals so a scrape never counts the records: per kind
-- and priority, the records in each state (name `records`, the state as
-- label) and the SLA/OLA clocks met and breached (`sla_met`,
-- `sla_breached`, the target as label).
CREATE TABLE report_totals (
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    priority BIGINT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (kind, name, label, priority)
);

-- The shape of the facts the totals were counted from: a binary that
-- counts in another shape (here: the facts now hold the record's state)
-- rebuilds them.
ALTER TABLE report_state ADD COLUMN facts_version BIGINT NOT NULL DEFAULT 0;
