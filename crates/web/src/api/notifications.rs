//! Notifications: the outbox and its dead letters, webhooks and their
//! delivery log (admins), watchers of an incident, one's own opt-outs.

use super::dto::time;
use super::incidents::{json_with_etag, located, version};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use steward_app::Code;
use steward_app::notify::{OPTIONAL_EVENTS, WebhookInput, WebhookPatch};
use steward_domain::number::RecordKind;
use steward_store::{accounts::User, outbox::Message, webhooks};
use utoipa::{IntoParams, ToSchema};

/// The outbox, webhooks, an incident's watchers and one's own opt-outs:
/// routes and their OpenAPI description (with the outbox state, which only
/// a query parameter names).
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        outbox,
        retry,
        webhooks,
        create_webhook,
        webhook,
        update_webhook,
        delete_webhook,
        deliveries,
        watchers,
        watch,
        unwatch,
        my_notifications,
        set_my_notifications
    ),
    components(schemas(super::schema::OutboxState))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/me/notifications", get(my_notifications).put(set_my_notifications))
        .route("/outbox", get(outbox))
        .route("/outbox/{id}/retry", post(retry))
        .route("/webhooks", get(webhooks).post(create_webhook))
        .route("/webhooks/{id}", get(webhook).patch(update_webhook).delete(delete_webhook))
        .route("/webhooks/{id}/deliveries", get(deliveries))
        .route("/incidents/{number}/watchers", get(watchers).post(watch).delete(unwatch))
}

#[derive(Serialize, ToSchema)]
pub struct OutboxMessageJson {
    pub id: i64,
    pub created_at: String,
    #[schema(value_type = super::schema::Channel)]
    pub channel: String,
    /// e.g. incident.commented
    pub event: String,
    /// The record it is about, e.g. INC0000042.
    pub record: Option<String>,
    /// An email address, or the webhook's id.
    pub target: String,
    #[schema(value_type = super::schema::OutboxState)]
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
}

impl From<Message> for OutboxMessageJson {
    fn from(m: Message) -> Self {
        Self {
            id: m.id,
            created_at: time(m.created_at),
            record: m
                .record_number
                .zip(m.record_kind.as_deref().and_then(RecordKind::named))
                .map(|(seq, kind)| steward_domain::number::RecordNumber { kind, seq }.to_string()),
            channel: m.channel,
            event: m.event,
            target: m.target,
            state: m.state,
            attempts: m.attempts,
            next_attempt_at: time(m.next_attempt_at),
            last_error: m.last_error,
            sent_at: m.sent_at.map(time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub dead: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OutboxPageJson {
    pub counts: OutboxCounts,
    pub items: Vec<OutboxMessageJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Default dead.
    #[param(value_type = Option<super::schema::OutboxState>)]
    pub state: Option<String>,
    pub cursor: Option<String>,
    /// 1–200, default 50
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_outbox", path = "/api/v1/outbox", tag = "notifications", params(OutboxQuery),
    responses((status = 200, body = OutboxPageJson), (status = 403, body = Problem)))]
pub async fn outbox(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<OutboxQuery>,
) -> Result<axum::Json<OutboxPageJson>, ApiError> {
    let counts = s.app.outbox_counts(&actor).await?;
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| ApiError::field("cursor", Code::BadCursor.msg("is not a cursor this API gave")))?,
        ),
        None => None,
    };
    let page = s.app.list_outbox(&actor, q.state.as_deref().unwrap_or("dead"), before, q.limit.unwrap_or(50)).await?;
    let n = |state: &str| counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
    Ok(axum::Json(OutboxPageJson {
        counts: OutboxCounts { pending: n("pending"), sent: n("sent"), dead: n("dead") },
        items: page.items.into_iter().map(OutboxMessageJson::from).collect(),
        next_cursor: page.next.map(|id| id.to_string()),
    }))
}

/// An id in the path that is not a number names nothing.
fn id_of(p: Result<Path<i64>, axum::extract::rejection::PathRejection>, what: &str) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found(what))
}

#[utoipa::path(post, operation_id = "retry_message", path = "/api/v1/outbox/{id}/retry", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = OutboxMessageJson), (status = 403, body = Problem),
        (status = 422, body = Problem, description = "The message is not dead")))]
pub async fn retry(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<axum::Json<OutboxMessageJson>, ApiError> {
    let id = id_of(id, "message")?;
    Ok(axum::Json(s.app.retry_dead(&actor, id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct WebhookJson {
    pub id: i64,
    pub name: String,
    pub url: String,
    #[schema(value_type = super::schema::WebhookFormat)]
    pub format: String,
    /// Event names; empty = every event but incident.work_note.
    pub events: Vec<String>,
    pub active: bool,
    /// The secret itself is never shown again.
    pub has_secret: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl From<webhooks::Webhook> for WebhookJson {
    fn from(w: webhooks::Webhook) -> Self {
        Self {
            id: w.id,
            events: serde_json::from_str(&w.events).unwrap_or_default(),
            active: w.active != 0,
            has_secret: w.secret.is_some(),
            created_at: time(w.created_at),
            updated_at: time(w.updated_at),
            name: w.name,
            url: w.url,
            format: w.format,
            version: w.version,
        }
    }
}

fn webhook_response(status: StatusCode, w: webhooks::Webhook) -> Response {
    let location = format!("/api/v1/webhooks/{}", w.id);
    let resp = json_with_etag(status, w.version, WebhookJson::from(w));
    if status == StatusCode::CREATED { located(resp, &location) } else { resp }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookJson {
    pub name: String,
    /// http:// or https://
    pub url: String,
    /// At least 16 characters; calls are signed with it (X-Steward-Signature).
    pub secret: Option<String>,
    /// json (default), slack or teams
    pub format: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    pub active: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub name: Option<String>,
    pub url: Option<String>,
    /// A new secret; "" removes it.
    pub secret: Option<String>,
    pub format: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

#[utoipa::path(get, operation_id = "list_webhooks", path = "/api/v1/webhooks", tag = "notifications",
    responses((status = 200, body = Vec<WebhookJson>), (status = 403, body = Problem)))]
pub async fn webhooks(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<WebhookJson>>, ApiError> {
    Ok(axum::Json(s.app.list_webhooks(&actor).await?.into_iter().map(WebhookJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/webhooks", tag = "notifications", request_body = NewWebhookJson,
    responses((status = 201, body = WebhookJson, headers(("ETag" = String), ("Location" = String))), (status = 403, body = Problem)))]
pub async fn create_webhook(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewWebhookJson>,
) -> Result<Response, ApiError> {
    let input = WebhookInput {
        name: b.name,
        url: b.url,
        secret: b.secret,
        format: b.format,
        events: b.events,
        active: b.active,
    };
    Ok(webhook_response(StatusCode::CREATED, s.app.create_webhook(&actor, input).await?))
}

#[utoipa::path(get, operation_id = "get_webhook", path = "/api/v1/webhooks/{id}", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookJson, headers(("ETag" = String))), (status = 403, body = Problem)))]
pub async fn webhook(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "webhook")?;
    Ok(webhook_response(StatusCode::OK, s.app.get_webhook(&actor, id).await?))
}

#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "notifications", request_body = WebhookPatchJson,
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = WebhookJson, headers(("ETag" = String))), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn update_webhook(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    Json(b): Json<WebhookPatchJson>,
) -> Result<Response, ApiError> {
    let id = id_of(id, "webhook")?;
    let (v, used_header) = version(&headers, b.version)?;
    let patch = WebhookPatch {
        name: b.name,
        url: b.url,
        secret: b.secret,
        format: b.format,
        events: b.events,
        active: b.active,
    };
    let w =
        s.app.update_webhook(&actor, id, v, patch).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(webhook_response(StatusCode::OK, w))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "notifications",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 204), (status = 403, body = Problem)))]
pub async fn delete_webhook(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = id_of(id, "webhook")?;
    let (v, used_header) = version(&headers, None)?;
    s.app.delete_webhook(&actor, id, v).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryJson {
    pub id: i64,
    /// The outbox message this call delivered.
    pub message: i64,
    pub at: String,
    /// The HTTP status, when the endpoint answered.
    pub status: Option<i64>,
    pub duration_ms: f64,
    /// The start of the answer's body.
    pub excerpt: String,
    pub error: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    /// 1–200, default 50
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_deliveries", path = "/api/v1/webhooks/{id}/deliveries", tag = "notifications",
    params(("id" = i64, Path), DeliveriesQuery),
    responses((status = 200, body = Vec<DeliveryJson>), (status = 403, body = Problem)))]
pub async fn deliveries(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(q): Query<DeliveriesQuery>,
) -> Result<axum::Json<Vec<DeliveryJson>>, ApiError> {
    let id = id_of(id, "webhook")?;
    let list = s.app.webhook_deliveries(&actor, id, q.limit.unwrap_or(50)).await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|d| DeliveryJson {
                id: d.id,
                message: d.outbox_id,
                at: time(d.at),
                status: d.status,
                duration_ms: d.duration_us as f64 / 1000.0,
                excerpt: d.excerpt,
                error: d.error,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct WatcherJson {
    pub id: i64,
    pub username: String,
    pub name: String,
}

fn watchers_json(us: Vec<User>) -> Vec<WatcherJson> {
    us.into_iter().map(|u| WatcherJson { id: u.id, username: u.username, name: u.display_name }).collect()
}

#[utoipa::path(get, operation_id = "list_watchers", path = "/api/v1/incidents/{number}/watchers", tag = "incidents", params(("number" = String, Path)),
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn watchers(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watchers(&actor, RecordKind::Incident, &number).await?)))
}

#[utoipa::path(post, operation_id = "watch_incident", path = "/api/v1/incidents/{number}/watchers", tag = "incidents", params(("number" = String, Path)),
    description = "Starts watching the incident (the caller); answers the watchers.",
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn watch(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watch(&actor, RecordKind::Incident, &number, true).await?)))
}

#[utoipa::path(delete, operation_id = "unwatch_incident", path = "/api/v1/incidents/{number}/watchers", tag = "incidents", params(("number" = String, Path)),
    description = "Stops watching the incident (the caller); answers the watchers.",
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn unwatch(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watch(&actor, RecordKind::Incident, &number, false).await?)))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingsJson {
    /// The optional events you turned off.
    pub optouts: Vec<String>,
    /// The events that can be turned off (ignored when sent).
    #[serde(default)]
    pub optional: Vec<String>,
}

#[utoipa::path(get, operation_id = "get_my_notifications", path = "/api/v1/me/notifications", tag = "accounts",
    responses((status = 200, body = NotificationSettingsJson)))]
pub async fn my_notifications(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<NotificationSettingsJson>, ApiError> {
    let optouts = s.app.my_optouts(&actor).await?;
    Ok(axum::Json(NotificationSettingsJson { optouts, optional: OPTIONAL_EVENTS.map(String::from).to_vec() }))
}

#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "accounts", request_body = NotificationSettingsJson,
    responses((status = 200, body = NotificationSettingsJson), (status = 422, body = Problem)))]
pub async fn set_my_notifications(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NotificationSettingsJson>,
) -> Result<axum::Json<NotificationSettingsJson>, ApiError> {
    let optouts = s.app.set_my_optouts(&actor, b.optouts).await?;
    Ok(axum::Json(NotificationSettingsJson { optouts, optional: OPTIONAL_EVENTS.map(String::from).to_vec() }))
}

#[utoipa::path(get, operation_id = "list_problem_watchers", path = "/api/v1/problems/{number}/watchers", tag = "problems", params(("number" = String, Path)),
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn problem_watchers(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watchers(&actor, RecordKind::Problem, &number).await?)))
}

#[utoipa::path(post, operation_id = "watch_problem", path = "/api/v1/problems/{number}/watchers", tag = "problems", params(("number" = String, Path)),
    description = "Starts watching the problem (the caller): its comments, work notes and state changes are mailed to them; answers the watchers.",
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn watch_problem(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watch(&actor, RecordKind::Problem, &number, true).await?)))
}

#[utoipa::path(delete, operation_id = "unwatch_problem", path = "/api/v1/problems/{number}/watchers", tag = "problems", params(("number" = String, Path)),
    description = "Stops watching the problem (the caller); answers the watchers.",
    responses((status = 200, body = Vec<WatcherJson>), (status = 403, body = Problem)))]
pub async fn unwatch_problem(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<WatcherJson>>, ApiError> {
    Ok(axum::Json(watchers_json(s.app.watch(&actor, RecordKind::Problem, &number, false).await?)))
}
