//! What became of the changes: the closed changes of a period counted per
//! type, service and assignment group and per close code, with how many
//! of them caused an incident; and the changes that failed or caused
//! incidents, with those incidents.
//!
//! A change belongs to the period its implementation ended in
//! (`resolved_at`, set on entering Review), read through `records_resolved`
//! (kind, state, resolved_at). "Caused an incident" is an incident's
//! `caused_by_change` link to it, one probe of `record_links_to` each.

use crate::{
    Result,
    sql::{Sql, Value},
};
use sqlx::{AnyConnection, FromRow};
use steward_domain::links::CAUSED_BY_CHANGE;

/// One group's changes with one close code. `by` is "type", "service" or
/// "group"; `id` names the service or group (none for a change without
/// one), `name` the type or the service's or group's name.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct OutcomeRow {
    pub by: String,
    pub id: Option<i64>,
    pub name: Option<String>,
    pub code: Option<String>,
    pub changes: i64,
    /// Of those, the changes at least one incident names as its cause.
    pub caused: i64,
}

/// A change that failed, was backed out or caused an incident.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct FailedRow {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub change_type: String,
    pub code: Option<String>,
    pub resolved_at: Option<i64>,
    pub service: Option<String>,
    pub group_name: Option<String>,
    pub review_notes: Option<String>,
}

/// An incident a change caused.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CausedRow {
    pub change_id: i64,
    pub number: i64,
    pub title: String,
    pub state: String,
    pub priority: i64,
    pub opened_at: i64,
}

/// The period's closed changes, one row each, with whether an incident
/// names it as its cause.
fn closed_in(q: &mut Sql, since: i64) {
    q.push(
        "WITH c AS (SELECT r.id, d.change_type, r.service_id, r.assignment_group_id, r.resolution_code, \
         CASE WHEN EXISTS (SELECT 1 FROM record_links l JOIN records i ON i.id = l.from_id \
         WHERE l.to_id = r.id AND l.link = ",
    );
    q.bind(Value::from(CAUSED_BY_CHANGE));
    q.push(
        " AND i.kind = 'incident') THEN 1 ELSE 0 END AS caused \
         FROM records r JOIN change_details d ON d.record_id = r.id \
         WHERE r.kind = 'change' AND r.state = 'closed' AND r.resolved_at >= ",
    );
    q.bind(Value::Int(since));
    q.push(") ");
}

fn counts_sql(since: i64) -> Sql {
    let mut q = Sql::new("");
    closed_in(&mut q, since);
    q.push(
        "SELECT 'type' AS by, CAST(NULL AS BIGINT) AS id, c.change_type AS name, c.resolution_code AS code, \
         COUNT(*) AS changes, CAST(SUM(c.caused) AS BIGINT) AS caused FROM c \
         GROUP BY c.change_type, c.resolution_code \
         UNION ALL SELECT 'service', c.service_id, s.name, c.resolution_code, COUNT(*), CAST(SUM(c.caused) AS BIGINT) \
         FROM c LEFT JOIN cis s ON s.id = c.service_id GROUP BY c.service_id, s.name, c.resolution_code \
         UNION ALL SELECT 'group', c.assignment_group_id, g.name, c.resolution_code, COUNT(*), \
         CAST(SUM(c.caused) AS BIGINT) \
         FROM c LEFT JOIN assignment_groups g ON g.id = c.assignment_group_id \
         GROUP BY c.assignment_group_id, g.name, c.resolution_code",
    );
    q
}

/// The period's closed changes per type, service and group and close code.
pub async fn outcome_counts(conn: &mut AnyConnection, since: i64) -> Result<Vec<OutcomeRow>> {
    let q = counts_sql(since);
    Ok(q.fetch_all(conn).await?)
}

fn failed_sql(since: i64, failed_codes: &[&str], limit: i64) -> Sql {
    let mut q = Sql::new("");
    closed_in(&mut q, since);
    q.push(
        "SELECT r.id, r.number, r.title, c.change_type, c.resolution_code AS code, r.resolved_at, \
         s.name AS service, g.name AS group_name, d.review_notes \
         FROM c JOIN records r ON r.id = c.id JOIN change_details d ON d.record_id = c.id \
         LEFT JOIN cis s ON s.id = c.service_id LEFT JOIN assignment_groups g ON g.id = c.assignment_group_id \
         WHERE c.caused = 1 OR c.resolution_code IN ",
    );
    q.row(failed_codes.iter().map(|c| Value::from(*c)));
    q.push(" ORDER BY r.resolved_at DESC, r.id DESC LIMIT ").bind(Value::Int(limit));
    q
}

/// The period's closed changes that ended with one of `failed_codes` or
/// caused an incident, the latest first, at most `limit`.
pub async fn failed_changes(
    conn: &mut AnyConnection,
    since: i64,
    failed_codes: &[&str],
    limit: i64,
) -> Result<Vec<FailedRow>> {
    let q = failed_sql(since, failed_codes, limit);
    Ok(q.fetch_all(conn).await?)
}

/// The incidents that name one of `changes` as their cause, per change
/// the oldest first.
pub async fn caused_incidents(conn: &mut AnyConnection, changes: &[i64]) -> Result<Vec<CausedRow>> {
    let mut out = Vec::new();
    for chunk in changes.chunks(500) {
        let mut q = Sql::new(
            "SELECT l.to_id AS change_id, i.number, i.title, i.state, i.priority, i.opened_at \
             FROM record_links l JOIN records i ON i.id = l.from_id \
             WHERE l.link = ",
        );
        q.bind(Value::from(CAUSED_BY_CHANGE));
        q.push(" AND i.kind = 'incident' AND l.to_id IN ");
        q.row(chunk.iter().map(|id| Value::Int(*id)));
        q.push(" ORDER BY l.to_id, i.opened_at, i.id");
        let mut rows: Vec<CausedRow> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}
