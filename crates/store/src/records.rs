//! Records of every kind (incidents now; problems, changes, requests and
//! tasks to come) on one table: insert, load, update and the
//! keyset-paginated list. A record has an id of its own, which everything
//! hanging off it keys on, and a number within its kind (INC0000042 is the
//! incident numbered 42), which is its name in URLs and mail.

use crate::sql::{Sql, Value, like_pattern, rows_for_ids};
use crate::{
    Result, StoreError,
    db::{Backend, Dialect},
};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use steward_domain::search::fold;

/// The kinds of record this store numbers, each with its PostgreSQL
/// sequence of numbers. A new kind adds its line here and its sequence in
/// a migration.
pub(crate) const KINDS: [(&str, &str); 5] = [
    ("incident", "incident_number"),
    ("problem", "problem_number"),
    ("article", "article_number"),
    ("change", "change_number"),
    ("task", "task_number"),
];

fn number_sequence(kind: &str) -> Result<&'static str> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, s)| *s).ok_or(StoreError::NotFound)
}

/// A record as stored, with the display names of what it refers to.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Record {
    pub id: i64,
    pub kind: String,
    /// The record's number within its kind.
    pub number: i64,
    pub title: String,
    pub description: String,
    pub state: String,
    pub hold_reason: Option<String>,
    pub impact: i64,
    pub urgency: i64,
    pub priority: i64,
    pub requester_id: i64,
    pub organisation_id: Option<i64>,
    pub category: Option<String>,
    /// The business or technical service CI.
    pub service_id: Option<i64>,
    pub assignment_group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub major: i64,
    pub parent_id: Option<i64>,
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    pub reopen_count: i64,
    pub opened_at: i64,
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub updated_at: i64,
    pub created_by: i64,
    pub version: i64,
    pub requester_name: Option<String>,
    pub organisation_name: Option<String>,
    pub group_name: Option<String>,
    pub assignee_name: Option<String>,
    /// The service's name.
    pub service: Option<String>,
    /// The parent record's number (same kind).
    pub parent_number: Option<i64>,
    #[sqlx(flatten)]
    pub sla: SlaSummary,
}

/// An incident is a record of kind "incident": every field it has is one
/// ITIL records share (ServiceNow's `task` holds the same), so it needs no
/// details table of its own.
pub type Incident = Record;

/// The record's service levels at a glance, kept with its clocks by the SLA
/// engine (never by a user's edit): the definition that applied, the nearest
/// due moment of a running clock, and whether any clock breached.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct SlaSummary {
    pub sla_id: Option<i64>,
    pub sla_due_at: Option<i64>,
    pub sla_breached: i64,
}

/// The names beside a record are read by key in scalar subqueries, not
/// joined: PostgreSQL then plans a one-table query (0.2 ms) instead of a
/// six-table join (3 ms, more than running it), and a list reads the names
/// of the rows on its page only.
const SELECT: &str = "SELECT i.id, i.kind, i.number, i.title, i.description, i.state, i.hold_reason, i.impact, \
    i.urgency, i.priority, \
    i.requester_id, i.organisation_id, i.category, i.service_id, i.assignment_group_id, i.assignee_id, i.major, \
    i.parent_id, i.resolution_code, i.resolution_notes, i.reopen_count, i.opened_at, i.first_response_at, \
    i.resolved_at, i.closed_at, i.updated_at, i.created_by, i.version, \
    (SELECT r.display_name FROM users r WHERE r.id = i.requester_id) AS requester_name, \
    (SELECT o.name FROM organisations o WHERE o.id = i.organisation_id) AS organisation_name, \
    (SELECT g.name FROM assignment_groups g WHERE g.id = i.assignment_group_id) AS group_name, \
    (SELECT a.display_name FROM users a WHERE a.id = i.assignee_id) AS assignee_name, \
    (SELECT sv.name FROM cis sv WHERE sv.id = i.service_id) AS service, \
    (SELECT p.number FROM records p WHERE p.id = i.parent_id) AS parent_number, \
    i.sla_id, i.sla_due_at, i.sla_breached \
    FROM records i";

/// [`SELECT`] without the texts an export leaves out and without the
/// names, which [`export_page`] reads once per page instead of once per row.
const EXPORT_SELECT: &str = "SELECT i.id, i.kind, i.number, i.title, '' AS description, i.state, i.hold_reason, \
    i.impact, i.urgency, i.priority, \
    i.requester_id, i.organisation_id, i.category, i.service_id, i.assignment_group_id, i.assignee_id, i.major, \
    i.parent_id, i.resolution_code, NULL AS resolution_notes, i.reopen_count, i.opened_at, i.first_response_at, \
    i.resolved_at, i.closed_at, i.updated_at, i.created_by, i.version, \
    NULL AS requester_name, NULL AS organisation_name, NULL AS group_name, NULL AS assignee_name, NULL AS service, \
    NULL AS parent_number, i.sla_id, i.sla_due_at, i.sla_breached \
    FROM records i";

/// A record's id and number, drawn before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub id: i64,
    pub number: i64,
}

/// Takes `n` ids and `n` numbers of `kind`, in rising order; neither is
/// handed out again. Contiguous on SQLite (one writer); on PostgreSQL they
/// may interleave with other writers'.
pub async fn reserve(conn: &mut AnyConnection, d: Dialect, kind: &str, n: i64) -> Result<Vec<Key>> {
    if n <= 0 {
        return Ok(Vec::new());
    }
    let seq = number_sequence(kind)?;
    match d.0 {
        Backend::Sqlite => {
            // Ids from AUTOINCREMENT's own counter, which the explicit ids
            // inserted later would advance to anyway; numbers from the kind's
            // counter row.
            sqlx::query(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'records', 0
                 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'records')",
            )
            .execute(&mut *conn)
            .await?;
            let (last_id,): (i64,) =
                sqlx::query_as("UPDATE sqlite_sequence SET seq = seq + $1 WHERE name = 'records' RETURNING seq")
                    .bind(n)
                    .fetch_one(&mut *conn)
                    .await?;
            let (last,): (i64,) = sqlx::query_as(
                "INSERT INTO record_numbers (kind, last) VALUES ($1, $2)
                 ON CONFLICT (kind) DO UPDATE SET last = record_numbers.last + excluded.last RETURNING last",
            )
            .bind(kind)
            .bind(n)
            .fetch_one(conn)
            .await?;
            Ok((0..n).map(|i| Key { id: last_id - n + 1 + i, number: last - n + 1 + i }).collect())
        }
        Backend::Postgres => {
            let sql = format!("SELECT nextval('record_id'), nextval('{seq}') FROM generate_series(1, $1) ORDER BY 1");
            let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(n).fetch_all(conn).await?;
            let mut numbers: Vec<i64> = rows.iter().map(|r| r.1).collect();
            numbers.sort_unstable();
            Ok(rows.iter().zip(numbers).map(|(r, number)| Key { id: r.0, number }).collect())
        }
    }
}

/// The INSERT of one record, with `$number` as the number's expression.
macro_rules! insert_head {
    ($number:literal) => {
        concat!(
            "INSERT INTO records (title, description, state, hold_reason, impact, urgency, priority,
                requester_id, organisation_id, category, service_id, assignment_group_id, assignee_id, major, parent_id,
                resolution_code, resolution_notes, reopen_count, opened_at, first_response_at, resolved_at, closed_at,
                updated_at, created_by, version, kind, search_title, search_body, number)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                $22, $23, $24, $25, $26, $29, $30, ",
            $number,
            ")"
        )
    };
}
/// SQLite inserts the record, its number and its `created` journal entry
/// in one round trip: the kind's counter moves first, the record takes the
/// counter's value, and the journal finds the row by `last_insert_rowid()`
/// ($26 the kind, $27 the actor, $28 the changes, $29 and $30 the folded
/// search text).
const INSERT_CREATED_SQLITE: &str = concat!(
    "INSERT INTO record_numbers (kind, last) VALUES ($26, 1)
       ON CONFLICT (kind) DO UPDATE SET last = record_numbers.last + 1; ",
    insert_head!("(SELECT last FROM record_numbers WHERE kind = $26)"),
    "; INSERT INTO journal (record_kind, record_id, seq, at, actor_id, action, changes)
       VALUES ($26, last_insert_rowid(), 1, $19, $27, 'created', $28)
       RETURNING record_id, (SELECT last FROM record_numbers WHERE kind = $26)"
);

/// Inserts a new record under the next number of its kind together with
/// its first journal entry, and returns its id and number.
pub async fn insert_created(
    conn: &mut AnyConnection,
    d: Dialect,
    rec: &Record,
    actor_id: Option<i64>,
    changes: String,
) -> Result<Key> {
    let rows: Vec<(i64, i64)> = match d.0 {
        // `fetch_all`: sqlx's `fetch_one` stops at the first statement's
        // result and never sees the last one's row.
        Backend::Sqlite => {
            bind_search(bind_row(sqlx::query_as(INSERT_CREATED_SQLITE), rec).bind(actor_id).bind(changes), rec)
                .fetch_all(conn)
                .await?
        }
        // PostgreSQL inserts the record and its journal entry in one round
        // trip, chained in a data-modifying CTE ($27 the actor, $28 the
        // changes); the number comes from the kind's sequence.
        Backend::Postgres => {
            let sql = postgres_insert_created(number_sequence(&rec.kind)?);
            bind_search(bind_row(sqlx::query_as(sqlx::AssertSqlSafe(sql)), rec).bind(actor_id).bind(changes), rec)
                .fetch_all(conn)
                .await?
        }
    };
    rows.first().map(|r| Key { id: r.0, number: r.1 }).ok_or(StoreError::NotFound)
}

fn postgres_insert_created(seq: &str) -> String {
    format!(
        "WITH i AS ({} RETURNING id, number), j AS (
           INSERT INTO journal (record_kind, record_id, seq, at, actor_id, action, changes)
           SELECT $26, i.id, 1, $19, $27, 'created', $28 FROM i)
         SELECT id, number FROM i",
        insert_head!("nextval('SEQ')").replace("SEQ", seq)
    )
}

/// Binds the record's folded title and body: the search index's text,
/// kept in the same statement as the row (see `search_index`).
fn bind_search<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    rec: &Record,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    q.bind(fold(&rec.title)).bind(fold(&rec.description))
}

/// Binds every column but the number, in the INSERT's order: the kind is
/// `$26`.
fn bind_row<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    inc: &Record,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    q.bind(inc.title.clone())
        .bind(inc.description.clone())
        .bind(inc.state.clone())
        .bind(inc.hold_reason.clone())
        .bind(inc.impact)
        .bind(inc.urgency)
        .bind(inc.priority)
        .bind(inc.requester_id)
        .bind(inc.organisation_id)
        .bind(inc.category.clone())
        .bind(inc.service_id)
        .bind(inc.assignment_group_id)
        .bind(inc.assignee_id)
        .bind(inc.major)
        .bind(inc.parent_id)
        .bind(inc.resolution_code.clone())
        .bind(inc.resolution_notes.clone())
        .bind(inc.reopen_count)
        .bind(inc.opened_at)
        .bind(inc.first_response_at)
        .bind(inc.resolved_at)
        .bind(inc.closed_at)
        .bind(inc.updated_at)
        .bind(inc.created_by)
        .bind(inc.version)
        .bind(inc.kind.clone())
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Record>> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// The records with these ids (those that exist), 500 ids a statement.
pub async fn many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Record>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(SELECT);
        q.push(" WHERE ");
        in_list_bare(&mut q, "i.id", chunk.iter().map(|i| Value::Int(*i)));
        let mut rows: Vec<Record> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// The record of `kind` with this number.
pub async fn by_number(conn: &mut AnyConnection, kind: &str, number: i64) -> Result<Option<Record>> {
    let sql = format!("{SELECT} WHERE i.kind = $1 AND i.number = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind).bind(number).fetch_optional(conn).await?)
}

/// The records of `kind` in `state`, oldest first, at most `limit`.
pub async fn in_state(conn: &mut AnyConnection, kind: &str, state: &str, limit: i64) -> Result<Vec<Record>> {
    let sql = format!("{SELECT} WHERE i.kind = $1 AND i.state = $2 ORDER BY i.opened_at, i.id LIMIT $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind).bind(state).bind(limit).fetch_all(conn).await?)
}

/// The id of the record of `kind` with this number.
pub async fn id_of(conn: &mut AnyConnection, kind: &str, number: i64) -> Result<Option<i64>> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM records WHERE kind = $1 AND number = $2")
        .bind(kind)
        .bind(number)
        .fetch_optional(conn)
        .await?;
    Ok(found.map(|r| r.0))
}

/// A record of `kind` found by its number: its id, number and state.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Numbered {
    pub id: i64,
    pub number: i64,
    pub state: String,
}

/// The records of `kind` with these numbers (those that exist), in rising
/// number order; 500 numbers a statement.
pub async fn numbered(conn: &mut AnyConnection, kind: &str, numbers: &[i64]) -> Result<Vec<Numbered>> {
    let mut out = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(500) {
        let mut q = Sql::new("SELECT id, number, state FROM records WHERE kind = ");
        q.bind(Value::Text(kind.to_owned()));
        q.push(" AND ");
        in_list_bare(&mut q, "number", chunk.iter().map(|n| Value::Int(*n)));
        let mut rows: Vec<Numbered> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    out.sort_by_key(|r| r.number);
    Ok(out)
}

/// Loads the row for a read-modify-write inside the write transaction,
/// locking it where the engine needs a lock.
pub async fn get_for_update(conn: &mut AnyConnection, d: Dialect, id: i64) -> Result<Record> {
    // Lock first (PostgreSQL cannot lock the nullable side of outer joins).
    let lock = format!("SELECT id FROM records WHERE id = $1{}", d.for_update());
    let found: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(lock)).bind(id).fetch_optional(&mut *conn).await?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    get(conn, id).await?.ok_or(StoreError::NotFound)
}

/// [`get_for_update`] for the record of `kind` with this number.
pub async fn number_for_update(conn: &mut AnyConnection, d: Dialect, kind: &str, number: i64) -> Result<Record> {
    let lock = format!("SELECT id FROM records WHERE kind = $1 AND number = $2{}", d.for_update());
    let found: Option<(i64,)> =
        sqlx::query_as(sqlx::AssertSqlSafe(lock)).bind(kind).bind(number).fetch_optional(&mut *conn).await?;
    let (id,) = found.ok_or(StoreError::NotFound)?;
    get(conn, id).await?.ok_or(StoreError::NotFound)
}

/// Writes every stored field of `inc` if the row still has `expected`
/// version, and bumps the version. Binds the same columns as the INSERT,
/// and the search text folded from the title and description (a kind
/// that indexes other text calls `search_index::set_search_text` after).
pub async fn update(conn: &mut AnyConnection, inc: &Record, expected: i64) -> Result<i64> {
    let row = Record { version: expected, ..inc.clone() };
    let updated: Option<(i64,)> = bind_row(
        sqlx::query_as(
            "UPDATE records SET title = $1, description = $2, state = $3, hold_reason = $4, impact = $5,
                urgency = $6, priority = $7, requester_id = $8, organisation_id = $9, category = $10, service_id = $11,
                assignment_group_id = $12, assignee_id = $13, major = $14, parent_id = $15, resolution_code = $16,
                resolution_notes = $17, reopen_count = $18, opened_at = $19, first_response_at = $20,
                resolved_at = $21, closed_at = $22, updated_at = $23, created_by = $24, version = $25 + 1,
                search_title = $28, search_body = $29
             WHERE id = $27 AND kind = $26 AND version = $25
             RETURNING version",
        ),
        &row,
    )
    .bind(row.id)
    .bind(fold(&row.title))
    .bind(fold(&row.description))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((v,)) = updated {
        return Ok(v);
    }
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT version FROM records WHERE id = $1").bind(inc.id).fetch_optional(conn).await?;
    match current {
        None => Err(StoreError::NotFound),
        Some((v,)) => Err(StoreError::StaleVersion { current: v }),
    }
}

/// Touches `updated_at` (e.g. on a new comment) without a version bump.
pub async fn touch(conn: &mut AnyConnection, id: i64, at: i64, first_response: bool) -> Result<()> {
    let sql = if first_response {
        "UPDATE records SET updated_at = $1, first_response_at = COALESCE(first_response_at, $1) WHERE id = $2"
    } else {
        "UPDATE records SET updated_at = $1 WHERE id = $2"
    };
    sqlx::query(sql).bind(at).bind(id).execute(conn).await?;
    Ok(())
}

/// Resolved records of `kind` whose resolution is older than `before`:
/// auto-close candidates.
pub async fn resolved_before(conn: &mut AnyConnection, kind: &str, before: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, version FROM records WHERE kind = $1 AND state = 'resolved' AND resolved_at < $2
         ORDER BY resolved_at LIMIT $3",
    )
    .bind(kind)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

pub async fn children(conn: &mut AnyConnection, parent: i64) -> Result<Vec<Record>> {
    let sql = format!("{SELECT} WHERE i.parent_id = $1 ORDER BY i.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(parent).fetch_all(conn).await?)
}

/// List orders. Each is a tuple of integer columns in one direction, so the
/// keyset condition is one row-value comparison an index can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// P1 first, oldest first within a priority: the queue order.
    #[default]
    Priority,
    PriorityDesc,
    Opened,
    OpenedDesc,
    Updated,
    UpdatedDesc,
    Number,
    NumberDesc,
    /// Nearest SLA due moment first; lists only records with a running clock.
    SlaDue,
}

impl Sort {
    pub const ALL: [(Sort, &'static str); 9] = [
        (Sort::Priority, "priority"),
        (Sort::PriorityDesc, "-priority"),
        (Sort::Opened, "opened"),
        (Sort::OpenedDesc, "-opened"),
        (Sort::Updated, "updated"),
        (Sort::UpdatedDesc, "-updated"),
        (Sort::Number, "number"),
        (Sort::NumberDesc, "-number"),
        (Sort::SlaDue, "sla_due"),
    ];
    pub fn parse(s: &str) -> Option<Sort> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(v, _)| *v)
    }
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(v, _)| *v == self).map(|(_, n)| *n).unwrap_or("priority")
    }
    fn columns(self) -> &'static [&'static str] {
        match self {
            Sort::Priority | Sort::PriorityDesc => &["priority", "opened_at", "id"],
            Sort::Opened | Sort::OpenedDesc => &["opened_at", "id"],
            Sort::Updated | Sort::UpdatedDesc => &["updated_at", "id"],
            Sort::Number | Sort::NumberDesc => &["number"],
            Sort::SlaDue => &["sla_due_at", "id"],
        }
    }
    fn descending(self) -> bool {
        matches!(self, Sort::PriorityDesc | Sort::OpenedDesc | Sort::UpdatedDesc | Sort::NumberDesc)
    }
    /// The cursor values of a row: its sort key.
    pub fn key(self, inc: &Record) -> Vec<i64> {
        self.columns()
            .iter()
            .map(|c| match *c {
                "priority" => inc.priority,
                "opened_at" => inc.opened_at,
                "updated_at" => inc.updated_at,
                "sla_due_at" => inc.sla.sla_due_at.unwrap_or(i64::MAX),
                "number" => inc.number,
                _ => inc.id,
            })
            .collect()
    }
    pub fn key_len(self) -> usize {
        self.columns().len()
    }
}

/// Incidents by the state of their service levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaFilter {
    /// A running clock falls due by this moment (overdue ones included
    /// until the timer marks them breached).
    DueBy(i64),
    /// Some clock breached.
    Breached,
}

/// Who an incident is assigned to, for filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    To(i64),
    Nobody,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The kind of record listed ("incident" when left empty).
    pub kind: &'static str,
    pub states: Vec<String>,
    pub priorities: Vec<i64>,
    pub group_ids: Vec<i64>,
    /// Incidents with no assignment group.
    pub no_group: bool,
    pub assignee: Option<Assigned>,
    pub requester_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// Incidents naming any of these services.
    pub service_ids: Vec<i64>,
    pub category: Option<String>,
    pub major: Option<bool>,
    pub text: Option<String>,
    pub opened_from: Option<i64>,
    pub opened_to: Option<i64>,
    pub updated_from: Option<i64>,
    pub updated_to: Option<i64>,
    pub sla: Option<SlaFilter>,
    /// A condition of the kind's own on the row `i`: a constant its store
    /// module defines (e.g. `problems::KNOWN_ERROR`), never user text.
    pub extra: Option<&'static str>,
    pub sort: Sort,
    /// The sort key of the last row of the previous page.
    pub after: Option<Vec<i64>>,
    pub limit: i64,
}

/// Counts stop here: past it a list says "10,000+", and the count never
/// reads more than this many index entries (plus one).
pub const COUNT_CAP: i64 = 10_000;

/// How many incidents a filter finds, exact up to [`COUNT_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    /// At most [`COUNT_CAP`].
    pub count: i64,
    /// More than [`COUNT_CAP`] match.
    pub capped: bool,
}

/// One page of incidents; `limit + 1` rows are read to know whether more follow.
pub async fn list(conn: &mut AnyConnection, d: Dialect, f: &Filter) -> Result<(Vec<Record>, bool)> {
    let q = list_sql(d, f);
    let mut rows: Vec<Record> = q.fetch_all(conn).await?;
    let more = rows.len() as i64 > f.limit;
    rows.truncate(usize::try_from(f.limit).unwrap_or(0));
    Ok((rows, more))
}

/// A page of an export: [`list`]'s rows (the description and resolution
/// notes left out), the names beside them read in one query per table for
/// the whole page: at thousands of rows a page, a lookup per row and name
/// was most of the time.
pub async fn export_page(conn: &mut AnyConnection, d: Dialect, f: &Filter) -> Result<(Vec<Record>, bool)> {
    let mut q = Sql::new(EXPORT_SELECT);
    page_conditions_with(&mut q, d, f, true);
    let mut rows: Vec<Record> = q.fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > f.limit;
    rows.truncate(usize::try_from(f.limit).unwrap_or(0));
    let ids = |pick: &dyn Fn(&Record) -> Option<i64>| {
        let mut v: Vec<i64> = rows.iter().filter_map(pick).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let people = ids(&|r| Some(r.requester_id)).into_iter().chain(ids(&|r| r.assignee_id)).collect::<Vec<_>>();
    let names = |rows: Vec<(i64, String)>| rows.into_iter().collect::<std::collections::HashMap<i64, String>>();
    let users = names(rows_for_ids(conn, "SELECT id, display_name FROM users WHERE id IN ", &people).await?);
    let orgs = names(
        rows_for_ids(conn, "SELECT id, name FROM organisations WHERE id IN ", &ids(&|r| r.organisation_id)).await?,
    );
    let groups = names(
        rows_for_ids(conn, "SELECT id, name FROM assignment_groups WHERE id IN ", &ids(&|r| r.assignment_group_id))
            .await?,
    );
    let services = names(rows_for_ids(conn, "SELECT id, name FROM cis WHERE id IN ", &ids(&|r| r.service_id)).await?);
    let parents: std::collections::HashMap<i64, i64> =
        rows_for_ids::<(i64, i64)>(conn, "SELECT id, number FROM records WHERE id IN ", &ids(&|r| r.parent_id))
            .await?
            .into_iter()
            .collect();
    for r in &mut rows {
        r.requester_name = users.get(&r.requester_id).cloned();
        r.assignee_name = r.assignee_id.and_then(|i| users.get(&i).cloned());
        r.organisation_name = r.organisation_id.and_then(|i| orgs.get(&i).cloned());
        r.group_name = r.assignment_group_id.and_then(|i| groups.get(&i).cloned());
        r.service = r.service_id.and_then(|i| services.get(&i).cloned());
        r.parent_number = r.parent_id.and_then(|i| parents.get(&i).copied());
    }
    Ok((rows, more))
}

/// How many incidents match `f` (its cursor and limit aside), counted over
/// at most `COUNT_CAP + 1` rows, so a count costs the same at a million.
pub async fn count(conn: &mut AnyConnection, d: Dialect, f: &Filter) -> Result<Count> {
    let q = count_sql(d, f);
    let (n,): (i64,) = q.fetch_one(conn).await?;
    Ok(Count { count: n.min(COUNT_CAP), capped: n > COUNT_CAP })
}

/// The counts of several lists in one statement (one round trip instead
/// of one per list: the home page's tiles and queues).
pub async fn counts(conn: &mut AnyConnection, d: Dialect, filters: &[Filter]) -> Result<Vec<Count>> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new("SELECT ");
    for (i, f) in filters.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" });
        capped_count(&mut q, d, f);
        q.push(")");
    }
    let row = sqlx::query_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_one(conn).await?;
    (0..filters.len())
        .map(|i| {
            let n: i64 = sqlx::Row::try_get(&row, i)?;
            Ok(Count { count: n.min(COUNT_CAP), capped: n > COUNT_CAP })
        })
        .collect()
}

/// The engine's plan for [`list`] and for [`count`], one line per step:
/// what the query-plan tests read.
pub async fn plans(conn: &mut AnyConnection, d: Dialect, f: &Filter) -> Result<(Vec<String>, Vec<String>)> {
    Ok((
        crate::sql::explain(&mut *conn, d, &list_sql(d, f)).await?,
        crate::sql::explain(conn, d, &count_sql(d, f)).await?,
    ))
}

/// PostgreSQL's generic plans for [`list`] and [`count`]: what the read
/// pool runs once a statement is prepared (see `sql::explain_generic`).
pub async fn generic_plans(conn: &mut AnyConnection, f: &Filter) -> Result<(Vec<String>, Vec<String>)> {
    let d = Dialect(Backend::Postgres);
    Ok((
        crate::sql::explain_generic(&mut *conn, &list_sql(d, f)).await?,
        crate::sql::explain_generic(conn, &count_sql(d, f)).await?,
    ))
}

/// A page of the list. On PostgreSQL the page's ids are found first and
/// the rows read by id after: a filter whose matches must be sorted (the
/// unassigned ones of several groups, thousands of rows at a million) then
/// sorts narrow index entries, and the names beside each row are read for
/// the page's rows only, not for every match before the sort (31 → 5 ms).
fn list_sql(d: Dialect, f: &Filter) -> Sql {
    let mut q = Sql::new(SELECT);
    if d.0 == Backend::Postgres {
        q.push(" JOIN (SELECT i.id FROM records i");
        page_conditions(&mut q, d, f);
        q.push(") page ON page.id = i.id");
        q.push(&format!(" ORDER BY {}", order_by(f)));
    } else {
        page_conditions(&mut q, d, f);
    }
    q
}

/// The sort order, qualified by the alias `i`.
fn order_by(f: &Filter) -> String {
    let dir = if f.sort.descending() { " DESC" } else { "" };
    f.sort.columns().iter().map(|c| format!("i.{c}{dir}")).collect::<Vec<_>>().join(", ")
}

/// The filter, the position after the previous page, the order and the
/// limit of a page.
fn page_conditions(q: &mut Sql, d: Dialect, f: &Filter) {
    page_conditions_with(q, d, f, false)
}

/// [`page_conditions`], the position after the previous page written out
/// as numbers when `inline` (an export's pages: bound, PostgreSQL comes to
/// plan the statement once for any position, prices the rest of the table
/// at a third and sorts it for every page instead of walking the index).
fn page_conditions_with(q: &mut Sql, d: Dialect, f: &Filter, inline: bool) {
    conditions(q, d, f, true);
    let cols = f.sort.columns();
    let qualified: Vec<String> = cols.iter().map(|c| format!("i.{c}")).collect();
    if let Some(after) = &f.after {
        if after.len() == cols.len() {
            q.push(&format!(" AND ({}) {} ", qualified.join(", "), if f.sort.descending() { "<" } else { ">" }));
            if inline {
                let values: Vec<String> = after.iter().map(i64::to_string).collect();
                q.push(&format!("({})", values.join(", ")));
            } else {
                q.row(after.iter().map(|v| Value::Int(*v)));
            }
        }
    }
    // The limit is written out, not bound: a generic plan prices `LIMIT $n`
    // at a tenth of the table, and PostgreSQL then joins the page to the
    // table by a hash over all of it (300 ms at a million rows, not 0.6).
    q.push(&format!(" ORDER BY {} LIMIT {}", order_by(f), f.limit.max(0) + 1));
}

fn count_sql(d: Dialect, f: &Filter) -> Sql {
    let mut q = Sql::new("");
    capped_count(&mut q, d, f);
    q
}

/// `SELECT COUNT(*)` over at most [`COUNT_CAP`] + 1 matching index entries.
fn capped_count(q: &mut Sql, d: Dialect, f: &Filter) {
    q.push("SELECT COUNT(*) FROM (SELECT 1 FROM records i");
    conditions(q, d, f, false);
    q.push(" LIMIT ").bind(Value::Int(COUNT_CAP + 1)).push(") capped");
}

/// The WHERE clause the list and its count share.
///
/// For a page (`ordered`), SQLite is kept from driving the read by a list
/// of several states or groups: it would gather every match and sort them
/// (700 ms for the open ones of a million), where walking the sort order's
/// own index with those conditions as filters finds a page in a few
/// hundred rows. (`+col` is the same value, but not an index term.)
/// PostgreSQL's planner weighs this itself.
fn conditions(q: &mut Sql, d: Dialect, f: &Filter, ordered: bool) {
    let unindexed = |col: &'static str, n: usize| {
        if ordered && n > 1 && d.0 == Backend::Sqlite { col.replacen("i.", "+i.", 1) } else { col.to_owned() }
    };
    q.push(" WHERE i.kind = ").bind(Value::Text(if f.kind.is_empty() { "incident" } else { f.kind }.to_owned()));
    in_list_text(q, &unindexed("i.state", f.states.len()), &f.states);
    in_list_int(q, "i.priority", &f.priorities);
    match (f.group_ids.is_empty(), f.no_group) {
        (true, false) => {}
        (true, true) => {
            q.push(" AND i.assignment_group_id IS NULL");
        }
        (false, no_group) => {
            q.push(" AND (");
            if no_group {
                q.push("i.assignment_group_id IS NULL OR ");
            }
            let col = unindexed("i.assignment_group_id", f.group_ids.len());
            in_list_bare(q, &col, f.group_ids.iter().map(|g| Value::Int(*g)));
            q.push(")");
        }
    }
    match f.assignee {
        Some(Assigned::To(id)) => {
            q.push(" AND i.assignee_id = ").bind(Value::Int(id));
        }
        Some(Assigned::Nobody) => {
            q.push(" AND i.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(r) = f.requester_id {
        q.push(" AND i.requester_id = ").bind(Value::Int(r));
    }
    if let Some(o) = f.organisation_id {
        q.push(" AND i.organisation_id = ").bind(Value::Int(o));
    }
    in_list_int(q, "i.service_id", &f.service_ids);
    if let Some(c) = &f.category {
        q.push(" AND i.category = ").bind(Value::Text(c.clone()));
    }
    // A literal, not a bind: only then can the planners use the partial
    // index of major incidents.
    match f.major {
        Some(true) => q.push(" AND i.major = 1"),
        Some(false) => q.push(" AND i.major = 0"),
        None => q,
    };
    if let Some(t) = f.text.as_deref().filter(|t| !t.is_empty()) {
        // Words go through the search index (prefix on the last one as
        // typed); text that folding would change beyond letters' case and
        // accents ("100%", "mail_relay") must also be in the title or the
        // description as typed, and text with no word in it ("%", "_")
        // only that: the words narrow, the substring decides.
        let words = crate::fulltext::text_filter(t);
        if let Some(query) = &words {
            q.push(" AND ");
            crate::fulltext::push_match(q, d, "i", query);
        }
        if words.is_none() || t.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()) {
            let pattern = Value::Text(like_pattern(t));
            q.push(&format!(" AND (i.title {} ", d.ilike())).bind(pattern.clone());
            q.push(&format!(" ESCAPE '\\' OR i.description {} ", d.ilike())).bind(pattern);
            q.push(" ESCAPE '\\')");
        }
    }
    for (col, op, v) in [
        ("i.opened_at", ">=", f.opened_from),
        ("i.opened_at", "<", f.opened_to),
        ("i.updated_at", ">=", f.updated_from),
        ("i.updated_at", "<", f.updated_to),
    ] {
        if let Some(v) = v {
            q.push(&format!(" AND {col} {op} ")).bind(Value::Int(v));
        }
    }
    match f.sla {
        Some(SlaFilter::DueBy(at)) => {
            q.push(" AND i.sla_due_at <= ").bind(Value::Int(at));
        }
        Some(SlaFilter::Breached) => {
            q.push(" AND i.sla_breached = 1");
        }
        None => {}
    }
    if f.sort == Sort::SlaDue {
        q.push(" AND i.sla_due_at IS NOT NULL");
    }
    if let Some(extra) = f.extra {
        q.push(" AND ").push(extra);
    }
}

fn in_list_text(q: &mut Sql, col: &str, vals: &[String]) {
    if !vals.is_empty() {
        q.push(" AND ");
        in_list_bare(q, col, vals.iter().map(|v| Value::Text(v.clone())));
    }
}

fn in_list_int(q: &mut Sql, col: &str, vals: &[i64]) {
    if !vals.is_empty() {
        q.push(" AND ");
        in_list_bare(q, col, vals.iter().map(|v| Value::Int(*v)));
    }
}

fn in_list_bare(q: &mut Sql, col: &str, vals: impl Iterator<Item = Value>) {
    q.push(col).push(" IN (");
    for (i, v) in vals.enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(v);
    }
    q.push(")");
}

/// Rows per multi-row INSERT in [`insert_many`]: 30 binds a row keeps one
/// statement under SQLite's 32,766 and PostgreSQL's 65,535 bind limits.
const INSERT_MANY_ROWS: usize = 1_000;

/// Inserts many rows (ids and numbers taken from [`reserve`]) with
/// multi-row INSERTs: the fast path for demo data, imports and benchmarks.
/// Display names in the rows are ignored.
pub async fn insert_many(conn: &mut AnyConnection, d: Dialect, rows: &[Record]) -> Result<()> {
    const COLUMNS: usize = 30;
    for chunk in rows.chunks(INSERT_MANY_ROWS) {
        let mut sql = String::with_capacity(400 + chunk.len() * COLUMNS * 8);
        sql.push_str(
            "INSERT INTO records (id, kind, number, title, description, state, hold_reason, impact, urgency, priority, \
             requester_id, organisation_id, category, service_id, assignment_group_id, assignee_id, major, parent_id, \
             resolution_code, resolution_notes, reopen_count, opened_at, first_response_at, resolved_at, closed_at, \
             updated_at, created_by, version, search_title, search_body) VALUES ",
        );
        let mut args = sqlx::any::AnyArguments::default();
        for (r, inc) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..COLUMNS {
                if c > 0 {
                    sql.push_str(", ");
                }
                bind_marker(&mut sql, d, r * COLUMNS + c + 1);
            }
            sql.push(')');
            macro_rules! bind {
                ($($v:expr),+ $(,)?) => { $( sqlx::Arguments::add(&mut args, $v).map_err(sqlx::Error::Encode)?; )+ };
            }
            bind!(
                inc.id,
                inc.kind.as_str(),
                inc.number,
                inc.title.as_str(),
                inc.description.as_str(),
                inc.state.as_str(),
                inc.hold_reason.as_deref()
            );
            bind!(inc.impact, inc.urgency, inc.priority, inc.requester_id, inc.organisation_id);
            bind!(inc.category.as_deref());
            bind!(inc.service_id, inc.assignment_group_id, inc.assignee_id, inc.major, inc.parent_id);
            bind!(inc.resolution_code.as_deref(), inc.resolution_notes.as_deref(), inc.reopen_count, inc.opened_at);
            bind!(inc.first_response_at, inc.resolved_at, inc.closed_at, inc.updated_at, inc.created_by, inc.version);
            bind!(fold(&inc.title), fold(&inc.description));
        }
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// One journal row for [`insert_journal_many`]. Unlike `journal::append`,
/// the caller numbers the entries (`seq`), which it can for records it has
/// just created.
#[derive(Debug, Clone)]
pub struct JournalRow {
    pub record_kind: &'static str,
    pub record_id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'static str,
    /// A JSON array of `{field, old, new}`.
    pub changes: String,
    pub comment_id: Option<i64>,
}

/// Appends many journal entries with multi-row INSERTs (8 binds a row,
/// 2,000 rows a statement).
pub async fn insert_journal_many(conn: &mut AnyConnection, d: Dialect, rows: &[JournalRow]) -> Result<()> {
    const COLUMNS: usize = 8;
    for chunk in rows.chunks(2_000) {
        let mut sql = String::with_capacity(120 + chunk.len() * (COLUMNS * 8 + 16));
        sql.push_str(
            "INSERT INTO journal (record_kind, record_id, seq, at, actor_id, action, changes, comment_id) VALUES ",
        );
        let mut args = sqlx::any::AnyArguments::default();
        for (r, e) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..COLUMNS {
                if c > 0 {
                    sql.push_str(", ");
                }
                bind_marker(&mut sql, d, r * COLUMNS + c + 1);
            }
            sql.push(')');
            macro_rules! bind {
                ($($v:expr),+ $(,)?) => { $( sqlx::Arguments::add(&mut args, $v).map_err(sqlx::Error::Encode)?; )+ };
            }
            bind!(e.record_kind, e.record_id, e.seq, e.at, e.actor_id, e.action, e.changes.as_str(), e.comment_id);
        }
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes the placeholder for the `n`th bind of a multi-row statement.
///
/// SQLite finds the value for a numbered `$n` by scanning the statement's
/// parameter names, so binding thousands of them is quadratic (over a second
/// for a 1,000-row insert); its anonymous `?` binds in order at no cost.
/// PostgreSQL only takes `$n`. Only these bulk inserts need this.
pub(crate) fn bind_marker(sql: &mut String, d: Dialect, n: usize) {
    use std::fmt::Write as _;
    match d.0 {
        crate::Backend::Sqlite => sql.push('?'),
        // Writing to a String cannot fail.
        crate::Backend::Postgres => drop(write!(sql, "${n}")),
    }
}
