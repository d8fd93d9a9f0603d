//! The caller's own account: language and time zone, password (the
//! current one required), sessions.

use super::users::SessionJson;
use crate::{
    AppState,
    auth::{ApiActor, session_token},
    error::ApiError,
    json::Json,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;
use utoipa::ToSchema;

/// The caller's profile, password and sessions: routes and their OpenAPI
/// description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(update_profile, change_password, sessions, revoke_session))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, patch, put};
    axum::Router::new()
        .route("/me", patch(update_profile))
        .route("/me/password", put(change_password))
        .route("/me/sessions", get(sessions))
        .route("/me/sessions/{id}", delete(revoke_session))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileJson {
    /// en or pl; empty or null = the browser's language, else the site's
    pub locale: Option<String>,
    /// An IANA zone such as Europe/Warsaw; empty or null = the browser's
    /// zone (recorded at sign-in), else the site's
    pub time_zone: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeJson {
    pub current_password: String,
    /// At least 12 characters (configurable), not a common password.
    pub password: String,
}

#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", request_body = ProfileJson,
    responses((status = 204, description = "Saved"),
        (status = 422, body = crate::error::Problem, description = "An unknown language or time zone")))]
pub async fn update_profile(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<ProfileJson>,
) -> Result<StatusCode, ApiError> {
    s.app.update_profile(&a, b.locale.as_deref(), b.time_zone.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChangeJson,
    responses((status = 204, description = "Changed; your other sessions have ended"),
        (status = 422, body = crate::error::Problem,
            description = "The current password is wrong, or the new one is too short, too long or too common")))]
pub async fn change_password(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
    Json(b): Json<PasswordChangeJson>,
) -> Result<StatusCode, ApiError> {
    let token = session_token(&headers);
    s.app.change_own_password(&a, token.as_deref(), &b.current_password, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts",
    responses((status = 200, body = Vec<SessionJson>, description = "Your live sessions, most recently used first")))]
pub async fn sessions(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    headers: HeaderMap,
) -> Result<axum::Json<Vec<SessionJson>>, ApiError> {
    let token = session_token(&headers);
    let list = s.app.my_sessions(&a, token.as_deref()).await?;
    Ok(axum::Json(list.into_iter().map(|v| SessionJson::new(v.info, v.current)).collect()))
}

#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204, description = "The session has ended"),
        (status = 404, body = crate::error::Problem, description = "You have no such session")))]
pub async fn revoke_session(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id.map_err(|_| ApiError::not_found("session"))?;
    s.app.revoke_my_session(&a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
