//! Freezes and maintenance windows: what the change calendar holds besides
//! the changes (migration 0022).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A freeze (blackout period).
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Freeze {
    pub id: i64,
    pub name: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// The services' CI ids as a JSON array; empty: every service.
    pub services: String,
    pub note: Option<String>,
    pub created_at: i64,
    pub created_by: Option<i64>,
}

/// A service's weekly maintenance window.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct MaintenanceWindow {
    pub id: i64,
    pub name: String,
    pub service_id: Option<i64>,
    /// The service's name, read with the row.
    pub service: Option<String>,
    /// "mon,sat".
    pub days: String,
    /// "01:00".
    pub start_time: String,
    pub minutes: i64,
    pub time_zone: String,
    pub created_at: i64,
    pub created_by: Option<i64>,
}

pub async fn insert_freeze(conn: &mut AnyConnection, f: &Freeze) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO change_freezes (name, starts_at, ends_at, services, note, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(f.name.clone())
    .bind(f.starts_at)
    .bind(f.ends_at)
    .bind(f.services.clone())
    .bind(f.note.clone())
    .bind(f.created_at)
    .bind(f.created_by)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The freezes that overlap [from, to), in start order. A freeze longer
/// than `longest` that began before `from - longest` is not found: the
/// caller bounds how long a freeze may be.
pub async fn freezes_in(conn: &mut AnyConnection, from: i64, to: i64, longest: i64) -> Result<Vec<Freeze>> {
    Ok(sqlx::query_as(
        "SELECT id, name, starts_at, ends_at, services, note, created_at, created_by FROM change_freezes
         WHERE starts_at >= $1 AND starts_at < $2 AND ends_at > $3 ORDER BY starts_at, id",
    )
    .bind(from - longest)
    .bind(to)
    .bind(from)
    .fetch_all(conn)
    .await?)
}

/// Removes the freeze; whether there was one.
pub async fn delete_freeze(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM change_freezes WHERE id = $1").bind(id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

pub async fn insert_window(conn: &mut AnyConnection, w: &MaintenanceWindow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO maintenance_windows (name, service_id, days, start_time, minutes, time_zone, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(w.name.clone())
    .bind(w.service_id)
    .bind(w.days.clone())
    .bind(w.start_time.clone())
    .bind(w.minutes)
    .bind(w.time_zone.clone())
    .bind(w.created_at)
    .bind(w.created_by)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Every maintenance window, or those of one service (and those for every
/// service), by name.
pub async fn windows(conn: &mut AnyConnection, service: Option<i64>) -> Result<Vec<MaintenanceWindow>> {
    let sql = "SELECT w.id, w.name, w.service_id, c.name AS service, w.days, w.start_time, w.minutes, w.time_zone,
            w.created_at, w.created_by
         FROM maintenance_windows w LEFT JOIN cis c ON c.id = w.service_id
         WHERE CAST($1 AS BIGINT) IS NULL OR w.service_id = CAST($1 AS BIGINT) OR w.service_id IS NULL
         ORDER BY w.name, w.id";
    Ok(sqlx::query_as(sql).bind(service).fetch_all(conn).await?)
}

/// Removes the window; whether there was one.
pub async fn delete_window(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM maintenance_windows WHERE id = $1").bind(id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}
