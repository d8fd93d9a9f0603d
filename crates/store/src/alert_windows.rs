//! Maintenance windows for alerts and the alerts seen during a change's
//! window (migration 0032).

use crate::Result;
use crate::sql::{Sql, Value};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A row of `alert_windows`.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq, Eq)]
pub struct WindowRow {
    pub id: i64,
    pub name: String,
    pub comment: String,
    /// JSON: the matchers' texts.
    pub matchers: String,
    /// JSON: CI ids.
    pub cis: String,
    pub dependents: i64,
    pub recurrence: String,
    /// JSON: the schedule (`ScheduleSpec`).
    pub schedule: String,
    pub expires_at: Option<i64>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, name, comment, matchers, cis, dependents, recurrence, schedule, expires_at, created_by, \
    updated_by, created_at, updated_at, version";

/// Every window, newest first; with `live`, only those not expired at it.
pub async fn list(conn: &mut AnyConnection, live: Option<i64>) -> Result<Vec<WindowRow>> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alert_windows"));
    if let Some(now) = live {
        q.push(" WHERE expires_at IS NULL OR expires_at > ").bind(Value::Int(now));
    }
    q.push(" ORDER BY id DESC");
    Ok(sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(conn).await?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<WindowRow>> {
    let sql = format!("SELECT {COLUMNS} FROM alert_windows WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// Adds a window; its id.
pub async fn insert(conn: &mut AnyConnection, w: &WindowRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO alert_windows (name, comment, matchers, cis, dependents, recurrence, schedule, expires_at,
             created_by, updated_by, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $10, 1) RETURNING id",
    )
    .bind(w.name.clone())
    .bind(w.comment.clone())
    .bind(w.matchers.clone())
    .bind(w.cis.clone())
    .bind(w.dependents)
    .bind(w.recurrence.clone())
    .bind(w.schedule.clone())
    .bind(w.expires_at)
    .bind(w.created_by)
    .bind(w.created_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Writes a window over the one of its id at `version`; false when the
/// version moved on (or the window is gone).
pub async fn update(conn: &mut AnyConnection, w: &WindowRow, version: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE alert_windows SET name = $2, comment = $3, matchers = $4, cis = $5, dependents = $6,
             recurrence = $7, schedule = $8, expires_at = $9, updated_by = $10, updated_at = $11,
             version = version + 1
         WHERE id = $1 AND version = $12",
    )
    .bind(w.id)
    .bind(w.name.clone())
    .bind(w.comment.clone())
    .bind(w.matchers.clone())
    .bind(w.cis.clone())
    .bind(w.dependents)
    .bind(w.recurrence.clone())
    .bind(w.schedule.clone())
    .bind(w.expires_at)
    .bind(w.updated_by)
    .bind(w.updated_at)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM alert_windows WHERE id = $1").bind(id).execute(conn).await?;
    Ok(r.rows_affected() == 1)
}

/// A change whose planned window overlaps a span, with what the alerts
/// side needs of it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct ChangeWindow {
    pub id: i64,
    pub number: i64,
    pub state: String,
    pub approved: i64,
    pub planned_start: i64,
    pub planned_end: i64,
    pub actual_start: Option<i64>,
}

/// The changes past authorization (or in it and approved) whose planned
/// window overlaps [from, to).
pub async fn changes_in(conn: &mut AnyConnection, from: i64, to: i64) -> Result<Vec<ChangeWindow>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.number, r.state, d.approved, d.planned_start, d.planned_end, d.actual_start
         FROM change_details d JOIN records r ON r.id = d.record_id
         WHERE d.planned_start < $2 AND d.planned_end > $1
           AND (r.state IN ('scheduled', 'implementing', 'review', 'closed')
                OR (r.state = 'authorization' AND d.approved = 1))
         ORDER BY d.planned_start, r.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// A row of `change_alerts`.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct ChangeAlert {
    pub change_id: i64,
    pub alert_id: i64,
    pub starts_at: i64,
    pub ci_id: i64,
    pub declared: i64,
}

/// Tags alerts with changes (a tag already there stays as it is).
pub async fn tag(conn: &mut AnyConnection, rows: &[ChangeAlert]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let mut q = Sql::new("INSERT INTO change_alerts (change_id, alert_id, starts_at, ci_id, declared) VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(r.change_id),
                Value::Int(r.alert_id),
                Value::Int(r.starts_at),
                Value::Int(r.ci_id),
                Value::Int(r.declared),
            ]);
        }
        q.push(" ON CONFLICT (change_id, alert_id, starts_at) DO NOTHING");
        sqlx::query_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The alerts tagged with a change, in the order they started.
pub async fn of_change(conn: &mut AnyConnection, change_id: i64) -> Result<Vec<ChangeAlert>> {
    Ok(sqlx::query_as(
        "SELECT change_id, alert_id, starts_at, ci_id, declared FROM change_alerts
         WHERE change_id = $1 ORDER BY starts_at, alert_id",
    )
    .bind(change_id)
    .fetch_all(conn)
    .await?)
}

/// The changes an alert is tagged with, with their numbers, newest first.
pub async fn of_alert(conn: &mut AnyConnection, alert_id: i64) -> Result<Vec<(ChangeAlert, i64)>> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.change_id, a.alert_id, a.starts_at, a.ci_id, a.declared, r.number
         FROM change_alerts a JOIN records r ON r.id = a.change_id
         WHERE a.alert_id = $1 ORDER BY a.starts_at DESC, a.change_id",
    )
    .bind(alert_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(change_id, alert_id, starts_at, ci_id, declared, number)| {
            (ChangeAlert { change_id, alert_id, starts_at, ci_id, declared }, number)
        })
        .collect())
}
