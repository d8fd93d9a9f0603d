//! Changes out as a table (CSV or XLSX, issue 14): the columns and each
//! change's cells; `crate::export` reads the pages.

use super::{Change, KIND, number};
use crate::export::{Cell, Exported, RECORD_COLUMNS, columns, record_cells, record_with_details};
use steward_domain::change::can_view_change;
use steward_store::changes::details_many;

/// The columns, in order: names as the API spells the fields.
pub const COLUMNS: [&str; 25] = columns(
    RECORD_COLUMNS,
    [
        "change_type",
        "risk_level",
        "risk_score",
        "approved",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "close_code",
        "opened_at",
        "resolved_at",
        "closed_at",
        "updated_at",
        "template",
    ],
);

impl Exported for Change {
    const COLUMNS: &'static [&'static str] = &COLUMNS;
    fn cells(&self) -> Vec<Cell> {
        let (r, d) = (&self.record, &self.details);
        let mut cells = record_cells(number(r.number), r);
        cells.extend([
            Cell::text(&d.change_type),
            Cell::opt(d.risk_level.as_deref()),
            d.risk_score.map_or(Cell::Empty, Cell::Int),
            Cell::Int(d.approved),
            Cell::time(d.planned_start),
            Cell::time(d.planned_end),
            Cell::time(d.actual_start),
            Cell::time(d.actual_end),
            Cell::opt(r.resolution_code.as_deref()),
            Cell::Time(r.opened_at),
            Cell::time(r.resolved_at),
            Cell::time(r.closed_at),
            Cell::Time(r.updated_at),
            Cell::opt(d.template_name.as_deref()),
        ]);
        cells
    }
    record_with_details!(can_view_change, KIND, details_many, |record, details| Change { record, details });
}
