-- Which kinds of record an SLA definition and a group's OLA apply to: a
-- JSON list of kind names ("incident", "problem"). Every one written
-- before problems had SLAs meant incidents, so that is the default.
ALTER TABLE sla_definitions ADD COLUMN record_kinds TEXT NOT NULL DEFAULT '["incident"]';
ALTER TABLE group_olas ADD COLUMN record_kinds TEXT NOT NULL DEFAULT '["incident"]';
