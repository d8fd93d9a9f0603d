//! OpenID Connect sign-ins under way: what the answer from the provider
//! must match (see migration 0046). A row is taken as it is read.

use crate::Result;
use sqlx::AnyConnection;

/// One sign-in under way; `state_hash` and `browser_hash` are SHA-256 hex.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OidcLogin {
    pub state_hash: String,
    pub browser_hash: String,
    pub nonce: String,
    pub verifier: String,
    pub next_path: String,
    pub created_at: i64,
}

/// Records a sign-in under way, dropping those begun before `stale_before`;
/// false (nothing recorded) when `max` are under way already.
pub async fn begin(conn: &mut AnyConnection, login: &OidcLogin, stale_before: i64, max: i64) -> Result<bool> {
    sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1").bind(stale_before).execute(&mut *conn).await?;
    let (under_way,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM oidc_logins").fetch_one(&mut *conn).await?;
    if under_way >= max {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, browser_hash, nonce, verifier, next_path, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(login.state_hash.clone())
    .bind(login.browser_hash.clone())
    .bind(login.nonce.clone())
    .bind(login.verifier.clone())
    .bind(login.next_path.clone())
    .bind(login.created_at)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Takes the sign-in with this state, if there is one: it is gone after.
pub async fn take(conn: &mut AnyConnection, state_hash: &str) -> Result<Option<OidcLogin>> {
    Ok(sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1
         RETURNING state_hash, browser_hash, nonce, verifier, next_path, created_at",
    )
    .bind(state_hash.to_owned())
    .fetch_optional(conn)
    .await?)
}
