//! Incidents out as a table (CSV or XLSX, issue 14): the columns and each
//! record's cells; `crate::export` reads the pages.

use super::{number, query::scoped};
use crate::export::{Cell, Exported};
use crate::{Actor, error::AppError};
pub use steward_channels::sheets;
use steward_store::{Conn, records};

/// The columns, in order: names as the API spells the fields.
pub const COLUMNS: [&str; 24] = [
    "number",
    "title",
    "state",
    "hold_reason",
    "priority",
    "impact",
    "urgency",
    "major",
    "requester",
    "organisation",
    "category",
    "service",
    "assignment_group",
    "assignee",
    "parent",
    "reopen_count",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "sla_due_at",
    "sla_breached",
    "resolution_code",
];

/// One incident's row, in [`COLUMNS`] order.
pub fn cells(r: &records::Record) -> Vec<Cell> {
    vec![
        Cell::text(number(r.number)),
        Cell::text(&r.title),
        Cell::text(&r.state),
        Cell::opt(r.hold_reason.as_deref()),
        Cell::Int(r.priority),
        Cell::Int(r.impact),
        Cell::Int(r.urgency),
        Cell::Int(r.major),
        Cell::opt(r.requester_name.as_deref()),
        Cell::opt(r.organisation_name.as_deref()),
        Cell::opt(r.category.as_deref()),
        Cell::opt(r.service.as_deref()),
        Cell::opt(r.group_name.as_deref()),
        Cell::opt(r.assignee_name.as_deref()),
        r.parent_number.map_or(Cell::Empty, |n| Cell::text(number(n))),
        Cell::Int(r.reopen_count),
        Cell::Time(r.opened_at),
        Cell::time(r.first_response_at),
        Cell::time(r.resolved_at),
        Cell::time(r.closed_at),
        Cell::Time(r.updated_at),
        Cell::time(r.sla.sla_due_at),
        Cell::Int(r.sla.sla_breached),
        Cell::opt(r.resolution_code.as_deref()),
    ]
}

impl Exported for records::Record {
    const COLUMNS: &'static [&'static str] = &COLUMNS;
    fn record(&self) -> &records::Record {
        self
    }
    fn cells(&self) -> Vec<Cell> {
        cells(self)
    }
    /// Requesters export only their own.
    fn scope(actor: &Actor, q: records::Filter) -> Result<Option<records::Filter>, AppError> {
        Ok(scoped(actor, q))
    }
    /// An incident keeps nothing beside its record.
    async fn read_beside(_: &mut Conn, rows: Vec<records::Record>) -> Result<Vec<Self>, AppError> {
        Ok(rows)
    }
}
