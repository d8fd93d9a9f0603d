//! `/api/v1/problems/{number}/comments` and `…/attachments`: a problem's
//! comments, work notes and files (with a comment or on their own), as the
//! incident's (the same shapes and refusals, through `api::discussion`).
//! Problems are the desk's: a requester is refused (403) whatever the
//! number.

use super::{discussion, dto::*};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem};
use axum::{
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use steward_domain::number::RecordKind;

const KIND: RecordKind = RecordKind::Problem;

#[utoipa::path(get, operation_id = "list_problem_comments", path = "/api/v1/problems/{number}/comments", tag = "problems",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 200, description = "Comments and work notes, each with the files sent with it", body = Vec<CommentJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn comments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<CommentJson>>, ApiError> {
    discussion::comments(&s, &actor, KIND, &number).await
}

#[utoipa::path(post, operation_id = "add_problem_comment", path = "/api/v1/problems/{number}/comments", tag = "problems",
    request_body(content(
        (NewCommentJson = "application/json"),
        (NewCommentForm = "multipart/form-data"),
    ), description = "JSON, or a form with `body`, `internal` and up to 10 parts named `file` (a comment with its files)"),
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 201, body = CommentJson),
        (status = 403, description = "Requesters see no problems", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn add_comment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    req: axum::extract::Request,
) -> Result<(StatusCode, axum::Json<CommentJson>), ApiError> {
    discussion::add_comment(&s, &actor, KIND, &number, req).await
}

#[utoipa::path(get, operation_id = "list_problem_attachments", path = "/api/v1/problems/{number}/attachments", tag = "problems",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 200, body = Vec<AttachmentJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn attachments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<AttachmentJson>>, ApiError> {
    discussion::attachments(&s, &actor, KIND, &number).await
}

#[utoipa::path(post, operation_id = "upload_problem_attachment", path = "/api/v1/problems/{number}/attachments", tag = "problems",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    request_body(content = super::schema::FileUpload, content_type = "multipart/form-data", description = "One part named `file`"),
    responses((status = 201, body = AttachmentJson),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn upload(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<AttachmentJson>), ApiError> {
    discussion::upload(&s, &actor, KIND, &number, multipart).await
}

#[utoipa::path(get, operation_id = "get_problem_attachment", path = "/api/v1/problems/{number}/attachments/{id}", tag = "problems",
    params(("number" = String, Path, description = "e.g. PRB0000042"), ("id" = i64, Path)),
    responses((status = 200, description = "The file, to be downloaded, never rendered",
        content_type = "application/octet-stream", body = Vec<u8>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn download(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    path: Result<Path<(String, i64)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    discussion::download(&s, &actor, KIND, path).await
}
