-- Standard change templates (issue 12): the catalogue of pre-approved
-- changes a standard change is raised from. A template is approved once,
-- when a manager or admin makes it; the changes made from it need no CAB.
-- Retired templates stay (their changes keep pointing at them) but no new
-- change is made from them and their changes are not scheduled.
CREATE TABLE change_templates (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    category            TEXT,
    -- The CMDB service the changes are made on (a CI of a service class).
    service_id          INTEGER REFERENCES cis (id),
    -- The CIs such a change usually touches, as a JSON array of ids.
    cis                 TEXT NOT NULL DEFAULT '[]',
    implementation_plan TEXT,
    backout_plan        TEXT,
    test_plan           TEXT,
    -- How long such a change takes: its planned end is the start plus this.
    duration_minutes    INTEGER,
    -- 1: in the catalogue; 0: retired.
    active              INTEGER NOT NULL DEFAULT 1,
    version             INTEGER NOT NULL DEFAULT 1,
    created_by          INTEGER REFERENCES users (id),
    updated_by          INTEGER REFERENCES users (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
-- A name is unique among the templates in the catalogue; a retired one may
-- share it with its successor.
CREATE UNIQUE INDEX change_templates_active_name ON change_templates (name) WHERE active = 1;
-- The catalogue and the admin list: active first, by name.
CREATE INDEX change_templates_list ON change_templates (active, name);

-- The template a standard change was raised from.
ALTER TABLE change_details ADD COLUMN template_id INTEGER REFERENCES change_templates (id);
-- Whether a template was ever used (deleting it or retiring it).
CREATE INDEX change_details_template ON change_details (template_id) WHERE template_id IS NOT NULL;
