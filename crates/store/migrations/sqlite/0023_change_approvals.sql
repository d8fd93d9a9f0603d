-- Approval policies and each change's approval rounds (issue 12).
--
-- A policy names, for changes of a type, from a risk level and on a
-- service (each NULL: any), its stages of approvers; the first in
-- position order that matches a change is used.
CREATE TABLE approval_policies (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    position      INTEGER NOT NULL,
    change_type   TEXT,
    min_risk      TEXT,
    service_id    INTEGER REFERENCES cis (id),
    self_approval INTEGER NOT NULL DEFAULT 0,
    parallel      INTEGER NOT NULL DEFAULT 0,
    -- The stages as JSON: [{"name", "approvers": {"users": [ids]} |
    -- "service_owner" | {"group": id}, "quorum"}].
    stages        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Each time a change enters authorization its policy is resolved into a
-- plan (who approves, stage by stage, as JSON): round 1, 2, …
CREATE TABLE change_approval_plans (
    record_id   INTEGER NOT NULL REFERENCES records (id),
    round       INTEGER NOT NULL,
    policy_id   INTEGER,
    plan        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (record_id, round)
);

-- The decisions of a round: one per approver and stage.
CREATE TABLE change_approvals (
    record_id   INTEGER NOT NULL REFERENCES records (id),
    round       INTEGER NOT NULL,
    stage       INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    approved    INTEGER NOT NULL,
    comment     TEXT,
    decided_at  INTEGER NOT NULL,
    PRIMARY KEY (record_id, round, stage, user_id)
);

-- The single-use codes approval requests by e-mail carry: only the code's
-- SHA-256 is kept, with whose decision, in which round and stage, it is.
CREATE TABLE change_approval_codes (
    code_hash   TEXT PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    round       INTEGER NOT NULL,
    stage       INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
