//! The measures' daily totals (issue 14, migration 0035): what the worker
//! reads of records to count them, the facts each record was counted as,
//! the totals it adds to, and a period's sums.

use crate::sql::{Sql, Value};
use crate::{Result, StoreError};
use sqlx::{AnyConnection, FromRow, Row};
use steward_domain::report::{
    BUCKETS, Counts, Delta, Dims, FACTS_VERSION, Histogram, SlaCounts, SlaKey, marks::MarkSums,
};

/// The histogram columns' prefixes: response, resolution (wall), business.
const HISTOGRAMS: [&str; 3] = ["rh", "xh", "bh"];
const COUNTERS: [&str; 5] = ["arrivals", "resolved", "fcr", "reopened", "escalations"];
const KEYS: &str = "day, kind, service_id, group_id, organisation_id, priority";

/// The count columns of `report_days`, in the order [`counts_values`]
/// writes them and [`counts_of`] reads them.
fn count_columns() -> &'static [String] {
    static COLS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    COLS.get_or_init(|| {
        let mut cols: Vec<String> = COUNTERS.iter().map(|c| c.to_string()).collect();
        cols.extend((0..24).map(|h| format!("ah{h}")));
        for h in HISTOGRAMS {
            cols.push(format!("{h}_n"));
            cols.push(format!("{h}_sum"));
            cols.extend((0..BUCKETS).map(|i| format!("{h}{i}")));
        }
        cols
    })
}

fn counts_values(c: &Counts) -> impl Iterator<Item = Value> + '_ {
    let head = [c.arrivals, c.resolved, c.fcr, c.reopened, c.escalations];
    let hist = [&c.response, &c.resolve, &c.business]
        .into_iter()
        .flat_map(|h| [h.n, h.sum].into_iter().chain(h.buckets.iter().copied()));
    head.into_iter().chain(c.arrivals_by_hour).chain(hist).map(Value::Int)
}

/// Reads counts from `values` in [`count_columns`] order.
fn counts_of(values: &[i64]) -> Counts {
    let hist = |at: usize| {
        let mut h = Histogram { n: values[at], sum: values[at + 1], ..Default::default() };
        h.buckets.copy_from_slice(&values[at + 2..at + 2 + BUCKETS]);
        h
    };
    let w = 2 + BUCKETS;
    let mut arrivals_by_hour = [0; 24];
    arrivals_by_hour.copy_from_slice(&values[5..29]);
    Counts {
        arrivals: values[0],
        resolved: values[1],
        fcr: values[2],
        reopened: values[3],
        escalations: values[4],
        arrivals_by_hour,
        response: hist(29),
        resolve: hist(29 + w),
        business: hist(29 + 2 * w),
    }
}

/// What the worker reads of a record.
#[derive(Debug, Clone, FromRow)]
pub struct RecordRow {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub service_id: Option<i64>,
    pub assignment_group_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub priority: i64,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolution_code: Option<String>,
}

/// The kinds the measures count (knowledge articles are not worked on).
pub const COUNTED_KINDS: &str = "kind <> 'article'";

/// Records by id (those of counted kinds).
pub async fn records(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<RecordRow>> {
    let select = format!(
        "SELECT id, kind, state, service_id, assignment_group_id, organisation_id, priority, opened_at, first_response_at, \
         resolved_at, resolution_code FROM records WHERE {COUNTED_KINDS} AND id IN "
    );
    crate::sql::rows_for_ids(conn, &select, ids).await
}

/// Record ids after `after`, in order, at most `limit` (a rebuild's walk).
pub async fn record_ids_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<i64>> {
    let sql = format!("SELECT id FROM records WHERE id > $1 AND {COUNTED_KINDS} ORDER BY id LIMIT $2");
    let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Journal entries after `after` in id order, at most `limit`: `(id,
/// record_id, at)`.
pub async fn journal_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, record_id, at FROM journal WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// The last journal entry's id (0: none).
pub async fn last_journal_id(conn: &mut AnyConnection) -> Result<i64> {
    let (id,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM journal").fetch_one(conn).await?;
    Ok(id.unwrap_or(0))
}

/// The journal's say on records of `kind`: `(record_id, at, reopen)` for
/// each reopen (`reopen` 1) and each move from one assignment group to
/// another (0).
pub async fn moves(conn: &mut AnyConnection, kind: &str, ids: &[i64]) -> Result<Vec<(i64, i64, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = Sql::written(
            "SELECT record_id, at, CASE WHEN changes LIKE '%\"field\":\"reopen_count\"%' THEN 1 ELSE 0 END \
             FROM journal WHERE record_kind = $1 AND (changes LIKE '%\"field\":\"reopen_count\"%' \
             OR changes LIKE '%\"field\":\"assignment_group\",\"old\":\"%') AND record_id IN ",
            vec![Value::from(kind)],
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        let mut rows: Vec<(i64, i64, i64)> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// When escalation rules fired on records of `kind`: `(record_id, at)`.
pub async fn escalations(conn: &mut AnyConnection, kind: &str, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = Sql::written(
            "SELECT record_id, at FROM escalation_firings WHERE record_kind = $1 AND record_id IN ",
            vec![Value::from(kind)],
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        let mut rows: Vec<(i64, i64)> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// A clock as the measures read it.
#[derive(Debug, Clone, FromRow)]
pub struct ClockRow {
    pub record_id: i64,
    pub kind: String,
    pub sla_id: Option<i64>,
    pub group_id: Option<i64>,
    pub elapsed_us: i64,
    pub stopped_at: Option<i64>,
    pub breached_at: Option<i64>,
}

/// The SLA and OLA clocks of records of `kind`, oldest first.
pub async fn clocks(conn: &mut AnyConnection, kind: &str, ids: &[i64]) -> Result<Vec<ClockRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = Sql::written(
            "SELECT record_id, kind, sla_id, group_id, elapsed_us, stopped_at, breached_at FROM sla_clocks \
             WHERE record_kind = $1 AND record_id IN ",
            vec![Value::from(kind)],
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.push(" ORDER BY id");
        let mut rows: Vec<ClockRow> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// Of the problems `ids`, the known errors and since when: `(id, at)`.
pub async fn known_errors(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let select = "SELECT record_id, COALESCE(known_error_at, 0) FROM problem_details WHERE known_error = 1 \
                  AND record_id IN ";
    crate::sql::rows_for_ids_with(conn, select, &[], ids, "").await
}

/// How many incidents name each of `ids` by `link` (`caused_by` a problem,
/// `caused_by_change`): `(id, incidents)`, those with none left out.
pub async fn incidents_linking(conn: &mut AnyConnection, link: &str, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let select = "SELECT l.to_id, COUNT(*) FROM record_links l JOIN records i ON i.id = l.from_id \
                  WHERE i.kind = 'incident' AND l.link = $1 AND l.to_id IN ";
    crate::sql::rows_for_ids_with(conn, select, &[Value::from(link)], ids, " GROUP BY l.to_id").await
}

/// Of the incidents `ids`, those the correlation opened from alerts.
pub async fn from_alerts(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = crate::sql::rows_for_ids_with(
        conn,
        "SELECT DISTINCT incident_id FROM alert_groups WHERE incident_id IN ",
        &[],
        ids,
        "",
    )
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Alert episodes that began firing after history entry `after`, in id
/// order, at most `limit`: `(id, at)`.
pub async fn firings_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, at FROM alert_events WHERE id > $1 AND kind = 'fired' ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// How far the alerts' history has been counted.
pub async fn alert_mark(conn: &mut AnyConnection) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT alert_event_id FROM report_state WHERE id = 1").fetch_optional(conn).await?;
    Ok(row.map_or(0, |r| r.0))
}

pub async fn set_alert_mark(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE report_state SET alert_event_id = $1 WHERE id = 1").bind(id).execute(conn).await?;
    Ok(())
}

/// The facts each of `ids` was last counted as (JSON).
pub async fn stored_facts(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    crate::sql::rows_for_ids(conn, "SELECT record_id, facts FROM report_facts WHERE record_id IN ", ids).await
}

/// Keeps what each record is counted as now (none: it is not counted).
pub async fn put_facts(conn: &mut AnyConnection, rows: &[(i64, Option<String>)]) -> Result<()> {
    let gone: Vec<i64> = rows.iter().filter(|r| r.1.is_none()).map(|r| r.0).collect();
    for chunk in gone.chunks(500) {
        let mut q = Sql::new("DELETE FROM report_facts WHERE record_id IN ");
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.execute(&mut *conn).await?;
    }
    let kept: Vec<(i64, &str)> = rows.iter().filter_map(|(id, f)| f.as_deref().map(|f| (*id, f))).collect();
    for chunk in kept.chunks(500) {
        let mut q = Sql::new("INSERT INTO report_facts (record_id, facts) VALUES ");
        for (i, (id, facts)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([Value::Int(*id), Value::from(*facts)]);
        }
        q.push(" ON CONFLICT (record_id) DO UPDATE SET facts = excluded.facts");
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn key_values(kind: &str, dims: &Dims, day: i64) -> [Value; 6] {
    [
        Value::Int(day),
        Value::from(kind),
        Value::Int(dims.service),
        Value::Int(dims.group),
        Value::Int(dims.organisation),
        Value::Int(dims.priority),
    ]
}

/// Adds a delta to the totals, many rows a statement.
pub async fn apply(conn: &mut AnyConnection, delta: &Delta) -> Result<()> {
    let cols = count_columns();
    let rows: Vec<_> = delta.days.iter().collect();
    let set: Vec<String> = cols.iter().map(|c| format!("{c} = report_days.{c} + excluded.{c}")).collect();
    for chunk in rows.chunks(150) {
        let mut q = Sql::new(&format!("INSERT INTO report_days ({KEYS}, {}) VALUES ", cols.join(", ")));
        for (i, ((kind, dims, day), counts)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row(key_values(kind, dims, *day).into_iter().chain(counts_values(counts)));
        }
        q.push(&format!(" ON CONFLICT ({KEYS}) DO UPDATE SET {}", set.join(", ")));
        q.execute(&mut *conn).await?;
    }
    let rows: Vec<_> = delta.sla.iter().collect();
    for chunk in rows.chunks(500) {
        let mut q = Sql::new(&format!(
            "INSERT INTO report_sla_days ({KEYS}, sla_id, ola_group_id, target, met, breached) VALUES "
        ));
        for (i, ((kind, dims, day, key), s)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let tail = [
                Value::Int(key.sla),
                Value::Int(key.ola_group),
                Value::from(key.target.as_str()),
                Value::Int(s.met),
                Value::Int(s.breached),
            ];
            q.row(key_values(kind, dims, *day).into_iter().chain(tail));
        }
        q.push(&format!(
            " ON CONFLICT ({KEYS}, sla_id, ola_group_id, target) DO UPDATE SET \
             met = report_sla_days.met + excluded.met, breached = report_sla_days.breached + excluded.breached"
        ));
        q.execute(&mut *conn).await?;
    }
    let rows: Vec<_> = delta.totals.iter().collect();
    for chunk in rows.chunks(500) {
        let mut q = Sql::new("INSERT INTO report_totals (kind, name, label, priority, n) VALUES ");
        for (i, (k, n)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::from(k.kind.as_str()),
                Value::from(k.name),
                Value::from(k.label.as_str()),
                Value::Int(k.priority),
                Value::Int(**n),
            ]);
        }
        q.push(" ON CONFLICT (kind, name, label, priority) DO UPDATE SET n = report_totals.n + excluded.n");
        q.execute(&mut *conn).await?;
    }
    let rows: Vec<_> = delta.marks.iter().collect();
    for chunk in rows.chunks(500) {
        let mut q = Sql::new(&format!("INSERT INTO report_marks ({KEYS}, name, n) VALUES "));
        for (i, ((kind, dims, day, name), n)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row(key_values(kind, dims, *day).into_iter().chain([Value::from(name.as_str()), Value::Int(**n)]));
        }
        q.push(&format!(" ON CONFLICT ({KEYS}, name) DO UPDATE SET n = report_marks.n + excluded.n"));
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The standing totals (`/metrics`): `(kind, name, label, priority, n)`,
/// those that are not zero.
pub async fn totals(conn: &mut AnyConnection) -> Result<Vec<(String, String, String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT kind, name, label, priority, n FROM report_totals WHERE n <> 0 ORDER BY kind, name, label, priority",
    )
    .fetch_all(conn)
    .await?)
}

/// Where the worker stands: the last journal entry it counted, the time
/// zone its days are cut in and the shape of facts it counted them from
/// (none: never built).
pub async fn state(conn: &mut AnyConnection) -> Result<Option<(i64, String, i64)>> {
    Ok(sqlx::query_as("SELECT journal_id, zone, facts_version FROM report_state WHERE id = 1")
        .fetch_optional(conn)
        .await?)
}

/// Takes the worker's turn: locks its state row (PostgreSQL; SQLite has one
/// writer anyway), so two nodes never count the same change twice. The
/// state as it stands under the lock.
pub async fn lock_state(conn: &mut AnyConnection) -> Result<Option<(i64, String)>> {
    sqlx::query("UPDATE report_state SET built_at = built_at WHERE id = 1").execute(&mut *conn).await?;
    Ok(state(conn).await?.map(|(mark, zone, _)| (mark, zone)))
}

pub async fn set_state(conn: &mut AnyConnection, journal_id: i64, zone: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_state (id, journal_id, zone, built_at, facts_version) VALUES (1, $1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET journal_id = excluded.journal_id, zone = excluded.zone, \
         facts_version = excluded.facts_version",
    )
    .bind(journal_id)
    .bind(zone.to_owned())
    .bind(now)
    .bind(FACTS_VERSION)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops every total and fact (a rebuild starts from nothing, and sets the
/// worker's state afresh, the alerts' history to be read from its start);
/// the backlog's snapshots are history and stay.
pub async fn clear(conn: &mut AnyConnection) -> Result<()> {
    for t in ["report_days", "report_sla_days", "report_facts", "report_totals", "report_marks"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *conn).await?;
    }
    set_alert_mark(conn, 0).await
}

/// The ages (since opening) the backlog is split by, in microseconds: a
/// record older than `AGES[i]` is in bucket `i + 1`.
pub const AGES: [i64; 4] = [86_400_000_000, 3 * 86_400_000_000, 7 * 86_400_000_000, 30 * 86_400_000_000];

/// When today's backlog was last counted (0: never).
pub async fn backlog_at(conn: &mut AnyConnection) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT backlog_at FROM report_state WHERE id = 1").fetch_optional(conn).await?;
    Ok(row.map_or(0, |r| r.0))
}

/// Counts the records of `kind` open now (in one of `open_states`) into
/// `day`'s backlog, in place of what an earlier snapshot of the day said.
pub async fn snapshot_backlog(
    conn: &mut AnyConnection,
    day: i64,
    now: i64,
    kind: &str,
    open_states: &[&str],
) -> Result<()> {
    sqlx::query("DELETE FROM report_backlog WHERE day = $1 AND kind = $2")
        .bind(day)
        .bind(kind.to_owned())
        .execute(&mut *conn)
        .await?;
    if open_states.is_empty() {
        return Ok(());
    }
    let mut q = Sql::written(
        "INSERT INTO report_backlog (day, kind, service_id, group_id, organisation_id, priority, open_n,          age0, age1, age2, age3, age4)          SELECT $1, kind, COALESCE(service_id, 0), COALESCE(assignment_group_id, 0), COALESCE(organisation_id, 0),          priority, COUNT(*),          SUM(CASE WHEN opened_at > $3 THEN 1 ELSE 0 END),          SUM(CASE WHEN opened_at <= $3 AND opened_at > $4 THEN 1 ELSE 0 END),          SUM(CASE WHEN opened_at <= $4 AND opened_at > $5 THEN 1 ELSE 0 END),          SUM(CASE WHEN opened_at <= $5 AND opened_at > $6 THEN 1 ELSE 0 END),          SUM(CASE WHEN opened_at <= $6 THEN 1 ELSE 0 END)          FROM records WHERE kind = $2 AND state IN ",
        vec![
            Value::Int(day),
            Value::from(kind),
            Value::Int(now - AGES[0]),
            Value::Int(now - AGES[1]),
            Value::Int(now - AGES[2]),
            Value::Int(now - AGES[3]),
        ],
    );
    q.row(open_states.iter().map(|s| Value::from(*s)));
    q.push(" GROUP BY kind, COALESCE(service_id, 0), COALESCE(assignment_group_id, 0), COALESCE(organisation_id, 0), priority");
    q.execute(conn).await?;
    Ok(())
}

pub async fn set_backlog_at(conn: &mut AnyConnection, at: i64) -> Result<()> {
    sqlx::query("UPDATE report_state SET backlog_at = $1 WHERE id = 1").bind(at).execute(conn).await?;
    Ok(())
}

/// The backlog of each day from `from` to `to` that has a snapshot: the
/// open records and their split by age ([`AGES`]).
pub async fn backlog(conn: &mut AnyConnection, from: i64, to: i64, f: &Filter) -> Result<Vec<(i64, i64, [i64; 5])>> {
    let mut q = Sql::new(
        "SELECT day, CAST(SUM(open_n) AS BIGINT), CAST(SUM(age0) AS BIGINT), CAST(SUM(age1) AS BIGINT),          CAST(SUM(age2) AS BIGINT), CAST(SUM(age3) AS BIGINT), CAST(SUM(age4) AS BIGINT)          FROM report_backlog WHERE day >= ",
    );
    q.bind(Value::Int(from)).push(" AND day <= ").bind(Value::Int(to));
    f.push(&mut q);
    q.push(" GROUP BY day ORDER BY day");
    let rows: Vec<(i64, i64, i64, i64, i64, i64, i64)> = q.fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| (r.0, r.1, [r.2, r.3, r.4, r.5, r.6])).collect())
}

/// What a period's sums are narrowed to (none: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<String>,
    pub service: Option<i64>,
    pub group: Option<i64>,
    pub organisation: Option<i64>,
    pub priority: Option<i64>,
    /// One of these groups (an agent's own), beside `group`; empty: any.
    pub groups: Vec<i64>,
}

impl Filter {
    fn push(&self, q: &mut Sql) {
        if let Some(k) = &self.kind {
            q.push(" AND kind = ").bind(Value::from(k.as_str()));
        }
        if !self.groups.is_empty() {
            q.push(" AND group_id IN ").row(self.groups.iter().map(|g| Value::Int(*g)));
        }
        for (col, v) in [
            ("service_id", self.service),
            ("group_id", self.group),
            ("organisation_id", self.organisation),
            ("priority", self.priority),
        ] {
            if let Some(v) = v {
                q.push(&format!(" AND {col} = ")).bind(Value::Int(v));
            }
        }
    }
}

/// What a period's counts are summed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Day,
    Service,
    Group,
    Organisation,
    Priority,
}

impl By {
    fn column(self) -> &'static str {
        match self {
            By::Day => "day",
            By::Service => "service_id",
            By::Group => "group_id",
            By::Organisation => "organisation_id",
            By::Priority => "priority",
        }
    }
}

/// The counts of the days from `from` to `to` (`YYYYMMDD`, both included)
/// summed per day, service, group, organisation or priority (0: none), in
/// that key's order; keys with no rows are left out.
pub async fn sums(conn: &mut AnyConnection, from: i64, to: i64, f: &Filter, by: By) -> Result<Vec<(i64, Counts)>> {
    let cols = count_columns();
    let sums: Vec<String> = cols.iter().map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)")).collect();
    let key = by.column();
    let mut q = Sql::new(&format!("SELECT {key}, {} FROM report_days WHERE day >= ", sums.join(", ")));
    q.bind(Value::Int(from)).push(" AND day <= ").bind(Value::Int(to));
    f.push(&mut q);
    q.push(&format!(" GROUP BY {key} ORDER BY {key}"));
    let (text, args) = q.parts(conn).map_err(StoreError::from)?;
    let rows = sqlx::query_with(sqlx::AssertSqlSafe(text), args).fetch_all(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut values = vec![0i64; cols.len()];
    for r in rows {
        let k: i64 = r.try_get(0)?;
        for (i, v) in values.iter_mut().enumerate() {
            *v = r.try_get(i + 1)?;
        }
        out.push((k, counts_of(&values)));
    }
    Ok(out)
}

/// Like [`sums`], with only what a bar needs: arrivals, resolutions and
/// the resolution time's count and sum (a quarter of the work of every
/// column when the grouping cannot follow the key's order).
pub async fn light_sums(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    f: &Filter,
    by: By,
) -> Result<Vec<(i64, Counts)>> {
    let key = by.column();
    let mut q = Sql::new(&format!(
        "SELECT {key}, CAST(COALESCE(SUM(arrivals), 0) AS BIGINT), CAST(COALESCE(SUM(resolved), 0) AS BIGINT), \
         CAST(COALESCE(SUM(xh_n), 0) AS BIGINT), CAST(COALESCE(SUM(xh_sum), 0) AS BIGINT) FROM report_days WHERE day >= "
    ));
    q.bind(Value::Int(from)).push(" AND day <= ").bind(Value::Int(to));
    f.push(&mut q);
    q.push(&format!(" GROUP BY {key} ORDER BY {key}"));
    let rows: Vec<(i64, i64, i64, i64, i64)> = q.fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(k, arrivals, resolved, n, sum)| {
            let resolve = Histogram { n, sum, ..Default::default() };
            (k, Counts { arrivals, resolved, resolve, ..Default::default() })
        })
        .collect())
}

/// The period's marks per (kind, name).
pub async fn mark_sums(conn: &mut AnyConnection, from: i64, to: i64, f: &Filter) -> Result<MarkSums> {
    let mut q = Sql::new("SELECT kind, name, CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM report_marks WHERE day >= ");
    q.bind(Value::Int(from)).push(" AND day <= ").bind(Value::Int(to));
    f.push(&mut q);
    q.push(" GROUP BY kind, name");
    let rows: Vec<(String, String, i64)> = q.fetch_all(conn).await?;
    Ok(MarkSums { marks: rows.into_iter().map(|(k, n, v)| ((k, n), v)).collect() })
}

/// Met and breached clocks of the period per SLA target and group OLA.
pub async fn sla(conn: &mut AnyConnection, from: i64, to: i64, f: &Filter) -> Result<Vec<(SlaKey, SlaCounts)>> {
    let mut q = Sql::new(
        "SELECT sla_id, ola_group_id, target, CAST(COALESCE(SUM(met), 0) AS BIGINT), \
         CAST(COALESCE(SUM(breached), 0) AS BIGINT) FROM report_sla_days WHERE day >= ",
    );
    q.bind(Value::Int(from)).push(" AND day <= ").bind(Value::Int(to));
    f.push(&mut q);
    q.push(" GROUP BY sla_id, ola_group_id, target ORDER BY sla_id, ola_group_id, target");
    let rows: Vec<(i64, i64, String, i64, i64)> = q.fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(sla, ola_group, target, met, breached)| (SlaKey { sla, ola_group, target }, SlaCounts { met, breached }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_go_in_and_out_in_one_order() {
        let mut c = Counts { arrivals: 1, resolved: 2, fcr: 3, reopened: 4, escalations: 5, ..Default::default() };
        c.arrivals_by_hour[23] = 6;
        c.response.record(10);
        c.resolve.record(4_000);
        c.business.record(90_000);
        let values: Vec<i64> = counts_values(&c)
            .map(|v| match v {
                Value::Int(i) => i,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(values.len(), count_columns().len());
        assert_eq!(counts_of(&values), c);
    }
}
