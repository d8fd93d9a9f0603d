//! A record's conversation over the API, for every kind that takes
//! comments: the comments with their files, a new comment (JSON, or a
//! form with files), the files, a file on its own and one file. Each
//! kind's module declares its paths (with their OpenAPI description) and
//! answers through these.

use super::dto::*;
use super::incidents::{read_file_part, read_parts};
use crate::{AppState, error::ApiError, json::Json};
use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Path, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use steward_app::{Actor, Code};
use steward_domain::number::RecordKind;

/// The comments, each with the files sent with it.
pub async fn comments(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    number: &str,
) -> Result<axum::Json<Vec<CommentJson>>, ApiError> {
    let (list, files) =
        futures_util::try_join!(s.app.list_comments(actor, kind, number), s.app.list_attachments(actor, kind, number))?;
    Ok(axum::Json(CommentJson::with_files(kind, list, files)))
}

/// A comment: JSON, or a multipart form with `body`, `internal` and files.
pub async fn add_comment(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    number: &str,
    req: axum::extract::Request,
) -> Result<(StatusCode, axum::Json<CommentJson>), ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let (body, internal, files) = if multipart {
        let mut m = Multipart::from_request(req, s)
            .await
            .map_err(|e| ApiError::field("body", crate::error::malformed(e.body_text())))?;
        let parts = read_parts(&mut m, s.app.config.attachment_max_bytes).await?;
        let internal = match parts.text("internal").trim() {
            "" | "false" | "0" => false,
            "true" | "1" => true,
            _ => return Err(ApiError::field("internal", Code::NotBool.msg("must be true or false"))),
        };
        (parts.text("body").to_owned(), internal, parts.files)
    } else {
        let Json(b) = Json::<NewCommentJson>::from_request(req, s).await?;
        (b.body, b.internal, Vec::new())
    };
    // The API's comment always has text; the files go with it.
    if body.trim().is_empty() {
        return Err(ApiError::field("body", Code::Required.msg("is required")));
    }
    let posted = s.app.post_comment(actor, kind, number, &body, internal, files).await?;
    let comment = posted.comment.ok_or_else(|| ApiError::not_found("comment"))?;
    let mut json = CommentJson::from(comment);
    json.attachments = posted.attachments.into_iter().map(|a| AttachmentJson::new(kind, a)).collect();
    Ok((StatusCode::CREATED, axum::Json(json)))
}

/// The record's files.
pub async fn attachments(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    number: &str,
) -> Result<axum::Json<Vec<AttachmentJson>>, ApiError> {
    let list = s.app.list_attachments(actor, kind, number).await?;
    Ok(axum::Json(list.into_iter().map(|a| AttachmentJson::new(kind, a)).collect()))
}

/// One file on its own: a multipart form with one part named `file`,
/// journaled as an attachment. Who may send one is who may comment.
pub async fn upload(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    number: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<AttachmentJson>), ApiError> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            e.body_text(),
        )
    })?;
    let (filename, content_type, bytes) = read_file_part(&mut multipart, s.app.config.attachment_max_bytes).await?;
    let a = s.app.add_attachment(actor, kind, number, &filename, &content_type, bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(AttachmentJson::new(kind, a))))
}

/// One file, by the path `{number}/attachments/{id}`.
pub async fn download(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    path: Result<Path<(String, i64)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    // An id that is not a number names no attachment.
    let Path((number, id)) = path.map_err(|_| ApiError::not_found("attachment"))?;
    serve_attachment(s, actor, kind, &number, id).await
}

/// Sends an attachment so that a browser downloads rather than renders it.
pub async fn serve_attachment(
    s: &AppState,
    actor: &Actor,
    kind: RecordKind,
    number: &str,
    id: i64,
) -> Result<Response, ApiError> {
    let file = s.app.attachment(actor, kind, number, id).await?;
    // One chunk in memory at a time, read as the client takes them.
    let (app, sha, chunks) = (s.app.clone(), file.meta.sha256.clone(), file.chunks);
    let body = Body::from_stream(futures_util::stream::try_unfold(0i64, move |seq| {
        let (app, sha) = (app.clone(), sha.clone());
        async move {
            if seq >= chunks {
                return Ok(None);
            }
            app.attachment_chunk(&sha, seq).await.map(|b| Some((b, seq + 1)))
        }
    }));
    let ascii: String =
        file.meta.filename.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii.replace(['"', '\\'], "_"),
        crate::auth::urlencode(&file.meta.filename)
    );
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(file.meta.size));
    // Never let the browser sniff or run what someone uploaded.
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
