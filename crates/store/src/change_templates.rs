//! Standard change templates (migration 0026): the catalogue of
//! pre-approved changes, and which changes were made from each.

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// A template's row; its CIs as a JSON array of ids.
#[derive(Debug, Clone, Default, FromRow, Serialize, PartialEq)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub service_id: Option<i64>,
    pub cis: String,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub duration_minutes: Option<i64>,
    /// 1: in the catalogue; 0: retired.
    pub active: i64,
    pub version: i64,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT id, name, description, category, service_id, cis, implementation_plan, backout_plan, \
    test_plan, duration_minutes, active, version, created_by, updated_by, created_at, updated_at FROM change_templates";

/// The templates by name, active ones first; only the active ones when
/// `active_only` (the catalogue).
pub async fn templates(conn: &mut AnyConnection, active_only: bool) -> Result<Vec<TemplateRow>> {
    let sql = if active_only {
        format!("{SELECT} WHERE active = 1 ORDER BY active DESC, name, id")
    } else {
        format!("{SELECT} ORDER BY active DESC, name, id")
    };
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await?)
}

pub async fn template(conn: &mut AnyConnection, id: i64) -> Result<Option<TemplateRow>> {
    let sql = format!("{SELECT} WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// The template in the catalogue with this name, if any.
pub async fn active_named(conn: &mut AnyConnection, name: &str) -> Result<Option<TemplateRow>> {
    let sql = format!("{SELECT} WHERE active = 1 AND name = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name.to_owned()).fetch_optional(conn).await?)
}

/// Inserts the template (its `id` is ignored); the new id.
pub async fn insert(conn: &mut AnyConnection, t: &TemplateRow) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO change_templates (name, description, category, service_id, cis, implementation_plan,
             backout_plan, test_plan, duration_minutes, active, version, created_by, updated_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(t.name.clone())
    .bind(t.description.clone())
    .bind(t.category.clone())
    .bind(t.service_id)
    .bind(t.cis.clone())
    .bind(t.implementation_plan.clone())
    .bind(t.backout_plan.clone())
    .bind(t.test_plan.clone())
    .bind(t.duration_minutes)
    .bind(t.active)
    .bind(t.version)
    .bind(t.created_by)
    .bind(t.updated_by)
    .bind(t.created_at)
    .bind(t.updated_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Replaces the template's fields if it is still at `version`; whether it
/// was (the version goes up by one).
pub async fn update(conn: &mut AnyConnection, t: &TemplateRow, version: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE change_templates SET name = $1, description = $2, category = $3, service_id = $4, cis = $5,
             implementation_plan = $6, backout_plan = $7, test_plan = $8, duration_minutes = $9, active = $10,
             updated_by = $11, updated_at = $12, version = version + 1
         WHERE id = $13 AND version = $14",
    )
    .bind(t.name.clone())
    .bind(t.description.clone())
    .bind(t.category.clone())
    .bind(t.service_id)
    .bind(t.cis.clone())
    .bind(t.implementation_plan.clone())
    .bind(t.backout_plan.clone())
    .bind(t.test_plan.clone())
    .bind(t.duration_minutes)
    .bind(t.active)
    .bind(t.updated_by)
    .bind(t.updated_at)
    .bind(t.id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM change_templates WHERE id = $1").bind(id).execute(conn).await?;
    Ok(r.rows_affected() > 0)
}

/// Whether a change was ever raised from the template.
pub async fn used(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT record_id FROM change_details WHERE template_id = $1 LIMIT 1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}
