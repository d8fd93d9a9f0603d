//! Finding things by what a person types: users by username, e-mail or
//! name; services by name; CIs by part of their name or by an identifier
//! (hostname, serial number, FQDN, UUID). Incidents are found by number
//! (`incidents::get`) and by words (the list's text filter).

use crate::{
    Result,
    accounts::{USER_COLUMNS, User},
    cmdb::{self, CiRow},
    db::Dialect,
    sql::{Sql, Value, like_pattern},
};
use sqlx::AnyConnection;

/// Users whose username, e-mail or display name is `who` (any case), the
/// exact username first. More than one means the name is ambiguous.
pub async fn users_named(conn: &mut AnyConnection, who: &str) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = $1 OR lower(email) = lower($1) \
         OR lower(display_name) = lower($1) ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END, id LIMIT 10"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(who.trim().to_owned()).fetch_all(conn).await?)
}

/// The ids of CIs of these classes named `name` (any case).
pub async fn ci_ids_named(conn: &mut AnyConnection, classes: &[String], name: &str) -> Result<Vec<i64>> {
    if classes.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT id FROM cis WHERE lower(name) = lower(");
    q.bind(Value::from(name.trim())).push(") AND class IN ").row(classes.iter().map(|c| Value::from(c.as_str())));
    q.push(" ORDER BY id");
    let rows: Vec<(i64,)> =
        sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Which CIs a search may return.
#[derive(Debug, Clone, Default)]
pub struct CiScope {
    /// Only these classes (none: every class).
    pub classes: Vec<String>,
    /// Leave these classes out.
    pub except: Vec<String>,
    /// Only live services marked visible to requesters.
    pub requester_visible: bool,
}

/// CIs whose name contains `text` (any case) or with an identifier equal
/// to it (identifiers are stored trimmed and in lower case), by name.
pub async fn cis(conn: &mut AnyConnection, d: Dialect, text: &str, scope: &CiScope, limit: i64) -> Result<Vec<CiRow>> {
    let text = text.trim();
    let mut q = Sql::new(cmdb::SELECT);
    q.push(&format!(" WHERE (c.name {} ", d.ilike())).bind(Value::Text(like_pattern(text)));
    q.push(" ESCAPE '\\' OR c.id IN (SELECT ci_id FROM ci_identifiers WHERE value = ")
        .bind(Value::Text(text.to_lowercase()))
        .push("))");
    if !scope.classes.is_empty() {
        q.push(" AND c.class IN ").row(scope.classes.iter().map(|c| Value::from(c.as_str())));
    }
    if !scope.except.is_empty() {
        q.push(" AND c.class NOT IN ").row(scope.except.iter().map(|c| Value::from(c.as_str())));
    }
    if scope.requester_visible {
        q.push(" AND c.requester_visible = 1 AND c.portfolio_status = 'live'");
    }
    q.push(" ORDER BY c.name, c.id LIMIT ").bind(Value::Int(limit));
    Ok(sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(conn).await?)
}
