//! The continual improvement register (migration 0037): improvements and
//! the records linked to each.

use crate::Result;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Default, FromRow, PartialEq)]
pub struct ImprovementRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub measure: String,
    pub kind: Option<String>,
    pub service_id: Option<i64>,
    pub group_id: Option<i64>,
    pub priority: Option<i64>,
    pub baseline: f64,
    pub target: f64,
    pub target_date: String,
    pub owner_id: i64,
    pub state: String,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The owner's display name (read, never written).
    #[sqlx(default)]
    pub owner_name: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.title, i.description, i.measure, i.kind, i.service_id, i.group_id, i.priority, \
    i.baseline, i.target, i.target_date, i.owner_id, i.state, i.created_by, i.created_at, i.updated_at, i.version, \
    (SELECT u.display_name FROM users u WHERE u.id = i.owner_id) AS owner_name FROM improvements i";

/// Every improvement: open ones first, then by target date.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<ImprovementRow>> {
    let sql = format!("{SELECT} ORDER BY CASE i.state WHEN 'open' THEN 0 ELSE 1 END, i.target_date, i.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ImprovementRow>> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds the fields both writes set, in order ($1 to $12).
fn fields<'q>(q: Query<'q>, r: &ImprovementRow) -> Query<'q> {
    q.bind(r.title.clone())
        .bind(r.description.clone())
        .bind(r.measure.clone())
        .bind(r.kind.clone())
        .bind(r.service_id)
        .bind(r.group_id)
        .bind(r.priority)
        .bind(r.baseline)
        .bind(r.target)
        .bind(r.target_date.clone())
        .bind(r.owner_id)
        .bind(r.state.clone())
}

/// Inserts `r` (its id, version and owner name ignored); the new id.
pub async fn insert(conn: &mut AnyConnection, r: &ImprovementRow) -> Result<i64> {
    let q = sqlx::query(
        "INSERT INTO improvements (title, description, measure, kind, service_id, group_id, priority, baseline, target, \
         target_date, owner_id, state, created_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) RETURNING id",
    );
    let row = fields(q, r).bind(r.created_by).bind(r.created_at).bind(r.updated_at).fetch_one(conn).await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

/// Writes `r` over the row if it is still at `version`: whether it was.
pub async fn update(conn: &mut AnyConnection, r: &ImprovementRow, version: i64) -> Result<bool> {
    let q = sqlx::query(
        "UPDATE improvements SET title = $1, description = $2, measure = $3, kind = $4, service_id = $5, \
         group_id = $6, priority = $7, baseline = $8, target = $9, target_date = $10, owner_id = $11, state = $12, \
         updated_at = $13, version = version + 1 WHERE id = $14 AND version = $15",
    );
    let done = fields(q, r).bind(r.updated_at).bind(r.id).bind(version).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    sqlx::query("DELETE FROM improvement_records WHERE improvement_id = $1").bind(id).execute(&mut *conn).await?;
    let done = sqlx::query("DELETE FROM improvements WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Links exactly `records` to the improvement.
pub async fn set_records(conn: &mut AnyConnection, id: i64, records: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM improvement_records WHERE improvement_id = $1").bind(id).execute(&mut *conn).await?;
    for r in records {
        sqlx::query("INSERT INTO improvement_records (improvement_id, record_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*r)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The records linked to one improvement, or to all (none):
/// (improvement id, record id, kind, number, title, state).
pub async fn records(
    conn: &mut AnyConnection,
    improvement: Option<i64>,
) -> Result<Vec<(i64, i64, String, i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT l.improvement_id, r.id, r.kind, r.number, r.title, r.state FROM improvement_records l \
         JOIN records r ON r.id = l.record_id WHERE $1 IS NULL OR l.improvement_id = $1 \
         ORDER BY l.improvement_id, r.kind, r.number",
    )
    .bind(improvement)
    .fetch_all(conn)
    .await?)
}
