//! Admin endpoints for people: one user with their groups and
//! organisation, changing role, groups, organisation, zone and whether
//! they may sign in (versioned), resetting a password, ending a user's
//! sessions; group membership; organisations.

use super::incidents::version;
use crate::{AppState, auth::ApiActor, error::ApiError, json::Json};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use steward_app::Code;
use steward_app::{
    AppError,
    users::{UserDetail, UserPatch},
};
use steward_store::{accounts, sessions::SessionInfo};
use utoipa::ToSchema;

/// Admins' user, membership and organisation endpoints: routes and their
/// OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_user,
    update_user,
    reset_password,
    user_sessions,
    revoke_user_sessions,
    reset_two_factor,
    remove_member,
    organisations,
    create_organisation,
    rename_organisation,
    delete_organisation
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, patch, put};
    axum::Router::new()
        .route("/users/{name}", get(get_user).patch(update_user))
        .route("/users/{name}/password", put(reset_password))
        .route("/users/{name}/sessions", get(user_sessions).delete(revoke_user_sessions))
        .route("/users/{name}/two-factor", delete(reset_two_factor))
        .route("/groups/{name}/members/{username}", delete(remove_member))
        .route("/organisations", get(organisations).post(create_organisation))
        .route("/organisations/{id}", patch(rename_organisation).delete(delete_organisation))
}

/// A user with what admins manage about them.
#[derive(Serialize, ToSchema)]
pub struct UserDetailJson {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// requester, agent, manager or admin
    pub role: String,
    pub organisation: Option<String>,
    pub groups: Vec<String>,
    /// IANA zone name; none = UTC
    pub time_zone: Option<String>,
    /// en or pl; none = the browser's language
    pub locale: Option<String>,
    /// Whether the user may sign in; false ends their sessions and tokens.
    pub active: bool,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<UserDetail> for UserDetailJson {
    fn from(d: UserDetail) -> Self {
        let u = d.user;
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            role: u.role,
            organisation: d.organisation,
            groups: d.groups,
            time_zone: u.time_zone,
            locale: u.locale,
            active: u.active != 0,
            version: u.version,
            created_at: super::dto::time(u.created_at),
        }
    }
}

fn user_response(d: UserDetail) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", d.user.version)).ok();
    let mut resp = axum::Json(UserDetailJson::from(d)).into_response();
    if let Some(e) = etag {
        resp.headers_mut().insert(header::ETAG, e);
    }
    resp
}

/// Fields to change; those left out keep their value. `organisation` and
/// `time_zone` as `""` clear it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchJson {
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// requester, agent, manager or admin
    pub role: Option<String>,
    pub organisation: Option<String>,
    /// The user's groups, replacing the ones they have.
    pub groups: Option<Vec<String>>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub active: Option<bool>,
    /// The version you read (or send `If-Match`).
    pub version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetJson {
    /// At least 12 characters (configurable), not a common password.
    pub password: String,
}

/// A session without its secrets.
#[derive(Serialize, ToSchema)]
pub struct SessionJson {
    pub id: i64,
    /// The browser that signed in, as it named itself.
    pub user_agent: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_seen_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// The session this request came with.
    pub current: bool,
}

impl SessionJson {
    pub fn new(s: SessionInfo, current: bool) -> Self {
        use super::dto::time;
        Self {
            id: s.id,
            user_agent: s.user_agent,
            created_at: time(s.created_at),
            last_seen_at: time(s.last_seen_at),
            expires_at: time(s.expires_at),
            current,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationJson {
    pub id: i64,
    pub name: String,
    pub version: i64,
}

impl From<accounts::Organisation> for OrganisationJson {
    fn from(o: accounts::Organisation) -> Self {
        Self { id: o.id, name: o.name, version: o.version }
    }
}

fn organisation_response(status: StatusCode, o: accounts::Organisation) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", o.version)).ok();
    let mut resp = (status, axum::Json(OrganisationJson::from(o))).into_response();
    if let Some(e) = etag {
        resp.headers_mut().insert(header::ETAG, e);
    }
    resp
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    pub name: String,
    /// The version you read, when renaming (or send `If-Match`).
    pub version: Option<i64>,
}

/// The version an update names, required.
fn required_version(headers: &HeaderMap, body: Option<i64>) -> Result<(i64, bool), ApiError> {
    match version(headers, body)? {
        (Some(v), used_header) => Ok((v, used_header)),
        (None, _) => Err(AppError::VersionRequired.into()),
    }
}

fn id_of(p: Result<Path<i64>, axum::extract::rejection::PathRejection>, what: &str) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found(what))
}

#[utoipa::path(get, path = "/api/v1/users/{name}", tag = "accounts", params(("name" = String, Path)),
    responses((status = 200, body = UserDetailJson, description = "The user; its ETag is the version"),
        (status = 403, body = crate::error::Problem, description = "Requesters cannot see users"),
        (status = 404, body = crate::error::Problem, description = "No such user")))]
pub async fn get_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    Ok(user_response(s.app.user_detail(&a, &name).await?))
}

#[utoipa::path(patch, path = "/api/v1/users/{name}", tag = "accounts", request_body = UserPatchJson,
    params(("name" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = UserDetailJson, description = "The changed user"),
        (status = 403, body = crate::error::Problem, description = "Only admins change users"),
        (status = 404, body = crate::error::Problem, description = "No such user"),
        (status = 409, body = crate::error::Problem, description = "The version in the body is stale"),
        (status = 412, body = crate::error::Problem, description = "The If-Match version is stale"),
        (status = 422, body = crate::error::Problem, description = "A bad field, or the last admin demoted"),
        (status = 428, body = crate::error::Problem, description = "No version was sent")))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
    headers: HeaderMap,
    Json(b): Json<UserPatchJson>,
) -> Result<Response, ApiError> {
    let (v, used_header) = required_version(&headers, b.version)?;
    let patch = UserPatch {
        display_name: b.display_name,
        email: b.email,
        role: b.role,
        organisation: b.organisation,
        groups: b.groups,
        time_zone: b.time_zone,
        locale: b.locale,
        active: b.active,
    };
    let d = s.app.update_user(&a, &name, v, patch).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(user_response(d))
}

#[utoipa::path(put, path = "/api/v1/users/{name}/password", tag = "accounts", request_body = PasswordResetJson,
    params(("name" = String, Path)),
    responses((status = 204, description = "Set; the user's sessions have ended"),
        (status = 403, body = crate::error::Problem, description = "Only admins set others' passwords"),
        (status = 404, body = crate::error::Problem, description = "No such user"),
        (status = 422, body = crate::error::Problem, description = "Too short, too long or too common")))]
pub async fn reset_password(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
    Json(b): Json<PasswordResetJson>,
) -> Result<StatusCode, ApiError> {
    if a.username == name {
        return Err(ApiError::field(
            "password",
            Code::OwnPassword.msg("change your own password with PUT /api/v1/me/password"),
        ));
    }
    s.app.set_password(Some(&a), &name, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/users/{name}/sessions", tag = "accounts", params(("name" = String, Path)),
    responses((status = 200, body = Vec<SessionJson>, description = "The user's live sessions"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such user")))]
pub async fn user_sessions(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<axum::Json<Vec<SessionJson>>, ApiError> {
    let list = s.app.user_sessions(&a, &name).await?;
    Ok(axum::Json(list.into_iter().map(|s| SessionJson::new(s, false)).collect()))
}

#[utoipa::path(delete, path = "/api/v1/users/{name}/sessions", tag = "accounts", params(("name" = String, Path)),
    responses((status = 204, description = "Every session of the user has ended"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such user")))]
pub async fn revoke_user_sessions(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_user_sessions(&a, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/users/{name}/two-factor", tag = "accounts", params(("name" = String, Path)),
    responses((status = 204, description = "Two-step sign-in is off for the user (it may have been off already)"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such user")))]
/// Turns off a user's two-step sign-in (lost phone and recovery codes).
pub async fn reset_two_factor(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.reset_two_factor(Some(&a), &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/groups/{name}/members/{username}", tag = "accounts",
    params(("name" = String, Path), ("username" = String, Path)),
    responses((status = 204, description = "Removed from the group"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such group, user or membership")))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path((name, username)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    s.app.remove_member(&a, &name, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "accounts",
    responses((status = 200, body = Vec<OrganisationJson>, description = "Every organisation, by name"),
        (status = 403, body = crate::error::Problem, description = "Requesters cannot list organisations")))]
pub async fn organisations(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<axum::Json<Vec<OrganisationJson>>, ApiError> {
    if !a.is_staff() {
        return Err(AppError::Forbidden(
            Code::DenyStaffOnly.msg("only agents, managers and admins can list organisations"),
        )
        .into());
    }
    Ok(axum::Json(s.app.list_organisations().await?.into_iter().map(OrganisationJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "accounts", request_body = OrganisationInput,
    responses((status = 201, body = OrganisationJson, description = "Created"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 422, body = crate::error::Problem, description = "A bad or taken name")))]
pub async fn create_organisation(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<OrganisationInput>,
) -> Result<Response, ApiError> {
    Ok(organisation_response(StatusCode::CREATED, s.app.create_organisation(&a, &b.name).await?))
}

#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "accounts", request_body = OrganisationInput,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = OrganisationJson, description = "Renamed"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such organisation"),
        (status = 409, body = crate::error::Problem, description = "The version in the body is stale"),
        (status = 412, body = crate::error::Problem, description = "The If-Match version is stale"),
        (status = 422, body = crate::error::Problem, description = "A bad or taken name"),
        (status = 428, body = crate::error::Problem, description = "No version was sent")))]
pub async fn rename_organisation(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Json(b): Json<OrganisationInput>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "organisation")?;
    let (v, used_header) = required_version(&headers, b.version)?;
    let o = s
        .app
        .rename_organisation(&a, id, v, &b.name)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(organisation_response(StatusCode::OK, o))
}

#[utoipa::path(delete, path = "/api/v1/organisations/{id}", tag = "accounts",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read (required: without it the answer is 428)")),
    responses((status = 204, description = "Deleted"),
        (status = 403, body = crate::error::Problem, description = "Only admins"),
        (status = 404, body = crate::error::Problem, description = "No such organisation"),
        (status = 412, body = crate::error::Problem, description = "The If-Match version is stale"),
        (status = 422, body = crate::error::Problem, description = "Users, incidents or services still use it"),
        (status = 428, body = crate::error::Problem, description = "No If-Match was sent")))]
pub async fn delete_organisation(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id, "organisation")?;
    let (v, used_header) = required_version(&headers, None)?;
    s.app.delete_organisation(&a, id, v).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(StatusCode::NO_CONTENT)
}
