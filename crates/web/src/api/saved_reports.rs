//! Saved and scheduled reports over HTTP (issue 14): `/reports/saved`
//! (list, make), `/reports/saved/{id}` (read, replace, delete),
//! `/reports/saved/{id}/file` (the file made now) and
//! `/reports/saved/{id}/send` (mail it to its recipients now). Staff keep
//! their own; managers and admins everyone's.

use super::desk::id_of;
use super::dto::time;
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use steward_app::AppError;
use steward_app::reports::saved::{MeasureParams, SavedReportInput, SavedReportView};
use steward_domain::report::saved::ScheduleInput;
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_saved_reports,
    add_saved_report,
    get_saved_report,
    replace_saved_report,
    delete_saved_report,
    saved_report_file,
    send_saved_report
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/reports/saved", get(list_saved_reports).post(add_saved_report))
        .route("/reports/saved/{id}", get(get_saved_report).put(replace_saved_report).delete(delete_saved_report))
        .route("/reports/saved/{id}/file", get(saved_report_file))
        .route("/reports/saved/{id}/send", post(send_saved_report))
}

/// A measures report's question.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureParamsJson {
    /// yesterday, last_7_days (default), last_30_days, last_90_days,
    /// previous_week, previous_month or month_to_date: whole days in the
    /// site's time zone, ending with the last complete one.
    #[serde(default = "last_7_days")]
    pub period: String,
    /// A row per day, service, group, organisation or priority; none
    /// (default): one row.
    #[serde(default = "none")]
    pub by: String,
    /// incident, problem, change or task (default: all).
    pub kind: Option<String>,
    /// Ids as the reporting API takes them (0: records with none).
    #[schema(minimum = 0)]
    pub service: Option<i64>,
    #[schema(minimum = 0)]
    pub group: Option<i64>,
    #[schema(minimum = 0)]
    pub organisation: Option<i64>,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: Option<i64>,
}

fn last_7_days() -> String {
    "last_7_days".into()
}
fn none() -> String {
    "none".into()
}

impl From<MeasureParams> for MeasureParamsJson {
    fn from(m: MeasureParams) -> Self {
        Self {
            period: m.period,
            by: m.by,
            kind: m.kind,
            service: m.service,
            group: m.group,
            organisation: m.organisation,
            priority: m.priority,
        }
    }
}

impl From<MeasureParamsJson> for MeasureParams {
    fn from(m: MeasureParamsJson) -> Self {
        MeasureParams {
            period: m.period,
            by: m.by,
            kind: m.kind,
            service: m.service,
            group: m.group,
            organisation: m.organisation,
            priority: m.priority,
        }
    }
}

/// When a report is mailed: at the hour, in each recipient's own time zone.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleJson {
    /// daily, weekly or monthly.
    pub frequency: String,
    /// 0–23 (default 8).
    #[schema(minimum = 0, maximum = 23)]
    pub hour: Option<i64>,
    /// For weekly: 1 (Monday) to 7 (Sunday).
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: Option<i64>,
    /// For monthly: 1–31 (a shorter month sends on its last day).
    #[schema(minimum = 1, maximum = 31)]
    pub monthday: Option<i64>,
}

/// A recipient and when the report is due to them next.
#[derive(Serialize, ToSchema)]
pub struct RecipientJson {
    pub email: Option<String>,
    pub name: String,
    pub next_run_at: Option<String>,
}

/// A saved report.
#[derive(Serialize, ToSchema)]
pub struct SavedReportJson {
    pub id: i64,
    pub name: String,
    /// measures, or a record list: incidents, problems, changes, tasks.
    pub subject: String,
    /// csv or xlsx.
    pub format: String,
    /// For measures.
    pub measures: Option<MeasureParamsJson>,
    /// For a record list: that list's parameters.
    #[schema(value_type = Option<Object>)]
    pub filters: Option<serde_json::Value>,
    /// None: kept, not mailed.
    pub schedule: Option<ScheduleJson>,
    pub recipients: Vec<RecipientJson>,
    pub owner: Option<String>,
    pub owner_id: i64,
    pub last_run_at: Option<String>,
    /// What went wrong with the last run (the owner no longer active, a
    /// file too large to mail).
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Send it back with a replacement (body `version` or `If-Match`).
    pub version: i64,
}

impl From<SavedReportView> for SavedReportJson {
    fn from(v: SavedReportView) -> Self {
        let r = v.row;
        SavedReportJson {
            id: r.id,
            name: r.name,
            subject: r.subject,
            format: r.format,
            measures: v.measures.map(Into::into),
            filters: v.filters,
            schedule: r.frequency.map(|frequency| ScheduleJson {
                frequency,
                hour: Some(r.hour),
                weekday: r.weekday,
                monthday: r.monthday,
            }),
            recipients: v
                .recipients
                .into_iter()
                .map(|p| RecipientJson { email: p.email, name: p.display_name, next_run_at: p.next_run_at.map(time) })
                .collect(),
            owner: r.owner_name,
            owner_id: r.owner_id,
            last_run_at: r.last_run_at.map(time),
            last_error: r.last_error,
            created_at: time(r.created_at),
            updated_at: time(r.updated_at),
            version: r.version,
        }
    }
}

/// A report to make, or to put in place of one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedReportInputJson {
    /// The version you read, for a replacement (or send `If-Match`).
    pub version: Option<i64>,
    pub name: String,
    /// measures, or a record list: incidents, problems, changes, tasks.
    pub subject: String,
    /// csv (default) or xlsx.
    pub format: Option<String>,
    /// For measures (default: the last 7 days, one row).
    pub measures: Option<MeasureParamsJson>,
    /// For a record list: that list's query parameters as an object of
    /// strings, e.g. incidents `{"state": "open", "priority": "1,2", "sort":
    /// "-opened"}`, problems `{"known_error": "true"}`, tasks `{"assigned":
    /// "me"}` (no paging: a report takes every match). `me` is the owner.
    #[schema(value_type = Option<Object>)]
    pub filters: Option<serde_json::Value>,
    pub schedule: Option<ScheduleJson>,
    /// E-mail addresses of active staff users (at most 50).
    #[serde(default)]
    pub recipients: Vec<String>,
}

impl From<SavedReportInputJson> for SavedReportInput {
    fn from(b: SavedReportInputJson) -> Self {
        SavedReportInput {
            name: b.name,
            subject: b.subject,
            format: b.format,
            measures: b
                .measures
                .map_or_else(|| MeasureParams { period: last_7_days(), by: none(), ..Default::default() }, Into::into),
            filters: b.filters,
            schedule: b.schedule.map(|s| ScheduleInput {
                frequency: s.frequency,
                hour: s.hour,
                weekday: s.weekday,
                monthday: s.monthday,
            }),
            recipients: b.recipients,
        }
    }
}

/// What a send did.
#[derive(Serialize, ToSchema)]
pub struct SentJson {
    /// E-mails put in the outbox.
    pub sent: usize,
    /// Recipients left out: no longer active staff, or no usable address.
    pub skipped: usize,
}

fn with_etag(status: StatusCode, v: SavedReportView) -> Response {
    let version = v.row.version;
    json_with_etag(status, version, SavedReportJson::from(v))
}

#[utoipa::path(get, operation_id = "list_saved_reports", path = "/api/v1/reports/saved", tag = "reports",
    responses((status = 200, body = Vec<SavedReportJson>, description = "Your reports; managers and admins see everyone's"),
        (status = 403, description = "Requesters", body = Problem)))]
pub async fn list_saved_reports(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<SavedReportJson>>, ApiError> {
    let all = s.app.saved_reports(&actor).await?;
    Ok(axum::Json(all.into_iter().map(SavedReportJson::from).collect()))
}

#[utoipa::path(post, operation_id = "add_saved_report", path = "/api/v1/reports/saved", tag = "reports",
    request_body = SavedReportInputJson,
    responses((status = 201, body = SavedReportJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Requesters", body = Problem),
        (status = 422, description = "A bad question, schedule or recipient, each beside its field", body = Problem)))]
pub async fn add_saved_report(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<SavedReportInputJson>,
) -> Result<Response, ApiError> {
    let v = s.app.add_saved_report(&actor, b.into()).await?;
    let location = format!("/api/v1/reports/saved/{}", v.row.id);
    Ok(located(with_etag(StatusCode::CREATED, v), &location))
}

#[utoipa::path(get, operation_id = "get_saved_report", path = "/api/v1/reports/saved/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 200, body = SavedReportJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters", body = Problem), (status = 404, body = Problem)))]
pub async fn get_saved_report(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let v = s.app.saved_report(&actor, id_of(id, "saved report")?).await?;
    Ok(with_etag(StatusCode::OK, v))
}

#[utoipa::path(put, operation_id = "replace_saved_report", path = "/api/v1/reports/saved/{id}", tag = "reports",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = SavedReportInputJson,
    responses((status = 200, body = SavedReportJson, headers(("ETag" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "A stale version", body = Problem),
        (status = 422, body = Problem),
        (status = 428, description = "No version sent", body = Problem)))]
pub async fn replace_saved_report(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<SavedReportInputJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "saved report")?;
    let (v, used_header) = version(&headers, b.version)?;
    let v = v.ok_or(ApiError::from(AppError::VersionRequired))?;
    let view = s
        .app
        .edit_saved_report(&actor, id, v, b.into())
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, view))
}

#[utoipa::path(delete, operation_id = "delete_saved_report", path = "/api/v1/reports/saved/{id}", tag = "reports",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_saved_report(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_saved_report(&actor, id_of(id, "saved report")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, operation_id = "saved_report_file", path = "/api/v1/reports/saved/{id}/file", tag = "reports",
    description = "The report's file as it would be mailed now (CSV or XLSX), made with its owner's rights. At most \
        25 MB: beyond, a 422 on `format` (an incident list streams whole through the list's exports).",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file: CSV or XLSX, as the report says",
            content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "Too large for a report's file", body = Problem)))]
pub async fn saved_report_file(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let f = s.app.saved_report_file(&actor, id_of(id, "saved report")?).await?;
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", f.name)),
        ],
        f.body,
    )
        .into_response())
}

#[utoipa::path(post, operation_id = "send_saved_report", path = "/api/v1/reports/saved/{id}/send", tag = "reports",
    description = "Mails the report to its recipients now, whatever its schedule (which stays as it is).",
    params(("id" = i64, Path)),
    responses((status = 200, body = SentJson), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "No recipients, or a report that cannot run", body = Problem)))]
pub async fn send_saved_report(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<axum::Json<SentJson>, ApiError> {
    let r = s.app.send_saved_report_now(&actor, id_of(id, "saved report")?).await?;
    Ok(axum::Json(SentJson { sent: r.sent, skipped: r.skipped }))
}
