//! The alert routing over HTTP: `GET /api/v1/alert-routing` (staff), `PUT`
//! to replace it and `POST …/reset` to go back to the built-in one
//! (managers and admins). The document is Alertmanager's routing tree,
//! receivers and inhibition rules, in JSON, with Steward's targets; the
//! types here only describe it for the OpenAPI document (the domain's
//! `RoutingSpec` reads and writes it).

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::extract::State;
use serde::Serialize;
use steward_domain::alert::RoutingSpec;
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_alert_routing, set_alert_routing, reset_alert_routing))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/alert-routing", get(get_alert_routing).put(set_alert_routing))
        .route("/alert-routing/reset", post(reset_alert_routing))
}

/// A route of the tree: unset settings come from its parent (the root's
/// from Alertmanager's defaults: 30 s, 300 s, 4 h). Durations in seconds.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct RouteJson {
    /// Required on the root; a child without one uses its parent's.
    receiver: Option<String>,
    /// Alertmanager's matcher text (`team="db"`, `severity=~"crit.*"`);
    /// none on the root.
    #[schema(required = false)]
    matchers: Vec<String>,
    /// Label names, or `["..."]` for every label.
    group_by: Option<Vec<String>>,
    #[schema(minimum = 0, maximum = 31_536_000)]
    group_wait: Option<u64>,
    #[schema(minimum = 1, maximum = 31_536_000)]
    group_interval: Option<u64>,
    #[schema(minimum = 1, maximum = 31_536_000)]
    repeat_interval: Option<u64>,
    /// Go on to the next sibling after matching (never on the root).
    #[schema(required = false)]
    #[serde(rename = "continue")]
    continue_matching: bool,
    #[schema(required = false, no_recursion)]
    routes: Vec<RouteJson>,
}

/// Where a receiver's notifications go.
#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(dead_code)]
pub enum TargetJson {
    /// The members of a Steward group, by e-mail (in each one's language).
    Group { group: String },
    /// These users (usernames), by e-mail.
    Users { users: Vec<String> },
    /// Alertmanager's webhook payload (version 4), to a configured webhook
    /// (`webhook`: its id or name) or a `url`; one of the two.
    Webhook { webhook: Option<String>, url: Option<String> },
    /// A Slack or Teams message, to a configured webhook or a URL.
    Chat {
        #[schema(value_type = String, pattern = "^(slack|teams)$")]
        format: String,
        webhook: Option<String>,
        url: Option<String>,
    },
}

/// A named receiver; without targets it notifies nobody.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ReceiverJson {
    name: String,
    #[schema(required = false)]
    targets: Vec<TargetJson>,
}

/// A firing alert passing `source_matchers` mutes the alerts passing
/// `target_matchers` that have the same values of the `equal` labels.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct InhibitRuleJson {
    #[schema(required = false)]
    source_matchers: Vec<String>,
    #[schema(required = false)]
    target_matchers: Vec<String>,
    #[schema(required = false)]
    equal: Vec<String>,
}

/// The alert routing: the tree, the receivers it names, the inhibition rules.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct AlertRoutingJson {
    route: RouteJson,
    receivers: Vec<ReceiverJson>,
    #[schema(required = false)]
    inhibit_rules: Vec<InhibitRuleJson>,
}

#[utoipa::path(get, path = "/api/v1/alert-routing", tag = "alerts", operation_id = "get_alert_routing",
    responses((status = 200, description = "The routing alerts are notified and listed with", body = AlertRoutingJson),
        (status = 403, body = Problem)))]
pub async fn get_alert_routing(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<RoutingSpec>, ApiError> {
    Ok(axum::Json(s.app.alert_routing(&actor).await?))
}

#[utoipa::path(put, path = "/api/v1/alert-routing", tag = "alerts", operation_id = "set_alert_routing",
    request_body = AlertRoutingJson,
    responses((status = 200, description = "The routing now in force", body = AlertRoutingJson),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_alert_routing(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<RoutingSpec>,
) -> Result<axum::Json<RoutingSpec>, ApiError> {
    Ok(axum::Json(s.app.set_alert_routing(&actor, b).await?))
}

#[utoipa::path(post, path = "/api/v1/alert-routing/reset", tag = "alerts", operation_id = "reset_alert_routing",
    responses((status = 200, description = "The built-in routing, now in force", body = AlertRoutingJson),
        (status = 403, body = Problem)))]
pub async fn reset_alert_routing(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<RoutingSpec>, ApiError> {
    Ok(axum::Json(s.app.reset_alert_routing(&actor).await?))
}
