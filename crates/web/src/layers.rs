//! Layers every answer passes through: security headers, problem+json for
//! the errors the HTTP machinery makes itself on the API, and the audit of
//! refusals (403).

use crate::{AppState, error::ApiError};
use axum::{
    body::to_bytes,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use steward_app::audit::AuditEntry;
use steward_domain::audit::AuditKind;

/// `nosniff` on everything; `no-store` on API answers and attachment
/// downloads (they carry private data; pages set it themselves) unless
/// the handler chose a cache policy.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = unprefixed(&state, req.uri().path());
    let private = path.starts_with("/api/") || path.contains("/attachments/");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if private && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// While the node drains (see [`crate::drain`]) every answer closes its
/// connection, so a keep-alive client or proxy opens its next one
/// elsewhere instead of reaching a listener about to close.
pub async fn close_when_draining(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    r
}

/// The path as Steward's own routes see it: under the Alertmanager API's
/// prefix (`web.alertmanager_prefix`), without the prefix.
fn unprefixed<'a>(state: &AppState, path: &'a str) -> &'a str {
    let prefix = state.web.alertmanager_prefix.as_deref();
    prefix.and_then(|p| path.strip_prefix(p)).filter(|rest| rest.starts_with('/')).unwrap_or(path)
}

/// The most of a plain-text refusal kept as the problem's detail.
const DETAIL_MAX: usize = 1024;

/// On the API, an error answer the HTTP layer made itself (a body over
/// the limit, a path or query that does not parse, a method the route
/// lacks, a timeout, an unknown path: plain text or empty) becomes
/// problem+json, with its status kept and its text as the detail.
pub async fn api_problems(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !unprefixed(&state, req.uri().path()).starts_with("/api/") {
        return next.run(req).await;
    }
    let r = next.run(req).await;
    let status = r.status();
    // The HTTP layer's own refusals are plain text or empty; a handler's
    // answer in a format of its own (problem+json, an agent's XML) stays.
    let from_http_layer = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !from_http_layer {
        return r;
    }
    let (parts, body) = r.into_parts();
    let text =
        to_bytes(body, DETAIL_MAX * 4).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let text: String = text.trim().chars().take(DETAIL_MAX).collect();
    let (code, title, fallback) = describe(status);
    let detail = if text.is_empty() { fallback.to_owned() } else { text };
    let mut problem = ApiError::new(status, code, title, detail).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = parts.headers.get(&name) {
            problem.headers_mut().insert(name, v.clone());
        }
    }
    problem.extensions_mut().extend(parts.extensions);
    problem
}

/// A stable code, a title and a default detail per status.
fn describe(status: StatusCode) -> (&'static str, &'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad_request", "Bad request", "the request could not be read"),
        401 => ("unauthenticated", "Sign-in required", "send Authorization: Bearer <token> or sign in"),
        403 => ("forbidden", "Not allowed", "not allowed"),
        404 => ("not_found", "Not found", "no such path in the API"),
        405 => ("method_not_allowed", "Method not allowed", "this path does not take that method; see Allow"),
        408 => ("timeout", "Request timeout", "the request took too long"),
        413 => ("too_large", "Too large", "the request body is too large"),
        415 => ("unsupported_media_type", "Unsupported media type", "send the body as application/json"),
        422 => ("validation_failed", "Invalid input", "the request could not be processed"),
        429 => ("throttled", "Too many attempts", "too many requests; retry later"),
        s if s >= 500 => ("internal", "Internal error", "something went wrong on our side; it has been logged"),
        _ => ("bad_request", "Bad request", "the request was refused"),
    }
}

/// Every 403 not audited where it was made goes to the audit log, with
/// the caller if they are known.
pub async fn audit_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let keep = parts.clone();
    let r = next.run(Request::from_parts(parts, body)).await;
    if r.status() == StatusCode::FORBIDDEN && r.extensions().get::<crate::auth::Audited>().is_none() {
        let actor = crate::auth::caller(&keep, &state).await;
        let client = crate::client::client_ip(&keep, &state.web.trusted_proxies);
        let subject = format!("{} {}", keep.method, keep.uri.path());
        state.app.audit(AuditEntry::new(AuditKind::Forbidden, actor.as_ref(), &subject).client(client)).await;
    }
    r
}
