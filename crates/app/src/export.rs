//! Record lists out as tables (CSV or XLSX, issue 14), one piece for every
//! kind: a kind says what its rows are ([`Exported`]: its columns, a row's
//! cells, who may export it and what it reads beside a page of records),
//! and [`App::export_next`] reads its pages one after another, each after
//! the last row of the one before (keyset, the list's own order).

use crate::{Actor, App, error::AppError};
pub use steward_channels::sheets::{self, Cell};
use steward_store::{
    Conn, StoreError,
    records::{self, Filter, Record},
};

/// Rows read per page of an export (a list page holds at most 200).
pub const EXPORT_PAGE: i64 = 2_000;

/// A kind's rows as an export writes them.
pub trait Exported: Sized + Send + 'static {
    /// The columns, in order: names as the API spells the fields.
    const COLUMNS: &'static [&'static str];
    /// The shared record (whose sort key places the next page).
    fn record(&self) -> &Record;
    /// The row's cells, in [`Self::COLUMNS`] order.
    fn cells(&self) -> Vec<Cell>;
    /// The filter as `actor` may run it (the list's rights), or `None`
    /// when it can find nothing for them.
    fn scope(actor: &Actor, q: Filter) -> Result<Option<Filter>, AppError>;
    /// A page of records with what the kind keeps beside them, in the
    /// page's order.
    fn read_beside(c: &mut Conn, rows: Vec<Record>) -> impl Future<Output = Result<Vec<Self>, AppError>> + Send;
}

/// The columns a problem's and a change's rows start with: the shared
/// record's, names as the API spells the fields.
pub const RECORD_COLUMNS: [&str; 11] = [
    "number",
    "title",
    "state",
    "priority",
    "impact",
    "urgency",
    "requester",
    "category",
    "service",
    "assignment_group",
    "assignee",
];

/// The cells of [`RECORD_COLUMNS`] for `r`, numbered `number`.
pub fn record_cells(number: String, r: &Record) -> Vec<Cell> {
    vec![
        Cell::text(number),
        Cell::text(&r.title),
        Cell::text(&r.state),
        Cell::Int(r.priority),
        Cell::Int(r.impact),
        Cell::Int(r.urgency),
        Cell::opt(r.requester_name.as_deref()),
        Cell::opt(r.category.as_deref()),
        Cell::opt(r.service.as_deref()),
        Cell::opt(r.group_name.as_deref()),
        Cell::opt(r.assignee_name.as_deref()),
    ]
}

/// `head` then `own`: a kind's columns after the shared ones (`N` must be
/// their sum, checked as the constant is made).
pub const fn columns<const A: usize, const B: usize, const N: usize>(
    head: [&'static str; A],
    own: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "a kind's columns: N is the shared ones and its own");
    let mut out = [""; N];
    let mut i = 0;
    while i < A {
        out[i] = head[i];
        i += 1;
    }
    while i < N {
        out[i] = own[i - A];
        i += 1;
    }
    out
}

/// Where an export is: the filter placed after the last page read, or
/// none once the last page is read (or when nothing can match).
#[derive(Debug, Clone)]
pub struct ExportPages {
    next: Option<Filter>,
}

impl ExportPages {
    /// Every record `q` finds, from the first.
    pub fn new(q: Filter) -> Self {
        ExportPages { next: Some(q) }
    }
    /// An export that finds nothing.
    pub fn none() -> Self {
        ExportPages { next: None }
    }
}

impl From<Filter> for ExportPages {
    fn from(q: Filter) -> Self {
        ExportPages::new(q)
    }
}

impl From<Option<Filter>> for ExportPages {
    fn from(q: Option<Filter>) -> Self {
        ExportPages { next: q }
    }
}

/// The methods of [`Exported`] for a kind made of the shared record and a
/// details row of its own (`record`, `details`): its rights are
/// `$can_view`'s, its records of `$kind`, a page's details are read in
/// one statement (`$details_many`) and `$make` puts a row together.
macro_rules! record_with_details {
    ($can_view:path, $kind:expr, $details_many:path, $make:expr) => {
        fn record(&self) -> &steward_store::records::Record {
            &self.record
        }
        /// Requesters are refused as the list refuses them.
        fn scope(
            actor: &crate::Actor,
            q: steward_store::records::Filter,
        ) -> Result<Option<steward_store::records::Filter>, crate::error::AppError> {
            $can_view(actor.role)?;
            Ok(Some(steward_store::records::Filter { kind: $kind, ..q }))
        }
        async fn read_beside(
            c: &mut steward_store::Conn,
            rows: Vec<steward_store::records::Record>,
        ) -> Result<Vec<Self>, crate::error::AppError> {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let details = $details_many(c, &ids).await?;
            Ok(crate::export::pair(rows, details, |d| d.record_id, $make))
        }
    };
}
pub(crate) use record_with_details;

/// Records with their details, in the records' order; a record whose
/// details are missing gets empty ones.
pub(crate) fn pair<D: Default, T>(
    rows: Vec<Record>,
    mut details: Vec<D>,
    id: impl Fn(&D) -> i64,
    make: impl Fn(Record, D) -> T,
) -> Vec<T> {
    rows.into_iter()
        .map(|record| {
            let at = details.iter().position(|d| id(d) == record.id);
            let d = at.map(|i| details.swap_remove(i)).unwrap_or_default();
            make(record, d)
        })
        .collect()
}

impl App {
    /// The next page of an export (up to [`EXPORT_PAGE`] rows), or `None`
    /// once every page is read.
    pub async fn export_next<T: Exported>(
        &self,
        actor: &Actor,
        pages: &mut ExportPages,
    ) -> Result<Option<Vec<T>>, AppError> {
        let Some(q) = pages.next.take() else { return Ok(None) };
        let Some(mut page) = T::scope(actor, q.clone())? else { return Ok(Some(Vec::new())) };
        page.limit = EXPORT_PAGE;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, more) = records::export_page(&mut conn, self.store.dialect(), &page).await?;
        let rows = T::read_beside(&mut conn, rows).await?;
        if let Some(last) = rows.last().filter(|_| more) {
            pages.next = Some(Filter { after: Some(q.sort.key(last.record())), ..q });
        }
        Ok(Some(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_pair_with_their_records_in_the_records_order() {
        let rec = |id| Record { id, ..crate::records::fresh("problem", "new", &Actor::operator(), 0) };
        let rows = vec![rec(3), rec(1), rec(2)];
        let got = pair(rows, vec![(1, "one"), (3, "three")], |d| d.0, |r, d| (r.id, d.1));
        assert_eq!(got, vec![(3, "three"), (1, "one"), (2, "")]);
    }

    #[test]
    fn every_row_has_a_cell_for_each_column() {
        use crate::{changes::Change, problems::Problem, tasks::Task};
        let record = crate::records::fresh("problem", "new", &Actor::operator(), 0);
        let problem = Problem { record: record.clone(), details: Default::default() };
        assert_eq!(problem.cells().len(), Problem::COLUMNS.len());
        let change = Change { record: record.clone(), details: Default::default() };
        assert_eq!(change.cells().len(), Change::COLUMNS.len());
        let task = Task { record: record.clone(), details: Default::default(), blocked_by: Vec::new() };
        assert_eq!(task.cells().len(), Task::COLUMNS.len());
        assert_eq!(record.cells().len(), Record::COLUMNS.len());
        assert_eq!(&Problem::COLUMNS[..11], &RECORD_COLUMNS[..]);
        assert_eq!(Change::COLUMNS[11], "change_type");
    }
}
