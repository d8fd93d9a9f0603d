//! Saved and scheduled reports (migration 0038): the report, and each
//! recipient with the moment the report is due to them next.

use crate::Result;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Default, FromRow, PartialEq)]
pub struct SavedReportRow {
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    pub subject: String,
    pub params: String,
    pub format: String,
    pub frequency: Option<String>,
    pub hour: i64,
    pub weekday: Option<i64>,
    pub monthday: Option<i64>,
    pub last_run_at: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The owner's display name (read, never written).
    #[sqlx(default)]
    pub owner_name: Option<String>,
}

/// A recipient as shown: who, and when the report is due to them next.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct Recipient {
    pub report_id: i64,
    pub user_id: i64,
    pub email: Option<String>,
    pub display_name: String,
    pub next_run_at: Option<i64>,
}

const SELECT: &str = "SELECT s.id, s.name, s.owner_id, s.subject, s.params, s.format, s.frequency, s.hour, \
    s.weekday, s.monthday, s.last_run_at, s.last_error, s.created_at, s.updated_at, s.version, \
    (SELECT u.display_name FROM users u WHERE u.id = s.owner_id) AS owner_name FROM saved_reports s";

/// The reports of one owner, or everyone's (none), by name.
pub async fn list(conn: &mut AnyConnection, owner: Option<i64>) -> Result<Vec<SavedReportRow>> {
    let sql = format!("{SELECT} WHERE $1 IS NULL OR s.owner_id = $1 ORDER BY s.name, s.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner).fetch_all(conn).await?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<SavedReportRow>> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds the fields both writes set, in order ($1 to $10).
fn fields<'q>(q: Query<'q>, r: &SavedReportRow) -> Query<'q> {
    q.bind(r.name.clone())
        .bind(r.owner_id)
        .bind(r.subject.clone())
        .bind(r.params.clone())
        .bind(r.format.clone())
        .bind(r.frequency.clone())
        .bind(r.hour)
        .bind(r.weekday)
        .bind(r.monthday)
        .bind(r.updated_at)
}

/// Inserts `r` (its id, version and last run ignored); the new id.
pub async fn insert(conn: &mut AnyConnection, r: &SavedReportRow) -> Result<i64> {
    let q = sqlx::query(
        "INSERT INTO saved_reports (name, owner_id, subject, params, format, frequency, hour, weekday, monthday, \
         updated_at, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id",
    );
    let row = fields(q, r).bind(r.created_at).fetch_one(conn).await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

/// Writes `r` over the row if it is still at `version`: whether it was.
pub async fn update(conn: &mut AnyConnection, r: &SavedReportRow, version: i64) -> Result<bool> {
    let q = sqlx::query(
        "UPDATE saved_reports SET name = $1, owner_id = $2, subject = $3, params = $4, format = $5, frequency = $6, \
         hour = $7, weekday = $8, monthday = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND version = $12",
    );
    let done = fields(q, r).bind(r.id).bind(version).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    sqlx::query("DELETE FROM saved_report_recipients WHERE report_id = $1").bind(id).execute(&mut *conn).await?;
    let done = sqlx::query("DELETE FROM saved_reports WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// Makes exactly `recipients` (user, next moment due) the report's.
pub async fn set_recipients(conn: &mut AnyConnection, id: i64, recipients: &[(i64, Option<i64>)]) -> Result<()> {
    sqlx::query("DELETE FROM saved_report_recipients WHERE report_id = $1").bind(id).execute(&mut *conn).await?;
    for (user, next) in recipients {
        sqlx::query("INSERT INTO saved_report_recipients (report_id, user_id, next_run_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(*user)
            .bind(*next)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The recipients of one report, or of all (none), by report then name.
pub async fn recipients(conn: &mut AnyConnection, report: Option<i64>) -> Result<Vec<Recipient>> {
    Ok(sqlx::query_as(
        "SELECT r.report_id, r.user_id, u.email, u.display_name, r.next_run_at FROM saved_report_recipients r \
         JOIN users u ON u.id = r.user_id WHERE $1 IS NULL OR r.report_id = $1 ORDER BY r.report_id, u.display_name",
    )
    .bind(report)
    .fetch_all(conn)
    .await?)
}

/// Up to `limit` (report, user, moment due) pairs due at `now`, oldest
/// first.
pub async fn due(conn: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT report_id, user_id, next_run_at FROM saved_report_recipients \
         WHERE next_run_at IS NOT NULL AND next_run_at <= $1 ORDER BY next_run_at, report_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Moves a recipient's due moment from `was` to `next`: whether it was
/// still `was` (false: another node sent this one already).
pub async fn claim(conn: &mut AnyConnection, report: i64, user: i64, was: i64, next: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE saved_report_recipients SET next_run_at = $4 WHERE report_id = $1 AND user_id = $2 \
         AND next_run_at = $3",
    )
    .bind(report)
    .bind(user)
    .bind(was)
    .bind(next)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes a run: when, and what went wrong (none: it went out).
pub async fn ran(conn: &mut AnyConnection, id: i64, at: i64, error: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE saved_reports SET last_run_at = $2, last_error = $3 WHERE id = $1")
        .bind(id)
        .bind(at)
        .bind(error.map(str::to_owned))
        .execute(conn)
        .await?;
    Ok(())
}
