-- Escalation rules, the record of each firing (so that a rule fires once
-- per record and threshold), and the manager of each assignment group.

ALTER TABLE assignment_groups ADD COLUMN manager_id BIGINT REFERENCES users (id);

-- An ordered list; `rule` holds the trigger, conditions and actions (JSON).
CREATE TABLE escalation_rules (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    position   BIGINT NOT NULL,
    active     BIGINT NOT NULL DEFAULT 1,
    rule       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE escalation_firings (
    rule_id     BIGINT NOT NULL REFERENCES escalation_rules (id),
    record_kind TEXT NOT NULL,
    record_id   BIGINT NOT NULL,
    threshold   TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (rule_id, record_kind, record_id, threshold)
);
CREATE INDEX escalation_firings_record ON escalation_firings (record_kind, record_id);

-- Inbound mail finds its sender by address, whatever the case.
CREATE INDEX users_email ON users (lower(email));
