//! What a problem has beyond the shared record (`problem_details`), and its
//! links to incidents.
//!
//! An incident is linked to the problem that caused it as one
//! `record_links` row: from the incident, `link = 'caused_by'`, to the
//! problem. The table's primary key (from, link, to) finds an incident's
//! problems; `record_links_to` (to, link, from) a problem's incidents.

use crate::{Result, db::Dialect, records::bind_marker};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// The link from an incident to the problem that caused it.
pub const CAUSED_BY: &str = steward_domain::links::CAUSED_BY;

/// The list filter's condition for problems published as known errors
/// (see `records::Filter::extra`).
pub const KNOWN_ERROR: &str =
    "EXISTS (SELECT 1 FROM problem_details pd WHERE pd.record_id = i.id AND pd.known_error = 1)";

/// The row of `problem_details`.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Details {
    pub record_id: i64,
    pub cause_category: Option<String>,
    /// The analysis: what the root cause is.
    pub root_cause: Option<String>,
    /// The 5-whys as a JSON array of `{question, answer}`.
    pub whys: String,
    pub workaround: Option<String>,
    /// Published as a known error (0/1).
    pub known_error: i64,
    pub known_error_at: Option<i64>,
    pub cancel_reason: Option<String>,
}

const COLUMNS: &str =
    "record_id, cause_category, root_cause, whys, workaround, known_error, known_error_at, cancel_reason";

pub async fn details(conn: &mut AnyConnection, record_id: i64) -> Result<Option<Details>> {
    let sql = format!("SELECT {COLUMNS} FROM problem_details WHERE record_id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_optional(conn).await?)
}

/// The details of several problems (those that have a row).
pub async fn details_many(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<Details>> {
    let select = format!("SELECT {COLUMNS} FROM problem_details WHERE record_id IN ");
    crate::sql::rows_for_ids(conn, &select, record_ids).await
}

pub async fn insert_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    let sql = format!("INSERT INTO problem_details ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    bind_details(sqlx::query(sqlx::AssertSqlSafe(sql)), d).execute(conn).await?;
    Ok(())
}

/// Writes every column of the row; the record's version guards the change.
pub async fn update_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    let q = sqlx::query(
        "UPDATE problem_details SET cause_category = $2, root_cause = $3, whys = $4, workaround = $5,
            known_error = $6, known_error_at = $7, cancel_reason = $8
         WHERE record_id = $1",
    );
    bind_details(q, d).execute(conn).await?;
    Ok(())
}

fn bind_details<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    d: &Details,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(d.record_id)
        .bind(d.cause_category.clone())
        .bind(d.root_cause.clone())
        .bind(d.whys.clone())
        .bind(d.workaround.clone())
        .bind(d.known_error)
        .bind(d.known_error_at)
        .bind(d.cancel_reason.clone())
}

/// Links incidents to the problem that caused them, in one multi-row
/// INSERT (5 binds a row: 1,000 incidents are one statement); links that
/// exist already stay as they are. Returns the incident ids newly linked.
pub async fn link_incidents(
    conn: &mut AnyConnection,
    d: Dialect,
    problem_id: i64,
    incident_ids: &[i64],
    at: i64,
    by: Option<i64>,
) -> Result<Vec<i64>> {
    const COLS: usize = 5;
    let mut linked = Vec::with_capacity(incident_ids.len());
    // 2,000 rows keep a statement under SQLite's 32,766 binds.
    for chunk in incident_ids.chunks(2_000) {
        let mut sql = String::with_capacity(120 + chunk.len() * 32);
        sql.push_str("INSERT INTO record_links (from_id, to_id, link, created_at, created_by) VALUES ");
        let mut args = sqlx::any::AnyArguments::default();
        for (r, incident) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..COLS {
                if c > 0 {
                    sql.push_str(", ");
                }
                bind_marker(&mut sql, d, r * COLS + c + 1);
            }
            sql.push(')');
            for v in [Some(*incident), Some(problem_id)] {
                sqlx::Arguments::add(&mut args, v).map_err(sqlx::Error::Encode)?;
            }
            sqlx::Arguments::add(&mut args, CAUSED_BY).map_err(sqlx::Error::Encode)?;
            sqlx::Arguments::add(&mut args, at).map_err(sqlx::Error::Encode)?;
            sqlx::Arguments::add(&mut args, by).map_err(sqlx::Error::Encode)?;
        }
        sql.push_str(" ON CONFLICT (from_id, link, to_id) DO NOTHING RETURNING from_id");
        let rows: Vec<(i64,)> = sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args).fetch_all(&mut *conn).await?;
        linked.extend(rows.into_iter().map(|r| r.0));
    }
    linked.sort_unstable();
    Ok(linked)
}

/// Removes the link; whether there was one.
pub async fn unlink_incident(conn: &mut AnyConnection, problem_id: i64, incident_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM record_links WHERE from_id = $1 AND link = $2 AND to_id = $3")
        .bind(incident_id)
        .bind(CAUSED_BY)
        .bind(problem_id)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// A record at the other end of a link, as lists show it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Linked {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub state: String,
    pub priority: i64,
    /// When the link was made.
    pub linked_at: i64,
}

/// The incidents a problem caused, in number order.
pub async fn incidents_of(conn: &mut AnyConnection, problem_id: i64) -> Result<Vec<Linked>> {
    linked(conn, "from_id", "to_id", problem_id).await
}

/// The problems that caused an incident, in number order.
pub async fn problems_of(conn: &mut AnyConnection, incident_id: i64) -> Result<Vec<Linked>> {
    linked(conn, "to_id", "from_id", incident_id).await
}

/// The records at the `far` end of the `caused_by` links whose `near`
/// end is `id`.
async fn linked(conn: &mut AnyConnection, far: &str, near: &str, id: i64) -> Result<Vec<Linked>> {
    let sql = format!(
        "SELECT r.id, r.number, r.title, r.state, r.priority, l.created_at AS linked_at
         FROM record_links l JOIN records r ON r.id = l.{far}
         WHERE l.{near} = $1 AND l.link = $2 ORDER BY r.number"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(CAUSED_BY).fetch_all(conn).await?)
}
