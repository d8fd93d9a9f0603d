//! Finding things by what a person types: users by username, e-mail or
//! name; services and CIs by words of their name, description, vendor and
//! attributes through the full-text index (as records are, `fulltext`),
//! or by an identifier (hostname, serial number, FQDN, UUID) exactly.
//! Incidents are found by number (`incidents::get`) and by words
//! (`fulltext`).

use crate::{
    Result,
    accounts::{USER_COLUMNS, User},
    cmdb::{self, CiRow},
    db::{Backend, Dialect},
    fulltext::{CANDIDATES, Pooled, Windows, newest_first, push_floor, push_matches, push_title_hit},
    sql::{Sql, Value},
};
use sqlx::{AnyConnection, FromRow};
use steward_domain::search::{Query, fold};

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
    let rows: Vec<(i64,)> = q.fetch_all(conn).await?;
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

/// The folded text a CI is found by: its name as the title; as the body
/// its description, vendor and the text values of its attributes. The
/// attributes hold every identifier a class declares (serial number,
/// UUID, hostname, FQDN, MAC address) and the rest worth finding a machine
/// by (an OS, an engine, an address); taking them from the row itself means every
/// write path (a form, the bulk API, an import, an agent's inventory) and
/// the backfill fold the same text with no read of `ci_identifiers`, and
/// a bulk import stays one statement per chunk. Numbers and flags are
/// left out: a CPU count matches nothing anyone types.
pub fn ci_search_text(name: &str, description: &str, vendor: Option<&str>, attributes: &str) -> (String, String) {
    let mut body = String::from(description);
    for text in vendor.into_iter().chain(attribute_texts(attributes).iter().map(String::as_str)) {
        body.push('\n');
        body.push_str(text);
    }
    (fold(name), fold(&body))
}

/// The text values of a CI's attributes (a JSON object), in key order.
fn attribute_texts(attributes: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str(attributes) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(_, v)| match v {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// A service or CI a search found.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct CiHit {
    #[sqlx(flatten)]
    pub ci: CiRow,
    /// Every term is in the name (0/1).
    pub title_hit: i64,
    /// What was typed is one of its identifiers (0/1).
    pub exact: i64,
    /// How many CIs were ranked: the matches in the window searched (at
    /// most [`CANDIDATES`]) and the CI the identifier names.
    pub pool: i64,
}

impl Pooled for CiHit {
    fn pool(&self) -> i64 {
        self.pool
    }
}

/// The CIs in `scope` matching every term of `query`, or with an
/// identifier equal to `text` (identifiers are stored trimmed and in lower
/// case): an exact identifier first, then those with every term in the
/// name, then by name. Ranks within the [`CANDIDATES`] newest matches.
///
/// On PostgreSQL a word many CIs share ranks within the newest CIs, as
/// records do (`fulltext::newest_first`): the newest 10,000 first, then
/// 100,000, then all, the first window with enough matches answering, so
/// a rare word still finds every match. (No BRIN index of the CIs' id:
/// each window is walked or read from the words' index as the planner
/// judges.) SQLite's FTS5 hands out the matches newest first and stops at
/// the cap by itself.
pub async fn cis(
    conn: &mut AnyConnection,
    d: Dialect,
    query: &Query,
    text: &str,
    scope: &CiScope,
    limit: i64,
) -> Result<Vec<CiHit>> {
    let windows = (d.0 == Backend::Postgres).then_some(Windows { table: "cis", id_brin: false });
    newest_first(conn, windows, |floor| cis_sql(d, query, text, scope, limit, floor)).await
}

/// The engine's plan of [`cis`] (PostgreSQL: the generic plan the read
/// pool runs, over every CI), for the query-plan tests.
pub async fn cis_plan(
    conn: &mut AnyConnection,
    d: Dialect,
    query: &Query,
    text: &str,
    scope: &CiScope,
) -> Result<Vec<String>> {
    let q = cis_sql(d, query, text, scope, 20, None);
    Ok(crate::sql::read_plan(conn, d, &q).await?)
}

/// The search, its matches held to ids above `floor`. The candidates are
/// ranked on the few columns the order needs, carried from the walk over
/// the matches; the rest of a row and its joins are read for the page
/// alone. Joined for every candidate, PostgreSQL scanned every CI and
/// hashed every location for a word in half of 100,000 CIs (146 ms; 22 ms
/// ranked this way).
fn cis_sql(d: Dialect, query: &Query, text: &str, scope: &CiScope, limit: i64, floor: Option<i64>) -> Sql {
    let identifier = Value::Text(text.trim().to_lowercase());
    let mut q = Sql::new("SELECT ");
    q.push(cmdb::COLUMNS).push(", r.title_hit, r.exact, r.pool FROM (SELECT m.id, ");
    push_title_hit(&mut q, "m", query);
    q.push(" AS title_hit, CASE WHEN m.id IN (SELECT ci_id FROM ci_identifiers WHERE value = ");
    q.bind(identifier.clone()).push(") THEN 1 ELSE 0 END AS exact, LOWER(m.name) AS sort_name, ");
    q.push("COUNT(*) OVER () AS pool FROM (SELECT * FROM (SELECT x.id, x.name, x.search_title FROM ");
    // The newest matches (FTS5 hands them out newest first and stops at
    // the cap), and the CI an identifier names.
    push_matches(&mut q, d, "cis", "x", query);
    // SQLite would walk a class's index and look each CI up in FTS5 (`+`
    // keeps the column out of index choice): the matches lead, newest
    // first as FTS5 hands them out, and the rows are then read by id.
    let sqlite = d.0 == Backend::Sqlite;
    let unindexed = if sqlite { "+" } else { "" };
    push_scope(&mut q, "x", unindexed, scope);
    push_floor(&mut q, "x", floor);
    let newest = if sqlite { "f.rowid" } else { "x.id" };
    q.push(&format!(
        " ORDER BY {newest} DESC LIMIT {CANDIDATES}) w UNION SELECT i.id, i.name, i.search_title FROM cis i \
         WHERE i.id IN (SELECT ci_id FROM ci_identifiers WHERE value = "
    ));
    q.bind(identifier).push(")");
    push_scope(&mut q, "i", unindexed, scope);
    q.push(") m ORDER BY exact DESC, title_hit DESC, sort_name, m.id LIMIT ").bind(Value::Int(limit));
    // The page's rows, read by id: `CROSS JOIN` keeps SQLite from
    // reordering the ranked few after the CIs.
    let from = cmdb::FROM.trim_start_matches("FROM ");
    q.push(&format!(
        ") r CROSS JOIN {from} WHERE c.id = r.id ORDER BY r.exact DESC, r.title_hit DESC, r.sort_name, r.id"
    ));
    q
}

fn push_scope(q: &mut Sql, alias: &str, unindexed: &str, scope: &CiScope) {
    if !scope.classes.is_empty() {
        q.push(&format!(" AND {unindexed}{alias}.class IN "));
        // Written out where they are plain keys, so that PostgreSQL's
        // generic plan knows services are few and reads them by class
        // rather than walking every CI for a word they all share.
        if scope.classes.iter().all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
            q.push(&format!("('{}')", scope.classes.join("', '")));
        } else {
            q.row(scope.classes.iter().map(|c| Value::from(c.as_str())));
        }
    }
    if !scope.except.is_empty() {
        q.push(&format!(" AND {unindexed}{alias}.class NOT IN "))
            .row(scope.except.iter().map(|c| Value::from(c.as_str())));
    }
    if scope.requester_visible {
        q.push(&format!(
            " AND {unindexed}{alias}.requester_visible = 1 AND {unindexed}{alias}.portfolio_status = 'live'"
        ));
    }
}

/// Up to `batch` CIs that have no search text yet (from before migration
/// 0020), lowest id first, with their text folded: what
/// `fulltext::backfill` writes once the records are done.
pub(crate) async fn unfolded_cis(conn: &mut AnyConnection, batch: i64) -> Result<Vec<(i64, String, String)>> {
    type Row = (i64, String, String, Option<String>, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, description, vendor, attributes FROM cis WHERE search_title IS NULL ORDER BY id LIMIT $1",
    )
    .bind(batch)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, description, vendor, attributes)| {
            let (title, body) = ci_search_text(&name, &description, vendor.as_deref(), &attributes);
            (id, title, body)
        })
        .collect())
}
