//! A user's sessions as they see them (browser, last use) and the
//! credentials revision that tells every node to forget cached credentials.

use crate::{Result, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A session without its secrets.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SessionInfo {
    pub id: i64,
    pub user_id: i64,
    pub user_agent: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The user's live sessions, most recently used first.
pub async fn of_user(conn: &mut AnyConnection, user_id: i64, now: i64) -> Result<Vec<SessionInfo>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, user_agent, created_at, last_seen_at, expires_at FROM sessions
         WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// Ends one of the user's sessions; NotFound if it is not theirs.
pub async fn delete_one(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<()> {
    let r =
        sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(conn).await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Ends every session of the user but `keep` (the one making the change);
/// how many ended.
pub async fn delete_all(conn: &mut AnyConnection, user_id: i64, keep: Option<i64>) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(0))
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Revokes every live API token of the user; how many.
pub async fn revoke_tokens(conn: &mut AnyConnection, user_id: i64, now: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Records that a session was used now (callers do it at most once a minute).
pub async fn touch(conn: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2").bind(now).bind(id).execute(conn).await?;
    Ok(())
}

/// Moves the credentials revision: every node drops its cached credentials.
pub async fn bump_rev(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE credentials_rev SET rev = rev + 1 WHERE id = 1").execute(conn).await?;
    Ok(())
}

pub async fn rev(conn: &mut AnyConnection) -> Result<i64> {
    let (rev,): (i64,) = sqlx::query_as("SELECT rev FROM credentials_rev WHERE id = 1").fetch_one(conn).await?;
    Ok(rev)
}

/// Names the browser holding a session (shortened by the caller).
pub async fn describe(conn: &mut AnyConnection, token_hash: &str, user_agent: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET user_agent = $1 WHERE token_hash = $2")
        .bind(user_agent.to_owned())
        .bind(token_hash.to_owned())
        .execute(conn)
        .await?;
    Ok(())
}
