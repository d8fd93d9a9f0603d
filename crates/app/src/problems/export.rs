//! Problems out as a table (CSV or XLSX, issue 14): the columns and each
//! problem's cells; `crate::export` reads the pages.

use super::{KIND, Problem, number};
use crate::export::{Cell, Exported, RECORD_COLUMNS, columns, record_cells, record_with_details};
use steward_domain::problem::can_view_problem;
use steward_store::problems::details_many;

/// The columns, in order: names as the API spells the fields
/// (`has_workaround`: whether a workaround is written down).
pub const COLUMNS: [&str; 23] = columns(
    RECORD_COLUMNS,
    [
        "cause_category",
        "known_error",
        "known_error_at",
        "has_workaround",
        "resolution_code",
        "reopen_count",
        "opened_at",
        "resolved_at",
        "closed_at",
        "updated_at",
        "sla_due_at",
        "sla_breached",
    ],
);

impl Exported for Problem {
    const COLUMNS: &'static [&'static str] = &COLUMNS;
    fn cells(&self) -> Vec<Cell> {
        let (r, d) = (&self.record, &self.details);
        let workaround = d.workaround.as_deref().is_some_and(|w| !w.trim().is_empty());
        let mut cells = record_cells(number(r.number), r);
        cells.extend([
            Cell::opt(d.cause_category.as_deref()),
            Cell::Int(d.known_error),
            Cell::time(d.known_error_at),
            Cell::Int(i64::from(workaround)),
            Cell::opt(r.resolution_code.as_deref()),
            Cell::Int(r.reopen_count),
            Cell::Time(r.opened_at),
            Cell::time(r.resolved_at),
            Cell::time(r.closed_at),
            Cell::Time(r.updated_at),
            Cell::time(r.sla.sla_due_at),
            Cell::Int(r.sla.sla_breached),
        ]);
        cells
    }
    record_with_details!(can_view_problem, KIND, details_many, |record, details| Problem { record, details });
}
