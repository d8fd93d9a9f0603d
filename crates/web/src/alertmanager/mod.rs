//! The Alertmanager-compatible API (issue 13): `/api/v2` as Alertmanager
//! 0.25 serves it, so Prometheus lists Steward as an Alertmanager and
//! `amtool` works unchanged — alerts posted and listed, their groups,
//! silences, the status, and `/-/healthy` and `/-/ready`. Its shapes are
//! Alertmanager's (camelCase, fingerprints as 16 hex digits), and so are
//! its refusals: a JSON string saying what is wrong, each problem beside
//! its field (`[2].labels.alert-name: …`).

mod dto;

use crate::{AppState, auth::AlertActor, error::ApiError};
use axum::{
    Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use dto::{GettableAlert, GettableSilence, PostableAlert, PostableSilence};
use steward_app::{
    AppError,
    alerts::{AlertFilter, PostedSilence},
};
use steward_domain::alert::{Matchers, Posted, Problems, parse_matchers};

/// The routes under `/api/v2`, and the health probes beside them.
pub fn routes() -> Router<AppState> {
    use axum::routing::get;
    Router::new()
        .route("/api/v2/alerts", get(list_alerts).post(post_alerts))
        .route("/api/v2/alerts/groups", get(list_groups))
        .route("/api/v2/silences", get(list_silences).post(post_silence))
        .route("/api/v2/silence/{id}", get(get_silence).delete(expire_silence))
        .route("/api/v2/status", get(status))
        .route("/api/v2/receivers", get(receivers))
        .route("/-/healthy", get(healthy).head(healthy))
        .route("/-/ready", get(ready).head(ready))
}

/// The same routes under `prefix` too (Alertmanager's
/// `--web.route-prefix`); none without one.
pub fn prefixed(prefix: Option<&str>) -> Router<AppState> {
    match prefix {
        Some(p) => Router::new().nest(p, routes()),
        None => Router::new(),
    }
}

/// The first path segments Steward's own routes (pages, `/api`, the
/// probes, the feeds) use: a prefix may not start with one.
pub const RESERVED: &[&str] = &[
    "-",
    "admin",
    "alerts",
    "api",
    "assets",
    "auth",
    "change-calendar",
    "changes",
    "checks",
    "cmdb",
    "feeds",
    "healthz",
    "home",
    "incidents",
    "kb",
    "login",
    "logout",
    "metrics",
    "portal",
    "problems",
    "readyz",
    "reports",
    "search",
    "services",
    "settings",
    "suggestions",
    "tasks",
];

/// The longest prefix taken.
pub const PREFIX_MAX: usize = 100;

/// Checks a path prefix for the Alertmanager API: `/` then segments of
/// letters, digits, `-`, `.`, `_` and `~` (no `.` or `..` alone), no
/// trailing `/`, at most [`PREFIX_MAX`] characters, and a first segment
/// none of Steward's own paths uses. The error says what is wrong.
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    let Some(rest) = prefix.strip_prefix('/') else {
        return Err(format!("{prefix:?} must start with /, e.g. \"/alertmanager\""));
    };
    if rest.is_empty() || prefix.ends_with('/') {
        return Err(format!("{prefix:?} must not end with /; leave it empty to serve /api/v2 at the root only"));
    }
    if prefix.len() > PREFIX_MAX {
        return Err(format!("must be at most {PREFIX_MAX} characters"));
    }
    for seg in rest.split('/') {
        let ok = seg.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if seg.is_empty() || seg == "." || seg == ".." || !ok {
            return Err(format!(
                "{prefix:?}: {seg:?} is not a path segment (letters, digits, -, ., _ and ~; not . or ..)"
            ));
        }
    }
    let first = rest.split('/').next().unwrap_or_default().to_ascii_lowercase();
    if RESERVED.contains(&first.as_str()) {
        return Err(format!("{prefix:?} collides with Steward's own paths under /{first}"));
    }
    Ok(())
}

/// An Alertmanager refusal: a JSON string.
fn refusal(status: StatusCode, text: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], serde_json::Value::String(text.into()).to_string())
        .into_response()
}

fn problems_text(problems: &Problems) -> String {
    problems.iter().map(|(f, m)| format!("{f}: {}", m.text)).collect::<Vec<_>>().join("; ")
}

/// An app error as Alertmanager says it (a string), with our status.
fn app_refusal(e: AppError) -> Response {
    match e {
        AppError::Invalid(errs) => refusal(
            StatusCode::BAD_REQUEST,
            errs.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
        ),
        AppError::NotFound(what) => refusal(StatusCode::NOT_FOUND, format!("{what} not found")),
        other => ApiError::from(other).into_response(),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Response {
    axum::Json(v).into_response()
}

/// `POST /api/v2/alerts`'s body: each alert read, its times checked (a
/// refused one keeping its place), or Alertmanager's refusal.
pub fn read_alerts(body: &[u8]) -> Result<Vec<Result<Posted, Problems>>, Response> {
    let posted: Vec<PostableAlert> = serde_json::from_slice(body)
        .map_err(|e| refusal(StatusCode::BAD_REQUEST, format!("the body is not a list of alerts: {e}")))?;
    Ok(posted.into_iter().enumerate().map(|(i, p)| p.into_posted(i)).collect())
}

async fn post_alerts(State(s): State<AppState>, AlertActor(actor): AlertActor, body: Bytes) -> Response {
    let batch = match read_alerts(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match s.app.post_alerts(&actor, batch).await {
        Ok(out) if out.refused.is_empty() => StatusCode::OK.into_response(),
        Ok(out) => refusal(StatusCode::BAD_REQUEST, problems_text(&out.refused)),
        Err(e) => app_refusal(e),
    }
}

/// `filter` (repeated, Alertmanager's matcher text) into matchers.
fn filters(query: &[(String, String)]) -> Result<Matchers, Response> {
    let mut out = Vec::new();
    for (_, v) in query.iter().filter(|(k, _)| k == "filter") {
        match parse_matchers(v) {
            Ok(m) => out.extend(m.0),
            Err(e) => return Err(refusal(StatusCode::BAD_REQUEST, format!("filter {v:?}: {}", e.text))),
        }
    }
    Ok(Matchers(out))
}

/// A boolean query flag (default true), refused when it is not one.
fn flag(query: &[(String, String)], name: &str) -> Result<bool, Response> {
    match query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str()) {
        None => Ok(true),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(refusal(StatusCode::BAD_REQUEST, format!("{name}: {v:?} is not true or false"))),
    }
}

fn alert_filter(query: &[(String, String)]) -> Result<AlertFilter, Response> {
    // Steward processes an alert as it is kept: none is unprocessed.
    flag(query, "unprocessed")?;
    Ok(AlertFilter {
        matchers: filters(query)?,
        active: flag(query, "active")?,
        silenced: flag(query, "silenced")?,
        inhibited: flag(query, "inhibited")?,
    })
}

/// The `receiver` parameter: an anchored regex a receiver's name must
/// match, as Alertmanager takes it.
fn receiver_filter(query: &[(String, String)]) -> Result<Option<steward_domain::alert::Matcher>, Response> {
    let Some((_, re)) = query.iter().find(|(k, _)| k == "receiver") else { return Ok(None) };
    steward_domain::alert::Matcher::new("receiver", steward_domain::alert::MatchOp::Regex, re)
        .map(Some)
        .map_err(|e| refusal(StatusCode::BAD_REQUEST, format!("receiver: {}", e.text)))
}

async fn list_alerts(
    State(s): State<AppState>,
    AlertActor(actor): AlertActor,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (f, receiver) = match (alert_filter(&query), receiver_filter(&query)) {
        (Ok(f), Ok(r)) => (f, r),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    match s.app.list_alerts(&actor, &f).await {
        Ok(list) => {
            let out: Vec<GettableAlert> = list
                .into_iter()
                .filter(|v| receiver.as_ref().is_none_or(|m| v.receivers().iter().any(|r| m.matches_value(r))))
                .map(GettableAlert::new)
                .collect();
            json(&out)
        }
        Err(e) => app_refusal(e),
    }
}

/// The alerts grouped as the routing tree groups them.
async fn list_groups(
    State(s): State<AppState>,
    AlertActor(actor): AlertActor,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (f, receiver) = match (alert_filter(&query), receiver_filter(&query)) {
        (Ok(f), Ok(r)) => (f, r),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let wanted = |name: &str| receiver.as_ref().is_none_or(|m| m.matches_value(name));
    match s.app.list_alerts(&actor, &f).await {
        Ok(list) => json(&dto::groups(list, Some(&wanted))),
        Err(e) => app_refusal(e),
    }
}

async fn list_silences(
    State(s): State<AppState>,
    AlertActor(actor): AlertActor,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let f = match filters(&query) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match s.app.list_silences(&actor, &f).await {
        Ok(list) => json(&list.into_iter().map(GettableSilence::from).collect::<Vec<_>>()),
        Err(e) => app_refusal(e),
    }
}

/// `POST /api/v2/silences`'s body read, or Alertmanager's refusal.
pub fn read_silence(body: &[u8]) -> Result<PostedSilence, Response> {
    let p: PostableSilence = serde_json::from_slice(body)
        .map_err(|e| refusal(StatusCode::BAD_REQUEST, format!("the body is not a silence: {e}")))?;
    p.into_posted().map_err(|problems| refusal(StatusCode::BAD_REQUEST, problems_text(&problems)))
}

async fn post_silence(State(s): State<AppState>, AlertActor(actor): AlertActor, body: Bytes) -> Response {
    let posted = match read_silence(&body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match s.app.post_silence(&actor, posted).await {
        Ok(id) => json(&serde_json::json!({ "silenceID": id })),
        Err(e) => app_refusal(e),
    }
}

async fn get_silence(State(s): State<AppState>, AlertActor(actor): AlertActor, Path(id): Path<String>) -> Response {
    match s.app.get_silence(&actor, &id).await {
        Ok(v) => json(&GettableSilence::from(v)),
        Err(e) => app_refusal(e),
    }
}

async fn expire_silence(State(s): State<AppState>, AlertActor(actor): AlertActor, Path(id): Path<String>) -> Response {
    match s.app.expire_silence(&actor, &id).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => app_refusal(e),
    }
}

async fn status(State(s): State<AppState>, AlertActor(actor): AlertActor) -> Response {
    match s.app.alert_routing(&actor).await {
        Ok(config) => json(&dto::status(&config)),
        Err(e) => app_refusal(e),
    }
}

/// The receivers the routing names, in its order.
async fn receivers(State(s): State<AppState>, AlertActor(actor): AlertActor) -> Response {
    match s.app.alert_routing(&actor).await {
        Ok(config) => {
            json(&config.receivers.iter().map(|r| dto::Receiver { name: r.name.clone() }).collect::<Vec<_>>())
        }
        Err(e) => app_refusal(e),
    }
}

async fn healthy() -> &'static str {
    "OK"
}

/// Ready when the database answers (as `/readyz`).
async fn ready(State(s): State<AppState>) -> Response {
    match s.app.store.pool().acquire().await {
        Ok(_) => "OK".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_checked() {
        for ok in ["/alertmanager", "/am/v1", "/x", "/a.b_c~d-e"] {
            assert_eq!(check_prefix(ok), Ok(()), "{ok}");
        }
        let cases = [
            ("alertmanager", "must start with /"),
            ("/", "must not end with /"),
            ("/alertmanager/", "must not end with /"),
            ("/a//b", "is not a path segment"),
            ("/a/../b", "is not a path segment"),
            ("/{x}", "is not a path segment"),
            ("/a b", "is not a path segment"),
            ("/api", "collides with Steward's own paths under /api"),
            ("/Alerts/am", "collides with Steward's own paths under /alerts"),
            ("/-/am", "collides"),
        ];
        for (prefix, expected) in cases {
            let e = check_prefix(prefix).unwrap_err();
            assert!(e.contains(expected), "{prefix}: {e}");
        }
        assert!(check_prefix(&format!("/{}", "a".repeat(PREFIX_MAX))).unwrap_err().contains("at most"));
    }

    /// Every first path segment a route outside `/api/v1` uses is reserved:
    /// a new area's routes must be added to [`RESERVED`].
    #[test]
    fn every_top_level_route_is_reserved() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("api") {
                        walk(&path, out);
                    }
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for part in text.split(".route(\"/").skip(1) {
                        let seg: String = part.chars().take_while(|c| !matches!(c, '/' | '"' | '{')).collect();
                        out.push(seg);
                    }
                }
            }
        }
        let mut segs = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut segs);
        assert!(segs.len() > 50, "{segs:?}");
        for s in segs.into_iter().filter(|s| !s.is_empty()) {
            assert!(RESERVED.contains(&s.as_str()), "/{s} is a route: add it to RESERVED");
        }
    }
}
