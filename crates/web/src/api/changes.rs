//! `/api/v1/changes`: list, create, read, update, transitions, approval,
//! journal and links.

use super::change_dto::*;
use super::dto::JournalEntryJson;
use super::incidents::{located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use steward_app::{
    changes::{self, ChangeListParams},
    incidents::encode_cursor,
};

/// The changes resource: its routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

super::links::kind_links!(
    steward_domain::number::RecordKind::Change,
    "changes",
    "e.g. CHG0000042",
    "/changes/{number}/links",
    "/changes/{number}/links/{link}/{record}",
    "/api/v1/changes/{number}/links",
    "/api/v1/changes/{number}/links/{link}/{record}",
    "list_change_links",
    "link_change",
    "unlink_change_record"
);

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    links::list,
    links::add,
    links::remove,
    list,
    create,
    get_one,
    update,
    transition,
    journal,
    conflicts,
    impact
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .merge(links::routes())
        .route("/changes", get(list).post(create))
        .route("/changes/{number}", get(get_one).patch(update))
        .route("/changes/{number}/transition", post(transition))
        .route("/changes/{number}/journal", get(journal))
        .route("/changes/{number}/conflicts", get(conflicts))
        .route("/changes/{number}/impact", get(impact))
}

/// A change with its `ETag`.
pub(super) fn with_etag(status: StatusCode, ch: changes::Change) -> Response {
    let version = ch.record.version;
    super::incidents::json_with_etag(status, version, ChangeJson::from(ch))
}

#[utoipa::path(get, operation_id = "list_changes", path = "/api/v1/changes", tag = "changes",
    params(
        ("state" = Option<String>, Query, description = "Comma-separated states; `open` = draft, assessment, authorization, scheduled, implementing"),
        ("priority" = Option<String>, Query, description = "Comma-separated priorities 1–5"),
        ("group" = Option<String>, Query, description = "Comma-separated group names; `mine`, `none`"),
        ("assignee" = Option<String>, Query, description = "The change owner: username, `me` or `none`"),
        ("change_type" = Option<super::schema::ChangeType>, Query, description = "Changes of this type"),
        ("risk_level" = Option<super::schema::RiskLevel>, Query, description = "Changes assessed at this risk level"),
        ("service" = Option<String>, Query),
        ("text" = Option<String>, Query, description = "Words in the title or description"),
        ("sort" = Option<String>, Query, description = "priority (default), -priority, opened, -opened, updated, -updated, number, -number"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1–200, default 50"),
    ),
    responses((status = 200, body = ChangePage),
        (status = 403, description = "Requesters see no changes", body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ChangeListParams>,
) -> Result<axum::Json<ChangePage>, ApiError> {
    let filter = s.app.change_filter(&actor, &params).await?;
    let sort = filter.sort;
    let count = s.app.count_changes(&actor, &filter);
    let ((rows, more), count) =
        futures_util::future::try_join(s.app.list_changes(&actor, filter.clone()), count).await?;
    let next_cursor = if more { rows.last().map(|c| encode_cursor(&sort.key(&c.record))) } else { None };
    Ok(axum::Json(ChangePage {
        items: rows.into_iter().map(ChangeJson::from).collect(),
        next_cursor,
        count: count.count,
        count_capped: count.capped,
    }))
}

#[utoipa::path(post, operation_id = "create_change", path = "/api/v1/changes", tag = "changes",
    request_body = NewChangeJson,
    responses((status = 201, description = "The change, in draft", body = ChangeJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Only agents, managers and admins raise changes", body = Problem),
        (status = 422, description = "Every bad field at once (`planned_end`, `answers.<question>` …)", body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewChangeJson>,
) -> Result<Response, ApiError> {
    let ch = s.app.create_change(&actor, body.into()).await?;
    let location = format!("/api/v1/changes/{}", changes::number(ch.record.number));
    Ok(located(with_etag(StatusCode::CREATED, ch), &location))
}

#[utoipa::path(get, operation_id = "get_change", path = "/api/v1/changes/{number}", tag = "changes",
    params(("number" = String, Path, description = "e.g. CHG0000042")),
    responses((status = 200, body = ChangeJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters see no changes", body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.get_change(&actor, &number).await?))
}

#[utoipa::path(patch, operation_id = "update_change", path = "/api/v1/changes/{number}", tag = "changes",
    request_body = ChangePatchJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ChangeJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ChangePatchJson>,
) -> Result<Response, ApiError> {
    let (body_version, patch) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let ch = s
        .app
        .update_change(&actor, &number, v, patch)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, ch))
}

#[utoipa::path(post, operation_id = "transition_change", path = "/api/v1/changes/{number}/transition", tag = "changes",
    request_body = ChangeTransitionJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ChangeJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A move the change's type does not allow now (`allowed` lists those that are), one waiting for the approval, or a stale version", body = Problem)))]
pub async fn transition(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ChangeTransitionJson>,
) -> Result<Response, ApiError> {
    let (body_version, t) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let ch = s
        .app
        .transition_change(&actor, &number, v, t)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, ch))
}

#[utoipa::path(get, operation_id = "change_journal", path = "/api/v1/changes/{number}/journal", tag = "changes",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<JournalEntryJson>),
        (status = 403, description = "Requesters see no changes", body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.change_journal(&actor, &number).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

#[utoipa::path(get, operation_id = "change_conflicts", path = "/api/v1/changes/{number}/conflicts", tag = "changes",
    params(("number" = String, Path, description = "e.g. CHG0000042")),
    responses((status = 200, description = "What the change's planned window collides with, nearest first, explained; \
            the next free slot when there is a conflict", body = ConflictsJson),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "The change has no planned window", body = Problem)))]
pub async fn conflicts(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<ConflictsJson>, ApiError> {
    Ok(axum::Json(ConflictsJson::from(s.app.change_conflicts(&actor, &number).await?)))
}

#[utoipa::path(get, operation_id = "change_impact", path = "/api/v1/changes/{number}/impact", tag = "changes",
    params(("number" = String, Path, description = "e.g. CHG0000042")),
    responses((status = 200, description = "What a failure of the change's CIs would affect: the services, each with \
            the chain of relations that explains it, and the organisations that use them (empty without CIs)",
            body = super::schema::Impact),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn impact(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<super::cmdb::ImpactJson>, ApiError> {
    Ok(axum::Json(super::cmdb::ImpactJson::now(s.app.change_impact(&actor, &number).await?)))
}
