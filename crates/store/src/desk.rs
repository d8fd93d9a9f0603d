//! The desk's working aids: canned replies (per group, versioned like
//! incidents) and each user's saved views of the incident list.

use crate::{Result, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A reply staff insert into the comment box; `{placeholders}` are filled
/// for the incident at hand.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct CannedReply {
    pub id: i64,
    /// None: offered to every group.
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub title: String,
    pub body_en: String,
    /// None: the English text serves Polish readers too.
    pub body_pl: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const REPLY_COLUMNS: &str = "r.id, r.group_id, g.name AS group_name, r.title, r.body_en, r.body_pl, \
    r.created_at, r.updated_at, r.version FROM canned_replies r LEFT JOIN assignment_groups g ON g.id = r.group_id";

pub async fn insert_reply(c: &mut AnyConnection, r: &CannedReply, by: i64, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO canned_replies (group_id, title, body_en, body_pl, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(r.group_id)
    .bind(r.title.clone())
    .bind(r.body_en.clone())
    .bind(r.body_pl.clone())
    .bind(by)
    .bind(now)
    .fetch_one(c)
    .await?;
    Ok(id)
}

pub async fn reply(c: &mut AnyConnection, id: i64) -> Result<Option<CannedReply>> {
    let sql = format!("SELECT {REPLY_COLUMNS} WHERE r.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?)
}

/// Every reply, the shared ones first, then by group and title.
pub async fn replies(c: &mut AnyConnection) -> Result<Vec<CannedReply>> {
    let sql = format!("SELECT {REPLY_COLUMNS} ORDER BY g.name IS NOT NULL, g.name, r.title, r.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?)
}

/// The replies for the given groups and the shared ones, in the same order.
pub async fn replies_for(c: &mut AnyConnection, group_ids: &[i64]) -> Result<Vec<CannedReply>> {
    let list: Vec<String> = (1..=group_ids.len()).map(|i| format!("${i}")).collect();
    let groups = if list.is_empty() { String::new() } else { format!(" OR r.group_id IN ({})", list.join(", ")) };
    let sql = format!(
        "SELECT {REPLY_COLUMNS} WHERE r.group_id IS NULL{groups} ORDER BY g.name IS NOT NULL, g.name, r.title, r.id"
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in group_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(c).await?)
}

/// Writes every field of `r` if the row still has `expected` version;
/// returns the new version.
pub async fn update_reply(c: &mut AnyConnection, r: &CannedReply, expected: i64, now: i64) -> Result<i64> {
    let updated: Option<(i64,)> = sqlx::query_as(
        "UPDATE canned_replies SET group_id = $1, title = $2, body_en = $3, body_pl = $4, updated_at = $5,
            version = version + 1
         WHERE id = $6 AND version = $7 RETURNING version",
    )
    .bind(r.group_id)
    .bind(r.title.clone())
    .bind(r.body_en.clone())
    .bind(r.body_pl.clone())
    .bind(now)
    .bind(r.id)
    .bind(expected)
    .fetch_optional(&mut *c)
    .await?;
    match updated {
        Some((v,)) => Ok(v),
        None => Err(stale_or_missing(reply(c, r.id).await?.map(|r| r.version))),
    }
}

pub async fn delete_reply(c: &mut AnyConnection, id: i64, expected: i64) -> Result<()> {
    let gone = sqlx::query("DELETE FROM canned_replies WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(expected)
        .execute(&mut *c)
        .await?;
    if gone.rows_affected() == 1 {
        return Ok(());
    }
    Err(stale_or_missing(reply(c, id).await?.map(|r| r.version)))
}

fn stale_or_missing(current: Option<i64>) -> StoreError {
    match current {
        Some(current) => StoreError::StaleVersion { current },
        None => StoreError::NotFound,
    }
}

/// A named filter and sort of the incident list, kept for one user.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct SavedView {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The list's query string, e.g. `state=open&group=mine&sort=-updated`.
    pub query: String,
    pub created_at: i64,
}

/// Saves a view; a name the user already has is a `Duplicate("name")`.
pub async fn insert_view(c: &mut AnyConnection, user_id: i64, name: &str, query: &str, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name.to_owned())
    .bind(query.to_owned())
    .bind(now)
    .fetch_one(c)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Duplicate(_) => StoreError::Duplicate("name".into()),
        other => other,
    })?;
    Ok(id)
}

/// The user's views by name (the unique key's index serves it).
pub async fn views(c: &mut AnyConnection, user_id: i64) -> Result<Vec<SavedView>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, query, created_at FROM saved_views WHERE user_id = $1 ORDER BY name, id",
    )
    .bind(user_id)
    .fetch_all(c)
    .await?)
}

/// Deletes one of the user's views; false when they have no such view.
pub async fn delete_view(c: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool> {
    let r =
        sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(c).await?;
    Ok(r.rows_affected() > 0)
}
