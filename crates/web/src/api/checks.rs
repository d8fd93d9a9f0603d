//! Steward's own checks over HTTP: `/checks` (list, make),
//! `/checks/{id}` (read, edit, delete), its `results` and `events`, and
//! `/services/{name}/availability`. The desk reads; managers and admins
//! keep checks.

use super::check_dto::{
    AvailabilityJson, BucketJson, CheckDefinition, CheckEventJson, CheckJson, CheckKindName, CheckStatus, HistoryJson,
    ResultJson,
};
use super::desk::id_of;
use super::dto::{patch, time};
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use steward_app::checks::{CheckFilter, CheckPatch, CheckView, NewCheck, history::History};
use steward_app::incidents::{Patch, parse_time};
use steward_domain::check::CheckDef;
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_checks, add_check, get_check, update_check, delete_check, check_results, check_events, availability),
    components(schemas(CheckStatus, CheckKindName))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/checks", get(list_checks).post(add_check))
        .route("/checks/{id}", get(get_check).patch(update_check).delete(delete_check))
        .route("/checks/{id}/results", get(check_results))
        .route("/checks/{id}/events", get(check_events))
        .route("/services/{name}/availability", get(availability))
}

fn with_etag(status: StatusCode, v: CheckView) -> Response {
    let version = v.row.check.version;
    json_with_etag(status, version, CheckJson::from(v))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct CheckQuery {
    /// The confirmed (hard) status.
    #[param(value_type = Option<CheckStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<CheckKindName>)]
    pub kind: Option<String>,
    /// A service's name or id.
    pub service: Option<String>,
    pub enabled: Option<bool>,
    /// Text the name or the target (URL, host, file …) contains, in any case.
    pub text: Option<String>,
    /// The last id of the previous page.
    pub after: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// A page of checks in id order.
#[derive(Serialize, ToSchema)]
pub struct CheckPage {
    pub items: Vec<CheckJson>,
    /// Pass as `after` for the next page; none on the last.
    pub next_after: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_checks", path = "/api/v1/checks", tag = "checks",
    params(CheckQuery),
    responses((status = 200, description = "Checks in id order", body = CheckPage),
        (status = 403, description = "Requesters see no checks", body = Problem)))]
pub async fn list_checks(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CheckQuery>,
) -> Result<axum::Json<CheckPage>, ApiError> {
    let f = CheckFilter {
        status: q.status,
        kind: q.kind,
        service: q.service,
        enabled: q.enabled,
        text: q.text,
        after: q.after,
        limit: q.limit,
    };
    let (list, more) = s.app.checks(&actor, f).await?;
    let next_after = if more { list.last().map(|c| c.row.check.id) } else { None };
    Ok(axum::Json(CheckPage { items: list.into_iter().map(CheckJson::from).collect(), next_after }))
}

/// A new check.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheckJson {
    /// Unique; at most 200 characters.
    pub name: String,
    #[schema(value_type = CheckDefinition)]
    pub definition: CheckDef,
    /// The CI it watches: a name one CI alone has, or an id.
    pub ci: Option<String>,
    /// The service it watches: a name or an id.
    pub service: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

#[utoipa::path(post, operation_id = "add_check", path = "/api/v1/checks", tag = "checks",
    request_body = NewCheckJson,
    responses((status = 201, description = "Made; it first runs at its slot in the interval", body = CheckJson,
            headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 422, description = "Every bad field at once (`name`, `definition.timeout_ms`, `ci`, …)",
            body = Problem)))]
pub async fn add_check(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewCheckJson>,
) -> Result<Response, ApiError> {
    let new = NewCheck { name: b.name, definition: b.definition, ci: b.ci, service: b.service, enabled: b.enabled };
    let c = s.app.add_check(&actor, new).await?;
    let location = format!("/api/v1/checks/{}", c.row.check.id);
    Ok(located(with_etag(StatusCode::CREATED, c), &location))
}

#[utoipa::path(get, operation_id = "get_check", path = "/api/v1/checks/{id}", tag = "checks",
    params(("id" = i64, Path)),
    responses((status = 200, body = CheckJson, headers(("ETag" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_check(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.check(&actor, id_of(id, "check")?).await?))
}

/// Absent keeps a field, `null` (or blank) clears it, a value sets it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckPatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub name: Option<String>,
    /// Replaces the definition whole.
    #[schema(value_type = Option<CheckDefinition>)]
    pub definition: Option<CheckDef>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub ci: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub service: Patch<String>,
    pub enabled: Option<bool>,
}

#[utoipa::path(patch, operation_id = "update_check", path = "/api/v1/checks/{id}", tag = "checks",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = CheckPatchJson,
    responses((status = 200, description = "Changed", body = CheckJson, headers(("ETag" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn update_check(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<CheckPatchJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "check")?;
    let (v, used_header) = version(&headers, b.version)?;
    let p = CheckPatch { name: b.name, definition: b.definition, ci: b.ci, service: b.service, enabled: b.enabled };
    let c = s.app.update_check(&actor, id, v, p).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, c))
}

#[utoipa::path(delete, operation_id = "delete_check", path = "/api/v1/checks/{id}", tag = "checks",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted with its results and events"),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 404, body = Problem)))]
pub async fn delete_check(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_check(&actor, id_of(id, "check")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct PeriodQuery {
    /// From (RFC 3339 or a date), inclusive; default: a day before `to`.
    pub from: Option<String>,
    /// To, exclusive; default: now.
    pub to: Option<String>,
}

fn instant(name: &str, v: &Option<String>) -> Result<Option<i64>, ApiError> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => parse_time(v).map(Some).map_err(|m| ApiError::field(name, m)),
        None => Ok(None),
    }
}

#[utoipa::path(get, operation_id = "list_check_results", path = "/api/v1/checks/{id}/results", tag = "checks",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, description = "Raw results for a day or less within the raw results' keeping \
            (14 days); else buckets of a minute (up to 2 days, within 90 days), an hour (up to 90 days) or a day",
            body = HistoryJson),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn check_results(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::Json<HistoryJson>, ApiError> {
    let id = id_of(id, "check")?;
    let (from, to) = (instant("from", &q.from)?, instant("to", &q.to)?);
    let to = to.unwrap_or_else(steward_store::now_micros);
    let from = from.unwrap_or(to - 86_400_000_000);
    let h = s.app.check_history(&actor, id, Some(from), Some(to)).await?;
    let (span, results, buckets) = match h {
        History::Raw(rows) => ("raw", rows.into_iter().map(ResultJson::from).collect(), Vec::new()),
        History::Rolled(span, rows) => (span.as_str(), Vec::new(), rows.into_iter().map(BucketJson::from).collect()),
    };
    Ok(axum::Json(HistoryJson { span: span.to_owned(), from_at: time(from), to_at: time(to), results, buckets }))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct EventQuery {
    /// The last id of the previous page (newest first).
    pub before: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_check_events", path = "/api/v1/checks/{id}/events", tag = "checks",
    params(("id" = i64, Path), EventQuery),
    responses((status = 200, description = "Hard state changes and flapping, newest first",
            body = Vec<CheckEventJson>),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn check_events(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    Query(q): Query<EventQuery>,
) -> Result<axum::Json<Vec<CheckEventJson>>, ApiError> {
    let events = s.app.check_events(&actor, id_of(id, "check")?, q.before, q.limit).await?;
    Ok(axum::Json(events.into_iter().map(CheckEventJson::from).collect()))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct AvailabilityQuery {
    /// The last days to count (default 30).
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
}

#[utoipa::path(get, operation_id = "get_service_availability", path = "/api/v1/services/{name}/availability",
    tag = "checks",
    params(("name" = String, Path, description = "The service's name or id"), AvailabilityQuery),
    responses((status = 200, description = "From the hour rollups of the service's checks", body = AvailabilityJson),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn availability(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    name: Result<Path<String>, PathRejection>,
    Query(q): Query<AvailabilityQuery>,
) -> Result<axum::Json<AvailabilityJson>, ApiError> {
    let Path(name) = name.map_err(|_| ApiError::not_found("service"))?;
    let a = s.app.service_availability(&actor, &name, q.days.unwrap_or(30)).await?;
    Ok(axum::Json(AvailabilityJson::from(a)))
}
