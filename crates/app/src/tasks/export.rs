//! Tasks out as a table (CSV or XLSX, issue 14): the columns and each
//! task's cells; `crate::export` reads the pages.

use super::{KIND, Task, number};
use crate::export::{Cell, Exported, record_with_details};
use steward_domain::task::can_view_task;
use steward_store::tasks::details_many;

/// The columns, in order: names as the API spells the fields (`change`
/// the change the task belongs to, `planned_end` when it is due).
pub const COLUMNS: [&str; 16] = [
    "number",
    "change",
    "step",
    "title",
    "state",
    "priority",
    "assignment_group",
    "assignee",
    "requester",
    "planned_start",
    "planned_end",
    "close_code",
    "opened_at",
    "started_at",
    "closed_at",
    "updated_at",
];

impl Exported for Task {
    const COLUMNS: &'static [&'static str] = &COLUMNS;
    fn cells(&self) -> Vec<Cell> {
        let (r, d) = (&self.record, &self.details);
        vec![
            Cell::text(number(r.number)),
            Cell::text(self.change_number()),
            Cell::Int(d.step),
            Cell::text(&r.title),
            Cell::text(&r.state),
            Cell::Int(r.priority),
            Cell::opt(r.group_name.as_deref()),
            Cell::opt(r.assignee_name.as_deref()),
            Cell::opt(r.requester_name.as_deref()),
            Cell::time(d.planned_start),
            Cell::time(d.planned_end),
            Cell::opt(r.resolution_code.as_deref()),
            Cell::Time(r.opened_at),
            Cell::time(r.first_response_at),
            Cell::time(r.closed_at),
            Cell::Time(r.updated_at),
        ]
    }
    // What a task waits for is not a column, so it is not read.
    record_with_details!(can_view_task, KIND, details_many, |record, details| Task {
        record,
        details,
        blocked_by: Vec::new()
    });
}
