//! `/api/v1/problems`: list, create, read, update, transitions, journal,
//! comments and files (`problem_comments`), linked incidents and the
//! known error; and from an incident's side,
//! raising a problem from it and the problems it is linked to.

use super::dto::{CommentJson, JournalEntryJson};
use super::incidents::{located, version};
use super::problem_dto::*;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use steward_app::{
    incidents::encode_cursor,
    problems::{self, ProblemListParams},
};

/// The problems resource: its routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

super::links::kind_links!(
    steward_domain::number::RecordKind::Problem,
    "problems",
    "e.g. PRB0000042",
    "/problems/{number}/links",
    "/problems/{number}/links/{link}/{record}",
    "/api/v1/problems/{number}/links",
    "/api/v1/problems/{number}/links/{link}/{record}",
    "list_problem_links",
    "link_problem",
    "unlink_problem_record"
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
    incidents,
    link,
    unlink,
    publish,
    unpublish,
    from_incident,
    of_incident,
    candidates,
    apply_workaround,
    super::sla::problem_clocks,
    super::problem_comments::comments,
    super::problem_comments::add_comment,
    super::problem_comments::attachments,
    super::problem_comments::upload,
    super::problem_comments::download,
    super::notifications::problem_watchers,
    super::notifications::watch_problem,
    super::notifications::unwatch_problem
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use super::problem_comments as talk;
    use axum::{
        extract::DefaultBodyLimit,
        routing::{delete, get, post},
    };
    axum::Router::new()
        .merge(links::routes())
        .route("/problems", get(list).post(create))
        .route("/problems/candidates", get(candidates))
        .route("/problems/{number}", get(get_one).patch(update))
        .route("/problems/{number}/transition", post(transition))
        .route("/problems/{number}/journal", get(journal))
        .route("/problems/{number}/slas", get(super::sla::problem_clocks))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/problems/{number}/comments",
            get(talk::comments).post(talk::add_comment).layer(DefaultBodyLimit::disable()),
        )
        // The upload checks the attachment limit itself, as the incident's.
        .route(
            "/problems/{number}/attachments",
            get(talk::attachments).post(talk::upload).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/problems/{number}/watchers",
            get(super::notifications::problem_watchers)
                .post(super::notifications::watch_problem)
                .delete(super::notifications::unwatch_problem),
        )
        .route("/problems/{number}/attachments/{id}", get(talk::download))
        .route("/problems/{number}/incidents", get(incidents).post(link))
        .route("/problems/{number}/incidents/{incident}", delete(unlink))
        .route("/problems/{number}/known-error", post(publish).delete(unpublish))
        .route("/incidents/{number}/problem", post(from_incident))
        .route("/incidents/{number}/problems", get(of_incident))
        .route("/incidents/{number}/apply-workaround", post(apply_workaround))
}

/// A problem with its `ETag`.
fn with_etag(status: StatusCode, p: problems::Problem) -> Response {
    let version = p.record.version;
    super::incidents::json_with_etag(status, version, ProblemJson::from(p))
}

/// A new problem: 201 with its `ETag` and `Location`.
fn created(p: problems::Problem) -> Response {
    let location = format!("/api/v1/problems/{}", problems::number(p.record.number));
    located(with_etag(StatusCode::CREATED, p), &location)
}

/// An optional JSON body: empty is none.
pub(crate) fn optional_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(None) } else { crate::json::parse::<T>(body).map(Some) }
}

#[utoipa::path(get, operation_id = "list_problems", path = "/api/v1/problems", tag = "problems",
    params(
        ("state" = Option<String>, Query, description = "Comma-separated states; `open` = new, assessment, root_cause_analysis, fix_in_progress"),
        ("priority" = Option<String>, Query, description = "Comma-separated priorities 1–5"),
        ("group" = Option<String>, Query, description = "Comma-separated group names; `mine`, `none`"),
        ("assignee" = Option<String>, Query, description = "The problem owner: username, `me` or `none`"),
        ("service" = Option<String>, Query),
        ("known_error" = Option<bool>, Query, description = "`true`: published known errors only; `false`: the others"),
        ("text" = Option<String>, Query, description = "Words in the title or description"),
        ("sla" = Option<String>, Query, description = "`breaching_soon` (a running clock due within the next hour; add `sort=sla_due` for the soonest first) or `breached`"),
        ("sort" = Option<String>, Query, description = "priority (default), -priority, opened, -opened, updated, -updated, number, -number, sla_due (the nearest SLA due moment first)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1–200, default 50"),
    ),
    responses((status = 200, body = ProblemPage),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ProblemListParams>,
) -> Result<axum::Json<ProblemPage>, ApiError> {
    let filter = s.app.problem_filter(&actor, &params).await?;
    let sort = filter.sort;
    let count = s.app.count_problems(&actor, &filter);
    let ((rows, more), count) =
        futures_util::future::try_join(s.app.list_problems(&actor, filter.clone()), count).await?;
    let next_cursor = if more { rows.last().map(|p| encode_cursor(&sort.key(&p.record))) } else { None };
    Ok(axum::Json(ProblemPage {
        items: rows.into_iter().map(ProblemJson::from).collect(),
        next_cursor,
        count: count.count,
        count_capped: count.capped,
    }))
}

#[utoipa::path(post, operation_id = "create_problem", path = "/api/v1/problems", tag = "problems",
    request_body = NewProblemJson,
    responses((status = 201, body = ProblemJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Only agents, managers and admins raise problems", body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewProblemJson>,
) -> Result<Response, ApiError> {
    Ok(created(s.app.create_problem(&actor, body.into()).await?))
}

#[utoipa::path(get, operation_id = "get_problem", path = "/api/v1/problems/{number}", tag = "problems",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 200, body = ProblemJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.get_problem(&actor, &number).await?))
}

#[utoipa::path(patch, operation_id = "update_problem", path = "/api/v1/problems/{number}", tag = "problems",
    request_body = ProblemPatchJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ProblemJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ProblemPatchJson>,
) -> Result<Response, ApiError> {
    let (body_version, patch) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let p = s
        .app
        .update_problem(&actor, &number, v, patch)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, p))
}

#[utoipa::path(post, operation_id = "transition_problem", path = "/api/v1/problems/{number}/transition", tag = "problems",
    request_body = ProblemTransitionJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ProblemJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A state change not allowed now (`allowed` lists those that are), or a stale version", body = Problem)))]
pub async fn transition(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ProblemTransitionJson>,
) -> Result<Response, ApiError> {
    let (body_version, t) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let p = s
        .app
        .transition_problem(&actor, &number, v, t)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, p))
}

#[utoipa::path(get, operation_id = "problem_journal", path = "/api/v1/problems/{number}/journal", tag = "problems",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<JournalEntryJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.problem_journal(&actor, &number).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

fn linked(list: Vec<problems::Linked>) -> axum::Json<Vec<LinkedIncidentJson>> {
    axum::Json(list.into_iter().map(LinkedIncidentJson::from).collect())
}

#[utoipa::path(get, operation_id = "list_problem_incidents", path = "/api/v1/problems/{number}/incidents", tag = "problems",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<LinkedIncidentJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn incidents(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<LinkedIncidentJson>>, ApiError> {
    Ok(linked(s.app.problem_incidents(&actor, &number).await?))
}

#[utoipa::path(post, operation_id = "link_incidents", path = "/api/v1/problems/{number}/incidents", tag = "problems",
    request_body = LinkIncidentsJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The problem's ETag, if it is to be checked")),
    responses((status = 200, description = "Every incident linked to the problem now", body = Vec<LinkedIncidentJson>),
        (status = 403, body = Problem), (status = 409, description = "A stale version", body = Problem)))]
pub async fn link(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<LinkIncidentsJson>,
) -> Result<axum::Json<Vec<LinkedIncidentJson>>, ApiError> {
    let (v, used_header) = version(&headers, body.version)?;
    let list = s
        .app
        .link_incidents(&actor, &number, v, &body.incidents)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(linked(list))
}

#[utoipa::path(delete, operation_id = "unlink_incident", path = "/api/v1/problems/{number}/incidents/{incident}", tag = "problems",
    params(("number" = String, Path), ("incident" = String, Path, description = "e.g. INC0000042"),
        ("If-Match" = Option<String>, Header, description = "The problem's ETag, if it is to be checked")),
    responses((status = 200, description = "The incidents still linked", body = Vec<LinkedIncidentJson>),
        (status = 403, body = Problem)))]
pub async fn unlink(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((number, incident)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Vec<LinkedIncidentJson>>, ApiError> {
    let (v, used_header) = version(&headers, None)?;
    let list = s
        .app
        .unlink_incident(&actor, &number, &incident, v)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(linked(list))
}

/// Publishes or withdraws the known error under the version sent.
async fn known_error(
    s: &AppState,
    actor: &steward_app::Actor,
    number: &str,
    headers: &HeaderMap,
    body: &[u8],
    publish: bool,
) -> Result<Response, ApiError> {
    let body_version = optional_body::<VersionJson>(body)?.and_then(|b| b.version);
    let (v, used_header) = version(headers, body_version)?;
    let p = s
        .app
        .set_known_error(actor, number, v, publish)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, p))
}

#[utoipa::path(post, operation_id = "publish_known_error", path = "/api/v1/problems/{number}/known-error", tag = "problems",
    request_body(content = Option<VersionJson>, description = "Optional when `If-Match` names the version"),
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ProblemJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn publish(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    known_error(&s, &actor, &number, &headers, &body, true).await
}

#[utoipa::path(delete, operation_id = "unpublish_known_error", path = "/api/v1/problems/{number}/known-error", tag = "problems",
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read (required)")),
    responses((status = 200, body = ProblemJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn unpublish(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    known_error(&s, &actor, &number, &headers, &[], false).await
}

#[utoipa::path(post, operation_id = "create_problem_from_incident", path = "/api/v1/incidents/{number}/problem", tag = "problems",
    request_body(content = Option<FromIncidentJson>, description = "Optional: the title, group and owner; the rest is copied from the incident"),
    params(("number" = String, Path, description = "e.g. INC0000042")),
    responses((status = 201, body = ProblemJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Only agents, managers and admins raise problems", body = Problem)))]
pub async fn from_incident(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = optional_body::<FromIncidentJson>(&body)?.unwrap_or_default();
    Ok(created(s.app.create_problem_from_incident(&actor, &number, f.into()).await?))
}

#[utoipa::path(get, operation_id = "list_incident_problems", path = "/api/v1/incidents/{number}/problems", tag = "problems",
    params(("number" = String, Path, description = "e.g. INC0000042")),
    responses((status = 200, description = "The problems the incident is linked to, with each known error's workaround", body = Vec<IncidentProblemJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn of_incident(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<IncidentProblemJson>>, ApiError> {
    let list = s.app.incident_problems(&actor, &number).await?;
    Ok(axum::Json(list.into_iter().map(IncidentProblemJson::from).collect()))
}

#[utoipa::path(get, operation_id = "list_problem_candidates", path = "/api/v1/problems/candidates", tag = "problems",
    params(CandidatesQuery),
    responses((status = 200, description = "Groups of repeating incidents (same service, CI or category) with no open problem, the largest first (at most 20)", body = CandidatesJson),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn candidates(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CandidatesQuery>,
) -> Result<axum::Json<CandidatesJson>, ApiError> {
    Ok(axum::Json(s.app.problem_candidates(&actor, q.days, q.min).await?.into()))
}

#[utoipa::path(post, operation_id = "apply_workaround", path = "/api/v1/incidents/{number}/apply-workaround", tag = "problems",
    request_body = ApplyWorkaroundJson,
    params(("number" = String, Path, description = "e.g. INC0000042")),
    responses((status = 201, description = "The work note that records the workaround applied", body = CommentJson),
        (status = 403, description = "Only agents, managers and admins apply workarounds", body = Problem)))]
pub async fn apply_workaround(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    Json(body): Json<ApplyWorkaroundJson>,
) -> Result<(StatusCode, axum::Json<CommentJson>), ApiError> {
    let note = s.app.apply_workaround(&actor, &number, &body.problem, body.note.as_deref()).await?;
    Ok((StatusCode::CREATED, axum::Json(note.into())))
}
