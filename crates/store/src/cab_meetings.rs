//! When an approval group (the CAB) meets: one weekly schedule per group,
//! kept as a maintenance window is (days, clock time, minutes, zone).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct CabMeeting {
    pub group_id: i64,
    /// "tue,thu".
    pub days: String,
    /// "10:00".
    pub start_time: String,
    pub minutes: i64,
    pub time_zone: String,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

/// The group's schedule, if it has one.
pub async fn of_group(conn: &mut AnyConnection, group_id: i64) -> Result<Option<CabMeeting>> {
    let sql = "SELECT group_id, days, start_time, minutes, time_zone, updated_at, updated_by
               FROM cab_meetings WHERE group_id = $1";
    Ok(sqlx::query_as(sql).bind(group_id).fetch_optional(conn).await?)
}

/// Sets the group's schedule, replacing the one it had.
pub async fn put(conn: &mut AnyConnection, m: &CabMeeting) -> Result<()> {
    sqlx::query(
        "INSERT INTO cab_meetings (group_id, days, start_time, minutes, time_zone, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (group_id) DO UPDATE SET days = excluded.days, start_time = excluded.start_time,
             minutes = excluded.minutes, time_zone = excluded.time_zone, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(m.group_id)
    .bind(m.days.clone())
    .bind(m.start_time.clone())
    .bind(m.minutes)
    .bind(m.time_zone.clone())
    .bind(m.updated_at)
    .bind(m.updated_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the group's schedule; whether it had one.
pub async fn delete(conn: &mut AnyConnection, group_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM cab_meetings WHERE group_id = $1").bind(group_id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}
