//! Key/value settings kept in the database (e.g. the priority matrix).

use crate::Result;
use sqlx::AnyConnection;

pub async fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key.to_owned()).fetch_optional(conn).await?;
    Ok(row.map(|r| r.0))
}

pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key.to_owned())
    .bind(value.to_owned())
    .execute(conn)
    .await?;
    Ok(())
}

/// The value under `key`, storing `value` first if there is none; every
/// node that races here reads the one that won.
pub async fn get_or_insert(conn: &mut AnyConnection, key: &str, value: &str) -> Result<String> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key.to_owned())
        .bind(value.to_owned())
        .execute(&mut *conn)
        .await?;
    Ok(get(conn, key).await?.unwrap_or_else(|| value.to_owned()))
}

/// Removes `key`; whether it was there.
pub async fn delete(conn: &mut AnyConnection, key: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM settings WHERE key = $1").bind(key.to_owned()).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

/// Takes the lease under `key` until `until` (microseconds) when it is free
/// or ran out by `now`; whether the caller holds it. One row a lease: its
/// value is the end, 20 digits so that text order is time order.
pub async fn take_lease(conn: &mut AnyConnection, key: &str, now: i64, until: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value < $3",
    )
    .bind(key.to_owned())
    .bind(format!("{until:020}"))
    .bind(format!("{now:020}"))
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives the lease under `key` back.
pub async fn end_lease(conn: &mut AnyConnection, key: &str) -> Result<()> {
    sqlx::query("UPDATE settings SET value = $2 WHERE key = $1")
        .bind(key.to_owned())
        .bind(format!("{:020}", 0))
        .execute(conn)
        .await?;
    Ok(())
}
