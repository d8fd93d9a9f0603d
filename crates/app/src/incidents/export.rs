//! Incidents out as a table (CSV or XLSX, issue 14): the columns, each
//! record's cells, and the pages an export reads one after another.

use super::{number, query::scoped};
use crate::{Actor, App, error::AppError};
use sheets::Cell;
pub use steward_channels::sheets;
use steward_store::{StoreError, records};

/// Rows read per page of an export (a list page holds at most 200).
pub const EXPORT_PAGE: i64 = 2_000;

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

impl App {
    /// The next page of an export: up to [`EXPORT_PAGE`] incidents after
    /// `q.after`, and whether more follow. Requesters export only their own.
    pub async fn export_incidents_page(
        &self,
        actor: &Actor,
        q: records::Filter,
    ) -> Result<(Vec<records::Record>, bool), AppError> {
        let Some(mut q) = scoped(actor, q) else { return Ok((Vec::new(), false)) };
        q.limit = EXPORT_PAGE;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::export_page(&mut conn, self.store.dialect(), &q).await?)
    }
}
