//! Alerts and silences (issue 13): one row per alert fingerprint, written
//! many at a time (a posted batch is one statement), and Alertmanager's
//! silences.

use crate::sql::{Sql, Value};
use crate::{Dialect, Result};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use steward_domain::alert::pair_key;

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
    /// When this episode (firing since a resolution) was first received.
    pub received_at: i64,
    pub acked_by: Option<i64>,
    pub acked_at: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Whose token sent it last.
    pub sender_id: Option<i64>,
    /// The CI it is mapped to (none: not mapped yet; 0: no CI). Read, not
    /// written by [`upsert`]: [`set_cis`] sets it.
    pub ci_id: Option<i64>,
}

pub(crate) const COLUMNS: &str = "id, fingerprint, labels, annotations, generator_url, starts_at, ends_at, timeout, updated_at, \
    received_at, acked_by, acked_at, assignee_id, sender_id, ci_id";

/// What a post made of an alert: its id, its start and end after the
/// merge, the end it had before (none: the post added it) and when its
/// episode was first received.
#[derive(Debug, Clone, Copy, FromRow, PartialEq, Eq)]
pub struct Merged {
    pub fingerprint: i64,
    pub id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub prev_ends_at: Option<i64>,
    pub received_at: i64,
}

/// Alertmanager's merge of a repeat into the kept alert (`Alert.Merge` as
/// its in-memory store applies it), in SQL over the kept row (`alerts.`)
/// and the posted one (`excluded.`), `$1` being now: when the two overlap
/// the earliest start stays, and a later end stays unless the posted one
/// resolves while the kept one fires, or the kept end came from the
/// resolve timeout; otherwise the posted alert replaces the kept one.
const OVERLAP: &str = "((excluded.ends_at > alerts.starts_at AND excluded.ends_at < alerts.ends_at) \
    OR (excluded.starts_at > alerts.starts_at AND excluded.starts_at < alerts.ends_at))";

fn merge_sql() -> String {
    let starts = format!(
        "CASE WHEN {OVERLAP} AND alerts.starts_at < excluded.starts_at THEN alerts.starts_at \
         ELSE excluded.starts_at END"
    );
    let ends = format!(
        "CASE WHEN {OVERLAP} AND ((excluded.ends_at <= $1 AND alerts.ends_at <= $1 \
         AND alerts.ends_at > excluded.ends_at) OR (excluded.ends_at > $1 AND alerts.ends_at > excluded.ends_at \
         AND alerts.timeout = 0)) THEN alerts.ends_at ELSE excluded.ends_at END"
    );
    // A new episode (firing again after a resolution) is received afresh:
    // its acknowledgement and assignee go.
    let again = format!("(alerts.ends_at <= $1 AND ({ends}) > $1)");
    let keep = |col: &str| format!("{col} = CASE WHEN {again} THEN excluded.{col} ELSE alerts.{col} END");
    format!(
        " ON CONFLICT (fingerprint) DO UPDATE SET annotations = excluded.annotations, \
         generator_url = excluded.generator_url, starts_at = {starts}, ends_at = {ends}, \
         timeout = excluded.timeout, updated_at = excluded.updated_at, {}, {}, {}, {}, \
         sender_id = excluded.sender_id, prev_ends_at = alerts.ends_at",
        keep("received_at"),
        keep("acked_by"),
        keep("acked_at"),
        keep("assignee_id"),
    )
}

/// Writes each posted alert under its fingerprint in one statement per
/// 500: a new one is added, a repeat merged into the kept one as
/// Alertmanager merges (see [`merge_sql`]), labels aside (they make the
/// fingerprint). The database writes the history the post makes (fired,
/// resolved: migration 0034's triggers). Rows go in the order posted, so
/// new alerts' ids follow it (two batches on PostgreSQL that lock shared
/// alerts in opposite orders deadlock; the writer runs the loser again).
pub async fn upsert(conn: &mut AnyConnection, now: i64, rows: &[AlertRow]) -> Result<()> {
    for chunk in rows.chunks(UPSERT_CHUNK) {
        upsert_statement(now, chunk, false).execute(&mut *conn).await?;
    }
    Ok(())
}

/// [`upsert`], reading back what it made of each alert.
pub async fn upsert_merged(conn: &mut AnyConnection, now: i64, rows: &[AlertRow]) -> Result<Vec<Merged>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(UPSERT_CHUNK) {
        let mut got: Vec<Merged> = upsert_statement(now, chunk, true).fetch_all(&mut *conn).await?;
        out.append(&mut got);
    }
    Ok(out)
}

const UPSERT_CHUNK: usize = 500;

fn upsert_statement(now: i64, chunk: &[AlertRow], returning: bool) -> Sql {
    static MERGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let merge = MERGE.get_or_init(merge_sql);
    // `$1` is now; the rows' placeholders follow.
    let mut q = Sql::written(
        "INSERT INTO alerts (fingerprint, labels, annotations, generator_url, starts_at, ends_at, timeout, \
         updated_at, received_at, acked_by, acked_at, assignee_id, sender_id) VALUES ",
        vec![Value::Int(now)],
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
            Value::from(r.acked_by),
            Value::from(r.acked_at),
            Value::from(r.assignee_id),
            Value::from(r.sender_id),
        ]);
    }
    q.push(merge);
    if returning {
        q.push(" RETURNING fingerprint, id, starts_at, ends_at, prev_ends_at, received_at");
    }
    q
}

/// A row of `alert_events`.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct AlertEvent {
    pub id: i64,
    pub alert_id: i64,
    pub at: i64,
    /// fired, resolved, acknowledged, unacknowledged, assigned
    pub kind: String,
    pub actor_id: Option<i64>,
    pub detail: String,
}

/// Adds history rows (their `id` is ignored), 500 a statement.
pub async fn insert_events(conn: &mut AnyConnection, events: &[AlertEvent]) -> Result<()> {
    for chunk in events.chunks(500) {
        let mut q = Sql::new("INSERT INTO alert_events (alert_id, at, kind, actor_id, detail) VALUES ");
        for (i, e) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(e.alert_id),
                Value::Int(e.at),
                Value::Text(e.kind.clone()),
                Value::from(e.actor_id),
                Value::Text(e.detail.clone()),
            ]);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// An alert's history, oldest first.
pub async fn events(conn: &mut AnyConnection, alert_id: i64) -> Result<Vec<AlertEvent>> {
    Ok(sqlx::query_as(
        "SELECT id, alert_id, at, kind, actor_id, detail FROM alert_events WHERE alert_id = $1 ORDER BY id",
    )
    .bind(alert_id)
    .fetch_all(conn)
    .await?)
}

/// The alert of a fingerprint.
pub async fn find(conn: &mut AnyConnection, fp: i64) -> Result<Option<AlertRow>> {
    let sql = format!("SELECT {COLUMNS} FROM alerts WHERE fingerprint = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(fp).fetch_optional(conn).await?)
}

/// The alert of a fingerprint, locked for the write on PostgreSQL.
pub async fn by_fingerprint(conn: &mut AnyConnection, d: Dialect, fp: i64) -> Result<Option<AlertRow>> {
    let sql = format!("SELECT {COLUMNS} FROM alerts WHERE fingerprint = $1{}", d.for_update());
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(fp).fetch_optional(conn).await?)
}

/// Sets who acknowledged the alert and when (none: not acknowledged).
pub async fn set_ack(conn: &mut AnyConnection, id: i64, by: Option<i64>, at: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE alerts SET acked_by = $2, acked_at = $3 WHERE id = $1")
        .bind(id)
        .bind(by)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_assignee(conn: &mut AnyConnection, id: i64, assignee: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE alerts SET assignee_id = $2 WHERE id = $1").bind(id).bind(assignee).execute(conn).await?;
    Ok(())
}

/// A page of alerts, newest first (by id: the order they were first
/// seen), after the cursor; only those firing at `now` when asked, and
/// those holding each label pair (see [`narrow`]).
pub async fn page(
    conn: &mut AnyConnection,
    d: Dialect,
    firing_only: Option<i64>,
    pairs: &[(String, String)],
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AlertRow>> {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alerts WHERE 1 = 1"));
    if let Some(now) = firing_only {
        q.push(" AND ends_at > ").bind(Value::Int(now));
    }
    if let Some(id) = before_id {
        q.push(" AND id < ").bind(Value::Int(id));
    }
    narrow(&mut q, d, pairs);
    q.push(" ORDER BY id DESC LIMIT ").bind(Value::Int(limit));
    Ok(q.fetch_all(conn).await?)
}

/// The alerts still firing at `now` (an end after it), by fingerprint;
/// with `pairs`, only those whose labels hold each `(name, value)` (see
/// [`firing_query`]: the caller still applies its matchers).
pub async fn firing(
    conn: &mut AnyConnection,
    d: Dialect,
    now: i64,
    pairs: &[(String, String)],
) -> Result<Vec<AlertRow>> {
    // Sorted here: ordered by the database, SQLite would walk the whole
    // fingerprint index instead of the few rows an indexed label names.
    let mut rows: Vec<AlertRow> = firing_query(d, now, pairs).fetch_all(conn).await?;
    rows.sort_unstable_by_key(|r| r.fingerprint);
    Ok(rows)
}

/// The statement [`firing`] runs (see [`narrow`]).
pub fn firing_query(d: Dialect, now: i64, pairs: &[(String, String)]) -> Sql {
    let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alerts WHERE ends_at > "));
    q.bind(Value::Int(now));
    narrow(&mut q, d, pairs);
    q
}

/// Keeps the alerts whose labels hold each `(name, value)`: one pair (the
/// one [`driving_pair`] picks) through the label index and
/// the queue of alerts not indexed yet (migration 0047), every pair by its
/// text in the stored JSON — which the queued alerts need, and which keeps
/// a key collision out. The caller still applies its matchers.
fn narrow(q: &mut Sql, d: Dialect, pairs: &[(String, String)]) {
    if let Some((name, value)) = driving_pair(pairs) {
        // PostgreSQL reads the ids first (an init plan) and then each of
        // them by the key: a plain `IN` let its generic plan walk every
        // alert newest first, testing each against the ids (97 ms for a
        // desk page narrowed to one instance among 200,000).
        let (open, close) = match d.0 {
            crate::Backend::Sqlite => (" AND id IN (", ")"),
            crate::Backend::Postgres => (" AND id = ANY (ARRAY(", "))"),
        };
        q.push(open)
            .push("SELECT alert_id FROM alert_labels WHERE pair = ")
            .bind(Value::Int(pair_key(name, value) as i64))
            .push(" UNION ALL SELECT alert_id FROM alert_label_queue")
            .push(close);
    }
    for (name, value) in pairs {
        // As serde_json writes a pair inside the object.
        let pair = format!("{}:{}", serde_json::Value::from(name.as_str()), serde_json::Value::from(value.as_str()));
        q.push(&format!(" AND {}(labels, ", d.position())).bind(Value::Text(pair)).push(") > 0");
    }
}

/// The labels most alerts share: a list narrowed by one of them is driven
/// by another pair when it has one.
const BROAD_LABELS: &[&str] = &["severity", "job", "env", "environment", "team", "region", "cluster", "prometheus"];

/// The pair a narrowed list reads the label index by: an `instance`, else
/// an `alertname`, else the first pair not of a label most alerts share.
/// None when all are such labels: reading every alert they name by the
/// index would cost more than checking the alerts read in order.
fn driving_pair(pairs: &[(String, String)]) -> Option<(&str, &str)> {
    let rank = |name: &str| match name {
        "instance" => 0,
        "alertname" => 1,
        _ => 2,
    };
    pairs
        .iter()
        .filter(|(n, _)| !BROAD_LABELS.contains(&n.as_str()))
        .min_by_key(|(n, _)| rank(n))
        .map(|(n, v)| (n.as_str(), v.as_str()))
}

/// The alerts waiting for the label index, oldest first (at most
/// `limit`), each with its labels.
pub async fn label_queue(conn: &mut AnyConnection, limit: i64) -> Result<Vec<(i64, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT q.alert_id, a.labels FROM alert_label_queue q LEFT JOIN alerts a ON a.id = q.alert_id \
         ORDER BY q.alert_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// How many alerts wait for the label index.
pub async fn label_queue_len(conn: &mut AnyConnection) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM alert_label_queue").fetch_one(conn).await?;
    Ok(n)
}

/// Rows of the label index (and alerts given their CI) written per
/// statement.
const LABEL_CHUNK: usize = 500;

/// Appends `(a, b), (a, b), …`: a VALUES list of integer pairs.
fn int_pairs<'q>(q: &'q mut Sql, pairs: &[(i64, i64)]) -> &'q mut Sql {
    for (i, (a, b)) in pairs.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.row([Value::Int(*a), Value::Int(*b)]);
    }
    q
}

/// Writes the label index's `(pair, alert id)` rows (each once, however
/// often it is written) and takes `done` off the queue.
pub async fn index_labels(conn: &mut AnyConnection, pairs: &[(i64, i64)], done: &[i64]) -> Result<()> {
    for chunk in pairs.chunks(LABEL_CHUNK) {
        let mut q = Sql::new("INSERT INTO alert_labels (pair, alert_id) VALUES ");
        int_pairs(&mut q, chunk).push(" ON CONFLICT (pair, alert_id) DO NOTHING");
        q.execute(&mut *conn).await?;
    }
    for chunk in done.chunks(LABEL_CHUNK) {
        let mut q = Sql::new("DELETE FROM alert_label_queue WHERE alert_id IN ");
        q.row(chunk.iter().map(|id| Value::Int(*id)));
        q.execute(&mut *conn).await?;
    }
    Ok(())
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

/// Alerts whose CI is not mapped yet, oldest first: `(id, labels JSON)`.
pub async fn unmapped(conn: &mut AnyConnection, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, labels FROM alerts WHERE ci_id IS NULL ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Lets the alerts firing at `now` that named no CI (0) be mapped again,
/// after the CMDB changed; how many.
pub async fn unmap_unnamed(conn: &mut AnyConnection, now: i64) -> Result<u64> {
    let r =
        sqlx::query("UPDATE alerts SET ci_id = NULL WHERE ci_id = 0 AND ends_at > $1").bind(now).execute(conn).await?;
    Ok(r.rows_affected())
}

/// Lets every alert firing at `now` be mapped again, those that named a
/// CI too, after the mapping rules changed; how many.
pub async fn unmap_firing(conn: &mut AnyConnection, now: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE alerts SET ci_id = NULL WHERE ci_id IS NOT NULL AND ends_at > $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Sets the CI each alert names (0: none), 500 alerts a statement (one
/// statement each was a round trip per alert on PostgreSQL: a pass over
/// 200,000 new alerts held the writer for seconds).
pub async fn set_cis(conn: &mut AnyConnection, pairs: &[(i64, i64)]) -> Result<()> {
    for chunk in pairs.chunks(LABEL_CHUNK) {
        let mut q = Sql::new("WITH v (id, ci) AS (VALUES ");
        int_pairs(&mut q, chunk).push(") UPDATE alerts SET ci_id = v.ci FROM v WHERE alerts.id = v.id");
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The alerts firing at `now` that are mapped to a CI, by id.
pub async fn firing_mapped(conn: &mut AnyConnection, now: i64) -> Result<Vec<AlertRow>> {
    let sql = format!("SELECT {COLUMNS} FROM alerts WHERE ends_at > $1 AND ci_id > 0 ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).fetch_all(conn).await?)
}

/// The alerts mapped to one of `cis` whose episode started in [from, to).
pub async fn started_on(conn: &mut AnyConnection, cis: &[i64], from: i64, to: i64) -> Result<Vec<AlertRow>> {
    let mut out = Vec::new();
    for chunk in cis.chunks(500) {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alerts WHERE starts_at >= "));
        q.bind(Value::Int(from)).push(" AND starts_at < ").bind(Value::Int(to)).push(" AND ci_id IN ");
        q.row(chunk.iter().map(|c| Value::Int(*c)));
        let mut rows: Vec<AlertRow> =
            sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    out.sort_by_key(|a| a.id);
    Ok(out)
}

/// The alerts of these ids.
pub async fn by_ids(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<AlertRow>> {
    crate::sql::rows_for_ids(conn, &format!("SELECT {COLUMNS} FROM alerts WHERE id IN "), ids).await
}

/// The CIs with alerts firing at `now`, each with its earliest start.
pub async fn failing_cis(conn: &mut AnyConnection, now: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT ci_id, MIN(starts_at) FROM alerts WHERE ends_at > $1 AND ci_id > 0 GROUP BY ci_id ORDER BY ci_id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?)
}

/// The alerts firing at `now` on these CIs (at most `limit`), oldest first.
pub async fn firing_on(conn: &mut AnyConnection, now: i64, cis: &[i64], limit: i64) -> Result<Vec<(i64, AlertRow)>> {
    let mut out = Vec::new();
    for chunk in cis.chunks(500) {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM alerts WHERE ends_at > "));
        q.bind(Value::Int(now)).push(" AND ci_id IN ");
        q.row(chunk.iter().map(|c| Value::Int(*c)));
        q.push(" ORDER BY starts_at, id LIMIT ").bind(Value::Int(limit));
        let rows: Vec<AlertRow> =
            sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(&mut *conn).await?;
        out.extend(rows.into_iter().map(|r| (r.ci_id.unwrap_or(0), r)));
    }
    out.sort_by_key(|(_, a)| (a.starts_at, a.id));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// A row of `alert_groups`.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct GroupRow {
    pub id: i64,
    pub group_key: String,
    pub cause_ci: i64,
    pub incident_id: Option<i64>,
    pub opened_by: Option<i64>,
    pub members: String,
    pub summary: String,
    pub opened_at: i64,
    pub claimed_at: Option<i64>,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
}

const GROUP_COLUMNS: &str =
    "id, group_key, cause_ci, incident_id, opened_by, members, summary, opened_at, claimed_at, updated_at, resolved_at";

/// The groups not resolved yet, oldest first.
pub async fn open_groups(conn: &mut AnyConnection) -> Result<Vec<GroupRow>> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM alert_groups WHERE resolved_at IS NULL ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

/// The group of an incident, if alerts opened it.
pub async fn group_of_incident(conn: &mut AnyConnection, incident_id: i64) -> Result<Option<GroupRow>> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM alert_groups WHERE incident_id = $1 ORDER BY id DESC LIMIT 1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(incident_id).fetch_optional(conn).await?)
}

/// Adds a group under its key, claimed by the caller; its id, or none when
/// the key is taken (another pass or node has it).
pub async fn add_group(
    conn: &mut AnyConnection,
    key: &str,
    cause: i64,
    members: &str,
    now: i64,
) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO alert_groups (group_key, cause_ci, members, opened_at, claimed_at, updated_at)
         VALUES ($1, $2, $3, $4, $4, $4) ON CONFLICT (group_key) DO NOTHING RETURNING id",
    )
    .bind(key.to_owned())
    .bind(cause)
    .bind(members.to_owned())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Claims a group with no incident yet whose claim is older than
/// `stale_before` (its claimer died); whether this caller has it now.
pub async fn claim_group(conn: &mut AnyConnection, id: i64, now: i64, stale_before: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE alert_groups SET claimed_at = $2
         WHERE id = $1 AND incident_id IS NULL AND (claimed_at IS NULL OR claimed_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Writes a group's incident, members, summary and resolution.
pub async fn update_group(conn: &mut AnyConnection, g: &GroupRow) -> Result<()> {
    sqlx::query(
        "UPDATE alert_groups SET incident_id = $2, members = $3, summary = $4, updated_at = $5, resolved_at = $6,
             opened_by = $7
         WHERE id = $1",
    )
    .bind(g.id)
    .bind(g.incident_id)
    .bind(g.members.clone())
    .bind(g.summary.clone())
    .bind(g.updated_at)
    .bind(g.resolved_at)
    .bind(g.opened_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// The alerts on these CIs whose episode overlaps `[from, to]`, firing or
/// not (at most `limit`), oldest first, each with its CI: what a group of
/// failures was made of.
pub async fn on_cis_between(
    conn: &mut AnyConnection,
    cis: &[i64],
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<(i64, AlertRow)>> {
    let mut out = Vec::new();
    for chunk in cis.chunks(500) {
        let mut q = Sql::new(&format!("SELECT ci_id, {COLUMNS} FROM alerts WHERE ends_at >= "));
        q.bind(Value::Int(from)).push(" AND starts_at <= ").bind(Value::Int(to)).push(" AND ci_id IN ");
        q.row(chunk.iter().map(|c| Value::Int(*c)));
        q.push(" ORDER BY starts_at, id LIMIT ").bind(Value::Int(limit));
        let rows: Vec<sqlx::any::AnyRow> =
            sqlx::query_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(&mut *conn).await?;
        for r in rows {
            use sqlx::Row;
            out.push((r.try_get::<i64, _>("ci_id")?, AlertRow::from_row(&r)?));
        }
    }
    out.sort_by_key(|(_, a)| (a.starts_at, a.id));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// The CI an alert is mapped to (none: not mapped yet or no CI found).
pub async fn ci_of(conn: &mut AnyConnection, alert_id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT ci_id FROM alerts WHERE id = $1").bind(alert_id).fetch_optional(conn).await?;
    Ok(row.and_then(|(ci,)| ci).filter(|ci| *ci > 0))
}

/// The groups with an incident whose span (from `opened_at` less `lead`
/// to its resolution, or now) overlaps `[from, to]`, newest first, each
/// with its incident's number: where an alert of that time may belong.
pub async fn groups_between(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
    lead: i64,
    limit: i64,
) -> Result<Vec<(GroupRow, i64)>> {
    let sql = format!(
        "SELECT {}, r.number AS incident_number FROM alert_groups g JOIN records r ON r.id = g.incident_id
         WHERE g.opened_at - $3 <= $2 AND (g.resolved_at IS NULL OR g.resolved_at >= $1)
         ORDER BY g.id DESC LIMIT $4",
        GROUP_COLUMNS.split(", ").map(|c| format!("g.{c}")).collect::<Vec<_>>().join(", ")
    );
    let rows: Vec<sqlx::any::AnyRow> =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(from).bind(to).bind(lead).bind(limit).fetch_all(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        use sqlx::Row;
        out.push((GroupRow::from_row(&r)?, r.try_get::<i64, _>("incident_number")?));
    }
    Ok(out)
}

/// For a benchmark: alert groups that opened one incident in `groups`, and
/// a firing at the opening of one in `firings`, beside incidents loaded in
/// bulk. Nothing when alert groups exist already; whether it added any.
pub async fn bench_beside_incidents(conn: &mut AnyConnection, groups: i64, firings: i64) -> Result<bool> {
    let (have,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM alert_groups").fetch_one(&mut *conn).await?;
    if have > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO alerts (fingerprint, labels, starts_at, ends_at, updated_at, received_at) \
         VALUES (4242, '{\"alertname\":\"bench\"}', 0, 0, 0, 0)",
    )
    .execute(&mut *conn)
    .await?;
    let (alert,): (i64,) =
        sqlx::query_as("SELECT id FROM alerts WHERE fingerprint = 4242").fetch_one(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO alert_groups (group_key, cause_ci, incident_id, opened_at, updated_at) \
         SELECT 'bench-' || CAST(id AS TEXT), 0, id, opened_at, opened_at FROM records \
         WHERE kind = 'incident' AND id % $1 = 0",
    )
    .bind(groups)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO alert_events (alert_id, at, kind) SELECT $1, opened_at, 'fired' FROM records \
         WHERE kind = 'incident' AND id % $2 = 0",
    )
    .bind(alert)
    .bind(firings)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
