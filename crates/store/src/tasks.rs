//! What a change task has beyond the shared record (`task_details`): the
//! change it belongs to, its step, its planned start and end, its close
//! notes, and whether it is open (kept with the record's state).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// The row of `task_details`, with the change's number.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Details {
    pub record_id: i64,
    /// The change's record id.
    pub change_id: i64,
    pub step: i64,
    pub planned_start: Option<i64>,
    pub planned_end: Option<i64>,
    pub close_notes: Option<String>,
    /// 1 while open or in progress.
    pub is_open: i64,
    /// The change's number (read, never written).
    pub change_number: i64,
}

const SELECT: &str = "SELECT t.record_id, t.change_id, t.step, t.planned_start, t.planned_end, t.close_notes, \
    t.is_open, (SELECT c.number FROM records c WHERE c.id = t.change_id) AS change_number FROM task_details t";

pub async fn details(conn: &mut AnyConnection, record_id: i64) -> Result<Option<Details>> {
    let sql = format!("{SELECT} WHERE t.record_id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_optional(conn).await?)
}

/// The details of several tasks (those that have a row).
pub async fn details_many(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<Details>> {
    let select = format!("{SELECT} WHERE t.record_id IN ");
    crate::sql::rows_for_ids(conn, &select, record_ids).await
}

/// A change's tasks in step order (then as they were added).
pub async fn of_change(conn: &mut AnyConnection, change_id: i64) -> Result<Vec<Details>> {
    let sql = format!("{SELECT} WHERE t.change_id = $1 ORDER BY t.step, t.record_id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(change_id).fetch_all(conn).await?)
}

/// A change's open tasks in step order.
pub async fn open_of_change(conn: &mut AnyConnection, change_id: i64) -> Result<Vec<Details>> {
    let sql = format!("{SELECT} WHERE t.change_id = $1 AND t.is_open = 1 ORDER BY t.step, t.record_id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(change_id).fetch_all(conn).await?)
}

/// How many of a change's tasks are open or in progress.
pub async fn open_count(conn: &mut AnyConnection, change_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM task_details WHERE change_id = $1 AND is_open = 1")
        .bind(change_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// What keeps each of these tasks from starting: `(task, blocker's number)`
/// for every open task of the same change at a lower step, in step order.
pub async fn blockers(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let select = "SELECT t.record_id, o.step, r.number FROM task_details t
        JOIN task_details o ON o.change_id = t.change_id AND o.is_open = 1 AND o.step < t.step
        JOIN records r ON r.id = o.record_id
        WHERE t.record_id IN ";
    let mut rows: Vec<(i64, i64, i64)> = crate::sql::rows_for_ids(conn, select, record_ids).await?;
    rows.sort_unstable();
    Ok(rows.into_iter().map(|(task, _, number)| (task, number)).collect())
}

pub async fn insert_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    sqlx::query(
        "INSERT INTO task_details (record_id, change_id, step, planned_start, planned_end, close_notes, is_open)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(d.record_id)
    .bind(d.change_id)
    .bind(d.step)
    .bind(d.planned_start)
    .bind(d.planned_end)
    .bind(d.close_notes.clone())
    .bind(d.is_open)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what may change of the row; the record's version guards it.
pub async fn update_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    sqlx::query(
        "UPDATE task_details SET step = $2, planned_start = $3, planned_end = $4, close_notes = $5, is_open = $6
         WHERE record_id = $1",
    )
    .bind(d.record_id)
    .bind(d.step)
    .bind(d.planned_start)
    .bind(d.planned_end)
    .bind(d.close_notes.clone())
    .bind(d.is_open)
    .execute(conn)
    .await?;
    Ok(())
}
