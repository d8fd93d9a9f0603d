-- The audit log becomes a hash chain (see crates/store/src/audit_chain.rs):
-- each entry holds the previous entry's hash and its own (hex SHA-256), and
-- audit_head the newest entry's id and hash; appends take the next id from
-- it under its row lock, so several writers and nodes make one line and a
-- rolled-back append leaves no gap. The entries written before this
-- migration are chained by it, in id order, in its transaction
-- (audit_chain::seal_unchained).
--
-- Append-only: a chained entry can be neither changed nor deleted, nor the
-- table truncated. A row without a hash may be given one (the sealing
-- above), nothing else. A database superuser can still drop these
-- triggers: `steward audit verify` compares the chain with the head kept
-- outside the database for that.

ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;

CREATE TABLE audit_head (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    last_id BIGINT NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (one, last_id, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL
       AND (NEW.id, NEW.at, NEW.kind, NEW.actor_id, NEW.actor_name, NEW.subject, NEW.client, NEW.detail)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.kind, OLD.actor_id, OLD.actor_name, OLD.subject, OLD.client, OLD.detail) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: an audit entry cannot be %',
        CASE TG_OP WHEN 'UPDATE' THEN 'changed' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
