//! Webhook endpoints (versioned like incidents) and their delivery log.

use crate::{Result, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    #[serde(skip)]
    pub secret: Option<String>,
    /// json, slack or teams.
    pub format: String,
    /// A JSON array of event names; empty means every public event.
    pub events: String,
    pub active: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const COLUMNS: &str = "id, name, url, secret, format, events, active, created_at, updated_at, version";

fn named(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Duplicate(_) => StoreError::Duplicate("name".into()),
        other => other,
    }
}

/// Inserts `w` (its id, times and version are ignored) and returns its id.
pub async fn insert(c: &mut AnyConnection, w: &Webhook, now: i64) -> Result<i64> {
    crate::revs::bump(&mut *c, crate::revs::WEBHOOKS).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (name, url, secret, format, events, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(w.name.clone())
    .bind(w.url.clone())
    .bind(w.secret.clone())
    .bind(w.format.clone())
    .bind(w.events.clone())
    .bind(w.active)
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(named)?;
    Ok(id)
}

pub async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Webhook>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?)
}

pub async fn list(c: &mut AnyConnection) -> Result<Vec<Webhook>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks ORDER BY name");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?)
}

pub async fn active(c: &mut AnyConnection) -> Result<Vec<Webhook>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE active = 1 ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?)
}

/// Writes every field of `w` if the row still has `expected` version;
/// returns the new version.
pub async fn update(c: &mut AnyConnection, w: &Webhook, expected: i64, now: i64) -> Result<i64> {
    crate::revs::bump(&mut *c, crate::revs::WEBHOOKS).await?;
    let updated: Option<(i64,)> = sqlx::query_as(
        "UPDATE webhooks SET name = $1, url = $2, secret = $3, format = $4, events = $5, active = $6,
            updated_at = $7, version = version + 1
         WHERE id = $8 AND version = $9 RETURNING version",
    )
    .bind(w.name.clone())
    .bind(w.url.clone())
    .bind(w.secret.clone())
    .bind(w.format.clone())
    .bind(w.events.clone())
    .bind(w.active)
    .bind(now)
    .bind(w.id)
    .bind(expected)
    .fetch_optional(&mut *c)
    .await
    .map_err(named)?;
    if let Some((v,)) = updated {
        return Ok(v);
    }
    match get(c, w.id).await? {
        None => Err(StoreError::NotFound),
        Some(cur) => Err(StoreError::StaleVersion { current: cur.version }),
    }
}

/// Deletes the webhook and its delivery log if it still has `expected`
/// version. Its messages still pending die at their next attempt.
pub async fn delete(c: &mut AnyConnection, id: i64, expected: i64) -> Result<()> {
    crate::revs::bump(&mut *c, crate::revs::WEBHOOKS).await?;
    match get(&mut *c, id).await? {
        None => return Err(StoreError::NotFound),
        Some(w) if w.version != expected => return Err(StoreError::StaleVersion { current: w.version }),
        Some(_) => {}
    }
    sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1").bind(id).execute(&mut *c).await?;
    sqlx::query("DELETE FROM webhooks WHERE id = $1").bind(id).execute(c).await?;
    Ok(())
}

/// One call to a webhook, as the log keeps it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub outbox_id: i64,
    pub at: i64,
    pub status: Option<i64>,
    pub duration_us: i64,
    pub excerpt: String,
    pub error: Option<String>,
}

pub async fn insert_delivery(c: &mut AnyConnection, d: &Delivery) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhook_deliveries (webhook_id, outbox_id, at, status, duration_us, excerpt, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(d.webhook_id)
    .bind(d.outbox_id)
    .bind(d.at)
    .bind(d.status)
    .bind(d.duration_us)
    .bind(d.excerpt.clone())
    .bind(d.error.clone())
    .fetch_one(c)
    .await?;
    Ok(id)
}

/// The webhook's latest calls, newest first.
pub async fn deliveries(c: &mut AnyConnection, webhook_id: i64, limit: i64) -> Result<Vec<Delivery>> {
    Ok(sqlx::query_as(
        "SELECT id, webhook_id, outbox_id, at, status, duration_us, excerpt, error FROM webhook_deliveries
         WHERE webhook_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(webhook_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}
