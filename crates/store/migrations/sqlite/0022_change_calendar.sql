-- What the change calendar holds besides the changes: freezes (blackout
-- periods, when no change may be made on their services) and each
-- service's maintenance windows (weekly, on the wall clock of a zone).
CREATE TABLE change_freezes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    -- The services (CI ids) it holds, as a JSON array; empty: every service.
    services    TEXT NOT NULL DEFAULT '[]',
    note        TEXT,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users (id)
);
-- The calendar reads the freezes of a span by their start.
CREATE INDEX change_freezes_start ON change_freezes (starts_at);

CREATE TABLE maintenance_windows (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- The service (a CI) it is for; NULL: every service.
    service_id  INTEGER REFERENCES cis (id),
    -- The weekdays it opens on: "mon,sat".
    days        TEXT NOT NULL,
    -- When it opens on the clock ("01:00") and for how many minutes.
    start_time  TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    time_zone   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER REFERENCES users (id)
);
CREATE INDEX maintenance_windows_service ON maintenance_windows (service_id);
