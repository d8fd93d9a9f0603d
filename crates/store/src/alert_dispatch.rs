//! What the alert dispatcher reads and keeps (issue 13): the alerts changed
//! since its last pass, in `(updated_at, id)` order (an index), and the
//! notification log, one row per group and receiver.

use crate::Result;
use crate::alerts::{AlertRow, COLUMNS};
use crate::sql::rows_for_ids;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// Up to `limit` alerts posted at or after `(updated_at, id)`, in that order.
pub async fn updated_since(c: &mut AnyConnection, updated_at: i64, id: i64, limit: i64) -> Result<Vec<AlertRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM alerts WHERE (updated_at, id) > ($1, $2) ORDER BY updated_at, id LIMIT $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(updated_at).bind(id).bind(limit).fetch_all(c).await?)
}

/// The alerts of these fingerprints (no lock: a read).
pub async fn of_fingerprints(c: &mut AnyConnection, fps: &[i64]) -> Result<Vec<AlertRow>> {
    rows_for_ids(c, &format!("SELECT {COLUMNS} FROM alerts WHERE fingerprint IN "), fps).await
}

/// A row of the notification log.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Notified {
    pub group_key: String,
    pub receiver: String,
    /// JSON arrays of fingerprints (16 hex digits).
    pub firing: String,
    pub resolved: String,
    pub sent_at: i64,
    pub expires_at: i64,
}

/// What was last notified for a group to a receiver, unless it expired.
pub async fn last(c: &mut AnyConnection, group_key: &str, receiver: &str, now: i64) -> Result<Option<Notified>> {
    Ok(sqlx::query_as(
        "SELECT group_key, receiver, firing, resolved, sent_at, expires_at FROM alert_notifications
         WHERE group_key = $1 AND receiver = $2 AND expires_at > $3",
    )
    .bind(group_key.to_owned())
    .bind(receiver.to_owned())
    .bind(now)
    .fetch_optional(c)
    .await?)
}

/// Records a notification (replacing the group's last one).
pub async fn put(c: &mut AnyConnection, n: &Notified) -> Result<()> {
    sqlx::query(
        "INSERT INTO alert_notifications (group_key, receiver, firing, resolved, sent_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (group_key, receiver) DO UPDATE SET firing = excluded.firing, resolved = excluded.resolved,
            sent_at = excluded.sent_at, expires_at = excluded.expires_at",
    )
    .bind(n.group_key.clone())
    .bind(n.receiver.clone())
    .bind(n.firing.clone())
    .bind(n.resolved.clone())
    .bind(n.sent_at)
    .bind(n.expires_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Drops the log's expired rows; how many.
pub async fn purge(c: &mut AnyConnection, now: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM alert_notifications WHERE expires_at <= $1").bind(now).execute(c).await?;
    Ok(r.rows_affected())
}

/// The whole log, by key (for the tests and the page).
pub async fn all(c: &mut AnyConnection) -> Result<Vec<Notified>> {
    Ok(sqlx::query_as(
        "SELECT group_key, receiver, firing, resolved, sent_at, expires_at FROM alert_notifications
         ORDER BY group_key, receiver",
    )
    .fetch_all(c)
    .await?)
}
