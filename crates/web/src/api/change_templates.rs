//! The standard change catalogue over HTTP: `/change-templates` (list,
//! make) and `/change-templates/{id}` (read, edit, retire or reactivate
//! with `active`, delete). The desk reads; managers and admins keep it.

use super::desk::id_of;
use super::dto::{Ref, patch, time};
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Deserializer, Serialize};
use steward_app::{
    change_templates::{NewTemplate, TemplatePatch, TemplateView},
    incidents::Patch,
};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_templates, add_template, get_template, update_template, delete_template))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/change-templates", get(list_templates).post(add_template))
        .route("/change-templates/{id}", get(get_template).patch(update_template).delete(delete_template))
}

/// A template of the standard change catalogue: a pre-approved change,
/// raised as a standard change with no CAB.
#[derive(Serialize, ToSchema)]
pub struct TemplateJson {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    /// The service its changes are made on.
    pub service: Option<Ref>,
    /// The CIs such a change usually touches.
    pub cis: Vec<Ref>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    /// How long such a change takes: a change's planned end defaults to
    /// its start plus this.
    #[schema(minimum = 15, maximum = 43200)]
    pub duration_minutes: Option<i64>,
    /// In the catalogue; false: retired (kept for the changes made from it).
    pub active: bool,
    pub created_by: Option<Ref>,
    pub updated_by: Option<Ref>,
    pub created_at: String,
    pub updated_at: String,
    /// Send it back with an edit (body `version` or `If-Match`).
    pub version: i64,
}

impl From<TemplateView> for TemplateJson {
    fn from(v: TemplateView) -> Self {
        let person = |p: Option<(i64, String)>| p.map(|(id, name)| Ref { id, name });
        let r = v.row;
        Self {
            id: r.id,
            service: r.service_id.map(|id| Ref { id, name: v.service_name.unwrap_or_default() }),
            cis: v.cis.into_iter().map(|(id, name)| Ref { id, name }).collect(),
            created_by: person(v.created_by),
            updated_by: person(v.updated_by),
            created_at: time(r.created_at),
            updated_at: time(r.updated_at),
            name: r.name,
            description: r.description,
            category: r.category,
            implementation_plan: r.implementation_plan,
            backout_plan: r.backout_plan,
            test_plan: r.test_plan,
            duration_minutes: r.duration_minutes,
            active: r.active != 0,
            version: r.version,
        }
    }
}

fn with_etag(status: StatusCode, v: TemplateView) -> Response {
    let version = v.row.version;
    json_with_etag(status, version, TemplateJson::from(v))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateQuery {
    /// true: only the catalogue's (active) templates; otherwise retired
    /// ones too, after them.
    pub active: Option<bool>,
}

#[utoipa::path(get, operation_id = "list_change_templates", path = "/api/v1/change-templates", tag = "changes",
    params(TemplateQuery),
    responses((status = 200, description = "The templates by name, active ones first", body = Vec<TemplateJson>),
        (status = 403, description = "Requesters see no changes", body = Problem)))]
pub async fn list_templates(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<TemplateQuery>,
) -> Result<axum::Json<Vec<TemplateJson>>, ApiError> {
    let list = s.app.change_templates(&actor, q.active.unwrap_or(false)).await?;
    Ok(axum::Json(list.into_iter().map(TemplateJson::from).collect()))
}

/// A new template.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplateJson {
    /// Unique among the catalogue's templates; at most 200 characters.
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    /// A service's name.
    pub service: Option<String>,
    /// The CIs such a change usually touches, by id (up to 100).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub cis: Vec<i64>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    /// 15 minutes to 30 days.
    #[schema(minimum = 15, maximum = 43200)]
    pub duration_minutes: Option<i64>,
}

#[utoipa::path(post, operation_id = "add_change_template", path = "/api/v1/change-templates", tag = "changes",
    request_body = NewTemplateJson,
    responses((status = 201, description = "In the catalogue, pre-approved", body = TemplateJson,
            headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 422, description = "Every bad field at once (`name`, `duration_minutes`, …)", body = Problem)))]
pub async fn add_template(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewTemplateJson>,
) -> Result<Response, ApiError> {
    let new = NewTemplate {
        name: b.name,
        description: b.description,
        category: b.category,
        service: b.service,
        cis: b.cis,
        implementation_plan: b.implementation_plan,
        backout_plan: b.backout_plan,
        test_plan: b.test_plan,
        duration_minutes: b.duration_minutes,
    };
    let t = s.app.add_change_template(&actor, new).await?;
    let location = format!("/api/v1/change-templates/{}", t.row.id);
    Ok(located(with_etag(StatusCode::CREATED, t), &location))
}

#[utoipa::path(get, operation_id = "get_change_template", path = "/api/v1/change-templates/{id}", tag = "changes",
    params(("id" = i64, Path)),
    responses((status = 200, body = TemplateJson, headers(("ETag" = String))),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_template(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    Ok(with_etag(StatusCode::OK, s.app.change_template(&actor, id_of(id, "change template")?).await?))
}

/// Absent keeps a field, `null` (or blank) clears it, a value sets it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplatePatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub category: Patch<String>,
    /// A service's name.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub service: Patch<String>,
    /// Replaces the CIs (up to 100).
    #[schema(max_items = 100)]
    pub cis: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub implementation_plan: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub backout_plan: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub test_plan: Patch<String>,
    #[serde(default, deserialize_with = "patch_minutes")]
    #[schema(value_type = Option<i64>, minimum = 15, maximum = 43200)]
    pub duration_minutes: Patch<i64>,
    /// false retires the template (no new change is raised from it and its
    /// changes are not scheduled); true puts it back in the catalogue.
    pub active: Option<bool>,
}

/// Absent keeps the duration, `null` clears it, a number sets it.
fn patch_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Patch<i64>, D::Error> {
    Ok(Option::<i64>::deserialize(d)?.map_or(Patch::Clear, Patch::Set))
}

#[utoipa::path(patch, operation_id = "update_change_template", path = "/api/v1/change-templates/{id}", tag = "changes",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = TemplatePatchJson,
    responses((status = 200, description = "Changed; changes already raised keep what they copied",
            body = TemplateJson, headers(("ETag" = String))),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 409, description = "A stale version", body = Problem)))]
pub async fn update_template(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    Json(b): Json<TemplatePatchJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "change template")?;
    let (v, used_header) = version(&headers, b.version)?;
    let p = TemplatePatch {
        name: b.name,
        description: b.description,
        category: b.category,
        service: b.service,
        cis: b.cis,
        implementation_plan: b.implementation_plan,
        backout_plan: b.backout_plan,
        test_plan: b.test_plan,
        duration_minutes: b.duration_minutes,
        active: b.active,
    };
    let t = s
        .app
        .update_change_template(&actor, id, v, p)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(with_etag(StatusCode::OK, t))
}

#[utoipa::path(delete, operation_id = "delete_change_template", path = "/api/v1/change-templates/{id}", tag = "changes",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted: no change was raised from it"),
        (status = 409, description = "Changes were raised from it (reason `template_in_use`): retire it instead with \
            `PATCH` `active: false`; the changes keep it", body = Problem),
        (status = 403, description = "Managers and admins only", body = Problem),
        (status = 404, body = Problem)))]
pub async fn delete_template(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_change_template(&actor, id_of(id, "change template")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
