//! Maintenance windows for alerts: `/api/v1/alert-windows` (list, make)
//! and `/api/v1/alert-windows/{id}` (read, replace, delete). The desk
//! reads them; managers and admins keep them. (The change calendar's
//! weekly windows of a service are `/api/v1/maintenance-windows`.) And
//! `/api/v1/changes/{number}/alerts`: the alerts seen during a change.

use super::alerts::AlertJson;
use super::desk::id_of;
use super::dto::{Ref, opt_time, time};
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use steward_app::alerts::{AlertWindow, ChangeFlag, WindowInput};
use steward_domain::alert::fingerprint_text;
use steward_domain::alert::window::ScheduleSpec;
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_alert_windows,
        add_alert_window,
        get_alert_window,
        replace_alert_window,
        delete_alert_window,
        change_alerts
    ),
    components(schemas(ChangeFlagKind))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/alert-windows", get(list_alert_windows).post(add_alert_window))
        .route("/alert-windows/{id}", get(get_alert_window).put(replace_alert_window).delete(delete_alert_window))
        .route("/changes/{number}/alerts", get(change_alerts))
}

/// Why a change is flagged.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeFlagKind {
    StartedOutsideWindow,
    UndeclaredCi,
}

/// A flag on a change, seen from alerts.
#[derive(Serialize, ToSchema)]
pub struct ChangeFlagJson {
    #[schema(value_type = ChangeFlagKind)]
    pub kind: String,
    /// started_outside_window: when it went to implementing.
    pub started_at: Option<String>,
    /// undeclared_ci: the CI it did not declare, and the alert seen on it.
    pub ci: Option<Ref>,
    pub fingerprint: Option<String>,
}

/// An alert that fired during a change's window.
#[derive(Serialize, ToSchema)]
pub struct ChangeAlertJson {
    pub alert: AlertJson,
    /// The CI it fired on.
    pub ci: Ref,
    /// Whether the change declared that CI (else it depends on one the
    /// change declared, or one of those depends on it).
    pub declared: bool,
}

/// The alerts seen during a change's planned window and its flags.
#[derive(Serialize, ToSchema)]
pub struct ChangeAlertsJson {
    pub alerts: Vec<ChangeAlertJson>,
    pub flags: Vec<ChangeFlagJson>,
}

#[utoipa::path(get, operation_id = "list_change_alerts", path = "/api/v1/changes/{number}/alerts", tag = "changes",
    params(("number" = String, Path)),
    responses((status = 200, description = "The alerts that fired during its planned window on its CIs or next to \
            them, and its flags as seen from alerts", body = ChangeAlertsJson),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn change_alerts(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<ChangeAlertsJson>, ApiError> {
    let a = s.app.change_alerts(&actor, &number).await?;
    let flags = a
        .flags
        .into_iter()
        .map(|f| match f {
            ChangeFlag::StartedOutsideWindow { started } => ChangeFlagJson {
                kind: "started_outside_window".into(),
                started_at: Some(time(started)),
                ci: None,
                fingerprint: None,
            },
            ChangeFlag::UndeclaredCi { ci, name, fingerprint } => ChangeFlagJson {
                kind: "undeclared_ci".into(),
                started_at: None,
                ci: Some(Ref { id: ci, name }),
                fingerprint: Some(fingerprint_text(fingerprint)),
            },
        })
        .collect();
    let alerts = a
        .alerts
        .into_iter()
        .map(|(h, ci, name, declared)| ChangeAlertJson {
            alert: AlertJson::from(h),
            ci: Ref { id: ci, name },
            declared,
        })
        .collect();
    Ok(axum::Json(ChangeAlertsJson { alerts, flags }))
}

/// How a window recurs.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WindowRecurrence {
    Once,
    Weekly,
    Monthly,
}

/// A maintenance window for alerts.
#[derive(Serialize, ToSchema)]
pub struct AlertWindowJson {
    pub id: i64,
    pub name: String,
    pub comment: String,
    /// Matchers in Alertmanager's syntax; an alert must match them all.
    pub matchers: Vec<String>,
    /// Alerts mapped to these CIs are muted.
    pub cis: Vec<Ref>,
    /// And those mapped to the CIs that depend on them.
    pub dependents: bool,
    #[schema(value_type = WindowRecurrence)]
    pub recurrence: String,
    /// once: its span.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// weekly: `mon` … `sun`.
    pub days: Vec<String>,
    /// monthly: the day (a shorter month: its last day).
    pub day_of_month: Option<i64>,
    /// weekly and monthly: `HH:MM` on the clock of `time_zone`.
    pub start_time: Option<String>,
    pub duration_minutes: Option<i64>,
    pub time_zone: Option<String>,
    pub expires_at: Option<String>,
    /// Open now: the alerts it covers are muted.
    pub open: bool,
    pub expired: bool,
    /// The opening in progress or the next one (within a year).
    pub next_starts_at: Option<String>,
    pub next_ends_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<AlertWindow> for AlertWindowJson {
    fn from(w: AlertWindow) -> Self {
        let s = w.schedule;
        Self {
            id: w.id,
            name: w.name,
            comment: w.comment,
            matchers: w.matchers,
            cis: w.cis.into_iter().map(|(id, name)| Ref { id, name }).collect(),
            dependents: w.dependents,
            recurrence: s.recurrence,
            starts_at: opt_time(s.starts_at),
            ends_at: opt_time(s.ends_at),
            days: s.days,
            day_of_month: s.day_of_month,
            start_time: s.start_time,
            duration_minutes: s.duration_minutes,
            time_zone: s.time_zone,
            expires_at: opt_time(w.expires_at),
            open: w.open,
            expired: w.expired,
            next_starts_at: w.next.map(|n| time(n.0)),
            next_ends_at: w.next.map(|n| time(n.1)),
            created_at: time(w.created_at),
            updated_at: time(w.updated_at),
            version: w.version,
        }
    }
}

/// A window as sent: made, or replaced whole. Matchers, CIs or both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertWindowBody {
    /// On a replacement: the version you read (or send `If-Match`).
    pub version: Option<i64>,
    /// At most 100 characters.
    pub name: String,
    pub comment: Option<String>,
    /// Alertmanager's matchers, e.g. `alertname="DiskFull"`, `job=~"node.*"`.
    #[serde(default)]
    pub matchers: Vec<String>,
    /// CIs by name (one CI alone has it) or id.
    #[serde(default)]
    pub cis: Vec<String>,
    /// Mute the CIs that depend on those CIs too (default false).
    #[serde(default)]
    pub dependents: bool,
    #[schema(value_type = WindowRecurrence)]
    pub recurrence: String,
    /// once: RFC 3339.
    pub starts_at: Option<String>,
    /// once: after `starts_at`.
    pub ends_at: Option<String>,
    /// weekly: `mon` … `sun`.
    #[serde(default)]
    pub days: Vec<String>,
    /// monthly: 1 to 31.
    #[schema(minimum = 1, maximum = 31)]
    pub day_of_month: Option<i64>,
    /// weekly and monthly: `HH:MM`.
    pub start_time: Option<String>,
    /// weekly and monthly: 1 to 10,080 (a week).
    #[schema(minimum = 1, maximum = 10080)]
    pub duration_minutes: Option<i64>,
    /// weekly and monthly: an IANA zone, e.g. Europe/Warsaw.
    pub time_zone: Option<String>,
    /// RFC 3339: after it the window mutes nothing.
    pub expires_at: Option<String>,
}

impl AlertWindowBody {
    fn input(self) -> (Option<i64>, WindowInput) {
        let schedule = ScheduleSpec {
            recurrence: self.recurrence,
            days: self.days,
            day_of_month: self.day_of_month,
            start_time: self.start_time,
            duration_minutes: self.duration_minutes,
            time_zone: self.time_zone,
            ..ScheduleSpec::default()
        };
        let input = WindowInput {
            name: self.name,
            comment: self.comment.unwrap_or_default(),
            matchers: self.matchers,
            cis: self.cis,
            dependents: self.dependents,
            schedule,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            expires_at: self.expires_at,
        };
        (self.version, input)
    }
}

fn with_etag(status: StatusCode, w: AlertWindow) -> Response {
    let version = w.version;
    json_with_etag(status, version, AlertWindowJson::from(w))
}

#[utoipa::path(get, operation_id = "list_alert_windows", path = "/api/v1/alert-windows", tag = "alerts",
    responses((status = 200, description = "Every window, newest first (expired ones too)",
            body = Vec<AlertWindowJson>),
        (status = 403, description = "Staff only", body = Problem)))]
pub async fn list_alert_windows(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<AlertWindowJson>>, ApiError> {
    Ok(axum::Json(s.app.alert_windows(&actor).await?.into_iter().map(AlertWindowJson::from).collect()))
}

#[utoipa::path(post, operation_id = "add_alert_window", path = "/api/v1/alert-windows", tag = "alerts",
    request_body = AlertWindowBody,
    responses((status = 201, description = "Made", body = AlertWindowJson,
            headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 422, description = "Every bad field at once (`matchers[0]`, `cis`, `ends_at`, `days[1]`, \
            `duration_minutes`, `time_zone`, …)", body = Problem)))]
pub async fn add_alert_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<AlertWindowBody>,
) -> Result<Response, ApiError> {
    let w = s.app.add_alert_window(&actor, b.input().1).await?;
    let location = format!("/api/v1/alert-windows/{}", w.id);
    Ok(located(with_etag(StatusCode::CREATED, w), &location))
}

#[utoipa::path(get, operation_id = "get_alert_window", path = "/api/v1/alert-windows/{id}", tag = "alerts",
    params(("id" = i64, Path)),
    responses((status = 200, body = AlertWindowJson, headers(("ETag" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_alert_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.alert_window(&actor, id_of(id, "maintenance window")?).await?))
}

#[utoipa::path(put, operation_id = "replace_alert_window", path = "/api/v1/alert-windows/{id}", tag = "alerts",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = AlertWindowBody,
    responses((status = 200, description = "Replaced", body = AlertWindowJson, headers(("ETag" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn replace_alert_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<AlertWindowBody>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "maintenance window")?;
    let (body_version, input) = b.input();
    let (v, used_header) = version(&headers, body_version)?;
    let w = s
        .app
        .update_alert_window(&actor, id, v, input)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, w))
}

#[utoipa::path(delete, operation_id = "delete_alert_window", path = "/api/v1/alert-windows/{id}", tag = "alerts",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 404, body = Problem)))]
pub async fn delete_alert_window(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_alert_window(&actor, id_of(id, "maintenance window")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
