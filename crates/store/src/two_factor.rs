//! Second factors of local accounts: a TOTP secret per user (unconfirmed
//! while being set up) and single-use recovery codes, kept hashed.

use crate::Result;
use sqlx::AnyConnection;

/// A user's TOTP factor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Factor {
    pub user_id: i64,
    /// Base32, as the authenticator app was given it.
    pub secret: String,
    pub created_at: i64,
    /// None while the user has not yet typed a code from it.
    pub confirmed_at: Option<i64>,
    /// The newest step whose code was accepted.
    pub last_step: i64,
}

pub async fn factor(conn: &mut AnyConnection, user_id: i64) -> Result<Option<Factor>> {
    Ok(sqlx::query_as(
        "SELECT user_id, secret, created_at, confirmed_at, last_step FROM totp_factors WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// Starts setting up (or over): a new unconfirmed secret replaces any.
pub async fn begin(conn: &mut AnyConnection, user_id: i64, secret: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM totp_factors WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    sqlx::query("INSERT INTO totp_factors (user_id, secret, created_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(secret.to_owned())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records `step` as used (and the factor confirmed) if it is newer than
/// the last one used; whether it was: of two sign-ins racing with one
/// code, only one gets through.
pub async fn use_step(conn: &mut AnyConnection, user_id: i64, step: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE totp_factors SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3)
         WHERE user_id = $1 AND last_step < $2",
    )
    .bind(user_id)
    .bind(step)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the factor and the recovery codes; whether there was a factor.
pub async fn remove(conn: &mut AnyConnection, user_id: i64) -> Result<bool> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    let done = sqlx::query("DELETE FROM totp_factors WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Replaces the user's recovery codes with these hashes.
pub async fn set_recovery_codes(conn: &mut AnyConnection, user_id: i64, hashes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for h in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(h.clone())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Uses the recovery code with this hash, once; whether it was unused.
pub async fn use_recovery_code(conn: &mut AnyConnection, user_id: i64, hash: &str, now: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
            .bind(user_id)
            .bind(hash.to_owned())
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}
