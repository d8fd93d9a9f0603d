//! Alerts and silences (issue 13): one row per alert fingerprint, written
//! many at a time (a posted batch is one statement), and Alertmanager's
//! silences.

use crate::sql::{Sql, Value};
use crate::{Dialect, Result};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A row of `alerts`. The fingerprint is Alertmanager's u64, kept as the
/// i64 of the same bits.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct AlertRow {
    pub id: i64,
    pub fingerprint: i64,
    /// A JSON object.
    pub labels: String,
    pub annotations: String,
    pub generator_url: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timeout: i64,
    pub updated_at: i64,
    pub received_at: i64,
}

const COLUMNS: &str =
    "id, fingerprint, labels, annotations, generator_url, starts_at, ends_at, timeout, updated_at, received_at";

/// The alerts kept under these fingerprints, locked for the write on
/// PostgreSQL (two batches merging one alert take turns).
pub async fn by_fingerprints(conn: &mut AnyConnection, d: Dialect, fps: &[i64]) -> Result<Vec<AlertRow>> {
    let mut out = Vec::with_capacity(fps.len());
    for chunk in fps.chunks(500) {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alerts WHERE fingerprint IN "));
        q.row(chunk.iter().map(|f| Value::Int(*f)));
        q.push(d.for_update());
        let mut rows: Vec<AlertRow> =
            sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// Writes each alert under its fingerprint: a new one is added, a known
/// one takes the values given (its first sighting stays). At most 500 rows
/// a statement.
pub async fn upsert(conn: &mut AnyConnection, rows: &[AlertRow]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let mut q = Sql::new(
            "INSERT INTO alerts (fingerprint, labels, annotations, generator_url, starts_at, ends_at, timeout, \
             updated_at, received_at) VALUES ",
        );
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(r.fingerprint),
                Value::Text(r.labels.clone()),
                Value::Text(r.annotations.clone()),
                Value::Text(r.generator_url.clone()),
                Value::Int(r.starts_at),
                Value::Int(r.ends_at),
                Value::Int(r.timeout),
                Value::Int(r.updated_at),
                Value::Int(r.received_at),
            ]);
        }
        q.push(
            " ON CONFLICT (fingerprint) DO UPDATE SET annotations = excluded.annotations, \
             generator_url = excluded.generator_url, starts_at = excluded.starts_at, ends_at = excluded.ends_at, \
             timeout = excluded.timeout, updated_at = excluded.updated_at",
        );
        sqlx::query_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The alerts still firing at `now` (an end after it), by fingerprint.
pub async fn firing(conn: &mut AnyConnection, now: i64) -> Result<Vec<AlertRow>> {
    let sql = format!("SELECT {COLUMNS} FROM alerts WHERE ends_at > $1 ORDER BY fingerprint");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(conn).await?)
}

/// A row of `silences`.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct SilenceRow {
    pub id: String,
    /// JSON: `[{name, value, isRegex, isEqual}]`.
    pub matchers: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: String,
    pub comment: String,
    pub updated_at: i64,
}

const SILENCE_COLUMNS: &str = "id, matchers, starts_at, ends_at, created_by, comment, updated_at";

pub async fn silence(conn: &mut AnyConnection, id: &str) -> Result<Option<SilenceRow>> {
    let sql = format!("SELECT {SILENCE_COLUMNS} FROM silences WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.to_owned()).fetch_optional(conn).await?)
}

/// Every silence, newest end first (expired ones too: Alertmanager lists
/// them until they are garbage-collected).
pub async fn silences(conn: &mut AnyConnection) -> Result<Vec<SilenceRow>> {
    let sql = format!("SELECT {SILENCE_COLUMNS} FROM silences ORDER BY ends_at DESC, id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

/// The silences not yet ended at `now` (pending and active).
pub async fn live_silences(conn: &mut AnyConnection, now: i64) -> Result<Vec<SilenceRow>> {
    let sql = format!("SELECT {SILENCE_COLUMNS} FROM silences WHERE ends_at > $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(conn).await?)
}

/// Adds the silence or replaces the one with its id.
pub async fn put_silence(conn: &mut AnyConnection, s: &SilenceRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at,
             ends_at = excluded.ends_at, created_by = excluded.created_by, comment = excluded.comment,
             updated_at = excluded.updated_at",
    )
    .bind(s.id.clone())
    .bind(s.matchers.clone())
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(s.created_by.clone())
    .bind(s.comment.clone())
    .bind(s.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}
