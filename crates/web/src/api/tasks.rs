//! Change tasks: `/api/v1/changes/{number}/tasks` (a change's tasks in
//! step order, and adding one), `/api/v1/tasks/{number}` (read, edit),
//! its transitions and journal, and `/api/v1/tasks?assigned=me|group`,
//! the queue of open tasks.

use super::dto::JournalEntryJson;
use super::incidents::{json_with_etag, located, version};
use super::task_dto::*;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Deserialize;
use steward_app::tasks::{self, Queue, Task};

/// The tasks resource: its routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_of_change, create, queue, get_one, update, transition, journal),
    components(schemas(super::schema::TaskQueue))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/changes/{number}/tasks", get(list_of_change).post(create))
        .route("/tasks", get(queue))
        .route("/tasks/{number}", get(get_one).patch(update))
        .route("/tasks/{number}/transitions", post(transition))
        .route("/tasks/{number}/journal", get(journal))
}

/// A task with its `ETag`.
fn with_etag(status: StatusCode, t: Task) -> Response {
    let version = t.record.version;
    json_with_etag(status, version, TaskJson::from(t))
}

#[utoipa::path(get, operation_id = "list_change_tasks", path = "/api/v1/changes/{number}/tasks", tag = "changes",
    params(("number" = String, Path, description = "The change, e.g. CHG0000042")),
    responses((status = 200, description = "The change's tasks in step order", body = Vec<TaskJson>),
        (status = 403, description = "Requesters see no changes", body = Problem)))]
pub async fn list_of_change(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<TaskJson>>, ApiError> {
    let rows = s.app.change_tasks(&actor, &number).await?;
    Ok(axum::Json(rows.into_iter().map(TaskJson::from).collect()))
}

#[utoipa::path(post, operation_id = "create_change_task", path = "/api/v1/changes/{number}/tasks", tag = "changes",
    request_body = NewTaskJson,
    params(("number" = String, Path, description = "The change, e.g. CHG0000042")),
    responses((status = 201, description = "The task, open", body = TaskJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Only agents, managers and admins add tasks", body = Problem),
        (status = 422, description = "Every bad field at once (`step`, `assignment_group`, `planned_end` …); \
            `change` when the change is in review, closed or cancelled", body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    Json(body): Json<NewTaskJson>,
) -> Result<Response, ApiError> {
    let t = s.app.create_task(&actor, &number, body.into()).await?;
    let location = format!("/api/v1/tasks/{}", tasks::number(t.record.number));
    Ok(located(with_etag(StatusCode::CREATED, t), &location))
}

/// Whose open tasks the queue lists.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `group` (the default): my groups' tasks; `me`: assigned to me.
    #[param(value_type = Option<super::schema::TaskQueue>)]
    pub assigned: Option<String>,
}

impl QueueQuery {
    /// Which queue: absent means my groups; present, it must name one (an
    /// empty value is not one).
    pub fn queue(&self) -> Result<Queue, ApiError> {
        match self.assigned.as_deref().map(str::trim) {
            None => Ok(Queue::Group),
            Some(a) => Queue::parse(a)
                .ok_or_else(|| ApiError::field("assigned", steward_domain::code::not_one_of(a, &["me", "group"]))),
        }
    }
}

#[utoipa::path(get, operation_id = "list_tasks", path = "/api/v1/tasks", tag = "changes",
    params(QueueQuery),
    responses((status = 200, description = "Open tasks (open or in progress), the highest priority and oldest first, at most 200", body = Vec<TaskJson>),
        (status = 403, description = "Requesters see no tasks", body = Problem)))]
pub async fn queue(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<QueueQuery>,
) -> Result<axum::Json<Vec<TaskJson>>, ApiError> {
    let rows = s.app.task_queue(&actor, q.queue()?).await?;
    Ok(axum::Json(rows.into_iter().map(TaskJson::from).collect()))
}

#[utoipa::path(get, operation_id = "get_task", path = "/api/v1/tasks/{number}", tag = "changes",
    params(("number" = String, Path, description = "e.g. TASK0000042")),
    responses((status = 200, body = TaskJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters see no tasks", body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.get_task(&actor, &number).await?))
}

#[utoipa::path(patch, operation_id = "update_task", path = "/api/v1/tasks/{number}", tag = "changes",
    request_body = TaskPatchJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = TaskJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<TaskPatchJson>,
) -> Result<Response, ApiError> {
    let (body_version, patch) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let t =
        s.app.update_task(&actor, &number, v, patch).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, t))
}

#[utoipa::path(post, operation_id = "transition_task", path = "/api/v1/tasks/{number}/transitions", tag = "changes",
    request_body = TaskTransitionJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = TaskJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A move the task's state does not allow (`allowed` lists those that are), \
            one that waits for an open task of an earlier step (named), or a stale version", body = Problem)))]
pub async fn transition(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<TaskTransitionJson>,
) -> Result<Response, ApiError> {
    let (body_version, t) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let t =
        s.app.transition_task(&actor, &number, v, t).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, t))
}

#[utoipa::path(get, operation_id = "task_journal", path = "/api/v1/tasks/{number}/journal", tag = "changes",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<JournalEntryJson>),
        (status = 403, description = "Requesters see no tasks", body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.task_journal(&actor, &number).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}
