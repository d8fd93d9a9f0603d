//! Who is calling: an API token (`Authorization: Bearer`) or a session
//! cookie; and the CSRF guard for everything a browser can post.
//!
//! Browsers get a session cookie (HttpOnly, SameSite=Lax, Secure over
//! https). Every state-changing request that rides on that cookie must
//! carry the session's CSRF token, as a `_csrf` field of the form (URL
//! encoded or multipart; never in the query string, where it would end up
//! in logs and `Referer` headers) or an `X-CSRF-Token` header, and must not
//! come from another site (`Origin`, `Sec-Fetch-Site`). Before sign-in, the
//! login form carries a token bound to a pre-session cookie
//! ([`steward_app::App::login_form_token`]). Every refusal is audited.

use crate::{AppState, error::ApiError};
use axum::{
    body::{Body, to_bytes},
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use steward_app::{Actor, AppError, audit::AuditEntry};
use steward_domain::audit::AuditKind;

pub const SESSION_COOKIE: &str = "steward_session";
pub const LOGIN_CSRF_COOKIE: &str = "steward_login_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// HTTP Basic with an API token as the password: for agents that can only
/// send a user and password (fusioninventory-agent's `--user/--password`).
fn basic_token(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, password)| password.to_owned())
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers).get(SESSION_COOKIE).map(|c| c.value().to_owned())
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Constant-time comparison for secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller of the alert API (`/api/v2`, the alert webhooks): an API
/// token, those limited to alerts included (Bearer as Prometheus sends it,
/// or Basic with the token as the password as amtool and agents can).
pub struct AlertActor(pub Actor);

impl FromRequestParts<AppState> for AlertActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).map(str::to_owned).or_else(|| basic_token(&parts.headers));
        let Some(token) = token else {
            return ApiActor::from_request_parts(parts, state).await.map(|a| AlertActor(a.0));
        };
        let actor = state.app.alert_token_actor(&token).await?;
        crate::access_log::note_user(parts, &actor.username);
        Ok(AlertActor(actor))
    }
}

/// The caller of an API endpoint.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            let actor = state.app.token_actor(token).await?;
            crate::access_log::note_user(parts, &actor.username);
            return Ok(ApiActor(actor));
        }
        if let Some(token) = basic_token(&parts.headers) {
            let actor = state.app.token_actor(&token).await?;
            crate::access_log::note_user(parts, &actor.username);
            return Ok(ApiActor(actor));
        }
        if let Some(token) = session_token(&parts.headers) {
            let (actor, csrf) = state.app.session_actor(&token).await?;
            crate::access_log::note_user(parts, &actor.username);
            if !is_safe(&parts.method) {
                let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
                let foreign = foreign_origin(&parts.headers);
                if foreign.is_some() || !same_secret(sent, &csrf) {
                    let why = foreign.unwrap_or("no or wrong X-CSRF-Token header");
                    audit_csrf(state, parts, Some(&actor), why).await;
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf_failed",
                        "CSRF check failed",
                        "a request signed in by cookie must send the X-CSRF-Token header",
                    )
                    .audited());
                }
            }
            return Ok(ApiActor(actor));
        }
        Err(AppError::Unauthenticated("send Authorization: Bearer <token> or sign in").into())
    }
}

/// The signed-in user of a UI page; without one, the browser is sent to
/// the login page.
pub struct UiSession(pub Session);

impl FromRequestParts<AppState> for UiSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match optional_session(parts, state).await {
            Some(s) => Ok(UiSession(s)),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let to = format!("/login?next={}", urlencode(next));
                Err(Redirect::to(&to).into_response())
            }
        }
    }
}

/// Whoever the request is from, if anyone: by token or by session.
pub async fn caller(parts: &Parts, state: &AppState) -> Option<Actor> {
    let token = bearer(&parts.headers).map(str::to_owned).or_else(|| basic_token(&parts.headers));
    if let Some(token) = token {
        let actor = state.app.token_actor(&token).await.ok();
        if let Some(a) = &actor {
            crate::access_log::note_user(parts, &a.username);
        }
        return actor;
    }
    optional_session(parts, state).await.map(|s| s.actor)
}

/// The session, if the browser has a live one.
pub async fn optional_session(parts: &Parts, state: &AppState) -> Option<Session> {
    let token = session_token(&parts.headers)?;
    let (actor, csrf) = state.app.session_actor(&token).await.ok()?;
    crate::access_log::note_user(parts, &actor.username);
    Some(Session { actor, csrf, token })
}

/// The `Set-Cookie` value after sign-in.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that clears a cookie.
pub fn removal(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a request is not from this site, if it is not: a browser sends
/// `Sec-Fetch-Site` and (on posts) `Origin`; a page elsewhere cannot hide
/// either. `Origin` is compared with `Host` by host and port (a proxy that
/// ends TLS changes the scheme, not the host; it must pass `Host` on).
pub fn foreign_origin(headers: &HeaderMap) -> Option<&'static str> {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    if text("sec-fetch-site").is_some_and(|v| v.eq_ignore_ascii_case("cross-site")) {
        return Some("sent from another site (Sec-Fetch-Site: cross-site)");
    }
    let origin = text("origin")?;
    let host = text("host").unwrap_or("");
    let authority = origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'));
    if authority.is_some_and(|a| a.eq_ignore_ascii_case(host)) { None } else { Some("sent from another site (Origin)") }
}

/// Records a CSRF refusal: who (if known), from where, on what.
async fn audit_csrf(state: &AppState, parts: &Parts, actor: Option<&Actor>, why: &str) {
    let client = crate::client::client_ip(parts, &state.web.trusted_proxies);
    // Under `nest` the URI has lost its prefix; the original has it.
    let uri = parts.extensions.get::<axum::extract::OriginalUri>().map_or(&parts.uri, |o| &o.0);
    let subject = format!("{} {}", parts.method, uri.path());
    state.app.audit(AuditEntry::new(AuditKind::CsrfRefused, actor, &subject).client(client).detail(why)).await;
}

/// Middleware for UI routes: refuses any state-changing request from
/// another site or without the right CSRF token, read from the
/// `X-CSRF-Token` header or the form's `_csrf` field (URL-encoded or
/// multipart; the body is handed on intact).
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_safe(req.method()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let session = if parts.uri.path() == "/login" { None } else { optional_session(&parts, &state).await };
    let actor = session.as_ref().map(|s| s.actor.clone());
    if let Some(why) = foreign_origin(&parts.headers) {
        return refused(&state, &parts, actor.as_ref(), why, "the form was sent from another site").await;
    }
    let expected = if parts.uri.path() == "/login" {
        match CookieJar::from_headers(&parts.headers).get(LOGIN_CSRF_COOKIE) {
            Some(c) => state.app.login_form_token(c.value()).await.ok(),
            None => None,
        }
    } else {
        session.map(|s| s.csrf)
    };
    let Some(expected) = expected else {
        return refused(
            &state,
            &parts,
            actor.as_ref(),
            "no session",
            "sign in again: the form was sent without a live session",
        )
        .await;
    };
    let from_header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let (sent, body) = if let Some(v) = from_header {
        (Some(v), body)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let Ok(bytes) = to_bytes(body, state.web.max_body_bytes).await else {
            return body_too_large(state.web.max_body_bytes);
        };
        (form_value(&bytes, CSRF_FIELD), Body::from(bytes))
    } else if content_type.starts_with("multipart/form-data") {
        let Ok(bytes) = to_bytes(body, state.web.max_body_bytes).await else {
            return body_too_large(state.web.max_body_bytes);
        };
        (multipart_value(content_type, bytes.clone(), CSRF_FIELD).await, Body::from(bytes))
    } else {
        (None, body)
    };
    if !sent.is_some_and(|s| same_secret(&s, &expected)) {
        return refused(
            &state,
            &parts,
            actor.as_ref(),
            "missing or wrong token",
            "the form has expired or did not come from Steward; reload the page and try again",
        )
        .await;
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A form larger than any request may be (the body limit's own answer).
fn body_too_large(max: usize) -> Response {
    let text = format!("The request is too large: at most {} MB.\n", max.div_ceil(1024 * 1024));
    (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

async fn refused(state: &AppState, parts: &Parts, actor: Option<&Actor>, why: &str, shown: &str) -> Response {
    audit_csrf(state, parts, actor, why).await;
    csrf_refusal(shown)
}

/// One text field of a multipart body (the first with that name). The
/// body is in memory already, within the request limit.
async fn multipart_value(content_type: &str, bytes: axum::body::Bytes, key: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(key) {
            return field.text().await.ok();
        }
    }
    None
}

fn csrf_refusal(why: &str) -> Response {
    let mut r = (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("CSRF check failed: {why}\n"),
    )
        .into_response();
    r.extensions_mut().insert(Audited);
    r
}

/// Marks a refusal that has been audited already, so that the 403 layer
/// does not record it twice.
#[derive(Debug, Clone, Copy)]
pub struct Audited;

/// One value of an `application/x-www-form-urlencoded` string.
pub fn form_value(body: &[u8], key: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(body);
    pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter_map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let k = percent_decode(it.next()?);
            let v = percent_decode(it.next().unwrap_or(b""));
            Some((k, v))
        })
        .collect()
}

fn percent_decode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => {
                let hex = std::str::from_utf8(&s[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_form_values() {
        assert_eq!(form_value(b"a=1&_csrf=x%2By+z&b=", "_csrf").as_deref(), Some("x+y z"));
        assert_eq!(form_value(b"a=1", "_csrf"), None);
        assert_eq!(form_value(b"_csrf=%zz%4", "_csrf").as_deref(), Some("%zz%4"));
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("ab", "abc"));
        assert_eq!(urlencode("/incidents?state=new&x=ä"), "/incidents%3Fstate%3Dnew%26x%3D%C3%A4");
    }
}
