//! CMDB rows: configuration items, their identifiers, relations (kept after
//! removal with the span they were live), admin-defined classes, the
//! organisations that use a service, and the CIs incidents name.
//!
//! Bulk writes are multi-row statements in chunks, so a batch of a thousand
//! CIs costs a handful of round trips on PostgreSQL rather than thousands.
//! Every CMDB write first bumps `cmdb_rev` (see [`bump_rev`]).

use crate::journal::NewEntry;
use crate::sql::{Sql, Value, like_pattern};
use crate::{Dialect, Result};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// Rows per multi-row statement: under both engines' bind limits with
/// twenty columns a row (a CI's insert has twenty).
pub const CHUNK: usize = 500;

/// A CI as stored, with the names of what it refers to.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct CiRow {
    pub id: i64,
    pub class: String,
    pub name: String,
    pub status: String,
    pub criticality: String,
    pub owner_group_id: Option<i64>,
    pub owner_group: Option<String>,
    pub location_id: Option<i64>,
    pub location: Option<String>,
    pub vendor: Option<String>,
    /// JSON object.
    pub attributes: String,
    pub inventory_at: Option<i64>,
    pub description: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub support_calendar_id: Option<i64>,
    pub tier: Option<i64>,
    pub portfolio_status: Option<String>,
    pub requester_visible: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// The columns of a [`CiRow`] over `cis c` and the tables of [`FROM`].
macro_rules! ci_columns {
    () => {
        "c.id, c.class, c.name, c.status, c.criticality, c.owner_group_id, g.name AS owner_group, \
    c.location_id, l.name AS location, c.vendor, c.attributes, c.inventory_at, c.description, c.owner_id, \
    u.display_name AS owner_name, c.support_calendar_id, c.tier, c.portfolio_status, c.requester_visible, \
    c.created_at, c.updated_at, c.version"
    };
}
macro_rules! ci_from {
    () => {
        "FROM cis c LEFT JOIN assignment_groups g ON g.id = c.owner_group_id LEFT JOIN cis l ON l.id = c.location_id \
    LEFT JOIN users u ON u.id = c.owner_id"
    };
}
pub(crate) const COLUMNS: &str = ci_columns!();
pub(crate) const FROM: &str = ci_from!();
pub(crate) const SELECT: &str = concat!("SELECT ", ci_columns!(), " ", ci_from!());

/// The writable fields of a CI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiFields {
    pub class: String,
    pub name: String,
    pub status: String,
    pub criticality: String,
    pub owner_group_id: Option<i64>,
    pub location_id: Option<i64>,
    pub vendor: Option<String>,
    pub attributes: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub support_calendar_id: Option<i64>,
    pub tier: Option<i64>,
    pub portfolio_status: Option<String>,
    pub requester_visible: bool,
}

impl CiFields {
    fn values(&self) -> [Value; 14] {
        [
            Value::from(self.class.as_str()),
            Value::from(self.name.as_str()),
            Value::from(self.status.as_str()),
            Value::from(self.criticality.as_str()),
            Value::from(self.owner_group_id),
            Value::from(self.location_id),
            Value::from(self.vendor.as_deref()),
            Value::from(self.attributes.as_str()),
            Value::from(self.description.as_str()),
            Value::from(self.owner_id),
            Value::from(self.support_calendar_id),
            Value::from(self.tier),
            Value::from(self.portfolio_status.as_deref()),
            Value::Int(i64::from(self.requester_visible)),
        ]
    }

    pub fn of(row: &CiRow) -> CiFields {
        CiFields {
            class: row.class.clone(),
            name: row.name.clone(),
            status: row.status.clone(),
            criticality: row.criticality.clone(),
            owner_group_id: row.owner_group_id,
            location_id: row.location_id,
            vendor: row.vendor.clone(),
            attributes: row.attributes.clone(),
            description: row.description.clone(),
            owner_id: row.owner_id,
            support_calendar_id: row.support_calendar_id,
            tier: row.tier,
            portfolio_status: row.portfolio_status.clone(),
            requester_visible: row.requester_visible != 0,
        }
    }
}

const FIELDS: &str = "class, name, status, criticality, owner_group_id, location_id, vendor, attributes, description, \
    owner_id, support_calendar_id, tier, portfolio_status, requester_visible";

/// The folded text a CI is found by, written with every write of its
/// fields (see [`crate::search::ci_search_text`]).
const SEARCH_FIELDS: &str = "search_title, search_body";

fn search_values(f: &CiFields) -> [Value; 2] {
    let (title, body) = crate::search::ci_search_text(&f.name, &f.description, f.vendor.as_deref(), &f.attributes);
    [Value::Text(title), Value::Text(body)]
}

/// Bumps the CMDB revision and returns it. The row lock it takes orders
/// CMDB writes across writers and nodes, so a reader that has seen every
/// row up to revision N can catch up with `rev > N` and miss nothing.
pub async fn bump_rev(conn: &mut AnyConnection) -> Result<i64> {
    let (rev,): (i64,) =
        sqlx::query_as("UPDATE cmdb_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev").fetch_one(conn).await?;
    Ok(rev)
}

pub async fn current_rev(conn: &mut AnyConnection) -> Result<i64> {
    let (rev,): (i64,) = sqlx::query_as("SELECT rev FROM cmdb_rev WHERE id = 1").fetch_one(conn).await?;
    Ok(rev)
}

/// The next free CI id. Call after [`bump_rev`]: its lock makes the CMDB
/// writer the only one handing out ids, so a batch can number its CIs
/// before inserting them in one statement.
pub async fn next_id(conn: &mut AnyConnection) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) + 1 FROM cis").fetch_one(conn).await?;
    Ok(id)
}

/// Inserts CIs with the ids given.
pub async fn insert(conn: &mut AnyConnection, cis: &[(i64, CiFields)], now: i64, rev: i64) -> Result<()> {
    for chunk in cis.chunks(CHUNK) {
        let mut q =
            Sql::new(&format!("INSERT INTO cis (id, {FIELDS}, {SEARCH_FIELDS}, created_at, updated_at, rev) VALUES "));
        for (i, (id, f)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let mut row = vec![Value::Int(*id)];
            row.extend(f.values());
            row.extend(search_values(f));
            row.extend([Value::Int(now), Value::Int(now), Value::Int(rev)]);
            q.row(row);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces a CI's fields; the new version.
pub async fn update(conn: &mut AnyConnection, id: i64, f: &CiFields, now: i64, rev: i64) -> Result<i64> {
    let mut q = Sql::new("UPDATE cis SET (");
    q.push(FIELDS).push(", ").push(SEARCH_FIELDS).push(") = ");
    q.row(f.values().into_iter().chain(search_values(f)));
    q.push(", updated_at = ").bind(Value::Int(now));
    q.push(", rev = ").bind(Value::Int(rev));
    q.push(", version = version + 1 WHERE id = ").bind(Value::Int(id));
    q.push(" RETURNING version");
    let (v,): (i64,) = q.fetch_one(conn).await?;
    Ok(v)
}

/// Stores the latest agent inventory details of a CI.
pub async fn set_inventory(conn: &mut AnyConnection, id: i64, json: &str, at: i64) -> Result<()> {
    sqlx::query("UPDATE cis SET inventory = $2, inventory_at = $3 WHERE id = $1")
        .bind(id)
        .bind(json.to_owned())
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn inventory(conn: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT inventory FROM cis WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(row.and_then(|r| r.0))
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<CiRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"))).bind(id).fetch_optional(conn).await?)
}

/// The CIs with these ids, in no particular order.
pub async fn get_many(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<CiRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut q = Sql::new(SELECT);
        q.push(" WHERE c.id IN ");
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        let mut rows: Vec<CiRow> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// What a CI list is filtered by; empty means no filter.
#[derive(Debug, Clone, Default)]
pub struct CiFilter {
    /// The class keys to show (a class and every class extending it).
    pub classes: Vec<String>,
    pub status: Option<String>,
    pub owner_group_id: Option<i64>,
    pub location_id: Option<i64>,
    /// Part of the name, any case.
    pub q: Option<String>,
    pub portfolio_status: Option<String>,
    /// Only services requesters may see.
    pub requester_visible: bool,
}

/// A page of CIs in name order (any case), after the keyset `(name, id)`.
pub async fn list(
    conn: &mut AnyConnection,
    dialect: Dialect,
    f: &CiFilter,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<CiRow>> {
    let q = list_sql(dialect, f, after, limit);
    Ok(q.fetch_all(conn).await?)
}

/// The engine's plan for a first page of [`list`]: what the query-plan
/// tests read.
pub async fn list_plan(conn: &mut AnyConnection, dialect: Dialect, f: &CiFilter) -> Result<Vec<String>> {
    Ok(crate::sql::explain(conn, dialect, &list_sql(dialect, f, None, 51)).await?)
}

fn list_sql(dialect: Dialect, f: &CiFilter, after: Option<(String, i64)>, limit: i64) -> Sql {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE 1 = 1");
    if !f.classes.is_empty() {
        q.push(" AND c.class IN ").row(f.classes.iter().map(|c| Value::from(c.as_str())));
    }
    if let Some(s) = &f.status {
        q.push(" AND c.status = ").bind(Value::from(s.as_str()));
    }
    if let Some(g) = f.owner_group_id {
        q.push(" AND c.owner_group_id = ").bind(Value::Int(g));
    }
    if let Some(l) = f.location_id {
        q.push(" AND c.location_id = ").bind(Value::Int(l));
    }
    if let Some(text) = &f.q {
        q.push(&format!(" AND c.name {} ", dialect.ilike())).bind(Value::Text(like_pattern(text)));
        q.push(" ESCAPE '\\'");
    }
    if let Some(p) = &f.portfolio_status {
        q.push(" AND c.portfolio_status = ").bind(Value::from(p.as_str()));
    }
    if f.requester_visible {
        q.push(" AND c.requester_visible = 1");
    }
    if let Some((name, id)) = after {
        q.push(" AND (LOWER(c.name), c.id) > (LOWER(")
            .bind(Value::Text(name))
            .push("), ")
            .bind(Value::Int(id))
            .push(")");
    }
    // Case does not order names ("alpha" before "Beta").
    q.push(" ORDER BY LOWER(c.name), c.id LIMIT ").bind(Value::Int(limit));
    q
}

/// The first CI of `class` with this name (any case), if any.
pub async fn find_by_name(conn: &mut AnyConnection, class: &str, name: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM cis WHERE class = $1 AND LOWER(name) = LOWER($2) ORDER BY id LIMIT 1")
            .bind(class.to_owned())
            .bind(name.to_owned())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.0))
}

/// Each CI that has a value of the attribute `key`, with that value as
/// text: one scan of the CIs, for mapping alerts by an attribute. `key`
/// must be an attribute name (ASCII letters, digits, `_`: it is written
/// into the JSON path); any other reads nothing.
pub async fn attribute_values(conn: &mut AnyConnection, d: Dialect, key: &str) -> Result<Vec<(i64, String)>> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Ok(Vec::new());
    }
    let value = d.json_text("attributes", key);
    let sql = format!("SELECT id, CAST({value} AS TEXT) FROM cis WHERE {value} IS NOT NULL ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

/// A reconciliation key and the CI that holds it.
#[derive(Debug, Clone, FromRow, PartialEq, Eq, Hash)]
pub struct IdentifierRow {
    pub scope: String,
    pub key: String,
    pub value: String,
    pub ci_id: i64,
}

/// Which CIs hold any of these `(scope, key, value)` identifiers. Looked
/// up by value alone (one indexed IN list per chunk: both engines use the
/// index for it, which a row-value IN list does not promise), then matched.
pub async fn find_identifiers(
    conn: &mut AnyConnection,
    keys: &[(String, String, String)],
) -> Result<Vec<IdentifierRow>> {
    let wanted: std::collections::HashSet<(&str, &str, &str)> =
        keys.iter().map(|(s, k, v)| (s.as_str(), k.as_str(), v.as_str())).collect();
    let mut values: Vec<&str> = keys.iter().map(|(_, _, v)| v.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    let mut out = Vec::new();
    for chunk in values.chunks(CHUNK * 2) {
        let mut q = Sql::new("SELECT scope, key, value, ci_id FROM ci_identifiers WHERE value IN ");
        q.row(chunk.iter().map(|v| Value::from(*v)));
        let rows: Vec<IdentifierRow> = q.fetch_all(&mut *conn).await?;
        out.extend(rows.into_iter().filter(|r| wanted.contains(&(r.scope.as_str(), r.key.as_str(), r.value.as_str()))));
    }
    Ok(out)
}

/// Forgets every identifier of these CIs (before writing their new ones).
pub async fn delete_identifiers(conn: &mut AnyConnection, ci_ids: &[i64]) -> Result<()> {
    for chunk in ci_ids.chunks(CHUNK) {
        let mut q = Sql::new("DELETE FROM ci_identifiers WHERE ci_id IN ");
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores identifiers; one already held by another CI is a `Duplicate`.
pub async fn insert_identifiers(conn: &mut AnyConnection, rows: &[IdentifierRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO ci_identifiers (scope, key, value, ci_id) VALUES ");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::from(r.scope.as_str()),
                Value::from(r.key.as_str()),
                Value::from(r.value.as_str()),
                Value::Int(r.ci_id),
            ]);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A relation and the span it was live (`removed_at` None: still live).
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Relation {
    pub id: i64,
    pub from_id: i64,
    pub to_id: i64,
    pub kind: String,
    pub created_at: i64,
    pub removed_at: Option<i64>,
    pub rev: i64,
}

const RELATION: &str = "SELECT id, from_id, to_id, kind, created_at, removed_at, rev FROM ci_relations";

/// Adds relations; those already live are skipped. Returns the ones added.
pub async fn insert_relations(
    conn: &mut AnyConnection,
    rels: &[(i64, i64, &str)],
    now: i64,
    rev: i64,
) -> Result<Vec<Relation>> {
    let mut out = Vec::new();
    for chunk in rels.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO ci_relations (from_id, to_id, kind, created_at, rev) VALUES ");
        for (i, (f, t, k)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([Value::Int(*f), Value::Int(*t), Value::from(*k), Value::Int(now), Value::Int(rev)]);
        }
        q.push(
            " ON CONFLICT (from_id, to_id, kind) WHERE removed_at IS NULL DO NOTHING \
             RETURNING id, from_id, to_id, kind, created_at, removed_at, rev",
        );
        let mut rows: Vec<Relation> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// Loads relations with the spans they were live (`(from, to, kind,
/// since, until)`): history for imports from another CMDB and benchmarks.
pub async fn insert_history(
    conn: &mut AnyConnection,
    rels: &[(i64, i64, String, i64, Option<i64>)],
    rev: i64,
) -> Result<()> {
    for chunk in rels.chunks(CHUNK) {
        let mut q = Sql::new("INSERT INTO ci_relations (from_id, to_id, kind, created_at, removed_at, rev) VALUES ");
        for (i, (f, t, k, since, until)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.row([
                Value::Int(*f),
                Value::Int(*t),
                Value::from(k.as_str()),
                Value::Int(*since),
                Value::from(*until),
                Value::Int(rev),
            ]);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Dates every CI created after `at` back to `at`: for loads of history
/// (a CMDB imported with its past, benchmarks).
pub async fn backdate_cis(conn: &mut AnyConnection, at: i64, rev: i64) -> Result<u64> {
    let r = sqlx::query("UPDATE cis SET created_at = $1, rev = $2 WHERE created_at > $1")
        .bind(at)
        .bind(rev)
        .execute(conn)
        .await?;
    Ok(r.rows_affected())
}

/// Ends a live relation; None if it is not live (or does not exist).
pub async fn remove_relation(conn: &mut AnyConnection, id: i64, now: i64, rev: i64) -> Result<Option<Relation>> {
    Ok(sqlx::query_as(
        "UPDATE ci_relations SET removed_at = $2, rev = $3 WHERE id = $1 AND removed_at IS NULL
         RETURNING id, from_id, to_id, kind, created_at, removed_at, rev",
    )
    .bind(id)
    .bind(now)
    .bind(rev)
    .fetch_optional(conn)
    .await?)
}

pub async fn relation(conn: &mut AnyConnection, id: i64) -> Result<Option<Relation>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{RELATION} WHERE id = $1"))).bind(id).fetch_optional(conn).await?)
}

/// Relations written after revision `rev` (for catching a cached graph up).
pub async fn relations_since(conn: &mut AnyConnection, rev: i64) -> Result<Vec<Relation>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{RELATION} WHERE rev > $1 ORDER BY rev, id")))
        .bind(rev)
        .fetch_all(conn)
        .await?)
}

/// What the graph cache keeps of each CI.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CiBrief {
    pub id: i64,
    pub class: String,
    pub name: String,
    pub status: String,
    pub created_at: i64,
}

pub async fn cis_since(conn: &mut AnyConnection, rev: i64) -> Result<Vec<CiBrief>> {
    Ok(sqlx::query_as("SELECT id, class, name, status, created_at FROM cis WHERE rev > $1 ORDER BY rev, id")
        .bind(rev)
        .fetch_all(conn)
        .await?)
}

/// Admin-defined classes: key, definition JSON, version.
pub async fn classes(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as("SELECT key, definition, version FROM ci_classes ORDER BY key").fetch_all(conn).await?)
}

pub async fn insert_class(conn: &mut AnyConnection, key: &str, definition: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO ci_classes (key, definition, created_at, updated_at) VALUES ($1, $2, $3, $3)")
        .bind(key.to_owned())
        .bind(definition.to_owned())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a class if `version` is current; the new version, or None.
pub async fn update_class(
    conn: &mut AnyConnection,
    key: &str,
    definition: &str,
    version: i64,
    now: i64,
) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE ci_classes SET definition = $2, updated_at = $4, version = version + 1
         WHERE key = $1 AND version = $3 RETURNING version",
    )
    .bind(key.to_owned())
    .bind(definition.to_owned())
    .bind(version)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// How many CIs are of each of these classes (to refuse removing a class
/// in use).
pub async fn count_of_class(conn: &mut AnyConnection, class: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM cis WHERE class = $1").bind(class.to_owned()).fetch_one(conn).await?;
    Ok(n)
}

/// An organisation that uses a service.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct Consumer {
    pub service_id: i64,
    pub organisation_id: i64,
    pub organisation: String,
}

pub async fn consumers(conn: &mut AnyConnection, service_ids: &[i64]) -> Result<Vec<Consumer>> {
    let mut out = Vec::new();
    for chunk in service_ids.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT s.service_id, s.organisation_id, o.name AS organisation FROM service_consumers s \
             JOIN organisations o ON o.id = s.organisation_id WHERE s.service_id IN ",
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.push(" ORDER BY o.name");
        let mut rows: Vec<Consumer> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

pub async fn set_consumers(conn: &mut AnyConnection, service_id: i64, organisation_ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM service_consumers WHERE service_id = $1").bind(service_id).execute(&mut *conn).await?;
    for o in organisation_ids {
        sqlx::query("INSERT INTO service_consumers (service_id, organisation_id) VALUES ($1, $2)")
            .bind(service_id)
            .bind(*o)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The CIs a record names.
pub async fn record_cis(conn: &mut AnyConnection, record_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT ci_id FROM record_cis WHERE record_id = $1 ORDER BY ci_id")
        .bind(record_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn set_record_cis(conn: &mut AnyConnection, record_id: i64, ci_ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM record_cis WHERE record_id = $1").bind(record_id).execute(&mut *conn).await?;
    if ci_ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("INSERT INTO record_cis (record_id, ci_id) VALUES ");
    for (i, c) in ci_ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.row([Value::Int(record_id), Value::Int(*c)]);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Adds the CIs of many new records at once, as (record, CI), 5,000 rows
/// a statement: the fast path for benchmarks and imports.
pub async fn insert_record_cis_many(conn: &mut AnyConnection, d: Dialect, rows: &[(i64, i64)]) -> Result<()> {
    for chunk in rows.chunks(5_000) {
        let mut sql = String::from("INSERT INTO record_cis (record_id, ci_id) VALUES ");
        let mut args = sqlx::any::AnyArguments::default();
        for (r, (record, ci)) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            crate::records::bind_marker(&mut sql, d, r * 2 + 1);
            sql.push_str(", ");
            crate::records::bind_marker(&mut sql, d, r * 2 + 2);
            sql.push(')');
            sqlx::Arguments::add(&mut args, *record).map_err(sqlx::Error::Encode)?;
            sqlx::Arguments::add(&mut args, *ci).map_err(sqlx::Error::Encode)?;
        }
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// An open incident that touches a CI, for CI and service pages.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq, Eq)]
pub struct OpenIncident {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub state: String,
    pub priority: i64,
    pub opened_at: i64,
    /// The CI (or service) through which it touches the set.
    pub ci_id: i64,
}

/// Open incidents whose service is one of `ci_ids` or that name one of
/// them, most urgent first.
pub async fn open_incidents_on(conn: &mut AnyConnection, ci_ids: &[i64], limit: i64) -> Result<Vec<OpenIncident>> {
    let mut out: Vec<OpenIncident> = Vec::new();
    for chunk in ci_ids.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT i.id, i.number, i.title, i.state, i.priority, i.opened_at, i.service_id AS ci_id FROM records i \
             WHERE i.kind = 'incident' AND i.state IN ('new', 'in_progress', 'on_hold') AND i.service_id IN ",
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.push(
            " UNION SELECT i.id, i.number, i.title, i.state, i.priority, i.opened_at, x.ci_id FROM record_cis x \
             JOIN records i ON i.id = x.record_id \
             WHERE i.kind = 'incident' AND i.state IN ('new', 'in_progress', 'on_hold') AND x.ci_id IN ",
        );
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.push(" ORDER BY 5, 6 LIMIT ").bind(Value::Int(limit));
        let mut rows: Vec<OpenIncident> = q.fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    out.sort_by_key(|i| (i.priority, i.opened_at, i.id));
    out.dedup_by_key(|i| i.id);
    out.truncate(limit as usize);
    Ok(out)
}

/// Journal entries of a CI after `at`, newest first: what to undo to see
/// the CI as it was.
pub async fn journal_after(conn: &mut AnyConnection, ci_id: i64, at: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT at, action, changes FROM journal WHERE record_kind = 'ci' AND record_id = $1 AND at > $2
         ORDER BY seq DESC",
    )
    .bind(ci_id)
    .bind(at)
    .fetch_all(conn)
    .await?)
}

/// Appends journal entries for many records in one statement per chunk,
/// each with its record's next sequence number (1 for records created in
/// this transaction: `fresh`). Each record may appear once per call.
pub async fn journal_many(conn: &mut AnyConnection, entries: &[NewEntry<'_>], fresh: bool) -> Result<()> {
    for chunk in entries.chunks(CHUNK / 2) {
        let mut q =
            Sql::new("INSERT INTO journal (record_kind, record_id, seq, at, actor_id, action, changes) VALUES ");
        for (i, e) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(Value::from(e.record_kind)).push(", ").bind(Value::Int(e.record_id));
            if fresh {
                q.push(", 1, ");
            } else {
                q.push(", (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE record_kind = ");
                q.bind(Value::from(e.record_kind)).push(" AND record_id = ").bind(Value::Int(e.record_id)).push("), ");
            }
            q.bind(Value::Int(e.at)).push(", ").bind(Value::from(e.actor_id)).push(", ");
            q.bind(Value::from(e.action)).push(", ").bind(Value::from(e.changes.as_str())).push(")");
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
