//! What a change has beyond the shared record (`change_details`): its
//! type, risk, planned and actual window, plans, review and approval.
//! The CIs it changes are the record's (`cmdb::record_cis`).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// The row of `change_details`.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct Details {
    pub record_id: i64,
    /// `standard`, `normal` or `emergency`.
    pub change_type: String,
    /// The risk questionnaire's answers as a JSON array of `[question, answer]`.
    pub risk_answers: String,
    pub risk_score: Option<i64>,
    pub risk_level: Option<String>,
    /// Whether the assessment called for the CAB (1/0), as the
    /// questionnaire of its day said; none when not assessed.
    pub risk_needs_cab: Option<i64>,
    pub planned_start: Option<i64>,
    pub planned_end: Option<i64>,
    pub actual_start: Option<i64>,
    pub actual_end: Option<i64>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub review_notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Authorised (0/1).
    pub approved: i64,
    pub approved_at: Option<i64>,
    /// The template a standard change was raised from.
    pub template_id: Option<i64>,
    /// Its name, as read (not written: the template's row holds it).
    #[sqlx(default)]
    pub template_name: Option<String>,
    /// Whether it is still in the catalogue (1), as read.
    #[sqlx(default)]
    pub template_active: Option<i64>,
}

const COLUMNS: &str = "record_id, change_type, risk_answers, risk_score, risk_level, planned_start, planned_end, \
    actual_start, actual_end, implementation_plan, backout_plan, test_plan, review_notes, cancel_reason, approved, \
    approved_at, template_id, risk_needs_cab";

/// The columns and the template's name, read from `change_details`.
const SELECT: &str = "SELECT record_id, change_type, risk_answers, risk_score, risk_level, planned_start, planned_end, \
    actual_start, actual_end, implementation_plan, backout_plan, test_plan, review_notes, cancel_reason, approved, \
    approved_at, template_id, risk_needs_cab, \
    (SELECT t.name FROM change_templates t WHERE t.id = change_details.template_id) AS template_name, \
    (SELECT t.active FROM change_templates t WHERE t.id = change_details.template_id) AS template_active \
    FROM change_details";

pub async fn details(conn: &mut AnyConnection, record_id: i64) -> Result<Option<Details>> {
    let sql = format!("{SELECT} WHERE record_id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_optional(conn).await?)
}

/// The details of several changes (those that have a row).
pub async fn details_many(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<Details>> {
    let select = format!("{SELECT} WHERE record_id IN ");
    crate::sql::rows_for_ids(conn, &select, record_ids).await
}

pub async fn insert_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    let sql = format!(
        "INSERT INTO change_details ({COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    );
    bind_details(sqlx::query(sqlx::AssertSqlSafe(sql)), d).execute(conn).await?;
    Ok(())
}

/// Writes every column of the row; the record's version guards the change.
pub async fn update_details(conn: &mut AnyConnection, d: &Details) -> Result<()> {
    let q = sqlx::query(
        "UPDATE change_details SET change_type = $2, risk_answers = $3, risk_score = $4, risk_level = $5,
            planned_start = $6, planned_end = $7, actual_start = $8, actual_end = $9, implementation_plan = $10,
            backout_plan = $11, test_plan = $12, review_notes = $13, cancel_reason = $14, approved = $15,
            approved_at = $16, template_id = $17, risk_needs_cab = $18
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
        .bind(d.change_type.clone())
        .bind(d.risk_answers.clone())
        .bind(d.risk_score)
        .bind(d.risk_level.clone())
        .bind(d.planned_start)
        .bind(d.planned_end)
        .bind(d.actual_start)
        .bind(d.actual_end)
        .bind(d.implementation_plan.clone())
        .bind(d.backout_plan.clone())
        .bind(d.test_plan.clone())
        .bind(d.review_notes.clone())
        .bind(d.cancel_reason.clone())
        .bind(d.approved)
        .bind(d.approved_at)
        .bind(d.template_id)
        .bind(d.risk_needs_cab)
}

/// A change with a planned window, as the conflict check reads it.
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Planned {
    pub id: i64,
    pub number: i64,
    pub planned_start: i64,
    pub planned_end: i64,
    pub assignee_id: Option<i64>,
    pub service_id: Option<i64>,
}

/// A change list's condition on its type, its risk level or both (see
/// `records::Filter::extra`): one constant per pair, never user text; None
/// for no condition or a value that is not a type or a level (the use case
/// refuses those first).
pub fn details_filter(change_type: Option<&str>, risk_level: Option<&str>) -> Option<&'static str> {
    macro_rules! on_details {
        ($($cond:literal),+) => {
            Some(concat!("EXISTS (SELECT 1 FROM change_details cd WHERE cd.record_id = i.id", $(" AND ", $cond),+, ")"))
        };
    }
    match (change_type, risk_level) {
        (Some("standard"), None) => on_details!("cd.change_type = 'standard'"),
        (Some("normal"), None) => on_details!("cd.change_type = 'normal'"),
        (Some("emergency"), None) => on_details!("cd.change_type = 'emergency'"),
        (None, Some("low")) => on_details!("cd.risk_level = 'low'"),
        (None, Some("moderate")) => on_details!("cd.risk_level = 'moderate'"),
        (None, Some("high")) => on_details!("cd.risk_level = 'high'"),
        (None, Some("very_high")) => on_details!("cd.risk_level = 'very_high'"),
        (Some("standard"), Some("low")) => on_details!("cd.change_type = 'standard'", "cd.risk_level = 'low'"),
        (Some("standard"), Some("moderate")) => {
            on_details!("cd.change_type = 'standard'", "cd.risk_level = 'moderate'")
        }
        (Some("standard"), Some("high")) => on_details!("cd.change_type = 'standard'", "cd.risk_level = 'high'"),
        (Some("standard"), Some("very_high")) => {
            on_details!("cd.change_type = 'standard'", "cd.risk_level = 'very_high'")
        }
        (Some("normal"), Some("low")) => on_details!("cd.change_type = 'normal'", "cd.risk_level = 'low'"),
        (Some("normal"), Some("moderate")) => on_details!("cd.change_type = 'normal'", "cd.risk_level = 'moderate'"),
        (Some("normal"), Some("high")) => on_details!("cd.change_type = 'normal'", "cd.risk_level = 'high'"),
        (Some("normal"), Some("very_high")) => on_details!("cd.change_type = 'normal'", "cd.risk_level = 'very_high'"),
        (Some("emergency"), Some("low")) => on_details!("cd.change_type = 'emergency'", "cd.risk_level = 'low'"),
        (Some("emergency"), Some("moderate")) => {
            on_details!("cd.change_type = 'emergency'", "cd.risk_level = 'moderate'")
        }
        (Some("emergency"), Some("high")) => on_details!("cd.change_type = 'emergency'", "cd.risk_level = 'high'"),
        (Some("emergency"), Some("very_high")) => {
            on_details!("cd.change_type = 'emergency'", "cd.risk_level = 'very_high'")
        }
        _ => None,
    }
}

/// The states in which a change's window holds its place on the calendar:
/// planned and not yet done (a draft has no place yet).
pub const HOLDING: &str = "('assessment', 'authorization', 'scheduled', 'implementing')";

/// CIs per statement in [`touching`] on SQLite: under its 32,766 binds.
const TOUCHING_CIS: usize = 10_000;

/// A value [`touching`] binds.
enum Bound {
    Int(i64),
    Text(String),
}

/// The changes holding a window that overlaps [from, to) that name one of `cis` or are carried out by
/// `assignee`: the only ones a conflict check can meet. Found from the
/// CIs' index rather than by reading every change in the span (thousands
/// in a busy month). Read by the window index from the start: a change
/// that began more than `longest` before `from` is not found. In start
/// order, at most `limit`.
pub async fn touching(
    conn: &mut AnyConnection,
    d: crate::Dialect,
    (from, to, longest): (i64, i64, i64),
    cis: &[i64],
    assignee: Option<i64>,
    limit: i64,
) -> Result<Vec<Planned>> {
    let mut found: Vec<Planned> = Vec::new();
    // PostgreSQL takes the CIs as one text parameter: planning a statement
    // with thousands of parameters took longer than running it (a reach of
    // 10,000 CIs: 0.4 s a statement), and a custom plan still sees how
    // many there are.
    let pg = matches!(d.0, crate::Backend::Postgres);
    let per = if pg { cis.len().max(1) } else { TOUCHING_CIS };
    let mut chunks: Vec<&[i64]> = cis.chunks(per).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    for (k, chunk) in chunks.into_iter().enumerate() {
        // The owner's changes are asked for once, with the first chunk.
        let owner = if k == 0 { assignee } else { None };
        if chunk.is_empty() && owner.is_none() {
            continue;
        }
        let mut sql = String::from(
            "SELECT r.id, r.number, d.planned_start, d.planned_end, r.assignee_id, r.service_id
             FROM change_details d JOIN records r ON r.id = d.record_id
             WHERE d.planned_start >= ",
        );
        let mut args = sqlx::any::AnyArguments::default();
        let mut n = 0;
        let mut bind = |sql: &mut String, args: &mut sqlx::any::AnyArguments, v: Bound| -> Result<()> {
            n += 1;
            crate::records::bind_marker(sql, d, n);
            match v {
                Bound::Int(i) => sqlx::Arguments::add(args, i),
                Bound::Text(t) => sqlx::Arguments::add(args, t),
            }
            .map_err(sqlx::Error::Encode)?;
            Ok(())
        };
        bind(&mut sql, &mut args, Bound::Int(from - longest))?;
        sql.push_str(" AND d.planned_start < ");
        bind(&mut sql, &mut args, Bound::Int(to))?;
        sql.push_str(" AND d.planned_end > ");
        bind(&mut sql, &mut args, Bound::Int(from))?;
        sql.push_str(&format!(" AND r.state IN {HOLDING} AND ("));
        if !chunk.is_empty() {
            sql.push_str("d.record_id IN (SELECT c.record_id FROM record_cis c WHERE c.ci_id IN (");
            if pg {
                let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                sql.push_str("SELECT CAST(x AS BIGINT) FROM unnest(string_to_array(");
                bind(&mut sql, &mut args, Bound::Text(list.join(",")))?;
                sql.push_str(", ',')) AS x");
            } else {
                for (i, ci) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    bind(&mut sql, &mut args, Bound::Int(*ci))?;
                }
            }
            sql.push_str("))");
        }
        if let Some(a) = owner {
            sql.push_str(if chunk.is_empty() { "r.assignee_id = " } else { " OR r.assignee_id = " });
            bind(&mut sql, &mut args, Bound::Int(a))?;
        }
        sql.push(')');
        // Not prepared and kept: its text differs with every number of CIs
        // and would crowd out the connection's statement cache.
        let rows: Vec<Planned> =
            sqlx::query_as_with(sqlx::AssertSqlSafe(sql), args).persistent(false).fetch_all(&mut *conn).await?;
        found.extend(rows);
    }
    found.sort_by_key(|p| (p.planned_start, p.number));
    found.dedup_by_key(|p| p.id);
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found)
}

/// The CIs of each of these records, as (record, CI).
pub async fn cis_of(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    crate::sql::rows_for_ids(conn, "SELECT record_id, ci_id FROM record_cis WHERE record_id IN ", record_ids).await
}

/// Inserts many changes' details with multi-row INSERTs (17 binds a row,
/// 1,000 rows a statement): the fast path for benchmarks and imports.
pub async fn insert_details_many(conn: &mut AnyConnection, d: crate::Dialect, rows: &[Details]) -> Result<()> {
    const WIDTH: usize = 18;
    for chunk in rows.chunks(1_000) {
        let mut sql = format!("INSERT INTO change_details ({COLUMNS}) VALUES ");
        let mut args = sqlx::any::AnyArguments::default();
        for (r, row) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..WIDTH {
                if c > 0 {
                    sql.push_str(", ");
                }
                crate::records::bind_marker(&mut sql, d, r * WIDTH + c + 1);
            }
            sql.push(')');
            macro_rules! bind {
                ($($v:expr),+ $(,)?) => { $( sqlx::Arguments::add(&mut args, $v).map_err(sqlx::Error::Encode)?; )+ };
            }
            bind!(row.record_id, row.change_type.as_str(), row.risk_answers.as_str(), row.risk_score);
            bind!(row.risk_level.as_deref(), row.planned_start, row.planned_end, row.actual_start, row.actual_end);
            bind!(row.implementation_plan.as_deref(), row.backout_plan.as_deref(), row.test_plan.as_deref());
            bind!(row.review_notes.as_deref(), row.cancel_reason.as_deref(), row.approved, row.approved_at);
            bind!(row.template_id, row.risk_needs_cab);
        }
        sqlx::query_with(sqlx::AssertSqlSafe(sql), args).execute(&mut *conn).await?;
    }
    Ok(())
}
