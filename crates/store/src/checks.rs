//! Steward's own checks (migration 0030): the checks, where each stands,
//! the scheduler's claims (leases), the batched write of results with
//! their rollups and events, history reads and the purge.

use crate::sql::{Sql, Value, like_pattern, rows_for_ids};
use crate::{Result, db::Dialect};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A check as kept; `settings` is its kind with the kind's settings, as JSON.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct CheckRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub settings: String,
    pub interval_secs: i64,
    pub timeout_ms: i64,
    pub retries: i64,
    pub ci_id: Option<i64>,
    pub service_id: Option<i64>,
    pub enabled: i64,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// Where a check stands; `memory` is the rest of the rules' state as JSON.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct StateRow {
    pub check_id: i64,
    pub status: String,
    pub state_type: String,
    pub hard_status: String,
    pub attempt: i64,
    pub flapping: i64,
    pub memory: String,
    pub last_at: Option<i64>,
    pub last_status: Option<String>,
    pub last_message: Option<String>,
    pub last_latency_ms: Option<i64>,
    pub next_run_at: Option<i64>,
    pub lease_until: Option<i64>,
    pub lease_node: Option<String>,
}

#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct CheckWithState {
    #[sqlx(flatten)]
    pub check: CheckRow,
    #[sqlx(flatten)]
    pub state: StateRow,
}

const CHECK_COLUMNS: &str = "c.id, c.name, c.kind, c.settings, c.interval_secs, c.timeout_ms, c.retries, c.ci_id, \
    c.service_id, c.enabled, c.created_by, c.updated_by, c.created_at, c.updated_at, c.version";
const STATE_COLUMNS: &str = "s.check_id, s.status, s.state_type, s.hard_status, s.attempt, s.flapping, s.memory, \
    s.last_at, s.last_status, s.last_message, s.last_latency_ms, s.next_run_at, s.lease_until, s.lease_node";

fn select() -> String {
    format!("SELECT {CHECK_COLUMNS}, {STATE_COLUMNS} FROM checks c JOIN check_states s ON s.check_id = c.id")
}

/// Adds the check (its `id` is ignored) with its state row, first due at
/// `next_run_at(id)` (the slot depends on the id); the new id.
pub async fn insert(c: &mut AnyConnection, row: &CheckRow, next_run_at: impl FnOnce(i64) -> i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO checks (name, kind, settings, interval_secs, timeout_ms, retries, ci_id, service_id, enabled,
             created_by, updated_by, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) RETURNING id",
    )
    .bind(row.name.clone())
    .bind(row.kind.clone())
    .bind(row.settings.clone())
    .bind(row.interval_secs)
    .bind(row.timeout_ms)
    .bind(row.retries)
    .bind(row.ci_id)
    .bind(row.service_id)
    .bind(row.enabled)
    .bind(row.created_by)
    .bind(row.updated_by)
    .bind(row.created_at)
    .bind(row.updated_at)
    .fetch_one(&mut *c)
    .await?;
    let next = (row.enabled != 0).then(|| next_run_at(id));
    sqlx::query("INSERT INTO check_states (check_id, next_run_at) VALUES ($1, $2)")
        .bind(id)
        .bind(next)
        .execute(c)
        .await?;
    Ok(id)
}

/// Replaces the check's fields if it is still at `version` (which goes up
/// by one) and sets when it runs next; whether it was.
pub async fn update(c: &mut AnyConnection, row: &CheckRow, version: i64, next_run_at: Option<i64>) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE checks SET name = $1, kind = $2, settings = $3, interval_secs = $4, timeout_ms = $5, retries = $6,
             ci_id = $7, service_id = $8, enabled = $9, updated_by = $10, updated_at = $11, version = version + 1
         WHERE id = $12 AND version = $13",
    )
    .bind(row.name.clone())
    .bind(row.kind.clone())
    .bind(row.settings.clone())
    .bind(row.interval_secs)
    .bind(row.timeout_ms)
    .bind(row.retries)
    .bind(row.ci_id)
    .bind(row.service_id)
    .bind(row.enabled)
    .bind(row.updated_by)
    .bind(row.updated_at)
    .bind(row.id)
    .bind(version)
    .execute(&mut *c)
    .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE check_states SET next_run_at = $2 WHERE check_id = $1")
        .bind(row.id)
        .bind(next_run_at)
        .execute(c)
        .await?;
    Ok(true)
}

/// Deletes the check with its state, results, rollups and events.
pub async fn delete(c: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM checks WHERE id = $1").bind(id).execute(c).await?;
    Ok(r.rows_affected() > 0)
}

pub async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<CheckWithState>> {
    let sql = format!("{} WHERE c.id = $1", select());
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?)
}

/// The id of the check with this name, if any.
pub async fn named(c: &mut AnyConnection, name: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM checks WHERE name = $1").bind(name.to_owned()).fetch_optional(c).await?;
    Ok(row.map(|(id,)| id))
}

/// What the list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The confirmed (hard) status.
    pub hard_status: Option<String>,
    pub kind: Option<String>,
    pub service_id: Option<i64>,
    pub ci_id: Option<i64>,
    pub enabled: Option<bool>,
    /// Text the name, or the kind's settings (its URL, host, file …),
    /// contain, in any case.
    pub text: Option<String>,
}

/// One page in id order after `after`; `limit + 1` rows are read to know
/// whether more follow.
pub async fn list(
    c: &mut AnyConnection,
    f: &ListFilter,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<CheckWithState>, bool)> {
    let mut q = Sql::new(&select());
    q.push(" WHERE c.id > ").bind(Value::Int(after.unwrap_or(0)));
    if let Some(s) = &f.hard_status {
        q.push(" AND s.hard_status = ").bind(s.as_str().into());
    }
    if let Some(k) = &f.kind {
        q.push(" AND c.kind = ").bind(k.as_str().into());
    }
    if let Some(id) = f.service_id {
        q.push(" AND c.service_id = ").bind(Value::Int(id));
    }
    if let Some(id) = f.ci_id {
        q.push(" AND c.ci_id = ").bind(Value::Int(id));
    }
    if let Some(e) = f.enabled {
        q.push(" AND c.enabled = ").bind(Value::Int(i64::from(e)));
    }
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        // Checks are few next to results: a scan of their names is cheap.
        let pattern = Value::Text(like_pattern(&t.to_lowercase()));
        q.push(" AND (LOWER(c.name) LIKE ").bind(pattern.clone()).push(" ESCAPE '\\'");
        q.push(" OR LOWER(c.settings) LIKE ").bind(pattern).push(" ESCAPE '\\')");
    }
    q.push(" ORDER BY c.id LIMIT ").bind(Value::Int(limit + 1));
    let mut rows: Vec<CheckWithState> = q.fetch_all(c).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// Claims up to `limit` checks due at `now` whose lease (if any) has run
/// out, leasing each to `node` for its timeout plus `slack`: no other node
/// runs it before that, and if `node` dies another takes it after. On
/// PostgreSQL rows another node is claiming are skipped, not waited for.
/// Returns them in id order.
pub async fn claim_due(
    c: &mut AnyConnection,
    d: Dialect,
    now: i64,
    slack: i64,
    node: &str,
    limit: i64,
) -> Result<Vec<CheckWithState>> {
    if limit <= 0 {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE check_states SET lease_node = $3,
             lease_until = $1 + $2 + (SELECT k.timeout_ms FROM checks k WHERE k.id = check_states.check_id) * 1000
         WHERE check_id IN (
            SELECT check_id FROM check_states
            WHERE next_run_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            ORDER BY next_run_at LIMIT $4{})
         RETURNING check_id",
        d.skip_locked()
    );
    let ids: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(slack)
        .bind(node.to_owned())
        .bind(limit)
        .fetch_all(&mut *c)
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    let mut rows: Vec<CheckWithState> = rows_for_ids(c, &format!("{} WHERE c.id IN ", select()), &ids).await?;
    rows.sort_by_key(|r| r.check.id);
    Ok(rows)
}

/// The state a run leaves a check in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewState {
    pub status: String,
    pub state_type: String,
    pub hard_status: String,
    pub attempt: i64,
    pub flapping: bool,
    pub memory: String,
}

/// A hard state change or flapping starting or stopping.
#[derive(Debug, Clone, PartialEq, FromRow, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub check_id: i64,
    pub at: i64,
    pub kind: String,
    pub from_status: String,
    pub to_status: String,
    pub notify: i64,
    pub message: String,
}

/// One run's outcome, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub check_id: i64,
    pub at: i64,
    pub status: String,
    pub latency_ms: i64,
    pub message: String,
    /// A JSON list.
    pub perfdata: String,
    pub state: NewState,
    /// The next slot (kept empty if the check was disabled meanwhile).
    pub next_run_at: i64,
    /// Its events (`id` is ignored).
    pub events: Vec<EventRow>,
}

/// A rollup's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Minute,
    Hour,
    Day,
}

impl Span {
    pub const ALL: [Span; 3] = [Span::Minute, Span::Hour, Span::Day];

    pub fn as_str(self) -> &'static str {
        match self {
            Span::Minute => "minute",
            Span::Hour => "hour",
            Span::Day => "day",
        }
    }

    pub fn micros(self) -> i64 {
        match self {
            Span::Minute => 60_000_000,
            Span::Hour => 3_600_000_000,
            Span::Day => 86_400_000_000,
        }
    }

    /// The start of the bucket `at` falls in (UTC).
    pub fn bucket(self, at: i64) -> i64 {
        at - at.rem_euclid(self.micros())
    }
}

/// Rows a multi-row statement carries at most (well inside both engines'
/// limits on bound values).
const CHUNK: usize = 200;

/// Records a batch of runs by `node` in the caller's transaction: each
/// check's state (only while `node` still holds its lease: a run whose
/// lease ran out and was taken over is dropped), then the results, the
/// events and the minute, hour and day rollups as multi-row statements.
/// Returns the ids of the checks recorded.
pub async fn record(c: &mut AnyConnection, d: Dialect, node: &str, runs: &[Run]) -> Result<Vec<i64>> {
    let mut kept: Vec<&Run> = Vec::with_capacity(runs.len());
    for r in runs {
        let s = &r.state;
        let done = sqlx::query(
            "UPDATE check_states SET status = $2, state_type = $3, hard_status = $4, attempt = $5, flapping = $6,
                 memory = $7, last_at = $8, last_status = $9, last_message = $10, last_latency_ms = $11,
                 next_run_at = CASE WHEN next_run_at IS NULL THEN NULL ELSE $12 END,
                 lease_until = NULL, lease_node = NULL
             WHERE check_id = $1 AND lease_node = $13",
        )
        .bind(r.check_id)
        .bind(s.status.clone())
        .bind(s.state_type.clone())
        .bind(s.hard_status.clone())
        .bind(s.attempt)
        .bind(i64::from(s.flapping))
        .bind(s.memory.clone())
        .bind(r.at)
        .bind(r.status.clone())
        .bind(r.message.clone())
        .bind(r.latency_ms)
        .bind(r.next_run_at)
        .bind(node.to_owned())
        .execute(&mut *c)
        .await?;
        if done.rows_affected() > 0 {
            kept.push(r);
        }
    }
    for chunk in kept.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO check_results (check_id, at, status, latency_ms, message, perfdata) VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(r.check_id),
                Value::Int(r.at),
                r.status.as_str().into(),
                Value::Int(r.latency_ms),
                r.message.as_str().into(),
                r.perfdata.as_str().into(),
            ]);
        }
        q.execute(&mut *c).await?;
    }
    let events: Vec<&EventRow> = kept.iter().flat_map(|r| r.events.iter()).collect();
    for chunk in events.chunks(CHUNK) {
        let mut q =
            Sql::new("INSERT INTO check_events (check_id, at, kind, from_status, to_status, notify, message) VALUES ");
        for (i, e) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(e.check_id),
                Value::Int(e.at),
                e.kind.as_str().into(),
                e.from_status.as_str().into(),
                e.to_status.as_str().into(),
                Value::Int(e.notify),
                e.message.as_str().into(),
            ]);
        }
        q.execute(&mut *c).await?;
    }
    for span in Span::ALL {
        roll_up(c, d, span, &kept).await?;
    }
    Ok(kept.iter().map(|r| r.check_id).collect())
}

/// Adds the runs to their buckets of `span`: one upsert per chunk. The
/// runs of one check in a batch are summed first, since one statement
/// may not touch a row twice (PostgreSQL refuses).
async fn roll_up(c: &mut AnyConnection, d: Dialect, span: Span, runs: &[&Run]) -> Result<()> {
    let mut sums: std::collections::BTreeMap<(i64, i64), [i64; 6]> = Default::default();
    for r in runs {
        let s = sums.entry((r.check_id, span.bucket(r.at))).or_default();
        let col = match r.status.as_str() {
            "ok" => 0,
            "warning" => 1,
            "critical" => 2,
            _ => 3,
        };
        s[col] += 1;
        s[4] += r.latency_ms;
        s[5] = s[5].max(r.latency_ms);
    }
    let sums: Vec<_> = sums.into_iter().collect();
    let greatest = d.greatest();
    for chunk in sums.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO check_rollups (check_id, span, bucket, ok, warning, critical, unknown, latency_sum_ms,
                 latency_max_ms) VALUES ",
        );
        for (i, ((check, bucket), s)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let mut values = vec![Value::Int(*check), span.as_str().into(), Value::Int(*bucket)];
            values.extend(s.iter().map(|v| Value::Int(*v)));
            q.row(values);
        }
        q.push(&format!(
            " ON CONFLICT (check_id, span, bucket) DO UPDATE SET ok = check_rollups.ok + excluded.ok,
                warning = check_rollups.warning + excluded.warning,
                critical = check_rollups.critical + excluded.critical,
                unknown = check_rollups.unknown + excluded.unknown,
                latency_sum_ms = check_rollups.latency_sum_ms + excluded.latency_sum_ms,
                latency_max_ms = {greatest}(check_rollups.latency_max_ms, excluded.latency_max_ms)"
        ));
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// One raw result.
#[derive(Debug, Clone, PartialEq, FromRow, Serialize)]
pub struct ResultRow {
    pub at: i64,
    pub status: String,
    pub latency_ms: i64,
    pub message: String,
    pub perfdata: String,
}

/// The check's raw results in `[from, to)`, oldest first, at most `limit`.
pub async fn results(c: &mut AnyConnection, check_id: i64, from: i64, to: i64, limit: i64) -> Result<Vec<ResultRow>> {
    Ok(sqlx::query_as(
        "SELECT at, status, latency_ms, message, perfdata FROM check_results
         WHERE check_id = $1 AND at >= $2 AND at < $3 ORDER BY at LIMIT $4",
    )
    .bind(check_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The check's latest raw result, if one is kept.
pub async fn latest_result(c: &mut AnyConnection, check_id: i64) -> Result<Option<ResultRow>> {
    Ok(sqlx::query_as(
        "SELECT at, status, latency_ms, message, perfdata FROM check_results
         WHERE check_id = $1 ORDER BY at DESC LIMIT 1",
    )
    .bind(check_id)
    .fetch_optional(c)
    .await?)
}

/// Results counted in one bucket.
#[derive(Debug, Clone, Default, PartialEq, FromRow, Serialize)]
pub struct RollupRow {
    pub bucket: i64,
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
    pub latency_sum_ms: i64,
    pub latency_max_ms: i64,
}

/// The check's buckets of `span` starting in `[from, to)`, oldest first.
pub async fn rollups(
    c: &mut AnyConnection,
    check_id: i64,
    span: Span,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<RollupRow>> {
    Ok(sqlx::query_as(
        "SELECT bucket, ok, warning, critical, unknown, latency_sum_ms, latency_max_ms FROM check_rollups
         WHERE check_id = $1 AND span = $2 AND bucket >= $3 AND bucket < $4 ORDER BY bucket LIMIT $5",
    )
    .bind(check_id)
    .bind(span.as_str().to_owned())
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The results of every check of a service in buckets of `span` starting
/// in `[from, to)`, summed (`bucket` is `from`); and how many checks
/// the service has.
pub async fn service_totals(
    c: &mut AnyConnection,
    service_id: i64,
    span: Span,
    from: i64,
    to: i64,
) -> Result<(RollupRow, i64)> {
    let (ok, warning, critical, unknown, latency_sum_ms, latency_max_ms): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(r.ok), 0) AS BIGINT), CAST(COALESCE(SUM(r.warning), 0) AS BIGINT), CAST(COALESCE(SUM(r.critical), 0) AS BIGINT),
                 CAST(COALESCE(SUM(r.unknown), 0) AS BIGINT), CAST(COALESCE(SUM(r.latency_sum_ms), 0) AS BIGINT), COALESCE(MAX(r.latency_max_ms), 0)
             FROM checks c JOIN check_rollups r ON r.check_id = c.id
             WHERE c.service_id = $1 AND r.span = $2 AND r.bucket >= $3 AND r.bucket < $4",
        )
        .bind(service_id)
        .bind(span.as_str().to_owned())
        .bind(from)
        .bind(to)
        .fetch_one(&mut *c)
        .await?;
    let (checks,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM checks WHERE service_id = $1").bind(service_id).fetch_one(c).await?;
    Ok((RollupRow { bucket: from, ok, warning, critical, unknown, latency_sum_ms, latency_max_ms }, checks))
}

/// Per service with checks (or only `service`): its checks and the hour
/// rollups of their results from `from` to `to` (microseconds, `to` not
/// included): `(service, checks, [ok, warning, critical, unknown])`.
pub async fn availability_by_service(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
    service: Option<i64>,
) -> Result<Vec<(i64, i64, [i64; 4])>> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.service_id, CAST(COUNT(DISTINCT c.id) AS BIGINT), CAST(COALESCE(SUM(r.ok), 0) AS BIGINT),
             CAST(COALESCE(SUM(r.warning), 0) AS BIGINT), CAST(COALESCE(SUM(r.critical), 0) AS BIGINT),
             CAST(COALESCE(SUM(r.unknown), 0) AS BIGINT)
         FROM checks c JOIN check_rollups r ON r.check_id = c.id AND r.span = 'hour' AND r.bucket >= $1 AND r.bucket < $2
         WHERE c.service_id IS NOT NULL AND ($3 = 0 OR c.service_id = $4)
         GROUP BY c.service_id ORDER BY c.service_id",
    )
    .bind(from)
    .bind(to)
    .bind(i64::from(service.is_some()))
    .bind(service.unwrap_or(0))
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(s, n, ok, w, cr, u)| (s, n, [ok, w, cr, u])).collect())
}

/// The check's events, newest first, before the event id `before`.
pub async fn events(c: &mut AnyConnection, check_id: i64, before: Option<i64>, limit: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT id, check_id, at, kind, from_status, to_status, notify, message FROM check_events
         WHERE check_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(check_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Every check's events after the event id `after`, oldest first: how the
/// alert pipeline follows them.
pub async fn events_after(c: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT id, check_id, at, kind, from_status, to_status, notify, message FROM check_events
         WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// Deletes up to `limit` raw results from before `before`; how many.
pub async fn purge_results(c: &mut AnyConnection, before: i64, limit: i64) -> Result<u64> {
    let r = sqlx::query(
        "DELETE FROM check_results WHERE id IN (SELECT id FROM check_results WHERE at < $1 ORDER BY at LIMIT $2)",
    )
    .bind(before)
    .bind(limit)
    .execute(c)
    .await?;
    Ok(r.rows_affected())
}

/// Deletes up to `limit` rollups of `span` from before `before`; how many.
pub async fn purge_rollups(c: &mut AnyConnection, span: Span, before: i64, limit: i64) -> Result<u64> {
    let r = sqlx::query(
        "DELETE FROM check_rollups WHERE (check_id, span, bucket) IN (
             SELECT check_id, span, bucket FROM check_rollups WHERE span = $1 AND bucket < $2 ORDER BY bucket LIMIT $3)",
    )
    .bind(span.as_str().to_owned())
    .bind(before)
    .bind(limit)
    .execute(c)
    .await?;
    Ok(r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_start_on_the_span() {
        let at = 1_700_000_123_456_789;
        assert_eq!(Span::Minute.bucket(at) % 60_000_000, 0);
        assert!(at - Span::Minute.bucket(at) < 60_000_000);
        assert_eq!(Span::Day.bucket(86_400_000_000 + 5), 86_400_000_000);
        assert_eq!(Span::Hour.bucket(-1), -3_600_000_000, "before 1970 too");
    }
}
