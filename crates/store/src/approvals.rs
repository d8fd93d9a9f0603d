//! Approval policies and changes' approval rounds: the plan each round
//! resolved and the decisions given in it (migration 0023).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A policy row; its stages as JSON (the domain's `StageRule`s).
#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct PolicyRow {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub change_type: Option<String>,
    pub min_risk: Option<String>,
    pub service_id: Option<i64>,
    pub self_approval: i64,
    pub parallel: i64,
    pub stages: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const POLICY: &str = "SELECT id, name, position, change_type, min_risk, service_id, self_approval, parallel, stages, \
    created_at, updated_at FROM approval_policies";

/// Every policy, in the order they are tried.
pub async fn policies(conn: &mut AnyConnection) -> Result<Vec<PolicyRow>> {
    let sql = format!("{POLICY} ORDER BY position, id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn policy(conn: &mut AnyConnection, id: i64) -> Result<Option<PolicyRow>> {
    let sql = format!("{POLICY} WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn policy_named(conn: &mut AnyConnection, name: &str) -> Result<Option<PolicyRow>> {
    let sql = format!("{POLICY} WHERE name = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name.to_owned()).fetch_optional(conn).await?)
}

/// Inserts the policy (its `id` is ignored); the new id.
pub async fn insert_policy(conn: &mut AnyConnection, p: &PolicyRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO approval_policies (name, position, change_type, min_risk, service_id, self_approval, parallel,
             stages, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.name.clone())
    .bind(p.position)
    .bind(p.change_type.clone())
    .bind(p.min_risk.clone())
    .bind(p.service_id)
    .bind(p.self_approval)
    .bind(p.parallel)
    .bind(p.stages.clone())
    .bind(p.created_at)
    .bind(p.updated_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Replaces the policy's fields; whether it was there.
pub async fn update_policy(conn: &mut AnyConnection, p: &PolicyRow) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE approval_policies SET name = $1, position = $2, change_type = $3, min_risk = $4, service_id = $5,
             self_approval = $6, parallel = $7, stages = $8, updated_at = $9
         WHERE id = $10",
    )
    .bind(p.name.clone())
    .bind(p.position)
    .bind(p.change_type.clone())
    .bind(p.min_risk.clone())
    .bind(p.service_id)
    .bind(p.self_approval)
    .bind(p.parallel)
    .bind(p.stages.clone())
    .bind(p.updated_at)
    .bind(p.id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn delete_policy(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM approval_policies WHERE id = $1").bind(id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

/// The position after the last policy's.
pub async fn next_position(conn: &mut AnyConnection) -> Result<i64> {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(position) FROM approval_policies").fetch_one(conn).await?;
    Ok(n.unwrap_or(0) + 1)
}

/// A round's plan as stored.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct PlanRow {
    pub record_id: i64,
    pub round: i64,
    pub policy_id: Option<i64>,
    pub plan: String,
    pub created_at: i64,
}

/// The change's last round, if it ever went to authorization under a
/// policy.
pub async fn last_plan(conn: &mut AnyConnection, record_id: i64) -> Result<Option<PlanRow>> {
    Ok(sqlx::query_as(
        "SELECT record_id, round, policy_id, plan, created_at FROM change_approval_plans
         WHERE record_id = $1 ORDER BY round DESC LIMIT 1",
    )
    .bind(record_id)
    .fetch_optional(conn)
    .await?)
}

/// The last round's plan of each of these changes.
pub async fn last_plans(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<PlanRow>> {
    let rows: Vec<PlanRow> = crate::sql::rows_for_ids(
        conn,
        "SELECT record_id, round, policy_id, plan, created_at FROM change_approval_plans WHERE record_id IN ",
        record_ids,
    )
    .await?;
    let mut last: Vec<PlanRow> = Vec::new();
    for r in rows {
        match last.iter_mut().find(|l| l.record_id == r.record_id) {
            Some(l) if l.round < r.round => *l = r,
            Some(_) => {}
            None => last.push(r),
        }
    }
    Ok(last)
}

/// The highest round the change reached (0: none).
pub async fn last_round(conn: &mut AnyConnection, record_id: i64) -> Result<i64> {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT MAX(round) FROM change_approval_plans WHERE record_id = $1")
        .bind(record_id)
        .fetch_one(conn)
        .await?;
    Ok(n.unwrap_or(0))
}

pub async fn insert_plan(conn: &mut AnyConnection, p: &PlanRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_approval_plans (record_id, round, policy_id, plan, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.record_id)
    .bind(p.round)
    .bind(p.policy_id)
    .bind(p.plan.clone())
    .bind(p.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A decision as stored, with the approver's name.
#[derive(Debug, Clone, FromRow, PartialEq, Serialize)]
pub struct DecisionRow {
    pub record_id: i64,
    pub round: i64,
    pub stage: i64,
    pub user_id: i64,
    pub approved: i64,
    pub comment: Option<String>,
    pub decided_at: i64,
}

const DECISION: &str = "SELECT record_id, round, stage, user_id, approved, comment, decided_at FROM change_approvals";

/// The decisions of a change's round, in the order given.
pub async fn decisions(conn: &mut AnyConnection, record_id: i64, round: i64) -> Result<Vec<DecisionRow>> {
    let sql = format!("{DECISION} WHERE record_id = $1 AND round = $2 ORDER BY decided_at, stage, user_id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).bind(round).fetch_all(conn).await?)
}

/// Every decision on these changes (any round; the caller keeps the ones
/// of each change's last round).
pub async fn decisions_of(conn: &mut AnyConnection, record_ids: &[i64]) -> Result<Vec<DecisionRow>> {
    crate::sql::rows_for_ids(conn, &format!("{DECISION} WHERE record_id IN "), record_ids).await
}

pub async fn insert_decision(conn: &mut AnyConnection, d: &DecisionRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_approvals (record_id, round, stage, user_id, approved, comment, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(d.record_id)
    .bind(d.round)
    .bind(d.stage)
    .bind(d.user_id)
    .bind(d.approved)
    .bind(d.comment.clone())
    .bind(d.decided_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// An approval request's single-use code, by its hash.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct CodeRow {
    pub code_hash: String,
    pub record_id: i64,
    pub round: i64,
    pub stage: i64,
    pub user_id: i64,
    pub created_at: i64,
    pub used_at: Option<i64>,
}

pub async fn insert_code(conn: &mut AnyConnection, c: &CodeRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO change_approval_codes (code_hash, record_id, round, stage, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(c.code_hash.clone())
    .bind(c.record_id)
    .bind(c.round)
    .bind(c.stage)
    .bind(c.user_id)
    .bind(c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn code(conn: &mut AnyConnection, code_hash: &str) -> Result<Option<CodeRow>> {
    Ok(sqlx::query_as(
        "SELECT code_hash, record_id, round, stage, user_id, created_at, used_at FROM change_approval_codes
         WHERE code_hash = $1",
    )
    .bind(code_hash.to_owned())
    .fetch_optional(conn)
    .await?)
}

/// Marks the code used; false when it was used already (by a reply that
/// won the race).
pub async fn use_code(conn: &mut AnyConnection, code_hash: &str, now: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE change_approval_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(code_hash.to_owned())
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}
