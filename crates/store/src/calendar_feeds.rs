//! Each user's iCalendar feeds of the change calendar (migration 0024):
//! the secret travels in the feed's URL, so only its SHA-256 is kept.

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Feed {
    pub id: i64,
    pub user_id: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, user_id: i64, token_hash: &str, now: i64) -> Result<i64> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(user_id)
            .bind(token_hash.to_owned())
            .bind(now)
            .fetch_one(conn)
            .await?;
    Ok(id)
}

/// The user's feeds, newest first, revoked ones included.
pub async fn of_user(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Feed>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, created_at, last_used_at, revoked_at FROM calendar_feeds
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes the user's feed; whether it was theirs and not yet revoked.
pub async fn revoke(conn: &mut AnyConnection, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE calendar_feeds SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
            .bind(id)
            .bind(user_id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(r.rows_affected() > 0)
}

/// The live feed with this hash and its active owner: (feed id, user id,
/// the owner's role). A revoked feed or a deactivated owner finds nothing.
pub async fn live(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<(i64, i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.user_id, u.role FROM calendar_feeds f JOIN users u ON u.id = f.user_id
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND u.active = 1",
    )
    .bind(token_hash.to_owned())
    .fetch_optional(conn)
    .await?)
}

pub async fn touch(conn: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE calendar_feeds SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(conn).await?;
    Ok(())
}
