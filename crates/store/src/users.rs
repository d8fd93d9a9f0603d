//! What admins change about users, groups and organisations: each update
//! names the version it read, and a stale one changes nothing.

use crate::{
    Result, StoreError,
    accounts::{duplicate_of, user_duplicate},
};
use sqlx::AnyConnection;

/// A user's fields an admin (or, for the profile ones, the user) sets.
#[derive(Debug, Clone)]
pub struct UserFields {
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub locale: Option<String>,
    pub time_zone: Option<String>,
    pub active: bool,
}

/// The error for an update that matched no row: stale, or the row is gone.
async fn stale_or_missing(conn: &mut AnyConnection, table: &str, id: i64) -> StoreError {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await {
        Ok(Some((current,))) => StoreError::StaleVersion { current },
        Ok(None) => StoreError::NotFound,
        Err(e) => e.into(),
    }
}

/// Replaces a user's fields if `version` is still current; the new version.
pub async fn update(conn: &mut AnyConnection, id: i64, version: i64, f: &UserFields) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE users SET display_name = $1, email = $2, role = $3, organisation_id = $4, locale = $5,
                time_zone = $6, active = $7, version = version + 1
         WHERE id = $8 AND version = $9 RETURNING version",
    )
    .bind(f.display_name.clone())
    .bind(f.email.clone())
    .bind(f.role.clone())
    .bind(f.organisation_id)
    .bind(f.locale.clone())
    .bind(f.time_zone.clone())
    .bind(i64::from(f.active))
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await
    .map_err(user_duplicate)?;
    match row {
        Some((v,)) => Ok(v),
        None => Err(stale_or_missing(conn, "users", id).await),
    }
}

/// The user's own settings; bumps the version so an admin's edit made
/// from an older read is refused.
pub async fn set_profile(
    conn: &mut AnyConnection,
    id: i64,
    locale: Option<&str>,
    time_zone: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE users SET locale = $1, time_zone = $2, version = version + 1 WHERE id = $3")
        .bind(locale.map(str::to_owned))
        .bind(time_zone.map(str::to_owned))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a user's groups.
pub async fn set_groups(conn: &mut AnyConnection, user_id: i64, group_ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM group_members WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for g in group_ids {
        crate::accounts::add_member(conn, *g, user_id).await?;
    }
    Ok(())
}

/// Takes a user out of every group; the names of the groups they were in.
pub async fn leave_groups(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<String>> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT g.name FROM assignment_groups g JOIN group_members m ON m.group_id = g.id
         WHERE m.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM group_members WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    Ok(names.into_iter().map(|n| n.0).collect())
}

/// Clears the user as manager of every group; the names of those groups.
pub async fn stop_managing(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<String>> {
    let names: Vec<(String,)> =
        sqlx::query_as("UPDATE assignment_groups SET manager_id = NULL WHERE manager_id = $1 RETURNING name")
            .bind(user_id)
            .fetch_all(conn)
            .await?;
    let mut names: Vec<String> = names.into_iter().map(|n| n.0).collect();
    names.sort();
    Ok(names)
}

/// How many active admins there are other than `user_id`.
pub async fn other_active_admins(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> $1")
        .bind(user_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

pub async fn remove_member(conn: &mut AnyConnection, group_id: i64, user_id: i64) -> Result<()> {
    let r = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Renames an organisation if `version` is still current; the new version.
pub async fn rename_organisation(conn: &mut AnyConnection, id: i64, version: i64, name: &str) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE organisations SET name = $1, version = version + 1 WHERE id = $2 AND version = $3 RETURNING version",
    )
    .bind(name.to_owned())
    .bind(id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await
    .map_err(duplicate_of("name"))?;
    match row {
        Some((v,)) => Ok(v),
        None => Err(stale_or_missing(conn, "organisations", id).await),
    }
}

/// What still refers to an organisation ("users", "incidents",
/// "services"), if anything: such an organisation cannot be deleted.
pub async fn organisation_in_use(conn: &mut AnyConnection, id: i64) -> Result<Option<&'static str>> {
    for (table, what) in [("users", "users"), ("records", "incidents"), ("service_consumers", "services")] {
        let sql = format!("SELECT 1 FROM {table} WHERE organisation_id = $1 LIMIT 1");
        let used: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
        if used.is_some() {
            return Ok(Some(what));
        }
    }
    Ok(None)
}

/// Deletes an organisation if `version` is still current.
pub async fn delete_organisation(conn: &mut AnyConnection, id: i64, version: i64) -> Result<()> {
    let r = sqlx::query("DELETE FROM organisations WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(stale_or_missing(conn, "organisations", id).await) } else { Ok(()) }
}
