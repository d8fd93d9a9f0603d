//! The JSON API under `/api/v1`, described by an OpenAPI 3 document
//! generated from these handlers at `/api/v1/openapi.json`.

pub mod accounts;
pub mod alert_ci_rules;
pub mod alert_routing;
pub mod alert_windows;
pub mod alerts;
pub mod article_dto;
pub mod articles;
pub mod audit;
pub mod cab;
pub mod calendar;
pub mod calendar_feeds;
pub mod change_approvals;
pub mod change_calendar;
pub mod change_dto;
pub mod change_outcomes;
pub mod change_templates;
pub mod changes;
pub mod check_dto;
pub mod checks;
pub mod cmdb;
pub mod contract;
pub mod desk;
pub mod discussion;
pub mod dto;
pub mod escalations;
pub mod exports;
pub mod health;
pub mod improvements;
pub mod incidents;
pub mod links;
pub mod me;
pub mod notifications;
pub mod people;
pub mod problem_comments;
pub mod problem_dto;
pub mod problems;
pub mod reports;
pub mod risk_questionnaire;
pub mod saved_reports;
pub mod schema;
pub mod search;
pub mod sla;
pub mod sla_dto;
pub mod task_dto;
pub mod tasks;
pub mod users;

use crate::AppState;
use axum::{Json, Router, response::IntoResponse, routing::get};
use utoipa::OpenApi;

/// What every resource shares: the document's title, the problem+json
/// bodies every refusal uses, and bearer authentication. Each resource
/// declares its own paths (and the schemas only its query parameters name)
/// beside its routes.
#[derive(OpenApi)]
#[openapi(
    info(title = "Steward API", description = "IT service management: incidents, problems and known errors, the knowledge base, service levels, notifications, the CMDB and service catalog, accounts, tokens."),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// One resource of the API: its routes and the OpenAPI description of
/// them, declared side by side in its module and registered once, in
/// [`RESOURCES`].
pub struct Resource {
    pub routes: fn() -> Router<AppState>,
    pub doc: fn() -> utoipa::openapi::OpenApi,
}

/// Every resource of the API: a new kind adds its line here. Routes of
/// several resources may share a path (`/me` is read by `accounts` and
/// changed by `me`); axum and utoipa merge their methods.
const RESOURCES: &[Resource] = &[
    incidents::RESOURCE,
    desk::RESOURCE,
    problems::RESOURCE,
    changes::RESOURCE,
    tasks::RESOURCE,
    change_approvals::RESOURCE,
    change_outcomes::RESOURCE,
    reports::RESOURCE,
    improvements::RESOURCE,
    saved_reports::RESOURCE,
    cab::RESOURCE,
    change_templates::RESOURCE,
    risk_questionnaire::RESOURCE,
    checks::RESOURCE,
    articles::RESOURCE,
    change_calendar::RESOURCE,
    calendar::RESOURCE,
    search::RESOURCE,
    sla::RESOURCE,
    escalations::RESOURCE,
    notifications::RESOURCE,
    cmdb::RESOURCE,
    alerts::RESOURCE,
    alert_windows::RESOURCE,
    alert_routing::RESOURCE,
    alert_ci_rules::RESOURCE,
    accounts::RESOURCE,
    me::RESOURCE,
    calendar_feeds::RESOURCE,
    users::RESOURCE,
    people::RESOURCE,
    audit::RESOURCE,
];

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document: what the handlers declare, completed by
/// [`contract::complete`]. Built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut api = ApiDoc::openapi();
        for r in RESOURCES {
            api.merge((r.doc)());
        }
        api.merge(<exports::Doc as OpenApi>::openapi());
        let mut doc = serde_json::to_value(api).unwrap_or_default();
        exports::complete(&mut doc);
        contract::complete(&mut doc);
        doc
    })
}

async fn openapi() -> impl IntoResponse {
    Json(document())
}

pub fn routes() -> Router<AppState> {
    RESOURCES
        .iter()
        .fold(Router::new().route("/openapi.json", get(openapi)), |r, res| r.merge((res.routes)()))
        // Set after every route is in: it applies to the routes present.
        .method_not_allowed_fallback(|| async {
            crate::error::ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "this endpoint does not take this method; the Allow header lists those it takes",
            )
        })
        .fallback(|| async { crate::error::ApiError::not_found("endpoint") })
}
