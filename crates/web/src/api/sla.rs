//! `/api/v1/calendars`, `/api/v1/slas`, group OLAs and an incident's SLA
//! clocks. Staff read the settings; managers and admins change them (the
//! app checks both). Changes name the version read, like incidents do.

use super::dto::JournalEntryJson;
use super::incidents::version;
use super::sla_dto::*;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    body::Bytes,
    extract::{Path, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use jiff::SignedDuration;
use serde::Deserialize;
use steward_app::AppError;
use steward_app::Code;

/// Calendars, SLA definitions, group OLAs and an incident's clocks: routes
/// and their OpenAPI description (a problem's clocks are the problems
/// resource's).
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    clocks,
    calendars,
    create_calendar,
    get_calendar,
    calendar_history,
    update_calendar,
    add_preset,
    import_ical,
    slas,
    create_sla,
    get_sla,
    sla_history,
    update_sla,
    set_ola,
    delete_ola
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post, put},
    };
    axum::Router::new()
        .route("/incidents/{number}/slas", get(clocks))
        .route("/calendars", get(calendars).post(create_calendar))
        .route("/calendars/{id}", get(get_calendar).put(update_calendar))
        .route("/calendars/{id}/history", get(calendar_history))
        .route("/calendars/{id}/presets/{preset}", post(add_preset))
        .route("/calendars/{id}/holidays", post(import_ical).layer(DefaultBodyLimit::max(ICAL_MAX_BYTES)))
        .route("/slas", get(slas).post(create_sla))
        .route("/slas/{id}", get(get_sla).put(update_sla))
        .route("/slas/{id}/history", get(sla_history))
        .route("/groups/{name}/ola", put(set_ola).delete(delete_ola))
}

/// The largest iCalendar file accepted, as the parser bounds it: the
/// route refuses a larger body before reading it all.
pub const ICAL_MAX_BYTES: usize = steward_domain::calendar::ICAL_MAX_BYTES;

/// A JSON answer with the object's version as its `ETag`.
fn tagged<T: serde::Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

/// A path id that is not a number names nothing.
fn id_of(p: Result<Path<i64>, axum::extract::rejection::PathRejection>, what: &str) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found(what))
}

/// The version a change names: required, from `If-Match` or the body.
fn required(headers: &HeaderMap, body: Option<i64>) -> Result<(i64, bool), ApiError> {
    match version(headers, body)? {
        (Some(v), used_header) => Ok((v, used_header)),
        (None, _) => Err(AppError::VersionRequired.into()),
    }
}

#[utoipa::path(get, operation_id = "incident_clocks", path = "/api/v1/incidents/{number}/slas", tag = "service levels",
    params(("number" = String, Path, description = "e.g. INC0000042")),
    responses((status = 200, body = Vec<ClockJson>), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn clocks(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<ClockJson>>, ApiError> {
    let list = s.app.incident_clocks(&actor, &number).await?;
    Ok(axum::Json(list.into_iter().map(ClockJson::from).collect()))
}

#[utoipa::path(get, operation_id = "problem_clocks", path = "/api/v1/problems/{number}/slas", tag = "service levels",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 200, body = Vec<ClockJson>), (status = 403, description = "Only staff see problems", body = Problem)))]
pub async fn problem_clocks(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<ClockJson>>, ApiError> {
    let list = s.app.problem_clocks(&actor, &number).await?;
    Ok(axum::Json(list.into_iter().map(ClockJson::from).collect()))
}

#[utoipa::path(get, operation_id = "list_calendars", path = "/api/v1/calendars", tag = "service levels",
    responses((status = 200, body = Vec<CalendarJson>), (status = 403, body = Problem)))]
pub async fn calendars(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<CalendarJson>>, ApiError> {
    Ok(axum::Json(s.app.list_calendars(&actor).await?.into_iter().map(CalendarJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/calendars", tag = "service levels", request_body = CalendarBody,
    responses((status = 201, body = CalendarJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn create_calendar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<CalendarBody>,
) -> Result<Response, ApiError> {
    let (name, spec, _) = body.split();
    let c = s.app.create_calendar(&actor, &name, spec).await?;
    Ok(tagged(StatusCode::CREATED, c.version, CalendarJson::from(c)))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "service levels", params(("id" = i64, Path)),
    responses((status = 200, body = CalendarJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn get_calendar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let c = s.app.get_calendar(&actor, id_of(id, "calendar")?).await?;
    Ok(tagged(StatusCode::OK, c.version, CalendarJson::from(c)))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}/history", tag = "service levels", params(("id" = i64, Path)),
    responses((status = 200, description = "Every change, oldest first, with the fields it changed", body = Vec<JournalEntryJson>), (status = 403, body = Problem)))]
pub async fn calendar_history(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.calendar_history(&actor, id_of(id, "calendar")?).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/slas/{id}/history", tag = "service levels", params(("id" = i64, Path)),
    responses((status = 200, description = "Every change, oldest first, with the fields it changed", body = Vec<JournalEntryJson>), (status = 403, body = Problem)))]
pub async fn sla_history(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.sla_history(&actor, id_of(id, "SLA definition")?).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

#[utoipa::path(put, path = "/api/v1/calendars/{id}", tag = "service levels", request_body = CalendarBody,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = CalendarJson, headers(("ETag" = String))), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn update_calendar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Json(body): Json<CalendarBody>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "calendar")?;
    let (name, spec, body_version) = body.split();
    let (v, used_header) = required(&headers, body_version)?;
    let c = s
        .app
        .update_calendar(&actor, id, v, &name, spec)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(tagged(StatusCode::OK, c.version, CalendarJson::from(c)))
}

/// `?version=` for the bodiless calendar actions, when not `If-Match`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// The version a bodiless action names (`If-Match` or `?version=`).
fn action_version(headers: &HeaderMap, q: VersionQuery) -> Result<(i64, bool), ApiError> {
    required(headers, q.version)
}

#[utoipa::path(post, operation_id = "add_calendar_preset", path = "/api/v1/calendars/{id}/presets/{preset}", tag = "service levels",
    params(("id" = i64, Path), ("preset" = String, Path, description = "`poland`: Poland's public holidays"),
        ("If-Match" = Option<String>, Header), ("version" = Option<i64>, Query)),
    responses((status = 200, body = CalendarJson, headers(("ETag" = String))), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn add_preset(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    path: Result<Path<(i64, String)>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Query(q): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let Path((id, preset)) = path.map_err(|_| ApiError::not_found("calendar"))?;
    let (v, used_header) = action_version(&headers, q)?;
    let c = s
        .app
        .add_calendar_preset(&actor, id, v, &preset)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(tagged(StatusCode::OK, c.version, CalendarJson::from(c)))
}

#[utoipa::path(post, operation_id = "import_calendar_holidays", path = "/api/v1/calendars/{id}/holidays", tag = "service levels",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header), ("version" = Option<i64>, Query)),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar file (RFC 5545) of all-day events"),
    responses((status = 200, body = CalendarJson, headers(("ETag" = String))), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn import_ical(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Query(q): Query<VersionQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "calendar")?;
    let is_ical = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/calendar"));
    if !is_ical {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send the iCalendar file as text/calendar",
        ));
    }
    let too_large = || ApiError::from(AppError::TooLarge { what: "the iCalendar file", max: ICAL_MAX_BYTES });
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::field("body", crate::error::malformed(e.body_text()))
        }
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| ApiError::field("ical", Code::NotUtf8.msg("is not UTF-8 text")))?;
    let (v, used_header) = action_version(&headers, q)?;
    let c = s
        .app
        .import_calendar_ical(&actor, id, v, text)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(tagged(StatusCode::OK, c.version, CalendarJson::from(c)))
}

#[utoipa::path(get, operation_id = "list_slas", path = "/api/v1/slas", tag = "service levels",
    responses((status = 200, body = Vec<SlaJson>), (status = 403, body = Problem)))]
pub async fn slas(State(s): State<AppState>, ApiActor(actor): ApiActor) -> Result<axum::Json<Vec<SlaJson>>, ApiError> {
    Ok(axum::Json(s.app.list_slas(&actor).await?.into_iter().map(SlaJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/slas", tag = "service levels", request_body = SlaBody,
    responses((status = 201, body = SlaJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn create_sla(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<SlaBody>,
) -> Result<Response, ApiError> {
    let (def, active, _) = body.split();
    let v = s.app.create_sla(&actor, def, active).await?;
    Ok(tagged(StatusCode::CREATED, v.version, SlaJson::from(v)))
}

#[utoipa::path(get, path = "/api/v1/slas/{id}", tag = "service levels", params(("id" = i64, Path)),
    responses((status = 200, body = SlaJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn get_sla(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let v = s.app.get_sla(&actor, id_of(id, "SLA definition")?).await?;
    Ok(tagged(StatusCode::OK, v.version, SlaJson::from(v)))
}

#[utoipa::path(put, path = "/api/v1/slas/{id}", tag = "service levels", request_body = SlaBody,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = SlaJson, headers(("ETag" = String))), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn update_sla(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Json(body): Json<SlaBody>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "SLA definition")?;
    let (def, active, body_version) = body.split();
    let (v, used_header) = required(&headers, body_version)?;
    let view =
        s.app.update_sla(&actor, id, v, def, active).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(tagged(StatusCode::OK, view.version, SlaJson::from(view)))
}

/// The id of the group with this name, or 404.
async fn group_id(s: &AppState, name: &str) -> Result<(i64, String), ApiError> {
    let groups = s.app.list_groups().await?;
    groups.into_iter().find(|g| g.name == name).map(|g| (g.id, g.name)).ok_or_else(|| ApiError::not_found("group"))
}

#[utoipa::path(put, path = "/api/v1/groups/{name}/ola", tag = "service levels", request_body = OlaBody,
    params(("name" = String, Path)),
    responses((status = 200, body = OlaJson), (status = 403, body = Problem)))]
pub async fn set_ola(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(body): Json<OlaBody>,
) -> Result<axum::Json<OlaJson>, ApiError> {
    steward_domain::access::can_manage_service_levels(actor.role).map_err(AppError::from)?;
    let (id, group) = group_id(&s, &name).await?;
    let target = match body.target {
        DurationText::Seconds(secs) => SignedDuration::from_secs(secs),
        DurationText::Text(t) => t.parse::<SignedDuration>().map_err(|e| {
            let m = Code::NotDuration.msg(format!("{t:?} is not a duration such as 2h or PT2H: {e}"));
            ApiError::field("target", m.with("text", t))
        })?,
    };
    let ola = Some((target, body.calendar_id, body.thresholds.clone()));
    s.app.set_group_ola_of(&actor, id, ola, &body.kinds).await?;
    Ok(axum::Json(OlaJson {
        group,
        target: target.to_string(),
        calendar_id: body.calendar_id,
        thresholds: body.thresholds,
        kinds: Some(steward_domain::sla::normalise_kinds(&body.kinds))
            .filter(|k| k.as_slice() != [steward_domain::sla::DEFAULT_KIND]),
    }))
}

#[utoipa::path(delete, path = "/api/v1/groups/{name}/ola", tag = "service levels", params(("name" = String, Path)),
    responses((status = 204), (status = 403, body = Problem)))]
pub async fn delete_ola(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    steward_domain::access::can_manage_service_levels(actor.role).map_err(AppError::from)?;
    let (id, _) = group_id(&s, &name).await?;
    s.app.set_group_ola(&actor, id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
