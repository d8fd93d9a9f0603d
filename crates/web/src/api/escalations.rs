//! `/api/v1/escalations`, group managers, and the inbound mail log.

use super::incidents::version;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use steward_app::{AppError, sla::rules::RuleView};
use steward_domain::sla::escalation::EscalationRule;
use utoipa::{IntoParams, ToSchema};

/// Escalation rules, group managers and the inbound mail log: routes and
/// their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get_one, replace, delete, set_manager, inbound))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, put};
    axum::Router::new()
        .route("/groups/{name}/manager", put(set_manager))
        .route("/escalations", get(list).post(create))
        .route("/escalations/{id}", get(get_one).put(replace).delete(self::delete))
        .route("/mail/inbound", get(inbound))
}

/// An escalation rule. `trigger` is `{"kind": "clock", "clock":
/// "resolution", "percent": 75}` or `{"kind": "elapsed", "after": "15m"}`;
/// `conditions` narrow it (`priorities`, `states`, `groups`, `no_assignee`,
/// `no_group`); `actions` a list of `{"do": "notify", "to": ["assignee",
/// "group", "group_manager", {"users": ["name"]}]}`, `{"do": "reassign",
/// "group": "Second line"}`, `{"do": "raise_urgency"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationJson {
    pub id: i64,
    pub name: String,
    pub position: i32,
    /// Off: the rule is kept but never fires.
    pub active: bool,
    #[schema(value_type = super::schema::Trigger)]
    pub trigger: Value,
    #[schema(value_type = super::schema::EscalationConditions)]
    pub conditions: Value,
    #[schema(value_type = Vec<super::schema::EscalationAction>)]
    pub actions: Value,
    pub version: i64,
}

/// A rule as sent to create or replace one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationBody {
    pub name: String,
    /// Rules are tried in this order, lowest first; default 100.
    #[serde(default = "default_position")]
    pub position: i32,
    /// Default true; false keeps the rule switched off.
    #[serde(default = "yes")]
    pub active: bool,
    #[schema(value_type = super::schema::Trigger)]
    pub trigger: Value,
    #[serde(default)]
    #[schema(value_type = super::schema::EscalationConditions, required = false)]
    pub conditions: Value,
    #[schema(value_type = Vec<super::schema::EscalationAction>)]
    pub actions: Value,
    /// On a replace: the version you read (or send `If-Match`).
    pub version: Option<i64>,
}

impl EscalationBody {
    /// The domain's rule, or a problem naming the field that does not read.
    fn rule(&self) -> Result<EscalationRule, ApiError> {
        let conditions = if self.conditions.is_null() { serde_json::json!({}) } else { self.conditions.clone() };
        let body = serde_json::json!({
            "name": self.name, "position": self.position, "trigger": self.trigger, "conditions": conditions,
            "actions": self.actions,
        });
        serde_path_to_error::deserialize(body).map_err(|e| {
            let path = e.path().to_string();
            ApiError::field(if path == "." { "body" } else { &path }, crate::error::malformed(e.inner()))
        })
    }
}

fn default_position() -> i32 {
    100
}

fn yes() -> bool {
    true
}

impl From<RuleView> for EscalationJson {
    fn from(v: RuleView) -> Self {
        let r = v.rule;
        EscalationJson {
            id: r.id,
            name: r.name,
            position: r.position,
            active: v.active,
            trigger: serde_json::to_value(&r.trigger).unwrap_or(Value::Null),
            conditions: serde_json::to_value(&r.conditions).unwrap_or(Value::Null),
            actions: serde_json::to_value(&r.actions).unwrap_or(Value::Null),
            version: v.version,
        }
    }
}

/// The rule with its version as the `ETag`.
fn tagged(status: StatusCode, v: RuleView) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", v.version)).ok();
    let mut resp = (status, axum::Json(EscalationJson::from(v))).into_response();
    if let Some(e) = etag {
        resp.headers_mut().insert(header::ETAG, e);
    }
    resp
}

/// A path id that is not a number names nothing.
fn id_of(p: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found("escalation rule"))
}

#[utoipa::path(get, operation_id = "list_escalations", path = "/api/v1/escalations", tag = "service levels",
    responses((status = 200, body = Vec<EscalationJson>), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<axum::Json<Vec<EscalationJson>>, ApiError> {
    let rules = s.app.list_escalation_rules(&a).await?;
    Ok(axum::Json(rules.into_iter().map(EscalationJson::from).collect()))
}

#[utoipa::path(post, operation_id = "create_escalation", path = "/api/v1/escalations", tag = "service levels", request_body = EscalationBody,
    responses((status = 201, body = EscalationJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<EscalationBody>,
) -> Result<Response, ApiError> {
    let rule = b.rule()?;
    Ok(tagged(StatusCode::CREATED, s.app.create_escalation_rule(&a, rule, b.active).await?))
}

#[utoipa::path(get, operation_id = "get_escalation", path = "/api/v1/escalations/{id}", tag = "service levels",
    params(("id" = i64, Path)),
    responses((status = 200, body = EscalationJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    Ok(tagged(StatusCode::OK, s.app.get_escalation_rule(&a, id_of(id)?).await?))
}

#[utoipa::path(put, operation_id = "replace_escalation", path = "/api/v1/escalations/{id}", tag = "service levels",
    request_body = EscalationBody,
    description = "Replaces the whole rule (send `active: false` to switch it off) under the version read.",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = EscalationJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn replace(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<EscalationBody>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    let (v, used_header) = version(&headers, b.version)?;
    let v = v.ok_or(AppError::VersionRequired)?;
    let rule = b.rule()?;
    let view = s
        .app
        .update_escalation_rule(&a, id, v, rule, b.active)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(tagged(StatusCode::OK, view))
}

#[utoipa::path(delete, operation_id = "delete_escalation", path = "/api/v1/escalations/{id}", tag = "service levels",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem)))]
pub async fn delete(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id)?;
    let (v, used_header) = version(&headers, None)?;
    let v = v.ok_or(AppError::VersionRequired)?;
    s.app.delete_escalation_rule(&a, id, v).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(StatusCode::NO_CONTENT)
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
                record: r.record_number.map(|seq| {
                    let kind = r.record_kind.as_deref().and_then(steward_domain::number::RecordKind::named);
                    let kind = kind.unwrap_or(steward_domain::number::RecordKind::Incident);
                    steward_domain::RecordNumber { kind, seq }.to_string()
                }),
                reason: r.reason,
            })
            .collect(),
    ))
}
