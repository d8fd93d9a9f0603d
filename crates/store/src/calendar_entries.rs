//! The changes on the change calendar: those whose planned or actual
//! window overlaps a span, with what the calendar shows of each, in one
//! statement (migration 0024 indexes the actual start).

use crate::{
    Result,
    sql::{Sql, Value},
};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A change as the calendar shows it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub state: String,
    /// The close code, once closed.
    pub close_code: Option<String>,
    pub change_type: String,
    pub risk_level: Option<String>,
    pub service_id: Option<i64>,
    pub service: Option<String>,
    pub owner_id: Option<i64>,
    /// The owner's display name.
    pub owner: Option<String>,
    pub planned_start: Option<i64>,
    pub planned_end: Option<i64>,
    pub actual_start: Option<i64>,
    pub actual_end: Option<i64>,
    pub updated_at: i64,
}

/// Where [`in_span`] looks.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: i64,
    pub to: i64,
    /// The longest window looked back for: a change that began more than
    /// this before `from` is not found (both windows are read by their start).
    pub longest: i64,
    /// A change under way (started, not ended) runs until now at least.
    pub now: i64,
    pub limit: i64,
}

/// The changes (cancelled ones aside) whose planned window, or actual
/// window, overlaps [from, to), by start, at most `limit`. Each window is
/// read by its own index from its start; the union keeps a change once.
pub async fn in_span(conn: &mut AnyConnection, s: Span) -> Result<Vec<Entry>> {
    let q = span_sql(s);
    Ok(q.fetch_all(conn).await?)
}

/// The plan the read pool runs for [`in_span`] (for the query-plan tests).
pub async fn in_span_plan(conn: &mut AnyConnection, d: crate::Dialect, s: Span) -> Result<Vec<String>> {
    Ok(crate::sql::read_plan(conn, d, &span_sql(s)).await?)
}

fn span_sql(s: Span) -> Sql {
    let values = [s.from - s.longest, s.to, s.from, s.now, s.limit].map(Value::Int).to_vec();
    Sql::written(
        "SELECT r.id, r.number, r.title, r.description, r.state, r.resolution_code AS close_code,
            d.change_type, d.risk_level, r.service_id, c.name AS service, r.assignee_id AS owner_id,
            u.display_name AS owner, d.planned_start, d.planned_end, d.actual_start, d.actual_end, r.updated_at
         FROM change_details d
         JOIN records r ON r.id = d.record_id
         LEFT JOIN cis c ON c.id = r.service_id
         LEFT JOIN users u ON u.id = r.assignee_id
         WHERE d.record_id IN (
             SELECT record_id FROM change_details
             WHERE planned_start >= $1 AND planned_start < $2 AND planned_end > $3
             UNION
             SELECT record_id FROM change_details
             WHERE actual_start >= $1 AND actual_start < $2
               AND (actual_end > $3 OR (actual_end IS NULL AND (planned_end > $3 OR $4 > $3))))
           AND r.state <> 'cancelled'
         ORDER BY COALESCE(d.actual_start, d.planned_start), r.number
         LIMIT $5",
        values,
    )
}
