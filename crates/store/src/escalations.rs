//! Escalation rules, their firings, and group managers.

use crate::sql::{Sql, Value};
use crate::{Result, StoreError};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct RuleRow {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub active: i64,
    /// Trigger, conditions and actions as JSON.
    pub rule: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

const RULE: &str = "SELECT id, name, position, active, rule, created_at, updated_at, version FROM escalation_rules";

/// All rules, in the order they are tried.
pub async fn rules(conn: &mut AnyConnection) -> Result<Vec<RuleRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{RULE} ORDER BY position, id"))).fetch_all(conn).await?)
}

pub async fn rule(conn: &mut AnyConnection, id: i64) -> Result<Option<RuleRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{RULE} WHERE id = $1"))).bind(id).fetch_optional(conn).await?)
}

pub async fn insert_rule(conn: &mut AnyConnection, r: &RuleRow) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO escalation_rules (name, position, active, rule, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(r.name.clone())
    .bind(r.position)
    .bind(r.active)
    .bind(r.rule.clone())
    .bind(r.created_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Replaces a rule if `r.version` is still current; the new version.
pub async fn update_rule(conn: &mut AnyConnection, r: &RuleRow) -> Result<i64> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE escalation_rules SET name = $2, position = $3, active = $4, rule = $5, updated_at = $6,
                version = version + 1
         WHERE id = $1 AND version = $7 RETURNING version",
    )
    .bind(r.id)
    .bind(r.name.clone())
    .bind(r.position)
    .bind(r.active)
    .bind(r.rule.clone())
    .bind(r.updated_at)
    .bind(r.version)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((v,)) = row {
        return Ok(v);
    }
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT version FROM escalation_rules WHERE id = $1").bind(r.id).fetch_optional(conn).await?;
    Err(current.map_or(StoreError::NotFound, |(current,)| StoreError::StaleVersion { current }))
}

/// Deletes a rule (and the record of its firings) if `version` is still
/// current.
pub async fn delete_rule(conn: &mut AnyConnection, id: i64, version: i64) -> Result<()> {
    crate::revs::bump(&mut *conn, crate::revs::SLA).await?;
    let current: Option<(i64,)> = sqlx::query_as("SELECT version FROM escalation_rules WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match current {
        None => return Err(StoreError::NotFound),
        Some((v,)) if v != version => return Err(StoreError::StaleVersion { current: v }),
        Some(_) => {}
    }
    sqlx::query("DELETE FROM escalation_firings WHERE rule_id = $1").bind(id).execute(&mut *conn).await?;
    let r = sqlx::query("DELETE FROM escalation_rules WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Records that `rule` fired for a record at `threshold`; false if it had
/// already, which is how a rule fires only once.
pub async fn record_firing(
    conn: &mut AnyConnection,
    rule_id: i64,
    kind: &str,
    record_id: i64,
    threshold: &str,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO escalation_firings (rule_id, record_kind, record_id, threshold, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(rule_id)
    .bind(kind.to_owned())
    .bind(record_id)
    .bind(threshold.to_owned())
    .bind(at)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// What a plain-time rule looks for: open incidents (by `states`) opened
/// by `opened_by`, optionally without an assignee or without a group, of
/// these priorities and groups.
#[derive(Debug, Clone, Default)]
pub struct Overdue {
    pub rule_id: i64,
    /// The record kind looked at.
    pub kind: String,
    pub states: Vec<String>,
    pub priorities: Vec<i64>,
    pub group_ids: Vec<i64>,
    pub no_assignee: bool,
    pub no_group: bool,
    pub opened_by: i64,
    pub limit: i64,
}

/// Records of a kind a plain-time rule has not fired for yet, oldest first.
pub async fn overdue(conn: &mut AnyConnection, o: &Overdue) -> Result<Vec<i64>> {
    let mut q = Sql::new("SELECT i.id FROM records i WHERE i.kind = ");
    q.bind(Value::Text(o.kind.clone()));
    q.push(" AND i.opened_at <= ");
    q.bind(Value::Int(o.opened_by));
    for (col, vals) in [
        ("i.state", o.states.iter().map(|s| Value::Text(s.clone())).collect::<Vec<_>>()),
        ("i.priority", o.priorities.iter().map(|p| Value::Int(*p)).collect()),
        ("i.assignment_group_id", o.group_ids.iter().map(|g| Value::Int(*g)).collect()),
    ] {
        if !vals.is_empty() {
            q.push(&format!(" AND {col} IN ("));
            for (i, v) in vals.into_iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.bind(v);
            }
            q.push(")");
        }
    }
    if o.no_assignee {
        q.push(" AND i.assignee_id IS NULL");
    }
    if o.no_group {
        q.push(" AND i.assignment_group_id IS NULL");
    }
    q.push(
        " AND NOT EXISTS (SELECT 1 FROM escalation_firings f WHERE f.record_kind = i.kind AND f.record_id = i.id
            AND f.threshold = 'elapsed' AND f.rule_id = ",
    )
    .bind(Value::Int(o.rule_id));
    q.push(") ORDER BY i.opened_at, i.id LIMIT ").bind(Value::Int(o.limit));
    let rows: Vec<(i64,)> = q.fetch_all(conn).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Sets (or clears) the user who manages an assignment group.
pub async fn set_group_manager(conn: &mut AnyConnection, group_id: i64, manager_id: Option<i64>) -> Result<()> {
    let r = sqlx::query("UPDATE assignment_groups SET manager_id = $2 WHERE id = $1")
        .bind(group_id)
        .bind(manager_id)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn group_manager(conn: &mut AnyConnection, group_id: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT manager_id FROM assignment_groups WHERE id = $1")
        .bind(group_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|r| r.0))
}
