-- A post merges into the kept alert inside its one INSERT … ON CONFLICT
-- (issue 13: no read before the write); `prev_ends_at` is the end the alert
-- had before its last post (NULL: that post added it), which the statement
-- returns so the post knows whether the alert was firing before.
ALTER TABLE alerts ADD COLUMN prev_ends_at INTEGER;

-- The labels lists filter on most: an alert list narrowed to one instance
-- or one alert name reads these instead of every firing alert.
CREATE INDEX alerts_instance ON alerts (json_extract(labels, '$.instance'));
CREATE INDEX alerts_alertname ON alerts (json_extract(labels, '$.alertname'));
