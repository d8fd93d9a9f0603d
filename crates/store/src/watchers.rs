//! Who watches a record, and which optional notifications users turned off.

use crate::Result;
use crate::accounts::User;
use sqlx::AnyConnection;

/// Adds a watcher; watching twice is watching once.
pub async fn add(c: &mut AnyConnection, kind: &str, record_id: i64, user_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO watchers (record_kind, record_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(kind.to_owned())
        .bind(record_id)
        .bind(user_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Removes a watcher; true when they were watching.
pub async fn remove(c: &mut AnyConnection, kind: &str, record_id: i64, user_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM watchers WHERE record_kind = $1 AND record_id = $2 AND user_id = $3")
        .bind(kind.to_owned())
        .bind(record_id)
        .bind(user_id)
        .execute(c)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The record's watchers, by display name.
pub async fn list(c: &mut AnyConnection, kind: &str, record_id: i64) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {} FROM watchers w JOIN users u ON u.id = w.user_id \
         WHERE w.record_kind = $1 AND w.record_id = $2 ORDER BY u.display_name, u.id",
        crate::accounts::user_columns("u")
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned()).bind(record_id).fetch_all(c).await?)
}

pub async fn is_watching(c: &mut AnyConnection, kind: &str, record_id: i64, user_id: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM watchers WHERE record_kind = $1 AND record_id = $2 AND user_id = $3")
            .bind(kind.to_owned())
            .bind(record_id)
            .bind(user_id)
            .fetch_optional(c)
            .await?;
    Ok(row.is_some())
}

/// The events a user turned off, sorted.
pub async fn optouts(c: &mut AnyConnection, user_id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT event FROM notification_optouts WHERE user_id = $1 ORDER BY event")
            .bind(user_id)
            .fetch_all(c)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Replaces the user's opt-outs with `events`.
pub async fn set_optouts(c: &mut AnyConnection, user_id: i64, events: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM notification_optouts WHERE user_id = $1").bind(user_id).execute(&mut *c).await?;
    for e in events {
        sqlx::query("INSERT INTO notification_optouts (user_id, event) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(e.clone())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Which of `user_ids` turned `event` off.
pub async fn opted_out(c: &mut AnyConnection, user_ids: &[i64], event: &str) -> Result<Vec<i64>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..user_ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!("SELECT user_id FROM notification_optouts WHERE event = $1 AND user_id IN ({})", list.join(", "));
    let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(event.to_owned());
    for id in user_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?.into_iter().map(|r| r.0).collect())
}
