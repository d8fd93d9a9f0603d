//! `/api/v1/incidents`: list, create, read, update, transitions, comments,
//! journal and attachments.

use super::{discussion, dto::*};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use steward_app::Code;
use steward_app::discussion::{MAX_FILES, Upload};
use steward_app::incidents::{ListParams, encode_cursor};
use steward_domain::number::RecordKind;
use steward_store::records::Incident;

/// The incidents resource: its routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

super::links::kind_links!(
    steward_domain::number::RecordKind::Incident,
    "incidents",
    "e.g. INC0000042",
    "/incidents/{number}/links",
    "/incidents/{number}/links/{link}/{record}",
    "/api/v1/incidents/{number}/links",
    "/api/v1/incidents/{number}/links/{link}/{record}",
    "list_incident_links",
    "link_incident",
    "unlink_incident_record"
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
    comments,
    add_comment,
    journal,
    attachments,
    upload,
    download
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .merge(links::routes())
        .route("/incidents", get(list).post(create))
        .route("/incidents/{number}", get(get_one).patch(update))
        .route("/incidents/{number}/transitions", post(transition))
        // A comment may carry files: the attachment limit applies to each.
        .route("/incidents/{number}/comments", get(comments).post(add_comment).layer(DefaultBodyLimit::disable()))
        .route("/incidents/{number}/journal", get(journal))
        // The upload checks the attachment limit itself (and the server's
        // body limit bounds every request): axum's 2 MB default would refuse
        // files well under the configured limit.
        .route("/incidents/{number}/attachments", get(attachments).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/incidents/{number}/attachments/{id}", get(download))
}

/// The version an `If-Match: "7"` header names, if any.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let s = v.to_str().unwrap_or("").trim().trim_start_matches("W/").trim_matches('"');
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::field("If-Match", Code::IfMatchForm.msg("must be the ETag you received, e.g. \"3\"")))
}

/// An incident with its `ETag`.
fn with_etag(status: StatusCode, inc: Incident) -> Response {
    let version = inc.version;
    json_with_etag(status, version, IncidentJson::from(inc))
}

/// A created resource's answer with its `Location` (a path of ours: it
/// always makes a header value).
pub(crate) fn located(mut resp: Response, location: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// A versioned record's JSON with its `ETag: "<version>"`.
pub(crate) fn json_with_etag(status: StatusCode, version: i64, body: impl serde::Serialize) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    if let Ok(e) = HeaderValue::from_str(&format!("\"{version}\"")) {
        resp.headers_mut().insert(header::ETAG, e);
    }
    resp
}

/// The version named by `If-Match` or the body (which must agree).
pub(crate) fn version(headers: &HeaderMap, body: Option<i64>) -> Result<(Option<i64>, bool), ApiError> {
    let header = if_match(headers)?;
    match (header, body) {
        (Some(h), Some(b)) if h != b => {
            Err(ApiError::field("version", Code::VersionDiffers.msg("differs from the If-Match header")))
        }
        (Some(h), _) => Ok((Some(h), true)),
        (None, b) => Ok((b, false)),
    }
}

/// The list's filter as the API reads it (the exports' too).
pub(crate) async fn api_filter(
    app: &steward_app::App,
    actor: &steward_app::Actor,
    params: &ListParams,
) -> Result<steward_store::records::Filter, ApiError> {
    // The document says `major` is a boolean; the UI's "any" sends it empty,
    // which the API refuses rather than reading as "any".
    if params.major.as_deref().is_some_and(|m| m.trim().is_empty()) {
        return Err(ApiError::field("major", Code::NotBool.msg("must be true or false")));
    }
    Ok(app.incident_filter(actor, params).await?)
}

#[utoipa::path(get, operation_id = "list_incidents", path = "/api/v1/incidents", tag = "incidents",
    params(
        ("state" = Option<String>, Query, description = "Comma-separated states; `open` = new, in_progress, on_hold"),
        ("priority" = Option<String>, Query, description = "Comma-separated priorities 1–5"),
        ("group" = Option<String>, Query, description = "Comma-separated group names; `mine`, `none`"),
        ("assignee" = Option<String>, Query, description = "Username, `me` or `none`"),
        ("requester" = Option<String>, Query, description = "Username or `me`"),
        ("service" = Option<String>, Query), ("category" = Option<String>, Query),
        ("major" = Option<bool>, Query),
        ("text" = Option<String>, Query, description = "Words in the title or description"),
        ("opened_from" = Option<String>, Query, description = "RFC 3339 or YYYY-MM-DD, inclusive"),
        ("opened_to" = Option<String>, Query, description = "exclusive"),
        ("updated_from" = Option<String>, Query), ("updated_to" = Option<String>, Query),
        ("organisation" = Option<String>, Query, description = "An organisation's name (any case): its requesters' incidents"),
        ("sla" = Option<String>, Query, description = "`breaching_soon` (a running clock due within the next hour; add `sort=sla_due` for the soonest first) or `breached`"),
        ("sort" = Option<String>, Query, description = "priority (default), -priority, opened, -opened, updated, -updated, number, -number, sla_due (the nearest SLA due moment first)"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1–200, default 50"),
    ),
    responses((status = 200, body = IncidentPage)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<IncidentPage>, ApiError> {
    let filter = api_filter(&s.app, &actor, &params).await?;
    let sort = filter.sort;
    let count = s.app.count_incidents(&actor, &filter);
    let ((rows, more), count) =
        futures_util::future::try_join(s.app.list_incidents(&actor, filter.clone()), count).await?;
    let next_cursor = if more { rows.last().map(|r| encode_cursor(&sort.key(r))) } else { None };
    Ok(axum::Json(IncidentPage {
        items: rows.into_iter().map(IncidentJson::from).collect(),
        next_cursor,
        count: count.count,
        count_capped: count.capped,
    }))
}

#[utoipa::path(post, operation_id = "create_incident", path = "/api/v1/incidents", tag = "incidents", request_body = NewIncidentJson,
    responses((status = 201, body = IncidentJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "A field only agents may set", body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewIncidentJson>,
) -> Result<Response, ApiError> {
    let inc = s.app.create_incident(&actor, body.into()).await?;
    let location = format!("/api/v1/incidents/{}", steward_app::incidents::number(inc.number));
    Ok(located(with_etag(StatusCode::CREATED, inc), &location))
}

#[utoipa::path(get, operation_id = "get_incident", path = "/api/v1/incidents/{number}", tag = "incidents",
    params(("number" = String, Path, description = "e.g. INC0000042")),
    responses((status = 200, body = IncidentJson, headers(("ETag" = String))), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.get_incident(&actor, &number).await?))
}

#[utoipa::path(patch, operation_id = "update_incident", path = "/api/v1/incidents/{number}", tag = "incidents", request_body = IncidentPatchJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = IncidentJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<IncidentPatchJson>,
) -> Result<Response, ApiError> {
    let (body_version, patch) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let inc = s
        .app
        .update_incident(&actor, &number, v, patch)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, inc))
}

#[utoipa::path(post, path = "/api/v1/incidents/{number}/transitions", tag = "incidents", request_body = TransitionJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = IncidentJson, headers(("ETag" = String))), (status = 403, body = Problem),
        (status = 409, description = "A state change not allowed now (`allowed` lists those that are), or a stale version", body = Problem)))]
pub async fn transition(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<TransitionJson>,
) -> Result<Response, ApiError> {
    let (body_version, t) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let inc = s
        .app
        .transition_incident(&actor, &number, v, t)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, inc))
}

#[utoipa::path(get, operation_id = "list_comments", path = "/api/v1/incidents/{number}/comments", tag = "incidents",
    params(("number" = String, Path)), responses((status = 200, body = Vec<CommentJson>), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn comments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<CommentJson>>, ApiError> {
    discussion::comments(&s, &actor, RecordKind::Incident, &number).await
}

#[utoipa::path(post, operation_id = "add_comment", path = "/api/v1/incidents/{number}/comments", tag = "incidents",
    request_body(content(
        (NewCommentJson = "application/json"),
        (NewCommentForm = "multipart/form-data"),
    ), description = "JSON, or a form with `body`, `internal` and up to 10 parts named `file` (a comment with its files)"),
    params(("number" = String, Path)),
    responses((status = 201, body = CommentJson), (status = 403, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 415, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn add_comment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    req: axum::extract::Request,
) -> Result<(StatusCode, axum::Json<CommentJson>), ApiError> {
    discussion::add_comment(&s, &actor, RecordKind::Incident, &number, req).await
}

#[utoipa::path(get, operation_id = "incident_journal", path = "/api/v1/incidents/{number}/journal", tag = "incidents",
    params(("number" = String, Path)), responses((status = 200, body = Vec<JournalEntryJson>), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.incident_journal(&actor, &number).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/incidents/{number}/attachments", tag = "incidents",
    params(("number" = String, Path)), responses((status = 200, body = Vec<AttachmentJson>), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn attachments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<AttachmentJson>>, ApiError> {
    discussion::attachments(&s, &actor, RecordKind::Incident, &number).await
}

#[utoipa::path(post, path = "/api/v1/incidents/{number}/attachments", tag = "incidents",
    params(("number" = String, Path)),
    request_body(content = super::schema::FileUpload, content_type = "multipart/form-data", description = "One part named `file`"),
    responses((status = 201, body = AttachmentJson), (status = 403, body = Problem)))]
pub async fn upload(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, axum::Json<AttachmentJson>), ApiError> {
    discussion::upload(&s, &actor, RecordKind::Incident, &number, multipart).await
}

/// A multipart form as it was sent: its text fields and its files.
#[derive(Debug, Default)]
pub struct Parts {
    pub fields: std::collections::BTreeMap<String, String>,
    pub files: Vec<Upload>,
}

impl Parts {
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// A text field longer than this is refused (the longest text is 20,000
/// characters, up to 4 bytes each).
const FIELD_MAX: usize = 100 * 1024;

/// Reads a multipart form: every part named `file` as a file (an empty one
/// without a name is "no file chosen" and skipped), the others as text.
/// A file past `max` bytes, more than `MAX_FILES` files or an oversized
/// field is refused as soon as it is seen.
pub async fn read_parts(m: &mut Multipart, max: usize) -> Result<Parts, ApiError> {
    let too_large = || ApiError::from(steward_app::AppError::TooLarge { what: "the attachment", max });
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::field("file", crate::error::malformed(e.body_text()))
        }
    };
    let mut parts = Parts::default();
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        let is_file = name == "file";
        if is_file && parts.files.len() == MAX_FILES {
            return Err(ApiError::field("file", Code::TooManyFiles.msg(format!("at most {MAX_FILES} files at once"))));
        }
        let limit = if is_file { max } else { FIELD_MAX };
        let filename = field.file_name().unwrap_or("attachment").to_owned();
        let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > limit {
                drop(bytes);
                // Read the rest (the request body limit bounds it), so that a
                // client still sending gets this answer, not a reset connection.
                while let Ok(Some(_)) = field.chunk().await {}
                drop(field);
                while let Ok(Some(mut rest)) = m.next_field().await {
                    while let Ok(Some(_)) = rest.chunk().await {}
                }
                return Err(if is_file {
                    too_large()
                } else {
                    ApiError::field(&name, Code::PartTooLong.msg("is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            if !bytes.is_empty() || !filename.is_empty() {
                parts.files.push(Upload { filename, content_type, bytes });
            }
        } else {
            let text =
                String::from_utf8(bytes).map_err(|_| ApiError::field(&name, Code::NotUtf8.msg("is not UTF-8 text")))?;
            parts.fields.insert(name, text);
        }
    }
    Ok(parts)
}

/// A posted form, multipart (with files) or urlencoded (without).
pub async fn read_form<S: Send + Sync>(req: axum::extract::Request, state: &S, max: usize) -> Result<Parts, ApiError> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        let mut m = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::field("body", crate::error::malformed(e.body_text())))?;
        return read_parts(&mut m, max).await;
    }
    let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
        .await
        .map_err(|e| ApiError::field("body", crate::error::malformed(e.body_text())))?;
    Ok(Parts { fields: pairs.into_iter().collect(), files: Vec::new() })
}

/// Reads the part named `file`, refusing it as soon as it passes `max`.
pub async fn read_file_part(m: &mut Multipart, max: usize) -> Result<(String, String, Vec<u8>), ApiError> {
    let file = read_parts(m, max).await?.files.into_iter().next();
    let file = file.ok_or_else(|| ApiError::field("file", Code::Required.msg("is required (a part named file)")))?;
    Ok((file.filename, file.content_type, file.bytes))
}

#[utoipa::path(get, path = "/api/v1/incidents/{number}/attachments/{id}", tag = "incidents",
    params(("number" = String, Path), ("id" = i64, Path)), responses((status = 200, description = "The file, to be downloaded, never rendered",
        content_type = "application/octet-stream", body = Vec<u8>), (status = 403, description = "Requesters see only their own incidents", body = Problem)))]
pub async fn download(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    path: Result<Path<(String, i64)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    discussion::download(&s, &actor, RecordKind::Incident, path).await
}
