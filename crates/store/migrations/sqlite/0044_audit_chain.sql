-- The audit log becomes a hash chain (see crates/store/src/audit_chain.rs):
-- each entry holds the previous entry's hash and its own (hex SHA-256), and
-- audit_head the newest entry's id and hash; appends take the next id from
-- it under its lock. The entries written before this migration are chained
-- by it, in id order, in its transaction (audit_chain::seal_unchained).
--
-- Append-only: a chained entry can be neither changed nor deleted. A row
-- without a hash may be given one (the sealing above), nothing else. A
-- database superuser can still drop these triggers: `steward audit verify`
-- compares the chain with the head kept outside the database for that.

ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id BIGINT NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (one, last_id, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN OLD.hash IS NOT NULL
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind
    OR NEW.actor_id IS NOT OLD.actor_id OR NEW.actor_name IS NOT OLD.actor_name
    OR NEW.subject IS NOT OLD.subject OR NEW.client IS NOT OLD.client OR NEW.detail IS NOT OLD.detail
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: an audit entry cannot be changed');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: an audit entry cannot be deleted');
END;
