//! `/api/v1/escalations`, group managers, and the inbound mail log.

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use steward_domain::sla::escalation::EscalationRule;
use utoipa::{IntoParams, ToSchema};

/// An escalation rule. `trigger` is `{"kind": "clock", "clock":
/// "resolution", "percent": 75}` or `{"kind": "elapsed", "after": "15m",
/// "unassigned": true}`; `actions` a list of `{"do": "notify", "to":
/// ["assignee", "group", "group_manager", {"users": ["name"]}]}`,
/// `{"do": "reassign", "group": "Second line"}`, `{"do": "raise_urgency"}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationJson {
    #[serde(default, skip_deserializing)]
    #[schema(read_only)]
    pub id: i64,
    pub name: String,
    #[serde(default = "default_position")]
    pub position: i32,
    #[serde(default = "yes")]
    pub active: bool,
    #[schema(value_type = super::schema::Trigger)]
    pub trigger: Value,
    #[serde(default)]
    #[schema(value_type = super::schema::EscalationConditions, required = false)]
    pub conditions: Value,
    #[schema(value_type = Vec<super::schema::EscalationAction>)]
    pub actions: Value,
    #[serde(default, skip_deserializing)]
    #[schema(read_only)]
    pub version: i64,
}

fn default_position() -> i32 {
    100
}

fn yes() -> bool {
    true
}

#[utoipa::path(get, operation_id = "list_escalations", path = "/api/v1/escalations", tag = "service levels",
    responses((status = 200, body = Vec<EscalationJson>), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<axum::Json<Vec<EscalationJson>>, ApiError> {
    let rules = s.app.list_escalation_rules(&a).await?;
    let out = rules
        .into_iter()
        .map(|(row, r)| EscalationJson {
            id: row.id,
            name: row.name,
            position: r.position,
            active: row.active == 1,
            trigger: serde_json::to_value(&r.trigger).unwrap_or(Value::Null),
            conditions: serde_json::to_value(&r.conditions).unwrap_or(Value::Null),
            actions: serde_json::to_value(&r.actions).unwrap_or(Value::Null),
            version: row.version,
        })
        .collect();
    Ok(axum::Json(out))
}

#[utoipa::path(post, operation_id = "create_escalation", path = "/api/v1/escalations", tag = "service levels", request_body = EscalationJson,
    responses((status = 201, body = EscalationJson), (status = 403, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(mut b): Json<EscalationJson>,
) -> Result<(StatusCode, axum::Json<EscalationJson>), ApiError> {
    let conditions = if b.conditions.is_null() { serde_json::json!({}) } else { b.conditions.clone() };
    let body = serde_json::json!({
        "name": b.name, "position": b.position, "trigger": b.trigger, "conditions": conditions, "actions": b.actions,
    });
    let rule: EscalationRule = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        ApiError::field(if path == "." { "body" } else { &path }, e.inner().to_string())
    })?;
    b.id = s.app.create_escalation_rule(&a, rule, b.active).await?;
    b.version = 1;
    b.conditions = conditions;
    Ok((StatusCode::CREATED, axum::Json(b)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagerJson {
    /// A staff username, or null to clear.
    pub manager: Option<String>,
}

#[utoipa::path(put, operation_id = "set_group_manager", path = "/api/v1/groups/{name}/manager", tag = "service levels", request_body = ManagerJson,
    params(("name" = String, Path)),
    responses((status = 204), (status = 403, body = Problem)))]
pub async fn set_manager(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
    Json(b): Json<ManagerJson>,
) -> Result<StatusCode, ApiError> {
    s.app.set_group_manager(&a, &name, b.manager.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MailLogParams {
    /// An id from the previous page: older entries.
    pub before: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundJson {
    pub id: i64,
    pub message_id: String,
    pub received_at: String,
    pub sender: String,
    pub subject: String,
    #[schema(value_type = super::schema::MailOutcome)]
    pub outcome: String,
    pub record: Option<String>,
    pub reason: Option<String>,
}

#[utoipa::path(get, operation_id = "list_inbound_mail", path = "/api/v1/mail/inbound", tag = "notifications", params(MailLogParams),
    responses((status = 200, body = Vec<InboundJson>), (status = 403, body = Problem)))]
pub async fn inbound(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Query(p): Query<MailLogParams>,
) -> Result<axum::Json<Vec<InboundJson>>, ApiError> {
    let rows = s.app.inbound_mail(&a, p.before, p.limit.unwrap_or(50)).await?;
    let time = |us: i64| jiff::Timestamp::from_microsecond(us).map(|t| t.to_string()).unwrap_or_default();
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| InboundJson {
                id: r.id,
                message_id: r.message_id,
                received_at: time(r.received_at),
                sender: r.sender,
                subject: r.subject,
                outcome: r.outcome,
                record: r.record_id.map(|id| steward_domain::RecordNumber::incident(id).to_string()),
                reason: r.reason,
            })
            .collect(),
    ))
}
