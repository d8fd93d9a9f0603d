-- The CMDB and the service catalog: admin-defined classes (the built-in
-- ones live in code), configuration items with their identifiers, typed
-- relations that keep the span they were live, the services organisations
-- use, and incidents that name a service and CIs.

CREATE TABLE ci_classes (
    key        TEXT PRIMARY KEY,
    -- The whole class definition as JSON (name, extends, attributes, rules).
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- One counter bumped by every CMDB write, in the writer's transaction: the
-- row lock orders CMDB writes, so readers that cache the graph catch up by
-- reading the rows with a higher `rev` than they have seen.
CREATE TABLE cmdb_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO cmdb_rev (id, rev) VALUES (1, 0);

CREATE TABLE cis (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    class               TEXT NOT NULL,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL,
    criticality         TEXT NOT NULL,
    owner_group_id      INTEGER REFERENCES assignment_groups (id),
    location_id         INTEGER REFERENCES cis (id),
    vendor              TEXT,
    attributes          TEXT NOT NULL DEFAULT '{}',
    -- The last agent inventory (software, disks, interfaces) as JSON.
    inventory           TEXT,
    inventory_at        INTEGER,
    -- Catalog fields; used by services.
    description         TEXT NOT NULL DEFAULT '',
    owner_id            INTEGER REFERENCES users (id),
    support_calendar_id INTEGER REFERENCES calendars (id),
    tier                INTEGER,
    portfolio_status    TEXT,
    requester_visible   INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    rev                 INTEGER NOT NULL
);
CREATE INDEX cis_class_name ON cis (class, name, id);
CREATE INDEX cis_name ON cis (name, id);
CREATE INDEX cis_status ON cis (status, name, id);
CREATE INDEX cis_owner_group ON cis (owner_group_id, name, id);
CREATE INDEX cis_location ON cis (location_id);
CREATE INDEX cis_rev ON cis (rev);

-- Reconciliation keys: the same server sent twice is one CI. `scope` is
-- the root class, `value` normalised (trimmed, lower case).
CREATE TABLE ci_identifiers (
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    ci_id INTEGER NOT NULL REFERENCES cis (id),
    PRIMARY KEY (scope, key, value)
);
CREATE INDEX ci_identifiers_ci ON ci_identifiers (ci_id);
-- Reconciliation looks values up in bulk (one IN list per chunk).
CREATE INDEX ci_identifiers_value ON ci_identifiers (value);

-- A relation is live from created_at until removed_at; removed ones stay,
-- so the graph can be read as it was.
CREATE TABLE ci_relations (
    id         INTEGER PRIMARY KEY,
    from_id    INTEGER NOT NULL REFERENCES cis (id),
    to_id      INTEGER NOT NULL REFERENCES cis (id),
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    removed_at INTEGER,
    rev        INTEGER NOT NULL
);
CREATE UNIQUE INDEX ci_relations_live ON ci_relations (from_id, to_id, kind) WHERE removed_at IS NULL;
CREATE INDEX ci_relations_from ON ci_relations (from_id);
CREATE INDEX ci_relations_to ON ci_relations (to_id);
CREATE INDEX ci_relations_rev ON ci_relations (rev);

-- Which organisations use a service.
CREATE TABLE service_consumers (
    service_id      INTEGER NOT NULL REFERENCES cis (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (service_id, organisation_id)
);
CREATE INDEX service_consumers_org ON service_consumers (organisation_id);

-- The CIs an incident affects.
CREATE TABLE incident_cis (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    ci_id       INTEGER NOT NULL REFERENCES cis (id),
    PRIMARY KEY (incident_id, ci_id)
);
CREATE INDEX incident_cis_ci ON incident_cis (ci_id, incident_id);

-- The incident's service becomes a reference: each service name in use
-- becomes a live business service CI, and incidents point at it.
INSERT INTO cis (class, name, status, criticality, portfolio_status, created_at, updated_at, rev)
SELECT 'business_service', service, 'in_use', 'medium', 'live', MIN(opened_at), MIN(opened_at), 0
FROM incidents WHERE service IS NOT NULL AND TRIM(service) <> '' GROUP BY service;
INSERT INTO ci_identifiers (scope, key, value, ci_id)
SELECT 'business_service', 'name', LOWER(TRIM(name)), MIN(id) FROM cis GROUP BY LOWER(TRIM(name));
ALTER TABLE incidents ADD COLUMN service_id INTEGER REFERENCES cis (id);
UPDATE incidents SET service_id = (SELECT c.id FROM cis c WHERE c.name = incidents.service)
WHERE service IS NOT NULL;
DROP INDEX incidents_service;
ALTER TABLE incidents DROP COLUMN service;
CREATE INDEX incidents_service ON incidents (service_id, state, opened_at, id);
