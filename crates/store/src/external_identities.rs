//! Where a user signs in when it is not here: a directory (LDAP) entry or
//! an OpenID Connect subject, one per user at most.

use crate::Result;
use sqlx::AnyConnection;

/// The user signing in as `subject` at `source`, if one is linked.
pub async fn user_of(conn: &mut AnyConnection, source: &str, subject: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM external_identities WHERE source = $1 AND subject = $2")
            .bind(source.to_owned())
            .bind(subject.to_owned())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// Where `user_id` signs in (source, subject), if not with a password here.
pub async fn identity_of(conn: &mut AnyConnection, user_id: i64) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as("SELECT source, subject FROM external_identities WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?)
}

/// Links `user_id` to `subject` at `source`, or notes a fresh sign-in.
pub async fn link(conn: &mut AnyConnection, user_id: i64, source: &str, subject: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO external_identities (user_id, source, subject, synced_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET synced_at = $4",
    )
    .bind(user_id)
    .bind(source.to_owned())
    .bind(subject.to_owned())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
