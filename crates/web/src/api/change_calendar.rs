//! `/api/v1/change-freezes` and `/api/v1/maintenance-windows`: what the
//! change calendar holds besides the changes. Managers and admins keep
//! them; the desk reads them; requesters are refused (403).

use super::desk::id_of;
use super::dto::time;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use steward_app::{
    Code,
    change_calendar::{NewFreeze, NewWindow},
};
use steward_store::change_calendar::{Freeze, MaintenanceWindow};
use utoipa::{IntoParams, ToSchema};

/// The change calendar's freezes and maintenance windows: routes and their
/// OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_freezes, add_freeze, delete_freeze, list_windows, add_window, delete_window))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get};
    axum::Router::new()
        .route("/change-freezes", get(list_freezes).post(add_freeze))
        .route("/change-freezes/{id}", delete(delete_freeze))
        .route("/maintenance-windows", get(list_windows).post(add_window))
        .route("/maintenance-windows/{id}", delete(delete_window))
}

/// A freeze: no change may be made on its services in its window.
#[derive(Serialize, ToSchema)]
pub struct FreezeJson {
    pub id: i64,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    /// The services' CI ids; empty: every service.
    pub services: Vec<i64>,
    pub note: Option<String>,
    pub created_at: String,
}

impl From<Freeze> for FreezeJson {
    fn from(f: Freeze) -> Self {
        Self {
            id: f.id,
            name: f.name,
            starts_at: time(f.starts_at),
            ends_at: time(f.ends_at),
            services: serde_json::from_str(&f.services).unwrap_or_default(),
            note: f.note,
            created_at: time(f.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFreezeJson {
    pub name: String,
    /// RFC 3339, e.g. 2026-12-20T00:00:00Z.
    pub starts_at: String,
    /// After `starts_at`, at most a year after it.
    pub ends_at: String,
    /// Service names; none: every service.
    #[serde(default)]
    pub services: Vec<String>,
    pub note: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct SpanQuery {
    /// From (RFC 3339 or a date); default now.
    pub from: Option<String>,
    /// To; default a year after `from`.
    pub to: Option<String>,
}

/// A weekly maintenance window of a service, on the clock of its zone.
#[derive(Serialize, ToSchema)]
pub struct MaintenanceWindowJson {
    pub id: i64,
    pub name: String,
    /// The service; none: every service.
    pub service: Option<String>,
    pub service_id: Option<i64>,
    /// `mon` … `sun`.
    pub days: Vec<String>,
    /// When it opens on the clock, `HH:MM`.
    pub start: String,
    pub minutes: i64,
    pub time_zone: String,
}

impl From<MaintenanceWindow> for MaintenanceWindowJson {
    fn from(w: MaintenanceWindow) -> Self {
        Self {
            id: w.id,
            name: w.name,
            service: w.service,
            service_id: w.service_id,
            days: w.days.split(',').filter(|d| !d.is_empty()).map(String::from).collect(),
            start: w.start_time,
            minutes: w.minutes,
            time_zone: w.time_zone,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWindowJson {
    pub name: String,
    /// The service's name; none: every service.
    pub service: Option<String>,
    /// `mon` … `sun`, at least one.
    pub days: Vec<String>,
    /// `HH:MM` on the clock of `time_zone`.
    pub start: String,
    /// 1 to 1,440.
    pub minutes: i64,
    /// An IANA zone, e.g. Europe/Warsaw.
    pub time_zone: String,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct WindowQuery {
    /// A service's name: its windows and those for every service.
    pub service: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/change-freezes", tag = "changes", operation_id = "list_change_freezes",
    params(SpanQuery),
    responses((status = 200, description = "The freezes that overlap the span, by start", body = Vec<FreezeJson>),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_freezes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<SpanQuery>,
) -> Result<axum::Json<Vec<FreezeJson>>, ApiError> {
    let field = |name: &str, v: &Option<String>| -> Result<Option<i64>, ApiError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => steward_app::incidents::parse_time(v).map(Some).map_err(|m| ApiError::field(name, m)),
            None => Ok(None),
        }
    };
    let from = field("from", &q.from)?.unwrap_or_else(steward_store::now_micros);
    let to = field("to", &q.to)?.unwrap_or(from + steward_app::change_calendar::LONGEST_FREEZE);
    if to <= from {
        return Err(ApiError::field("to", Code::EndBeforeStart.msg("must be after from").with("start", "from")));
    }
    let list = s.app.freezes(&actor, from, to).await?;
    Ok(axum::Json(list.into_iter().map(FreezeJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/change-freezes", tag = "changes", operation_id = "add_change_freeze",
    request_body = NewFreezeJson,
    responses((status = 201, body = FreezeJson), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_freeze(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewFreezeJson>,
) -> Result<(StatusCode, axum::Json<FreezeJson>), ApiError> {
    let f = NewFreeze { name: b.name, starts_at: b.starts_at, ends_at: b.ends_at, services: b.services, note: b.note };
    Ok((StatusCode::CREATED, axum::Json(FreezeJson::from(s.app.add_freeze(&actor, f).await?))))
}

#[utoipa::path(delete, path = "/api/v1/change-freezes/{id}", tag = "changes", operation_id = "delete_change_freeze",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_freeze(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_freeze(&actor, id_of(id, "freeze")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/maintenance-windows", tag = "changes", operation_id = "list_maintenance_windows",
    params(WindowQuery),
    responses((status = 200, body = Vec<MaintenanceWindowJson>), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn list_windows(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<WindowQuery>,
) -> Result<axum::Json<Vec<MaintenanceWindowJson>>, ApiError> {
    let list = s.app.maintenance_windows(&actor, q.service.as_deref()).await?;
    Ok(axum::Json(list.into_iter().map(MaintenanceWindowJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/maintenance-windows", tag = "changes", operation_id = "add_maintenance_window",
    request_body = NewWindowJson,
    responses((status = 201, body = MaintenanceWindowJson), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewWindowJson>,
) -> Result<(StatusCode, axum::Json<MaintenanceWindowJson>), ApiError> {
    let w = NewWindow {
        name: b.name,
        service: b.service,
        days: b.days,
        start: b.start,
        minutes: b.minutes,
        time_zone: b.time_zone,
    };
    Ok((StatusCode::CREATED, axum::Json(MaintenanceWindowJson::from(s.app.add_maintenance_window(&actor, w).await?))))
}

#[utoipa::path(delete, path = "/api/v1/maintenance-windows/{id}", tag = "changes",
    operation_id = "delete_maintenance_window",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_maintenance_window(&actor, id_of(id, "maintenance window")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
