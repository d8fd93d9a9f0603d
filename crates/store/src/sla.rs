//! Service levels: calendars, SLA definitions, group OLAs and the clocks
//! that run on records, plus each record's SLA summary columns.
//!
//! Specs and definitions are stored as the JSON the admin wrote; the app
//! parses and checks them. Durations are microseconds.

use crate::sql::{Sql, Value};
use crate::{Dialect, Result, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CalendarRow {
    pub id: i64,
    pub name: String,
    /// The `CalendarSpec` as JSON.
    pub spec: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const CALENDAR: &str = "SELECT id, name, spec, created_at, updated_at, version FROM calendars";

pub async fn calendars(conn: &mut AnyConnection) -> Result<Vec<CalendarRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{CALENDAR} ORDER BY name, id"))).fetch_all(conn).await?)
}

pub async fn calendar(conn: &mut AnyConnection, id: i64) -> Result<Option<CalendarRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{CALENDAR} WHERE id = $1"))).bind(id).fetch_optional(conn).await?)
}

pub async fn insert_calendar(conn: &mut AnyConnection, name: &str, spec: &str, now: i64) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO calendars (name, spec, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(name.to_owned())
    .bind(spec.to_owned())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Replaces name and spec if `version` is still current; the new version.
pub async fn update_calendar(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    spec: &str,
    version: i64,
    now: i64,
) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE calendars SET name = $2, spec = $3, updated_at = $5, version = version + 1
         WHERE id = $1 AND version = $4 RETURNING version",
    )
    .bind(id)
    .bind(name.to_owned())
    .bind(spec.to_owned())
    .bind(version)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((v,)) => Ok(v),
        None => stale("calendars", conn, id).await,
    }
}

/// The error for a failed versioned update: stale, or the row is gone.
async fn stale<T>(table: &str, conn: &mut AnyConnection, id: i64) -> Result<T> {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    let current: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?;
    Err(match current {
        Some((current,)) => StoreError::StaleVersion { current },
        None => StoreError::NotFound,
    })
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct DefinitionRow {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub active: i64,
    pub calendar_id: i64,
    /// Conditions, targets, pause states and thresholds as JSON.
    pub definition: String,
    /// The record kinds it applies to, a JSON list (the truth over the
    /// conditions' copy).
    pub record_kinds: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const DEFINITION: &str =
    "SELECT id, name, position, active, calendar_id, definition, record_kinds, created_at, updated_at, version
     FROM sla_definitions";

/// All definitions in the order they are tried.
pub async fn definitions(conn: &mut AnyConnection) -> Result<Vec<DefinitionRow>> {
    let sql = format!("{DEFINITION} ORDER BY position, id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn definition(conn: &mut AnyConnection, id: i64) -> Result<Option<DefinitionRow>> {
    let sql = format!("{DEFINITION} WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn insert_definition(conn: &mut AnyConnection, d: &DefinitionRow) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sla_definitions (name, position, active, calendar_id, definition, created_at, updated_at,
            record_kinds)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
    )
    .bind(d.name.clone())
    .bind(d.position)
    .bind(d.active)
    .bind(d.calendar_id)
    .bind(d.definition.clone())
    .bind(d.created_at)
    .bind(d.record_kinds.clone())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Replaces a definition if `d.version` is still current; the new version.
pub async fn update_definition(conn: &mut AnyConnection, d: &DefinitionRow) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE sla_definitions SET name = $2, position = $3, active = $4, calendar_id = $5, definition = $6,
                updated_at = $7, record_kinds = $9, version = version + 1
         WHERE id = $1 AND version = $8 RETURNING version",
    )
    .bind(d.id)
    .bind(d.name.clone())
    .bind(d.position)
    .bind(d.active)
    .bind(d.calendar_id)
    .bind(d.definition.clone())
    .bind(d.updated_at)
    .bind(d.version)
    .bind(d.record_kinds.clone())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some((v,)) => Ok(v),
        None => stale("sla_definitions", conn, d.id).await,
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct OlaRow {
    pub group_id: i64,
    pub target_us: i64,
    pub calendar_id: i64,
    /// Warning percents as a JSON array.
    pub thresholds: String,
    pub updated_at: i64,
    /// The record kinds it applies to, a JSON list.
    pub record_kinds: String,
}

pub async fn olas(conn: &mut AnyConnection) -> Result<Vec<OlaRow>> {
    Ok(sqlx::query_as(
        "SELECT group_id, target_us, calendar_id, thresholds, updated_at, record_kinds FROM group_olas
         ORDER BY group_id",
    )
    .fetch_all(conn)
    .await?)
}

pub async fn set_ola(conn: &mut AnyConnection, o: &OlaRow) -> Result<()> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    sqlx::query(
        "INSERT INTO group_olas (group_id, target_us, calendar_id, thresholds, updated_at, record_kinds)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (group_id) DO UPDATE SET target_us = $2, calendar_id = $3, thresholds = $4, updated_at = $5,
            record_kinds = $6",
    )
    .bind(o.group_id)
    .bind(o.target_us)
    .bind(o.calendar_id)
    .bind(o.thresholds.clone())
    .bind(o.updated_at)
    .bind(o.record_kinds.clone())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_ola(conn: &mut AnyConnection, group_id: i64) -> Result<bool> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let r = sqlx::query("DELETE FROM group_olas WHERE group_id = $1").bind(group_id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

/// One clock as stored; `sla_name` and `group_name` are joined for display.
#[derive(Debug, Clone, Default, FromRow, Serialize)]
pub struct ClockRow {
    pub id: i64,
    pub record_kind: String,
    pub record_id: i64,
    /// `response`, `resolution` or `group`.
    pub kind: String,
    pub sla_id: Option<i64>,
    pub group_id: Option<i64>,
    pub calendar_id: i64,
    /// Warning percents as a JSON array.
    pub thresholds: String,
    pub target_us: i64,
    pub started_at: i64,
    pub elapsed_us: i64,
    pub running_since: Option<i64>,
    pub stopped_at: Option<i64>,
    pub due_at: Option<i64>,
    pub fired: i64,
    pub breached_at: Option<i64>,
    pub next_event_at: Option<i64>,
    pub sla_name: Option<String>,
    pub group_name: Option<String>,
}

const CLOCK: &str = "SELECT c.id, c.record_kind, c.record_id, c.kind, c.sla_id, c.group_id, c.calendar_id,
        c.thresholds, c.target_us, c.started_at, c.elapsed_us, c.running_since, c.stopped_at, c.due_at, c.fired,
        c.breached_at, c.next_event_at, s.name AS sla_name, g.name AS group_name
     FROM sla_clocks c LEFT JOIN sla_definitions s ON s.id = c.sla_id
          LEFT JOIN assignment_groups g ON g.id = c.group_id";

/// A record's clocks, oldest first; locked for a read-modify-write.
pub async fn clocks_for(conn: &mut AnyConnection, d: Dialect, kind: &str, record_id: i64) -> Result<Vec<ClockRow>> {
    // PostgreSQL cannot lock the nullable side of an outer join: lock `c`.
    let lock = if d.for_update().is_empty() { "" } else { " FOR UPDATE OF c" };
    let sql = format!("{CLOCK} WHERE c.record_kind = $1 AND c.record_id = $2 ORDER BY c.id{lock}");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned()).bind(record_id).fetch_all(conn).await?)
}

/// Clocks of many records at once, for lists.
pub async fn clocks_of(conn: &mut AnyConnection, kind: &str, ids: &[i64]) -> Result<Vec<ClockRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!("{CLOCK} WHERE c.record_kind = $1 AND c.record_id IN ({}) ORDER BY c.id", marks.join(", "));
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned());
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(conn).await?)
}

/// Inserts new clocks in one statement (a new record's response and
/// resolution clocks: one round trip instead of two).
pub async fn insert_clocks(conn: &mut AnyConnection, rows: &[ClockRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new(
        "INSERT INTO sla_clocks (record_kind, record_id, kind, sla_id, group_id, calendar_id, thresholds, target_us,
            started_at, elapsed_us, running_since, stopped_at, due_at, fired, breached_at, next_event_at) VALUES ",
    );
    for (i, c) in rows.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.row([
            Value::Text(c.record_kind.clone()),
            Value::Int(c.record_id),
            Value::Text(c.kind.clone()),
            c.sla_id.into(),
            c.group_id.into(),
            Value::Int(c.calendar_id),
            Value::Text(c.thresholds.clone()),
            Value::Int(c.target_us),
            Value::Int(c.started_at),
            Value::Int(c.elapsed_us),
            c.running_since.into(),
            c.stopped_at.into(),
            c.due_at.into(),
            Value::Int(c.fired),
            c.breached_at.into(),
            c.next_event_at.into(),
        ]);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Saves a clock's running state (what the timer and record changes move).
pub async fn update_clock(conn: &mut AnyConnection, c: &ClockRow) -> Result<()> {
    sqlx::query(
        "UPDATE sla_clocks SET target_us = $2, elapsed_us = $3, running_since = $4, stopped_at = $5, due_at = $6,
                fired = $7, breached_at = $8, next_event_at = $9
         WHERE id = $1",
    )
    .bind(c.id)
    .bind(c.target_us)
    .bind(c.elapsed_us)
    .bind(c.running_since)
    .bind(c.stopped_at)
    .bind(c.due_at)
    .bind(c.fired)
    .bind(c.breached_at)
    .bind(c.next_event_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records with a clock event due by `now`, soonest first: one range read
/// of the partial index on `next_event_at`.
pub async fn due_records(conn: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<(String, i64)>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT record_kind, record_id, MIN(next_event_at) AS at FROM (
             SELECT record_kind, record_id, next_event_at FROM sla_clocks
             WHERE next_event_at IS NOT NULL AND next_event_at <= $1 ORDER BY next_event_at LIMIT $2) due
         GROUP BY record_kind, record_id ORDER BY at",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(k, id, _)| (k, id)).collect())
}

/// The earliest moment any clock has an event, if one runs.
pub async fn next_event_at(conn: &mut AnyConnection) -> Result<Option<i64>> {
    let (at,): (Option<i64>,) = sqlx::query_as("SELECT MIN(next_event_at) FROM sla_clocks").fetch_one(conn).await?;
    Ok(at)
}

/// A record's SLA summary: which definition applied, the nearest due
/// moment of a running clock, whether any clock breached. Not a user edit,
/// so neither the version nor `updated_at` moves.
pub async fn set_summary(
    conn: &mut AnyConnection,
    id: i64,
    sla_id: Option<i64>,
    due_at: Option<i64>,
    breached: bool,
) -> Result<()> {
    sqlx::query("UPDATE records SET sla_id = $2, sla_due_at = $3, sla_breached = $4 WHERE id = $1")
        .bind(id)
        .bind(sla_id)
        .bind(due_at)
        .bind(i64::from(breached))
        .execute(conn)
        .await?;
    Ok(())
}

/// Fills `n` running resolution clocks on made-up records, their next
/// events spread evenly over `[from, from + span)`: the timer benchmark's
/// data, generated inside the database in one statement.
pub async fn generate_bench_clocks(conn: &mut AnyConnection, d: Dialect, n: i64, from: i64, span: i64) -> Result<()> {
    let numbers = match d.0 {
        crate::Backend::Sqlite => "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1)",
        crate::Backend::Postgres => "WITH s(n) AS (SELECT generate_series(1, $1::BIGINT))",
    };
    let sql = format!(
        "{numbers}
         INSERT INTO sla_clocks (record_kind, record_id, kind, calendar_id, thresholds, target_us, started_at,
                elapsed_us, running_since, due_at, fired, next_event_at)
         SELECT 'bench', n, 'resolution', 1, '[50,75,90]', 14400000000, $2, 0, $2, $2 + $3, 0,
                $2 + (n * $3) / $1
         FROM s"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(n).bind(from).bind(span).execute(conn).await?;
    Ok(())
}
