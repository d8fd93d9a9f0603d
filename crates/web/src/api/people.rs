//! Leavers and their traces: a group's members, and any user's API tokens
//! as admins see and revoke them.

use super::dto::{TokenJson, UserJson};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};

/// A group's members and any user's tokens: routes and their OpenAPI
/// description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(members, tokens, revoke_token))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get};
    axum::Router::new()
        .route("/groups/{name}/members", get(members))
        .route("/users/{name}/tokens", get(tokens))
        .route("/users/{name}/tokens/{id}", delete(revoke_token))
}

#[utoipa::path(get, operation_id = "list_group_members", path = "/api/v1/groups/{name}/members", tag = "accounts",
    params(("name" = String, Path)),
    responses((status = 200, body = Vec<UserJson>, description = "The group's members, by display name"),
        (status = 403, body = Problem, description = "Requesters cannot see group members"),
        (status = 404, body = Problem, description = "No such group")))]
pub async fn members(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<axum::Json<Vec<UserJson>>, ApiError> {
    Ok(axum::Json(s.app.members_of_group(Some(&a), &name).await?.into_iter().map(UserJson::from).collect()))
}

#[utoipa::path(get, operation_id = "list_user_tokens", path = "/api/v1/users/{name}/tokens", tag = "accounts",
    params(("name" = String, Path)),
    responses((status = 200, body = Vec<TokenJson>, description = "The user's API tokens, revoked ones too, oldest first"),
        (status = 403, body = Problem, description = "Only admins"),
        (status = 404, body = Problem, description = "No such user")))]
pub async fn tokens(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
) -> Result<axum::Json<Vec<TokenJson>>, ApiError> {
    Ok(axum::Json(s.app.user_tokens(&a, &name).await?.into_iter().map(TokenJson::from).collect()))
}

#[utoipa::path(delete, operation_id = "revoke_user_token", path = "/api/v1/users/{name}/tokens/{id}", tag = "accounts",
    params(("name" = String, Path), ("id" = i64, Path)),
    responses((status = 204, description = "Revoked at once, on every node within a second; in the audit log"),
        (status = 403, body = Problem, description = "Only admins"),
        (status = 404, body = Problem, description = "No such user, or no live token of theirs with this id")))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    path: Result<Path<(String, i64)>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    // An id that is not a number names no token.
    let Path((name, id)) = path.map_err(|_| ApiError::not_found("token"))?;
    s.app.revoke_user_token(&a, &name, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
