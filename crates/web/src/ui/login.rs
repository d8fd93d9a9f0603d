//! Signing in and out, and `/`, which sends each role to its start page.
//!
//! The sign-in form is bound to a pre-session (see
//! `crate::auth::csrf_guard`): the cookie set here holds a random
//! pre-session id, and the form's hidden field a value derived from it with
//! a server key, which no other site can compute.

use super::{Ctx, Failure, UiResult, accept_language, fmt, html, widgets};
use crate::{
    AppState,
    auth::{CSRF_FIELD, LOGIN_CSRF_COOKIE, SESSION_COOKIE, optional_session, removal, session_cookie},
    i18n::{self, Lang, Msg},
};
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use maud::html;
use serde::Deserialize;
use steward_app::{
    AppError, Code,
    auth::SignIn,
    ldap_sign_in,
    oidc::{Callback, OidcError},
    two_factor,
};

/// Binds a single sign-on under way to the browser that began it.
pub const OIDC_COOKIE: &str = "steward_oidc";

/// Signing in and out, and `/`: routes only, no navigation entry.
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(root))
        .route("/login", get(show).post(sign_in))
        .route("/logout", post(sign_out))
        .route("/auth/oidc/start", get(oidc_start))
        .route("/auth/oidc/callback", get(oidc_callback))
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    /// `signed_out` after logging out.
    m: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    /// The second step: the challenge the password earned, and the code.
    challenge: String,
    code: String,
    next: String,
    /// The browser's time zone, filled in by the script (empty without).
    time_zone: String,
}

/// `/`: the desk's queues, the requester's incidents, or sign-in.
pub async fn root(State(s): State<AppState>, parts: Parts) -> Response {
    match optional_session(&parts, &s).await {
        Some(session) if session.actor.is_staff() => Redirect::to("/home").into_response(),
        Some(_) => Redirect::to("/portal").into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

/// The login cookie's value if it is one of ours, so that a second tab
/// does not invalidate the first tab's form.
fn existing_token(headers: &HeaderMap) -> Option<String> {
    let v = CookieJar::from_headers(headers).get(LOGIN_CSRF_COOKIE)?.value().to_owned();
    let plausible =
        (20..=100).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plausible.then_some(v)
}

fn login_cookie(value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{LOGIN_CSRF_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Lax{secure}")
}

enum Problem {
    None,
    Wrong,
    WrongCode,
    Expired,
    Throttled(u64),
    /// A single sign-on that did not sign anyone in.
    Sso(OidcError),
    /// The directory is down or too slow (directory accounts only).
    DirectoryDown,
    /// A directory user named like a local account.
    DirectoryNameTaken,
    /// A directory user in no group that gives a role.
    DirectoryNoRole,
    /// A directory user whose username Steward cannot take.
    DirectoryBadName,
}

impl Problem {
    fn text(&self, lang: Lang) -> Option<String> {
        let t = |m| i18n::t(lang, m).to_owned();
        match self {
            Problem::None => None,
            Problem::Wrong => Some(t(Msg::WrongCredentials)),
            Problem::WrongCode => Some(t(Msg::WrongCode)),
            Problem::Expired => Some(t(Msg::CodeExpired)),
            Problem::Throttled(secs) => Some(i18n::tf(lang, Msg::Throttled, &[("wait", &i18n::wait(lang, *secs))])),
            Problem::Sso(e) => Some(match e {
                OidcError::Off => t(Msg::SsoOff),
                OidcError::Unavailable(_) | OidcError::Internal(_) => t(Msg::SsoUnavailable),
                OidcError::Provider { error, .. } => i18n::tf(lang, Msg::SsoRefused, &[("error", error)]),
                OidcError::State(_) => t(Msg::SsoExpired),
                OidcError::Token(_) => t(Msg::SsoInvalid),
                OidcError::Claim(c) => i18n::tf(lang, Msg::SsoMissingClaim, &[("claim", c)]),
                OidcError::NoRole => t(Msg::SsoNoRole),
                OidcError::NameTaken(name) => i18n::tf(lang, Msg::SsoNameTaken, &[("name", name)]),
                OidcError::Deactivated => t(Msg::SsoDeactivated),
            }),
            Problem::DirectoryDown => Some(t(Msg::DirectoryDown)),
            Problem::DirectoryNameTaken => Some(t(Msg::DirectoryNameTaken)),
            Problem::DirectoryNoRole => Some(t(Msg::DirectoryNoRole)),
            Problem::DirectoryBadName => Some(t(Msg::DirectoryBadName)),
        }
    }
}

/// The single sign-on button, when it is configured.
#[derive(Clone)]
struct Sso {
    label: String,
    /// Everyone signs in this way: the password form is folded away.
    only: bool,
}

fn sso(s: &AppState, lang: Lang) -> Option<Sso> {
    s.app.oidc().map(|c| Sso {
        label: c.button_label.clone().unwrap_or_else(|| i18n::t(lang, Msg::SsoButton).to_owned()),
        only: c.only,
    })
}

struct Page<'a> {
    csrf: &'a str,
    username: &'a str,
    next: &'a str,
    problem: &'a Problem,
    signed_out: bool,
    sso: Option<Sso>,
}

fn render(lang: Lang, p: &Page<'_>) -> maud::Markup {
    let t = |m| i18n::t(lang, m);
    let Page { csrf, username, next, problem, signed_out, .. } = *p;
    let message = problem.text(lang);
    // After a password was tried, the form stays open.
    let fold = p.sso.as_ref().is_some_and(|s| s.only) && username.is_empty();
    let form = html! {
            form method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                input type="hidden" name="next" value=(next);
                input #browser-zone type="hidden" name="time_zone" value="";
                div.field {
                    label for="username" { (t(Msg::Username)) }
                    input #username type="text" name="username" value=(username) required autocomplete="username"
                        autocapitalize="none" spellcheck="false" autofocus[username.is_empty()]
                        aria-describedby=[message.as_ref().map(|_| "login-error")];
                }
                div.field {
                    label for="password" { (t(Msg::Password)) }
                    input #password type="password" name="password" required autocomplete="current-password"
                        autofocus[!username.is_empty()] aria-describedby=[message.as_ref().map(|_| "login-error")];
                }
                button.btn.btn-primary.btn-block type="submit" { (t(Msg::SignIn)) }
            }
    };
    let body = html! {
        section.login-card aria-labelledby="login-title" {
            h1 #login-title { (t(Msg::SignInTitle)) }
            p.muted { (t(Msg::SignInIntro)) }
            @if signed_out && message.is_none() { (widgets::notice(t(Msg::SignedOut))) }
            @if let Some(m) = &message {
                div.notice.error #login-error role="alert" { (m) }
            }
            @if let Some(sso) = &p.sso {
                a.btn.btn-primary.btn-block #sso-button href={ "/auth/oidc/start?next=" (crate::auth::urlencode(next)) } {
                    (sso.label)
                }
                @if fold {
                    details.login-password {
                        summary { (t(Msg::SsoPasswordInstead)) }
                        (form)
                    }
                } @else {
                    p.login-or aria-hidden="true" { span { (t(Msg::SsoOr)) } }
                    (form)
                }
            } @else {
                (form)
            }
            p.hint { (t(Msg::ForgotPassword)) }
        }
    };
    super::layout::bare(lang, t(Msg::SignIn), body)
}

/// The second step: the code from the app, sent with the challenge.
fn render_code(lang: Lang, csrf: &str, challenge: &str, next: &str, problem: &Problem) -> maud::Markup {
    let t = |m| i18n::t(lang, m);
    let message = problem.text(lang);
    let body = html! {
        section.login-card aria-labelledby="login-title" {
            h1 #login-title { (t(Msg::CodeTitle)) }
            p.muted #code-intro { (t(Msg::CodeIntro)) }
            @if let Some(m) = &message {
                div.notice.error #login-error role="alert" { (m) }
            }
            form method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                input type="hidden" name="next" value=(next);
                input type="hidden" name="challenge" value=(challenge);
                div.field {
                    label for="code" { (t(Msg::CodeLabel)) }
                    input #code type="text" name="code" required autocomplete="one-time-code" inputmode="numeric"
                        autocapitalize="none" spellcheck="false" autofocus maxlength="32"
                        aria-describedby=(if message.is_some() { "code-intro login-error" } else { "code-intro" });
                }
                button.btn.btn-primary.btn-block type="submit" { (t(Msg::SignIn)) }
            }
            p.hint { (t(Msg::LostDevice)) }
        }
    };
    super::layout::bare(lang, t(Msg::CodeTitle), body)
}

/// The sign-in page; signed-in users go straight on.
pub async fn show(State(s): State<AppState>, Query(q): Query<LoginQuery>, parts: Parts) -> UiResult {
    let next = fmt::safe_next(q.next.as_deref());
    if optional_session(&parts, &s).await.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    login_page(&s, &parts, &next, Problem::None, StatusCode::OK, q.m.as_deref() == Some("signed_out")).await
}

/// The sign-in page with `problem` told, under a pre-session cookie.
async fn login_page(
    s: &AppState,
    parts: &Parts,
    next: &str,
    problem: Problem,
    status: StatusCode,
    signed_out: bool,
) -> UiResult {
    let lang = Lang::choose(None, accept_language(&parts.headers), s.site_lang());
    let pre_session = match existing_token(&parts.headers) {
        Some(t) => t,
        None => steward_app::auth::random_secret().map_err(|e| Failure::from(internal(lang, e)))?,
    };
    let token = s.app.login_form_token(&pre_session).await.map_err(|e| Failure::from(internal(lang, e)))?;
    let page = Page { csrf: &token, username: "", next, problem: &problem, signed_out, sso: sso(s, lang) };
    let mut r = html(status, render(lang, &page));
    set_cookie(&mut r, &login_cookie(&pre_session, s.web.secure_cookies));
    Ok(r)
}

/// `/auth/oidc/start`: off to the provider, with a cookie that binds its
/// answer to this browser.
pub async fn oidc_start(State(s): State<AppState>, Query(q): Query<LoginQuery>, parts: Parts) -> UiResult {
    let next = fmt::safe_next(q.next.as_deref());
    let client = crate::client::client_ip(&parts, &s.web.trusted_proxies);
    match s.app.oidc_start(&next, client).await {
        Ok(started) => {
            let mut r = Redirect::to(&started.url).into_response();
            set_cookie(&mut r, &oidc_cookie(&started.browser, steward_app::oidc::LOGIN_SECS, s.web.secure_cookies));
            Ok(r)
        }
        Err(e) => sso_refused(&s, &parts, &next, e).await,
    }
}

/// `/auth/oidc/callback`: the provider's answer; signed in, the browser
/// goes to the page it first asked for.
pub async fn oidc_callback(State(s): State<AppState>, Query(cb): Query<Callback>, parts: Parts) -> UiResult {
    let client = crate::client::client_ip(&parts, &s.web.trusted_proxies);
    let browser = CookieJar::from_headers(&parts.headers).get(OIDC_COOKIE).map(|c| c.value().to_owned());
    match s.app.oidc_finish(&cb, browser.as_deref(), client).await {
        Ok(done) => {
            let agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
            if let Err(e) = s.app.describe_session(&done.session.token, agent).await {
                tracing::warn!(error = %e, "naming the session's browser failed");
            }
            let language = accept_language(&parts.headers).and_then(i18n::negotiate).map(Lang::code);
            if let Err(e) = s.app.note_browser(done.actor.id, language, None).await {
                tracing::warn!(error = %e, "recording the browser's language failed");
            }
            crate::access_log::note_user(&parts, &done.actor.username);
            let mut r = Redirect::to(&fmt::safe_next(Some(&done.next))).into_response();
            set_cookie(&mut r, &session_cookie(&done.session.token, done.session.max_age_secs, s.web.secure_cookies));
            set_cookie(&mut r, &oidc_cookie("", 0, s.web.secure_cookies));
            Ok(r)
        }
        Err(e) => {
            let mut r = sso_refused(&s, &parts, "/", e).await?;
            set_cookie(&mut r, &oidc_cookie("", 0, s.web.secure_cookies));
            Ok(r)
        }
    }
}

fn oidc_cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{OIDC_COOKIE}={value}; Path=/auth/oidc; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The sign-in page telling why single sign-on did not sign anyone in.
async fn sso_refused(s: &AppState, parts: &Parts, next: &str, e: OidcError) -> UiResult {
    tracing::warn!(error = %e, "single sign-on refused");
    let status = match &e {
        OidcError::Off => StatusCode::NOT_FOUND,
        OidcError::Unavailable(_) | OidcError::Internal(_) => StatusCode::SERVICE_UNAVAILABLE,
        OidcError::State(_) | OidcError::Provider { .. } => StatusCode::BAD_REQUEST,
        OidcError::Token(_) => StatusCode::UNAUTHORIZED,
        OidcError::Claim(_) | OidcError::NoRole | OidcError::Deactivated => StatusCode::FORBIDDEN,
        OidcError::NameTaken(_) => StatusCode::CONFLICT,
    };
    login_page(s, parts, next, Problem::Sso(e), status, false).await
}

pub async fn sign_in(State(s): State<AppState>, parts: Parts, Form(f): Form<LoginForm>) -> UiResult {
    let lang = Lang::choose(None, accept_language(&parts.headers), s.site_lang());
    let next = fmt::safe_next(Some(&f.next));
    let client = crate::client::client_ip(&parts, &s.web.trusted_proxies);
    // The guard has checked the form against this cookie.
    let pre_session = existing_token(&parts.headers).unwrap_or_default();
    let second_step = !f.challenge.is_empty();
    let outcome = if second_step {
        s.app
            .sign_in_with_code(&f.challenge, &f.code, client, &pre_session)
            .await
            .map(|(a, n)| SignIn::Done(Box::new(a), n))
    } else {
        s.app.sign_in(&f.username, &f.password, client, &pre_session).await
    };
    let token = || async { s.app.login_form_token(&pre_session).await.map_err(|e| Failure::from(internal(lang, e))) };
    match outcome {
        Ok(SignIn::Done(actor, session)) => {
            let agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
            if let Err(e) = s.app.describe_session(&session.token, agent).await {
                tracing::warn!(error = %e, "naming the session's browser failed");
            }
            // Once per session: the browser's language and zone, for the
            // user's e-mail while they have chosen none.
            let language = accept_language(&parts.headers).and_then(i18n::negotiate).map(Lang::code);
            if let Err(e) = s.app.note_browser(actor.id, language, Some(&f.time_zone)).await {
                tracing::warn!(error = %e, "recording the browser's language and zone failed");
            }
            crate::access_log::note_user(&parts, &actor.username);
            let mut r = Redirect::to(&next).into_response();
            set_cookie(&mut r, &session_cookie(&session.token, session.max_age_secs, s.web.secure_cookies));
            set_cookie(&mut r, &format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax"));
            Ok(r)
        }
        Ok(SignIn::NeedsCode(challenge)) => {
            Ok(html(StatusCode::OK, render_code(lang, &token().await?, &challenge, &next, &Problem::None)))
        }
        Err(e) => {
            let (status, problem) = match e {
                AppError::Unauthenticated(why) if second_step && why == two_factor::WRONG_CODE => {
                    (StatusCode::UNAUTHORIZED, Problem::WrongCode)
                }
                AppError::Unauthenticated(_) if second_step => (StatusCode::UNAUTHORIZED, Problem::Expired),
                AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, Problem::Wrong),
                AppError::Throttled { retry_after_secs } => {
                    (StatusCode::TOO_MANY_REQUESTS, Problem::Throttled(retry_after_secs))
                }
                AppError::Unavailable(why) if why == ldap_sign_in::DIRECTORY_DOWN => {
                    (StatusCode::SERVICE_UNAVAILABLE, Problem::DirectoryDown)
                }
                AppError::Conflict(m) if m.code == Code::NameTaken => {
                    (StatusCode::CONFLICT, Problem::DirectoryNameTaken)
                }
                AppError::Forbidden(m) if m.code == Code::DenyDirectoryNoRole => {
                    (StatusCode::FORBIDDEN, Problem::DirectoryNoRole)
                }
                AppError::Forbidden(m) if m.code == Code::UsernameChars || m.code == Code::FromTo => {
                    (StatusCode::FORBIDDEN, Problem::DirectoryBadName)
                }
                other => return Err(internal(lang, other).into()),
            };
            let page = match problem {
                Problem::WrongCode | Problem::Throttled(_) if second_step => {
                    render_code(lang, &token().await?, &f.challenge, &next, &problem)
                }
                _ => {
                    let token = token().await?;
                    let page = Page {
                        csrf: &token,
                        username: f.username.trim(),
                        next: &next,
                        problem: &problem,
                        signed_out: false,
                        sso: sso(&s, lang),
                    };
                    render(lang, &page)
                }
            };
            let mut r = html(status, page);
            if let Problem::Throttled(secs) = problem
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(r)
        }
    }
}

pub async fn sign_out(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    if let Err(e) = s.app.logout(&ctx.token).await {
        return Err(ctx.fail(e));
    }
    let mut r = Redirect::to("/login?m=signed_out").into_response();
    set_cookie(&mut r, &removal(SESSION_COOKIE));
    Ok(r)
}

fn set_cookie(r: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Sign-in failures other than wrong credentials: shown without the layout.
fn internal(lang: Lang, e: AppError) -> Response {
    tracing::error!(error = %e, "sign-in failed");
    let (status, title) = match e {
        AppError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, Msg::UnavailableTitle),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, Msg::ErrorTitle),
    };
    let title = i18n::t(lang, title);
    let body = html! { section.error-page { h1 { (title) } p { (i18n::t(lang, Msg::ErrorText)) } } };
    html(status, super::layout::bare(lang, title, body))
}
