-- An index behind every list filter (crates/store/tests/query_plans.rs
-- reads the plan of each filter with each sort order on both engines).
-- Each puts the filter's column first and the queue order after it, so the
-- default sort needs no sorting step and the capped count reads the index
-- alone.

-- Incidents of one customer organisation, one category, one group whatever
-- its state (the state-first queue index serves group + state).
CREATE INDEX incidents_organisation ON incidents (organisation_id, priority, opened_at, id);
CREATE INDEX incidents_category ON incidents (category, priority, opened_at, id);
CREATE INDEX incidents_group ON incidents (assignment_group_id, priority, opened_at, id);
-- Major incidents are few: a partial index holds only them (the list
-- writes `major = 1` as a literal so both planners can use it).
CREATE INDEX incidents_major ON incidents (priority, opened_at, id) WHERE major = 1;

-- The CMDB and catalog by portfolio status, and what requesters may see.
CREATE INDEX cis_portfolio ON cis (portfolio_status, name, id);
CREATE INDEX cis_requester_visible ON cis (portfolio_status, name, id) WHERE requester_visible = 1;
-- The list's service filter and search name a service in any case.
CREATE INDEX cis_name_lower ON cis (lower(name), id);
-- One assignee's, one requester's or one service's incidents in the queue
-- order, so their first page needs no sort of everything they hold.
CREATE INDEX incidents_assignee_order ON incidents (assignee_id, priority, opened_at, id);
CREATE INDEX incidents_requester_order ON incidents (requester_id, priority, opened_at, id);
CREATE INDEX incidents_service_order ON incidents (service_id, priority, opened_at, id);
-- "My groups' unassigned": the capped count reads this small index alone.
CREATE INDEX incidents_unassigned ON incidents (assignment_group_id, state, assignee_id) WHERE assignee_id IS NULL;
