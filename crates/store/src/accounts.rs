//! Users, organisations, assignment groups, API tokens and sessions.

use crate::{
    Result, StoreError,
    sql::{Sql, Value},
};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation_id: Option<i64>,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub locale: Option<String>,
    pub active: i64,
    #[serde(skip)]
    pub failed_logins: i64,
    #[serde(skip)]
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// An IANA zone name; None: the browser's, else the site's default.
    pub time_zone: Option<String>,
    pub version: i64,
    /// The language the user's browser last asked for (at sign-in).
    #[serde(skip)]
    pub browser_locale: Option<String>,
    /// The time zone the user's browser last reported (at sign-in).
    #[serde(skip)]
    pub browser_time_zone: Option<String>,
}

/// The user columns, each prefixed with `alias.` for a join.
pub(crate) fn user_columns(alias: &str) -> String {
    USER_COLUMNS.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

pub(crate) const USER_COLUMNS: &str = "id, username, display_name, email, role, organisation_id, password_hash, \
    locale, active, failed_logins, locked_until, created_at, time_zone, version, browser_locale, browser_time_zone";

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub password_hash: Option<String>,
    pub locale: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub version: i64,
}

/// A unique-key violation on a user: the e-mail index, else the username.
pub(crate) fn user_duplicate(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Duplicate(what) if what.contains("email") => StoreError::Duplicate("email".into()),
        StoreError::Duplicate(_) => StoreError::Duplicate("username".into()),
        other => other,
    }
}

/// Names the field a unique-key violation is about, for the message.
pub(crate) fn duplicate_of(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match StoreError::from(e) {
        StoreError::Duplicate(_) => StoreError::Duplicate(field.into()),
        other => other,
    }
}

pub async fn insert_user(conn: &mut AnyConnection, u: &NewUser, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (username, display_name, email, role, organisation_id, password_hash, locale, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(u.username.clone())
    .bind(u.display_name.clone())
    .bind(u.email.clone())
    .bind(u.role.clone())
    .bind(u.organisation_id)
    .bind(u.password_hash.clone())
    .bind(u.locale.clone())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(user_duplicate)?;
    Ok(id)
}

pub async fn user_by_name(conn: &mut AnyConnection, username: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username.to_owned()).fetch_optional(conn).await?)
}

/// The one user with this email address, compared without case (the
/// unique index `users_email_lower` allows no second; should one ever
/// appear, nobody is chosen rather than a guess).
pub async fn user_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1) LIMIT 2");
    let mut found: Vec<User> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email.trim().to_owned()).fetch_all(conn).await?;
    Ok(if found.len() == 1 { found.pop() } else { None })
}

/// The username holding this address (compared without case), other than
/// the user `except`.
pub async fn email_holder(conn: &mut AnyConnection, email: &str, except: Option<i64>) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT username FROM users WHERE lower(email) = lower($1) AND id <> $2 LIMIT 1")
            .bind(email.trim().to_owned())
            .bind(except.unwrap_or(0))
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.0))
}

/// Every membership as (user id, group name), by group name.
pub async fn memberships(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT m.user_id, g.name FROM group_members m JOIN assignment_groups g ON g.id = m.group_id ORDER BY g.name",
    )
    .fetch_all(conn)
    .await?)
}

pub async fn user_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn list_users(conn: &mut AnyConnection) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn set_password(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<()> {
    let r = sqlx::query(
        "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, version = version + 1 WHERE id = $2",
    )
        .bind(hash.to_owned())
        .bind(id)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn set_locale(conn: &mut AnyConnection, id: i64, locale: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale.map(str::to_owned))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the language and time zone a user's browser last used; a
/// `None` keeps what was recorded before. Not a change to the account: the
/// version stays.
pub async fn set_browser(
    conn: &mut AnyConnection,
    id: i64,
    locale: Option<&str>,
    time_zone: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET browser_locale = COALESCE($1, browser_locale),
                          browser_time_zone = COALESCE($2, browser_time_zone) WHERE id = $3",
    )
    .bind(locale.map(str::to_owned))
    .bind(time_zone.map(str::to_owned))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a failed login and locks the account until `locked_until`.
pub async fn record_failed_login(conn: &mut AnyConnection, id: i64, locked_until: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2")
        .bind(locked_until)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn clear_failed_logins(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND failed_logins <> 0")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_organisation(conn: &mut AnyConnection, name: &str, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("INSERT INTO organisations (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name.to_owned())
        .bind(now)
        .fetch_one(conn)
        .await
        .map_err(duplicate_of("name"))?;
    Ok(id)
}

pub async fn organisation_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<Organisation>> {
    Ok(sqlx::query_as("SELECT id, name, version FROM organisations WHERE lower(name) = lower($1)")
        .bind(name.to_owned())
        .fetch_optional(conn)
        .await?)
}

pub async fn list_organisations(conn: &mut AnyConnection) -> Result<Vec<Organisation>> {
    Ok(sqlx::query_as("SELECT id, name, version FROM organisations ORDER BY name").fetch_all(conn).await?)
}

pub async fn insert_group(conn: &mut AnyConnection, name: &str, description: &str, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assignment_groups (name, description, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name.to_owned())
    .bind(description.to_owned())
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(duplicate_of("name"))?;
    Ok(id)
}

pub async fn group_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<Group>> {
    Ok(sqlx::query_as("SELECT id, name, description FROM assignment_groups WHERE name = $1")
        .bind(name.to_owned())
        .fetch_optional(conn)
        .await?)
}

pub async fn group_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Group>> {
    Ok(sqlx::query_as("SELECT id, name, description FROM assignment_groups WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn list_groups(conn: &mut AnyConnection) -> Result<Vec<Group>> {
    Ok(sqlx::query_as("SELECT id, name, description FROM assignment_groups ORDER BY name").fetch_all(conn).await?)
}

pub async fn add_member(conn: &mut AnyConnection, group_id: i64, user_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(group_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn is_member(conn: &mut AnyConnection, group_id: i64, user_id: i64) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

pub async fn groups_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Group>> {
    Ok(sqlx::query_as(
        "SELECT g.id, g.name, g.description FROM assignment_groups g
         JOIN group_members m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn members_of(conn: &mut AnyConnection, group_id: i64) -> Result<Vec<User>> {
    let cols = user_columns("u");
    let sql = format!(
        "SELECT {cols} FROM users u JOIN group_members m ON m.user_id = u.id WHERE m.group_id = $1 ORDER BY u.display_name"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(group_id).fetch_all(conn).await?)
}

/// A user an event on a record may reach, and why they were found.
#[derive(Debug, Clone, FromRow)]
pub struct Candidate {
    #[sqlx(flatten)]
    pub user: User,
    /// A member of the group asked about (0/1).
    pub in_group: i64,
    /// Watching the record asked about (0/1).
    pub watching: i64,
}

/// In one statement, the users an event may reach: those with these ids,
/// the members of `group` and the watchers of `watched` (kind, id), each
/// row saying whether they are in the group and watch, ordered by name.
/// Notifications ask this on every write that tells someone: one round
/// trip instead of one per kind of recipient.
pub async fn candidates(
    conn: &mut AnyConnection,
    ids: &[i64],
    group: Option<i64>,
    watched: Option<(&str, i64)>,
) -> Result<Vec<Candidate>> {
    if ids.is_empty() && group.is_none() && watched.is_none() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT ");
    q.push(&user_columns("u"));
    // Why each user is there, then which users: the ids, the group, the watchers.
    match group {
        Some(g) => {
            q.push(", CASE WHEN EXISTS (SELECT 1 FROM group_members m WHERE m.user_id = u.id AND m.group_id = ");
            q.bind(Value::Int(g)).push(") THEN 1 ELSE 0 END AS in_group");
        }
        None => {
            q.push(", 0 AS in_group");
        }
    }
    match watched {
        Some((kind, id)) => {
            q.push(", CASE WHEN EXISTS (SELECT 1 FROM watchers w WHERE w.user_id = u.id AND w.record_kind = ");
            q.bind(Value::Text(kind.to_owned())).push(" AND w.record_id = ").bind(Value::Int(id));
            q.push(") THEN 1 ELSE 0 END AS watching");
        }
        None => {
            q.push(", 0 AS watching");
        }
    }
    q.push(" FROM users u WHERE ");
    let mut first = true;
    let mut or = |q: &mut Sql| {
        if !std::mem::take(&mut first) {
            q.push(" OR ");
        }
    };
    if !ids.is_empty() {
        or(&mut q);
        q.push("u.id IN (");
        for (i, id) in ids.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(Value::Int(*id));
        }
        q.push(")");
    }
    if let Some(g) = group {
        or(&mut q);
        q.push("u.id IN (SELECT user_id FROM group_members WHERE group_id = ").bind(Value::Int(g)).push(")");
    }
    if let Some((kind, id)) = watched {
        or(&mut q);
        q.push("u.id IN (SELECT user_id FROM watchers WHERE record_kind = ").bind(Value::Text(kind.to_owned()));
        q.push(" AND record_id = ").bind(Value::Int(id)).push(")");
    }
    q.push(" ORDER BY u.display_name, u.id");
    Ok(q.fetch_all(conn).await?)
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// `all` or `alerts`.
    pub scope: String,
}

/// A token for `user_id`; `scope` is `all` or `alerts` (the alert API only).
pub async fn insert_token(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    hash: &str,
    now: i64,
    scope: &str,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, scope) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(name.to_owned())
    .bind(hash.to_owned())
    .bind(now)
    .bind(scope.to_owned())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The active user holding an unrevoked token with this hash.
/// The token's id and scope (`all` or `alerts`), and its user.
pub async fn user_by_token(conn: &mut AnyConnection, hash: &str) -> Result<Option<(i64, String, User)>> {
    let cols = user_columns("u");
    let sql = format!(
        "SELECT t.id AS token_id, t.scope AS token_scope, {cols} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
    );
    let row: Option<sqlx::any::AnyRow> =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(hash.to_owned()).fetch_optional(conn).await?;
    match row {
        None => Ok(None),
        Some(r) => {
            use sqlx::Row;
            Ok(Some((r.try_get("token_id")?, r.try_get("token_scope")?, User::from_row(&r)?)))
        }
    }
}

pub async fn list_tokens(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at, scope FROM api_tokens WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn revoke_token(conn: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    let r = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn token_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at, scope FROM api_tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub csrf: String,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

/// A new session, last seen now (`sessions::describe` names its browser).
pub async fn insert_session(
    conn: &mut AnyConnection,
    hash: &str,
    user_id: i64,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $4)",
    )
    .bind(hash.to_owned())
    .bind(user_id)
    .bind(csrf.to_owned())
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(conn: &mut AnyConnection, hash: &str) -> Result<Option<Session>> {
    Ok(sqlx::query_as("SELECT id, user_id, csrf, expires_at, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(hash.to_owned())
        .fetch_optional(conn)
        .await?)
}

pub async fn delete_session(conn: &mut AnyConnection, hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash.to_owned()).execute(conn).await?;
    Ok(())
}

pub async fn purge_sessions(conn: &mut AnyConnection, now: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(conn).await?.rows_affected())
}

pub async fn organisation_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Organisation>> {
    Ok(sqlx::query_as("SELECT id, name, version FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Records that a token authenticated a request at `now`, unless that was
/// already recorded after `stale_before` (by this node or another).
pub async fn touch_token(conn: &mut AnyConnection, hash: &str, now: i64, stale_before: i64) -> Result<()> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1
         WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(hash.to_owned())
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(())
}
