-- Revisions of what each node caches (issue 15): a change to cached data
-- bumps its name's revision in the same write, and every use of the cache
-- reads that one row first, so a change committed through any node (or the
-- CLI) holds on every node for the next request. Credentials keep their
-- own `credentials_rev`, the CMDB its `cmdb_rev`.
CREATE TABLE cache_revs (
    name TEXT PRIMARY KEY,
    rev  BIGINT NOT NULL
);
-- `sla`: SLA and OLA definitions, calendars, escalation rules.
-- `webhooks`: the active webhooks.
INSERT INTO cache_revs (name, rev) VALUES ('sla', 0), ('webhooks', 0);
