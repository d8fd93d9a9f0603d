//! Links between records of any kinds, read from both ends.
//!
//! A record's parent is its `parent_id` (`records_parent` finds the
//! children); every other link is a `record_links` row, kept once, from
//! the end `steward_domain::links::LinkType::stored` names: the primary
//! key (from, link, to) serves the links a record made, `record_links_to`
//! (to, link, from) those made to it.

use crate::{Result, db::Dialect};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use steward_domain::links::DUPLICATE_OF;

/// The record at the other end of a link, and how the link reads.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Row {
    /// `parent` or the row's name.
    pub link: String,
    /// 1 when the record asked about is the stored `from` end (the
    /// child, the duplicate, the incident, the article).
    pub from_end: i64,
    pub id: i64,
    pub kind: String,
    pub number: i64,
    pub title: String,
    pub state: String,
    pub priority: i64,
    /// When the link was made (a parent's: unknown).
    pub linked_at: Option<i64>,
    /// Who made it.
    pub linked_by: Option<String>,
}

const FAR: &str = "r.id, r.kind, r.number, r.title, r.state, r.priority";

/// Every link of record `id`, both ways, in each link's name and then the
/// far end's kind and number order.
pub async fn of(conn: &mut AnyConnection, id: i64) -> Result<Vec<Row>> {
    let by = "(SELECT u.display_name FROM users u WHERE u.id = l.created_by) AS linked_by";
    let sql = format!(
        "SELECT l.link, 1 AS from_end, {FAR}, l.created_at AS linked_at, {by}
           FROM record_links l JOIN records r ON r.id = l.to_id WHERE l.from_id = $1
         UNION ALL
         SELECT l.link, 0 AS from_end, {FAR}, l.created_at AS linked_at, {by}
           FROM record_links l JOIN records r ON r.id = l.from_id WHERE l.to_id = $1
         UNION ALL
         SELECT 'parent', 1, {FAR}, CAST(NULL AS BIGINT), CAST(NULL AS TEXT)
           FROM records c JOIN records r ON r.id = c.parent_id WHERE c.id = $1
         UNION ALL
         SELECT 'parent', 0, {FAR}, CAST(NULL AS BIGINT), CAST(NULL AS TEXT)
           FROM records r WHERE r.parent_id = $1
         ORDER BY 1, 2 DESC, 4, 5"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(conn).await?)
}

/// Whether the row (from, link, to) exists; for a link that goes both
/// ways (`either`), in either direction.
pub async fn exists(conn: &mut AnyConnection, from: i64, link: &str, to: i64, either: bool) -> Result<bool> {
    let sql = if either {
        "SELECT 1 FROM record_links WHERE (from_id = $1 AND link = $2 AND to_id = $3)
            OR (from_id = $3 AND link = $2 AND to_id = $1)"
    } else {
        "SELECT 1 FROM record_links WHERE from_id = $1 AND link = $2 AND to_id = $3"
    };
    let found: Option<(i64,)> = sqlx::query_as(sql).bind(from).bind(link).bind(to).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// Adds the row; whether it is new.
pub async fn insert(
    conn: &mut AnyConnection,
    from: i64,
    link: &str,
    to: i64,
    at: i64,
    by: Option<i64>,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO record_links (from_id, to_id, link, created_at, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (from_id, link, to_id) DO NOTHING",
    )
    .bind(from)
    .bind(to)
    .bind(link)
    .bind(at)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Removes the row, in either direction when `either`; whether there was one.
pub async fn delete(conn: &mut AnyConnection, from: i64, link: &str, to: i64, either: bool) -> Result<bool> {
    let sql = if either {
        "DELETE FROM record_links WHERE (from_id = $1 AND link = $2 AND to_id = $3)
            OR (from_id = $3 AND link = $2 AND to_id = $1)"
    } else {
        "DELETE FROM record_links WHERE from_id = $1 AND link = $2 AND to_id = $3"
    };
    let r = sqlx::query(sql).bind(from).bind(link).bind(to).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

/// The record `id` is a duplicate of: (id, kind, number).
pub async fn original_of(conn: &mut AnyConnection, id: i64) -> Result<Option<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.kind, r.number FROM record_links l JOIN records r ON r.id = l.to_id
         WHERE l.from_id = $1 AND l.link = $2",
    )
    .bind(id)
    .bind(DUPLICATE_OF)
    .fetch_optional(conn)
    .await?)
}

/// Sets (or clears) the record's parent, as a change of the record: its
/// version goes up. Returns the new version.
pub async fn set_parent(conn: &mut AnyConnection, id: i64, parent: Option<i64>, at: i64) -> Result<i64> {
    let (version,): (i64,) = sqlx::query_as(
        "UPDATE records SET parent_id = $1, updated_at = $2, version = version + 1 WHERE id = $3 RETURNING version",
    )
    .bind(parent)
    .bind(at)
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(version)
}

/// Serialises changes of parents and originals until the transaction
/// ends: on PostgreSQL several writers run at once, and two changes that
/// each pass the loop check alone (A under B, B under A) would together
/// close a loop. SQLite's single writer needs nothing.
pub async fn lock_chains(conn: &mut AnyConnection, d: Dialect) -> Result<()> {
    if matches!(d.0, crate::db::Backend::Postgres) {
        sqlx::query("SELECT pg_advisory_xact_lock(7413002)").execute(conn).await?;
    }
    Ok(())
}

/// How far a chain of parents or originals is followed; a deeper one
/// is cut off there (nobody builds one; a loop cannot be made).
const DEPTH: i64 = 64;

/// Whether `target` is `start` or above it: among its parents
/// (`parent` = true) or its chain of originals.
pub async fn reaches(conn: &mut AnyConnection, parent: bool, start: i64, target: i64) -> Result<bool> {
    let step = if parent {
        "SELECT r.parent_id, up.depth + 1 FROM records r JOIN up ON r.id = up.id
          WHERE r.parent_id IS NOT NULL AND up.depth < $3"
    } else {
        "SELECT l.to_id, up.depth + 1 FROM record_links l JOIN up ON l.from_id = up.id
          WHERE l.link = $4 AND up.depth < $3"
    };
    let sql = format!(
        "WITH RECURSIVE up(id, depth) AS (SELECT CAST($1 AS BIGINT), CAST(0 AS BIGINT) UNION ALL {step})
         SELECT 1 FROM up WHERE id = $2 LIMIT 1"
    );
    let q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(start).bind(target).bind(DEPTH);
    let q = if parent { q } else { q.bind(DUPLICATE_OF) };
    let found: Option<(i64,)> = q.fetch_optional(conn).await?;
    Ok(found.is_some())
}
