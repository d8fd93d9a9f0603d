//! The continual improvement register over HTTP (issue 14):
//! `/improvements` (list, make) and `/improvements/{id}` (read, replace,
//! delete). The desk reads it; managers and admins keep it. Each answer
//! carries the improvement's progress, read from its live measure.

use super::desk::id_of;
use super::dto::time;
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use steward_app::AppError;
use steward_app::reports::improvements::{ImprovementInput, ImprovementView};
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_improvements, add_improvement, get_improvement, replace_improvement, delete_improvement))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/improvements", get(list_improvements).post(add_improvement))
        .route("/improvements/{id}", get(get_improvement).put(replace_improvement).delete(delete_improvement))
}

/// Where an improvement stands, from its live measure over the last 30 days.
#[derive(Serialize, ToSchema)]
pub struct ProgressJson {
    /// The measure now (none: nothing measured in the window).
    pub current: Option<f64>,
    /// How much of the way from the baseline to the target is covered, 0–100.
    pub percent: Option<f64>,
    /// `achieved`, `on_track`, `behind`, `overdue` or `no_data`.
    pub status: String,
}

/// A record linked to an improvement: the work that should move it.
#[derive(Serialize, ToSchema)]
pub struct LinkedJson {
    pub kind: String,
    pub number: String,
    pub title: String,
    pub state: String,
}

/// An improvement of the register.
#[derive(Serialize, ToSchema)]
pub struct ImprovementJson {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// mtta_hours, mttr_hours, mttr_business_hours, first_contact_rate,
    /// reopen_rate, sla_compliance (percentages 0–100), arrivals,
    /// escalations or backlog.
    pub measure: String,
    /// What the measure is narrowed to, as the reporting API takes it.
    pub kind: Option<String>,
    pub service: Option<i64>,
    pub group: Option<i64>,
    pub priority: Option<i64>,
    pub baseline: f64,
    pub target: f64,
    /// `YYYY-MM-DD`.
    pub target_date: String,
    /// The owner's display name.
    pub owner: Option<String>,
    pub owner_id: i64,
    /// open, done or dropped.
    pub state: String,
    pub progress: ProgressJson,
    pub records: Vec<LinkedJson>,
    pub created_at: String,
    pub updated_at: String,
    /// Send it back with a replacement (body `version` or `If-Match`).
    pub version: i64,
}

impl From<ImprovementView> for ImprovementJson {
    fn from(v: ImprovementView) -> Self {
        let r = v.row;
        ImprovementJson {
            id: r.id,
            title: r.title,
            description: r.description,
            measure: r.measure,
            kind: r.kind,
            service: r.service_id,
            group: r.group_id,
            priority: r.priority,
            baseline: r.baseline,
            target: r.target,
            target_date: r.target_date,
            owner: r.owner_name,
            owner_id: r.owner_id,
            state: r.state,
            progress: ProgressJson {
                current: v.progress.current.map(|c| (c * 100.0).round() / 100.0),
                percent: v.progress.percent,
                status: v.progress.status.to_owned(),
            },
            records: v
                .records
                .into_iter()
                .map(|l| LinkedJson { kind: l.kind, number: l.number, title: l.title, state: l.state })
                .collect(),
            created_at: time(r.created_at),
            updated_at: time(r.updated_at),
            version: r.version,
        }
    }
}

/// An improvement to make, or to put in place of one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprovementInputJson {
    /// The version you read, for a replacement (or send `If-Match`);
    /// making one reads none.
    pub version: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub measure: String,
    /// incident, problem, change or task (default: all).
    pub kind: Option<String>,
    /// A service CI's id (0: records with none).
    #[schema(minimum = 0)]
    pub service: Option<i64>,
    /// An assignment group's id (0: records with none).
    #[schema(minimum = 0)]
    pub group: Option<i64>,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: Option<i64>,
    pub baseline: f64,
    /// Better than the baseline: below it for times, rates of reopening,
    /// arrivals, escalations and backlog; above it for first-contact
    /// resolution and SLA compliance.
    pub target: f64,
    /// `YYYY-MM-DD`; not in the past for a new improvement.
    pub target_date: String,
    /// A staff user's username (default: you, or the owner kept).
    pub owner: Option<String>,
    /// open (default), done or dropped.
    pub state: Option<String>,
    /// Record numbers, e.g. PRB0000012, CHG0000040.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub records: Vec<String>,
}

impl From<ImprovementInputJson> for ImprovementInput {
    fn from(b: ImprovementInputJson) -> Self {
        ImprovementInput {
            title: b.title,
            description: b.description,
            measure: b.measure,
            kind: b.kind,
            service: b.service,
            group: b.group,
            priority: b.priority,
            baseline: b.baseline,
            target: b.target,
            target_date: b.target_date,
            owner: b.owner,
            state: b.state,
            records: b.records,
        }
    }
}

fn with_etag(status: StatusCode, v: ImprovementView) -> Response {
    let version = v.row.version;
    json_with_etag(status, version, ImprovementJson::from(v))
}

#[utoipa::path(get, operation_id = "list_improvements", path = "/api/v1/improvements", tag = "reports",
    responses((status = 200, body = Vec<ImprovementJson>), (status = 403, description = "Requesters", body = Problem)))]
pub async fn list_improvements(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<ImprovementJson>>, ApiError> {
    let all = s.app.improvements(&actor).await?;
    Ok(axum::Json(all.into_iter().map(ImprovementJson::from).collect()))
}

#[utoipa::path(post, operation_id = "add_improvement", path = "/api/v1/improvements", tag = "reports",
    request_body = ImprovementInputJson,
    responses((status = 201, body = ImprovementJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_improvement(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<ImprovementInputJson>,
) -> Result<Response, ApiError> {
    let v = s.app.add_improvement(&actor, b.into()).await?;
    let location = format!("/api/v1/improvements/{}", v.row.id);
    Ok(located(with_etag(StatusCode::CREATED, v), &location))
}

#[utoipa::path(get, operation_id = "get_improvement", path = "/api/v1/improvements/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, body = ImprovementJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters", body = Problem), (status = 404, body = Problem)))]
pub async fn get_improvement(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let v = s.app.improvement(&actor, id_of(id, "improvement")?).await?;
    Ok(with_etag(StatusCode::OK, v))
}

#[utoipa::path(put, operation_id = "replace_improvement", path = "/api/v1/improvements/{id}", tag = "reports",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = ImprovementInputJson,
    responses((status = 200, body = ImprovementJson, headers(("ETag" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "A stale version", body = Problem),
        (status = 422, body = Problem),
        (status = 428, description = "No version sent", body = Problem)))]
pub async fn replace_improvement(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<ImprovementInputJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "improvement")?;
    let (v, used_header) = version(&headers, b.version)?;
    let v = v.ok_or(ApiError::from(AppError::VersionRequired))?;
    let view = s
        .app
        .edit_improvement(&actor, id, v, b.into())
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, view))
}

#[utoipa::path(delete, operation_id = "delete_improvement", path = "/api/v1/improvements/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Managers and admins only", body = Problem),
        (status = 404, body = Problem)))]
pub async fn delete_improvement(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_improvement(&actor, id_of(id, "improvement")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
