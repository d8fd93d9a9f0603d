//! The rules that map alerts to CIs over HTTP: `GET
//! /api/v1/alert-ci-rules` (staff), `PUT` to replace them and `POST
//! …/reset` to go back to the built-in ones (managers and admins). The
//! types here only describe the document for the OpenAPI document (the
//! domain's `CiRules` reads and writes it).

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::extract::State;
use serde::Serialize;
use steward_domain::alert::CiRules;
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_alert_ci_rules, set_alert_ci_rules, reset_alert_ci_rules))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/alert-ci-rules", get(get_alert_ci_rules).put(set_alert_ci_rules))
        .route("/alert-ci-rules/reset", post(reset_alert_ci_rules))
}

/// What a label's value is looked up in: any CI's `name`, the name of a
/// business or technical `service`, or the CI `attribute` the rule names.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum CiMatch {
    Name,
    Service,
    Attribute,
}

/// One rule: the first (in order) whose label's value finds a CI wins.
/// Values are compared trimmed and in any case.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct CiRuleJson {
    /// The label whose value names the CI.
    #[schema(pattern = "^[a-zA-Z_][a-zA-Z0-9_]*$")]
    label: String,
    #[serde(rename = "match")]
    on: CiMatch,
    /// With `match: attribute` only (and then required): an attribute
    /// some CI class declares, e.g. `hostname`, `fqdn`, `ip_address`.
    #[schema(required = false, max_length = 64)]
    attribute: Option<String>,
    /// Also try the value without a trailing `:port` (an IPv6 address
    /// without its brackets). Default false.
    #[schema(required = false)]
    strip_port: bool,
    /// Also try the first part of a domain name (never of an IP address).
    /// Default false.
    #[schema(required = false)]
    short_host: bool,
}

/// The rules alerts are mapped to CIs with, in the order they are tried.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct AlertCiRulesJson {
    #[schema(max_items = 50)]
    rules: Vec<CiRuleJson>,
}

#[utoipa::path(get, path = "/api/v1/alert-ci-rules", tag = "alerts", operation_id = "get_alert_ci_rules",
    responses((status = 200, description = "The rules alerts are mapped to CIs with", body = AlertCiRulesJson),
        (status = 403, body = Problem)))]
pub async fn get_alert_ci_rules(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<CiRules>, ApiError> {
    Ok(axum::Json(s.app.alert_ci_rules(&actor).await?))
}

#[utoipa::path(put, path = "/api/v1/alert-ci-rules", tag = "alerts", operation_id = "set_alert_ci_rules",
    request_body = AlertCiRulesJson,
    responses((status = 200, description = "The rules now in force", body = AlertCiRulesJson),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_alert_ci_rules(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<CiRules>,
) -> Result<axum::Json<CiRules>, ApiError> {
    Ok(axum::Json(s.app.set_alert_ci_rules(&actor, b).await?))
}

#[utoipa::path(post, path = "/api/v1/alert-ci-rules/reset", tag = "alerts", operation_id = "reset_alert_ci_rules",
    responses((status = 200, description = "The built-in rules, now in force", body = AlertCiRulesJson),
        (status = 403, body = Problem)))]
pub async fn reset_alert_ci_rules(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<CiRules>, ApiError> {
    Ok(axum::Json(s.app.reset_alert_ci_rules(&actor).await?))
}
