//! Trends for problem management: a period's incidents counted per
//! service, CI and category, each group with whether an open problem
//! already names it (see `domain::problem::candidates`), and the incidents
//! of one group.
//!
//! One statement for the counts: the period's incidents come from
//! `records_opened` (kind, opened_at); a CI group joins `record_cis` by
//! its key; each "open problem?" probe is one index look-up
//! (`records_service`, `record_cis_ci`, `records_category`).

use crate::{
    Result,
    db::Dialect,
    sql::{Sql, Value},
};
use sqlx::{AnyConnection, FromRow};

/// One group's figure. `by` is "service", "ci" or "category"; `id` names
/// a service or CI, `category` a category.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct GroupRow {
    pub by: String,
    pub id: Option<i64>,
    pub category: Option<String>,
    pub incidents: i64,
    /// An open problem names this service, CI or category (0/1).
    pub open_problem: i64,
}

/// What the counts read: incidents opened at or after `since`, groups of
/// at least `min`; a problem in one of `open_states` is open.
#[derive(Debug, Clone)]
pub struct Period<'a> {
    pub since: i64,
    pub min: i64,
    pub open_states: &'a [&'a str],
}

fn open_problem(q: &mut Sql, states: &[&str], condition: &str) {
    q.push(&format!(
        "CAST(CASE WHEN EXISTS (SELECT 1 FROM records p {condition} AND p.kind = 'problem' AND p.state IN "
    ));
    q.row(states.iter().map(|s| Value::from(*s)));
    q.push(") THEN 1 ELSE 0 END AS BIGINT)");
}

fn counts_sql(p: &Period) -> Sql {
    let mut q =
        Sql::new("SELECT 'service' AS by, i.service_id AS id, CAST(NULL AS TEXT) AS category, COUNT(*) AS incidents, ");
    open_problem(&mut q, p.open_states, "WHERE p.service_id = i.service_id");
    q.push(" AS open_problem FROM records i WHERE i.kind = 'incident' AND i.opened_at >= ").bind(Value::Int(p.since));
    q.push(" AND i.service_id IS NOT NULL GROUP BY i.service_id HAVING COUNT(*) >= ").bind(Value::Int(p.min));
    q.push(" UNION ALL SELECT 'ci', rc.ci_id, CAST(NULL AS TEXT), COUNT(*), ");
    open_problem(&mut q, p.open_states, "JOIN record_cis pc ON pc.record_id = p.id WHERE pc.ci_id = rc.ci_id");
    q.push(" FROM records i JOIN record_cis rc ON rc.record_id = i.id WHERE i.kind = 'incident' AND i.opened_at >= ");
    q.bind(Value::Int(p.since));
    q.push(" GROUP BY rc.ci_id HAVING COUNT(*) >= ").bind(Value::Int(p.min));
    q.push(" UNION ALL SELECT 'category', CAST(NULL AS BIGINT), i.category, COUNT(*), ");
    open_problem(&mut q, p.open_states, "WHERE p.category = i.category");
    q.push(" FROM records i WHERE i.kind = 'incident' AND i.opened_at >= ").bind(Value::Int(p.since));
    q.push(" AND i.category IS NOT NULL GROUP BY i.category HAVING COUNT(*) >= ").bind(Value::Int(p.min));
    q
}

/// The groups of the period with at least `min` incidents.
pub async fn group_counts(conn: &mut AnyConnection, p: &Period<'_>) -> Result<Vec<GroupRow>> {
    let q = counts_sql(p);
    Ok(q.fetch_all(conn).await?)
}

/// The engine's plan of [`group_counts`] (for `tests/query_plans.rs`).
pub async fn counts_plan(conn: &mut AnyConnection, d: Dialect, p: &Period<'_>) -> Result<Vec<String>> {
    Ok(crate::sql::explain(conn, d, &counts_sql(p)).await?)
}

/// PostgreSQL's generic plan of [`group_counts`], the one the read pool runs.
pub async fn counts_generic_plan(conn: &mut AnyConnection, p: &Period<'_>) -> Result<Vec<String>> {
    Ok(crate::sql::explain_generic(conn, &counts_sql(p)).await?)
}

/// Which group: the key of [`GroupRow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group<'a> {
    Service(i64),
    Ci(i64),
    Category(&'a str),
}

fn incidents_sql(g: &Group<'_>, since: i64, limit: i64) -> Sql {
    let mut q = match g {
        Group::Ci(id) => {
            let mut q =
                Sql::new("SELECT i.number FROM record_cis rc JOIN records i ON i.id = rc.record_id WHERE rc.ci_id = ");
            q.bind(Value::Int(*id));
            q
        }
        Group::Service(id) => {
            let mut q = Sql::new("SELECT i.number FROM records i WHERE i.service_id = ");
            q.bind(Value::Int(*id));
            q
        }
        Group::Category(c) => {
            let mut q = Sql::new("SELECT i.number FROM records i WHERE i.category = ");
            q.bind(Value::from(*c));
            q
        }
    };
    q.push(" AND i.kind = 'incident' AND i.opened_at >= ").bind(Value::Int(since));
    q.push(" ORDER BY i.opened_at DESC, i.id DESC LIMIT ").bind(Value::Int(limit));
    q
}

/// The numbers of the period's incidents in one group, newest first, at
/// most `limit`.
pub async fn group_incidents(conn: &mut AnyConnection, g: &Group<'_>, since: i64, limit: i64) -> Result<Vec<i64>> {
    let q = incidents_sql(g, since, limit);
    let rows: Vec<(i64,)> = q.fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The engine's plan of [`group_incidents`] (for `tests/query_plans.rs`).
pub async fn incidents_plan(conn: &mut AnyConnection, d: Dialect, g: &Group<'_>, since: i64) -> Result<Vec<String>> {
    Ok(crate::sql::explain(conn, d, &incidents_sql(g, since, 1_000)).await?)
}
