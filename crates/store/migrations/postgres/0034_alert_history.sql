-- An alert's history (issue 13): the database writes "fired" and
-- "resolved" itself as a post changes an alert's episode, inside the
-- statement that keeps it, so the intake reads nothing back (a RETURNING
-- row per alert was a seventh of a batch's time). "Now" is the post's
-- time, which every post writes as updated_at. Acknowledgements and
-- assignments stay the application's, with their actor and detail.
CREATE FUNCTION alert_history_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO alert_events (alert_id, at, kind, actor_id, detail)
    VALUES (NEW.id,
            CASE WHEN NEW.ends_at > NEW.updated_at THEN NEW.starts_at ELSE NEW.ends_at END,
            CASE WHEN NEW.ends_at > NEW.updated_at THEN 'fired' ELSE 'resolved' END,
            NEW.sender_id, '');
    RETURN NULL;
END $$;

CREATE TRIGGER alert_history_new AFTER INSERT ON alerts
FOR EACH ROW EXECUTE FUNCTION alert_history_keep();

-- Firing again after a resolution, or resolved while firing. The WHEN is
-- judged without calling the function: a repeat of a firing alert (the
-- dedup path) costs no call.
CREATE TRIGGER alert_history_episode AFTER UPDATE OF ends_at ON alerts
FOR EACH ROW WHEN ((OLD.ends_at > NEW.updated_at) <> (NEW.ends_at > NEW.updated_at))
EXECUTE FUNCTION alert_history_keep();
