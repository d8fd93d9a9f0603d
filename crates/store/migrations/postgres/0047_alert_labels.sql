-- Every label pair of every alert, indexed off the intake's path (issue
-- 13): the two expression indexes of migration 0031 (instance, alert name)
-- cost a third of a new alert's write, each an insert at a random place
-- with the labels parsed on the way. A post now only queues the new
-- alerts' ids (an append); a background pass reads the queue in large
-- batches and writes one row per label pair, so a list narrowed by any
-- `name="value"` reads an index, not only by those two. Until the pass
-- has been, a list also reads the queued alerts (few: the pass runs every
-- second).
CREATE TABLE alert_labels (
    -- The pair's key: the fingerprint of the set holding that label
    -- alone (`alert::pair_key`), as a signed 64-bit value. Readers
    -- recheck the labels: a collision lists nothing wrong.
    pair      BIGINT NOT NULL,
    alert_id  BIGINT NOT NULL,
    PRIMARY KEY (pair, alert_id)
);

-- The alerts whose labels are not in `alert_labels` yet.
CREATE TABLE alert_label_queue (
    alert_id  BIGINT PRIMARY KEY
);

-- Once per statement, over the rows it inserted (an upsert's transition
-- table holds only those): a batch of new alerts costs one call, a batch
-- of repeats none.
CREATE FUNCTION alert_labels_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_label_queue (alert_id) SELECT id FROM added;
    RETURN NULL;
END $$;

CREATE TRIGGER alert_labels_queue AFTER INSERT ON alerts
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION alert_labels_enqueue();

-- The alerts kept so far are indexed by the first pass.
INSERT INTO alert_label_queue (alert_id) SELECT id FROM alerts;

DROP INDEX alerts_instance;
DROP INDEX alerts_alertname;
