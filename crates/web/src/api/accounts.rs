//! `/api/v1/me`, users, groups and API tokens.

use super::dto::*;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use steward_app::accounts::NewUser;
use steward_app::auth::TokenScope;

/// `/me`, users, groups and the caller's API tokens: routes and their
/// OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(me, users, add_user, groups, add_group, add_member, tokens, create_token, revoke_token))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post};
    axum::Router::new()
        .route("/me", get(me))
        .route("/users", get(users).post(add_user))
        .route("/groups", get(groups).post(add_group))
        .route("/groups/{name}/members", post(add_member))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
}

#[utoipa::path(get, operation_id = "get_me", path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeJson)))]
pub async fn me(ApiActor(a): ApiActor) -> axum::Json<MeJson> {
    axum::Json(MeJson {
        id: a.id,
        username: a.username,
        display_name: a.display_name,
        role: a.role.to_string(),
        group_ids: a.group_ids,
        locale: a.locale,
        time_zone: a.time_zone,
    })
}

#[utoipa::path(get, operation_id = "list_users", path = "/api/v1/users", tag = "accounts", responses((status = 200, body = Vec<UserJson>),
    (status = 403, body = Problem)))]
pub async fn users(State(s): State<AppState>, ApiActor(a): ApiActor) -> Result<axum::Json<Vec<UserJson>>, ApiError> {
    Ok(axum::Json(s.app.list_users(Some(&a)).await?.into_iter().map(UserJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserJson,
    responses((status = 201, body = CreatedUserJson, description = "Created; without a password, `notice` says how to set one"),
        (status = 403, body = Problem)))]
pub async fn add_user(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<NewUserJson>,
) -> Result<(StatusCode, axum::Json<CreatedUserJson>), ApiError> {
    let username = b.username.clone();
    s.app
        .add_user(
            Some(&a),
            NewUser {
                username: b.username,
                display_name: b.display_name,
                email: b.email,
                role: b.role,
                organisation: b.organisation,
                groups: b.groups,
                password: b.password,
                locale: None,
            },
        )
        .await?;
    let users = s.app.list_users(Some(&a)).await?;
    let u = users.into_iter().find(|u| u.username == username.trim()).ok_or(ApiError::not_found("user"))?;
    let notice = u.password_hash.is_none().then(|| {
        format!(
            "{} cannot sign in until a password is set: PUT /api/v1/users/{}/password",
            u.username,
            crate::auth::urlencode(&u.username)
        )
    });
    Ok((StatusCode::CREATED, axum::Json(CreatedUserJson { user: u.into(), notice })))
}

#[utoipa::path(get, operation_id = "list_groups", path = "/api/v1/groups", tag = "accounts", responses((status = 200, body = Vec<GroupJson>)))]
pub async fn groups(
    State(s): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> Result<axum::Json<Vec<GroupJson>>, ApiError> {
    let gs = s.app.list_groups().await?;
    Ok(axum::Json(gs.into_iter().map(|g| GroupJson { id: g.id, name: g.name, description: g.description }).collect()))
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "accounts", request_body = NewGroupJson,
    responses((status = 201, body = GroupJson), (status = 403, body = Problem)))]
pub async fn add_group(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<NewGroupJson>,
) -> Result<(StatusCode, axum::Json<GroupJson>), ApiError> {
    let id = s.app.add_group(Some(&a), &b.name, &b.description).await?;
    Ok((StatusCode::CREATED, axum::Json(GroupJson { id, name: b.name.trim().to_owned(), description: b.description })))
}

#[utoipa::path(post, operation_id = "add_group_member", path = "/api/v1/groups/{name}/members", tag = "accounts", request_body = NewMemberJson,
    params(("name" = String, Path)), responses((status = 204), (status = 403, body = Problem)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Path(name): Path<String>,
    Json(b): Json<NewMemberJson>,
) -> Result<StatusCode, ApiError> {
    s.app.add_member(Some(&a), &name, &b.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, operation_id = "list_tokens", path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<TokenJson>)))]
pub async fn tokens(State(s): State<AppState>, ApiActor(a): ApiActor) -> Result<axum::Json<Vec<TokenJson>>, ApiError> {
    Ok(axum::Json(s.app.list_tokens(&a).await?.into_iter().map(TokenJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewTokenJson,
    responses((status = 201, description = "The token, with its secret shown this once", body = TokenJson),
        (status = 404, description = "The caller's user is gone", body = Problem)))]
pub async fn create_token(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Json(b): Json<NewTokenJson>,
) -> Result<(StatusCode, axum::Json<TokenJson>), ApiError> {
    let scope = match b.scope.as_deref().map(str::trim) {
        None | Some("") => TokenScope::All,
        Some(v) => TokenScope::parse(v).ok_or_else(|| {
            ApiError::field(
                "scope",
                steward_domain::code::unknown_value(format!("{v:?} is not all or alerts"), v, "all, alerts"),
            )
        })?,
    };
    let t = s.app.create_scoped_token(Some(&a), &a.username, &b.name, scope).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TokenJson {
            id: t.id,
            name: b.name.trim().to_owned(),
            token: Some(t.token),
            created_at: time(t.created_at),
            last_used_at: None,
            revoked_at: None,
            scope: scope.as_str().to_owned(),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    // An id that is not a number names no token.
    let Path(id) = id.map_err(|_| ApiError::not_found("token"))?;
    s.app.revoke_token(Some(&a), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
