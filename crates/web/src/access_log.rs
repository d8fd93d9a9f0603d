//! The access log: one info line per request (target `steward::access`)
//! with the method, path (without the query, which may hold search text),
//! status, duration, the client's address (as the trusted-proxy logic sees
//! it, see [`crate::client`]) and the user: their username, or the token's
//! owner, `-` when anonymous.
//!
//! The user is known only once a handler has checked the credentials, so
//! the middleware puts an empty slot into the request and the places that
//! resolve a caller fill it ([`note_user`]); nothing is looked up twice.
//!
//! The same timing feeds `/metrics`' request latencies by route.

use crate::AppState;
use axum::{
    extract::{MatchedPath, Request, State},
    http::request::Parts,
    middleware::Next,
    response::Response,
};
use std::sync::{Arc, OnceLock};

/// Who the request turned out to be from; filled at most once.
#[derive(Clone, Default)]
struct UserSlot(Arc<OnceLock<String>>);

/// Notes the request's user for its access-log line.
pub fn note_user(parts: &Parts, username: &str) {
    if let Some(slot) = parts.extensions.get::<UserSlot>() {
        let _ = slot.0.set(username.to_owned());
    }
}

pub async fn access_log(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let slot = UserSlot::default();
    req.extensions_mut().insert(slot.clone());
    let (parts, body) = req.into_parts();
    let client = crate::client::client_ip(&parts, &state.web.trusted_proxies);
    let (method, path) = (parts.method.clone(), crate::feeds::redact(parts.uri.path()).to_owned());
    let route = parts.extensions.get::<MatchedPath>().cloned();
    let r = next.run(Request::from_parts(parts, body)).await;
    let took = started.elapsed();
    state.http_metrics.record(route.as_ref().map(MatchedPath::as_str), &method, r.status().as_u16(), took);
    let user = slot.0.get().map_or("-", String::as_str);
    tracing::info!(
        target: "steward::access",
        client = %client,
        user = %user,
        method = %method,
        path = %path,
        status = r.status().as_u16(),
        ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    r
}
