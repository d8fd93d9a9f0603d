-- When an approval group (the CAB) meets: weekly on some days, at a time
-- of day on a zone's clock, for some minutes (as a maintenance window is
-- kept). The group's agenda is the changes awaiting its decision before
-- its next meeting. One schedule per group.
CREATE TABLE cab_meetings (
    group_id    INTEGER PRIMARY KEY REFERENCES assignment_groups (id),
    -- The weekdays it meets on: "tue,thu".
    days        TEXT NOT NULL,
    start_time  TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    time_zone   TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES users (id)
);
