//! Alerts from other tools (issue 13 item 2), each answered as the tool
//! expects:
//!
//! - `POST /api/v1/alerts/webhook`: the generic webhook, `{"alerts": [..]}`
//!   or one alert, each `{status: firing|resolved, labels, annotations?,
//!   startsAt?, endsAt?, generatorURL?}` (the Zabbix media type and the
//!   Nagios script in `contrib/` post this); 200 `{"kept": n}`.
//! - `POST /api/v1/alerts/alertmanager`: what an Alertmanager's
//!   `webhook_config` sends (payload version 4); 200.
//! - `POST /api/v1/alerts/pagerduty/v2/enqueue`: PagerDuty's Events API
//!   v2; 202 `{"status": "success", "message": "Event processed",
//!   "dedup_key": ..}`, refusals in PagerDuty's shape.
//!
//! All take a token (best one limited to alerts) as `Authorization:
//! Bearer`; PagerDuty's also in `routing_key`, where PagerDuty clients put
//! the integration key. A refused alert of a batch is named (`alerts[2].
//! labels.bad-name`) and the valid ones are kept, as on `/api/v2`.

use crate::{AppState, auth::AlertActor, error::ApiError, json};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Map, Value};
use steward_app::{Actor, AppError, FieldError, alerts::Ingested};
use steward_domain::alert::{
    Problems,
    hooks::{AlertmanagerWebhook, HookAlert, HookAlertIn},
    pagerduty::{Event, EventIn},
};
use steward_domain::code::Code;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts/webhook", post(post_webhook))
        .route("/api/v1/alerts/alertmanager", post(post_alertmanager))
        .route("/api/v1/alerts/pagerduty/v2/enqueue", post(post_pagerduty))
}

/// One alert of a batch read, its problems under `[i].`.
fn read_alert(i: usize, v: Value) -> Result<HookAlert, Problems> {
    match serde_path_to_error::deserialize::<_, HookAlertIn>(v) {
        Ok(a) => a.read(&format!("[{i}].")),
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." { format!("[{i}]") } else { format!("[{i}].{path}") };
            Err(vec![(field, crate::error::malformed(e.into_inner()))])
        }
    }
}

/// Every alert of a batch read, a refused one keeping its place.
pub fn read_batch(alerts: Vec<Value>) -> Vec<Result<HookAlert, Problems>> {
    alerts.into_iter().enumerate().map(|(i, v)| read_alert(i, v)).collect()
}

/// A field of the batch as the sender names it: `alerts[2].labels.x`, or
/// `labels.x` when one alert was sent alone.
fn sender_field(field: &str, single: bool) -> String {
    if single {
        field.strip_prefix("[0]").map(|f| f.trim_start_matches('.')).unwrap_or(field).to_owned()
    } else {
        format!("alerts{field}")
    }
}

/// Keeps a batch: 200 with how many were kept, or 422 naming every
/// refused alert's fields (the valid ones kept all the same).
async fn keep(s: &AppState, actor: &Actor, alerts: Vec<Value>, single: bool) -> Response {
    if alerts.is_empty() {
        return ApiError::field("alerts", Code::Required.msg("needs at least one alert")).into_response();
    }
    let sent = alerts.len();
    match s.app.post_hook_alerts(actor, read_batch(alerts)).await {
        Ok(out) if out.refused.is_empty() => axum::Json(serde_json::json!({ "kept": out.kept })).into_response(),
        Ok(out) => refused(out, sent, single).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn refused(out: Ingested, sent: usize, single: bool) -> ApiError {
    let errors: Vec<FieldError> =
        out.refused.into_iter().map(|(f, m)| FieldError::new(&sender_field(&f, single), m)).collect();
    let mut e = ApiError::invalid(errors);
    e.detail = format!("kept {} of {sent} alerts; {}", out.kept, e.detail);
    e
}

/// The generic webhook's body: its alerts, and whether one was sent alone
/// (not in `alerts`).
pub fn read_webhook(body: &[u8]) -> Result<(Vec<Value>, bool), ApiError> {
    let mut body: Map<String, Value> = json::parse(body)?;
    match body.remove("alerts") {
        Some(Value::Array(alerts)) => Ok((alerts, false)),
        Some(_) => Err(ApiError::field("alerts", crate::error::malformed("must be a list of alerts"))),
        None => Ok((vec![Value::Object(body)], true)),
    }
}

/// An Alertmanager webhook's body (payload version 4): its alerts.
pub fn read_alertmanager(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    let payload: AlertmanagerWebhook = json::parse(body)?;
    payload.check_version().map_err(invalid)?;
    Ok(payload.alerts)
}

async fn post_webhook(State(s): State<AppState>, AlertActor(actor): AlertActor, body: Bytes) -> Response {
    match read_webhook(&body) {
        Ok((alerts, single)) => keep(&s, &actor, alerts, single).await,
        Err(e) => e.into_response(),
    }
}

async fn post_alertmanager(State(s): State<AppState>, AlertActor(actor): AlertActor, body: Bytes) -> Response {
    match read_alertmanager(&body) {
        Ok(alerts) => keep(&s, &actor, alerts, false).await,
        Err(e) => e.into_response(),
    }
}

fn invalid(problems: Problems) -> ApiError {
    ApiError::invalid(problems.into_iter().map(|(f, m)| FieldError::new(&f, m)).collect())
}

/// PagerDuty's answer: `{status, message, errors?}` (its clients read it).
fn pagerduty_answer(status: StatusCode, word: &str, message: &str, errors: Vec<String>) -> Response {
    let mut body = serde_json::json!({ "status": word, "message": message });
    if !errors.is_empty() {
        body["errors"] = errors.into();
    }
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn invalid_event(errors: Vec<String>) -> Response {
    pagerduty_answer(StatusCode::BAD_REQUEST, "invalid event", "Event object is invalid", errors)
}

/// An app refusal in PagerDuty's shape.
fn pagerduty_refusal(e: AppError) -> Response {
    match e {
        AppError::Invalid(errs) => invalid_event(errs.iter().map(|e| format!("{}: {}", e.field, e.message)).collect()),
        AppError::Unauthenticated(why) => pagerduty_answer(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Not authorized",
            vec![format!("routing_key: {why}")],
        ),
        AppError::Forbidden(m) => pagerduty_answer(StatusCode::FORBIDDEN, "forbidden", "Not allowed", vec![m.text]),
        other => ApiError::from(other).into_response(),
    }
}

/// The sender: the `Authorization` header when sent, else the token in
/// `routing_key` (PagerDuty clients send no headers of their own).
async fn pagerduty_actor(
    s: &AppState,
    headers: &HeaderMap,
    by_header: Result<AlertActor, ApiError>,
    routing_key: Option<&str>,
) -> Result<Actor, Response> {
    if headers.contains_key(header::AUTHORIZATION) {
        return by_header.map(|a| a.0).map_err(IntoResponse::into_response);
    }
    match routing_key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => s.app.alert_token_actor(key).await.map_err(pagerduty_refusal),
        None => Err(pagerduty_refusal(AppError::Unauthenticated(
            "send a Steward API token as routing_key or as Authorization: Bearer",
        ))),
    }
}

/// A PagerDuty event's body, or PagerDuty's refusal.
pub fn read_pagerduty(body: &[u8]) -> Result<EventIn, Response> {
    json::parse(body).map_err(|e: ApiError| {
        if e.errors.is_empty() {
            invalid_event(vec![format!("body: {}", e.detail)])
        } else {
            invalid_event(e.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect())
        }
    })
}

/// A PagerDuty event checked, or PagerDuty's refusal.
pub fn check_pagerduty(event: EventIn) -> Result<Event, Response> {
    event.check().map_err(|problems| invalid_event(problems.iter().map(|(f, m)| format!("{f}: {}", m.text)).collect()))
}

async fn post_pagerduty(
    State(s): State<AppState>,
    headers: HeaderMap,
    by_header: Result<AlertActor, ApiError>,
    body: Bytes,
) -> Response {
    let event = match read_pagerduty(&body) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let actor = match pagerduty_actor(&s, &headers, by_header, event.routing_key.as_deref()).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let event = match check_pagerduty(event) {
        Ok(e) => e,
        Err(r) => return r,
    };
    match s.app.pagerduty_event(&actor, event).await {
        Ok(out) => {
            let body =
                serde_json::json!({"status": "success", "message": "Event processed", "dedup_key": out.dedup_key});
            (StatusCode::ACCEPTED, axum::Json(body)).into_response()
        }
        Err(e) => pagerduty_refusal(e),
    }
}
