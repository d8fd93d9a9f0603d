//! The desk's daily work over the API: canned replies (managers and admins
//! keep them; staff read them filled for an incident), saved views of the
//! incident list (each user's own), bulk changes, and "assign to me".

use super::{
    dto::{IncidentJson, time},
    incidents::{json_with_etag, located, version},
};
use crate::error::malformed;
use crate::{AppState, auth::ApiActor, error::ApiError, json::Json};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_app::{
    desk::{BulkChange, BulkItem, CannedReplyInput, FilledReply, SavedView},
    incidents::{ListParams, TransitionInput},
};
use steward_store::desk::CannedReply;
use utoipa::ToSchema;

/// The desk's daily work: routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_replies,
    create_reply,
    get_reply,
    update_reply,
    delete_reply,
    incident_replies,
    assign_to_me,
    views,
    save_view,
    delete_view,
    bulk
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post};
    axum::Router::new()
        .route("/incidents/bulk", post(bulk))
        .route("/incidents/{number}/assign-to-me", post(assign_to_me))
        .route("/incidents/{number}/canned-replies", get(incident_replies))
        .route("/canned-replies", get(list_replies).post(create_reply))
        .route("/canned-replies/{id}", get(get_reply).put(update_reply).delete(delete_reply))
        .route("/views", get(views).post(save_view))
        .route("/views/{id}", delete(delete_view))
}

pub(super) fn id_of(p: Result<Path<i64>, PathRejection>, what: &str) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found(what))
}

#[derive(Serialize, ToSchema)]
pub struct CannedReplyJson {
    pub id: i64,
    pub title: String,
    /// The group it is offered to; none: every group.
    pub group: Option<String>,
    /// The English text, with placeholders such as `{requester}` and `{number}`.
    pub body_en: String,
    /// The Polish text; none: the English text serves Polish readers too.
    pub body_pl: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<CannedReply> for CannedReplyJson {
    fn from(r: CannedReply) -> Self {
        Self {
            id: r.id,
            title: r.title,
            group: r.group_name,
            body_en: r.body_en,
            body_pl: r.body_pl,
            created_at: time(r.created_at),
            updated_at: time(r.updated_at),
            version: r.version,
        }
    }
}

/// A canned reply as managers write it. Placeholders: `{requester}`,
/// `{requester_first_name}`, `{number}`, `{title}`, `{service}`, `{group}`,
/// `{agent}`; `{{` and `}}` write a brace. Any other placeholder is refused.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyInputJson {
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    /// A group's name; absent or null: every group.
    pub group: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub body_en: String,
    pub body_pl: Option<String>,
    /// The version you read (or `If-Match`); required to replace.
    pub version: Option<i64>,
}

impl CannedReplyInputJson {
    fn split(self) -> (Option<i64>, CannedReplyInput) {
        let input =
            CannedReplyInput { group: self.group, title: self.title, body_en: self.body_en, body_pl: self.body_pl };
        (self.version, input)
    }
}

fn reply_response(status: StatusCode, r: CannedReply) -> Response {
    let location = format!("/api/v1/canned-replies/{}", r.id);
    let resp = json_with_etag(status, r.version, CannedReplyJson::from(r));
    if status == StatusCode::CREATED { located(resp, &location) } else { resp }
}

#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "desk", operation_id = "list_canned_replies",
    responses((status = 200, body = Vec<CannedReplyJson>), (status = 403, body = crate::error::Problem)))]
pub async fn list_replies(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<CannedReplyJson>>, ApiError> {
    let list = s.app.canned_replies(&actor).await?;
    Ok(axum::Json(list.into_iter().map(CannedReplyJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/canned-replies", tag = "desk", operation_id = "create_canned_reply",
    request_body = CannedReplyInputJson,
    responses((status = 201, body = CannedReplyJson), (status = 403, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn create_reply(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<CannedReplyInputJson>,
) -> Result<Response, ApiError> {
    let (_, input) = body.split();
    Ok(reply_response(StatusCode::CREATED, s.app.create_canned_reply(&actor, input).await?))
}

#[utoipa::path(get, path = "/api/v1/canned-replies/{id}", tag = "desk", operation_id = "get_canned_reply",
    params(("id" = i64, Path)),
    responses((status = 200, body = CannedReplyJson), (status = 403, description = "Requesters do not use canned replies", body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub async fn get_reply(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "canned reply")?;
    Ok(reply_response(StatusCode::OK, s.app.canned_reply(&actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/canned-replies/{id}", tag = "desk", operation_id = "replace_canned_reply",
    request_body = CannedReplyInputJson,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = CannedReplyJson), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn update_reply(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(body): Json<CannedReplyInputJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "canned reply")?;
    let (body_version, input) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let r = s
        .app
        .update_canned_reply(&actor, id, v, input)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(reply_response(StatusCode::OK, r))
}

#[utoipa::path(delete, path = "/api/v1/canned-replies/{id}", tag = "desk", operation_id = "delete_canned_reply",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 204, description = "Deleted"), (status = 404, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn delete_reply(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id, "canned reply")?;
    let (v, used_header) = version(&headers, None)?;
    s.app.delete_canned_reply(&actor, id, v).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A canned reply filled in for one incident, in its requester's language.
#[derive(Serialize, ToSchema)]
pub struct FilledReplyJson {
    pub id: i64,
    pub title: String,
    pub group: Option<String>,
    /// The text with its placeholders filled, ready to send as a comment.
    pub text: String,
}

impl From<FilledReply> for FilledReplyJson {
    fn from(f: FilledReply) -> Self {
        Self { id: f.reply.id, title: f.reply.title, group: f.reply.group_name, text: f.text }
    }
}

#[utoipa::path(get, path = "/api/v1/incidents/{number}/canned-replies", tag = "desk",
    operation_id = "list_incident_canned_replies", params(("number" = String, Path)),
    responses((status = 200, body = Vec<FilledReplyJson>), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub async fn incident_replies(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<FilledReplyJson>>, ApiError> {
    let inc = s.app.get_incident(&actor, &number).await?;
    let fallback = actor.locale.clone().unwrap_or_else(|| s.app.config.site.language.clone());
    let list = s.app.replies_for_incident(&actor, &inc, &fallback).await?;
    Ok(axum::Json(list.into_iter().map(FilledReplyJson::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignToMeJson {
    /// The version you read (or `If-Match`).
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/incidents/{number}/assign-to-me", tag = "desk", operation_id = "assign_to_me",
    request_body(content = Option<AssignToMeJson>, description = "Optional when `If-Match` names the version"),
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = IncidentJson), (status = 403, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 428, body = crate::error::Problem)))]
pub async fn assign_to_me(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body_version = if body.is_empty() { None } else { crate::json::parse::<AssignToMeJson>(&body)?.version };
    let (v, used_header) = version(&headers, body_version)?;
    let inc = s.app.assign_to_me(&actor, &number, v).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", inc.version)).ok();
    let mut resp = axum::Json(IncidentJson::from(inc)).into_response();
    if let Some(e) = etag {
        resp.headers_mut().insert(header::ETAG, e);
    }
    Ok(resp)
}

#[derive(Serialize, ToSchema)]
pub struct SavedViewJson {
    pub id: i64,
    pub name: String,
    /// The incident list's parameters, e.g. `{"state": "open", "sort": "-updated"}`.
    pub filters: BTreeMap<String, String>,
    /// The list in the UI.
    pub href: String,
    pub created_at: String,
}

impl From<SavedView> for SavedViewJson {
    fn from(v: SavedView) -> Self {
        let pairs: Vec<String> = v
            .filters
            .iter()
            .map(|(k, v)| format!("{}={}", crate::auth::urlencode(k), crate::auth::urlencode(v)))
            .collect();
        Self {
            href: format!("/incidents?{}", pairs.join("&")),
            id: v.id,
            name: v.name,
            filters: v.filters,
            created_at: time(v.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedViewJson {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The parameters `GET /api/v1/incidents` takes (without `cursor` and `limit`).
    pub filters: BTreeMap<String, String>,
}

#[utoipa::path(get, path = "/api/v1/views", tag = "desk", operation_id = "list_saved_views",
    responses((status = 200, body = Vec<SavedViewJson>), (status = 403, body = crate::error::Problem)))]
pub async fn views(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<SavedViewJson>>, ApiError> {
    Ok(axum::Json(s.app.saved_views(&actor).await?.into_iter().map(SavedViewJson::from).collect()))
}

/// The list parameters a map names; an unknown one is refused.
pub fn list_params(filters: &BTreeMap<String, String>) -> Result<ListParams, ApiError> {
    let value = serde_json::to_value(filters).map_err(|e| ApiError::field("filters", malformed(e)))?;
    serde_json::from_value(value).map_err(|e| ApiError::field("filters", malformed(e)))
}

#[utoipa::path(post, path = "/api/v1/views", tag = "desk", operation_id = "create_saved_view",
    request_body = NewSavedViewJson,
    responses((status = 201, body = SavedViewJson), (status = 403, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn save_view(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewSavedViewJson>,
) -> Result<(StatusCode, axum::Json<SavedViewJson>), ApiError> {
    let params = list_params(&body.filters)?;
    let v = s.app.save_view(&actor, &body.name, &params).await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

#[utoipa::path(delete, path = "/api/v1/views/{id}", tag = "desk", operation_id = "delete_saved_view",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = crate::error::Problem)))]
pub async fn delete_view(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id, "view")?;
    s.app.delete_view(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItemJson {
    /// e.g. INC0000042
    pub number: String,
    /// The version you saw; a record changed since is refused as stale.
    /// Absent: as it is now.
    pub version: Option<i64>,
}

/// Field changes (assignee, group, priority) or a state change, for every
/// incident listed. Each incident is changed on its own, with one journal
/// entry; those refused are listed with the reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkJson {
    #[schema(min_items = 1, max_items = 200)]
    pub incidents: Vec<BulkItemJson>,
    /// A username, `me`, or `""` to unassign. With `me` and no group, an
    /// incident without a group goes to your first group.
    pub assignee: Option<String>,
    /// A group's name, or `""` to clear.
    pub assignment_group: Option<String>,
    /// 1–5: impact and urgency are set to give it by the priority matrix,
    /// changing as little as they can.
    #[schema(minimum = 1, maximum = 5)]
    pub priority: Option<i64>,
    /// A target state, on its own.
    pub state: Option<String>,
    pub hold_reason: Option<String>,
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
}

/// One incident the change did not reach.
#[derive(Serialize, ToSchema)]
pub struct BulkRefusalJson {
    pub number: String,
    /// The status a change of this incident alone would have got.
    pub status: u16,
    /// The problem code: `version_conflict`, `forbidden`, `not_found`,
    /// `validation_failed`, `transition_not_allowed`, …
    pub code: String,
    pub detail: String,
    #[schema(value_type = Vec<crate::error::ProblemField>)]
    pub errors: Vec<steward_app::FieldError>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkResultJson {
    pub updated: Vec<IncidentJson>,
    pub refused: Vec<BulkRefusalJson>,
}

#[utoipa::path(post, path = "/api/v1/incidents/bulk", tag = "desk", operation_id = "bulk_update_incidents",
    request_body = BulkJson,
    responses((status = 200, body = BulkResultJson, description = "Done; `refused` lists what was not"),
        (status = 422, body = crate::error::Problem)))]
pub async fn bulk(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<BulkJson>,
) -> Result<axum::Json<BulkResultJson>, ApiError> {
    let items = b.incidents.into_iter().map(|i| BulkItem { number: i.number, version: i.version }).collect();
    let state = b.state.map(|state| TransitionInput {
        state,
        hold_reason: b.hold_reason,
        resolution_code: b.resolution_code,
        resolution_notes: b.resolution_notes,
        comment: None,
    });
    let change = BulkChange { assignee: b.assignee, assignment_group: b.assignment_group, priority: b.priority, state };
    let out = s.app.bulk_update(&actor, items, change).await?;
    let refused = out
        .refused
        .into_iter()
        .map(|r| {
            let e = ApiError::from(r.error);
            BulkRefusalJson {
                number: r.number,
                status: e.status.as_u16(),
                code: e.code.to_owned(),
                detail: e.detail,
                errors: e.errors,
            }
        })
        .collect();
    Ok(axum::Json(BulkResultJson { updated: out.updated.into_iter().map(IncidentJson::from).collect(), refused }))
}
