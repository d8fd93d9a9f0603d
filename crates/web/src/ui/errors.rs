//! Error pages in the layout: not found, not allowed (with the reason),
//! too many attempts, unavailable, and our own failures.

use super::{Ctx, accept_language, html, layout};
use crate::{
    AppState,
    auth::optional_session,
    error::ApiError,
    i18n::{self, Lang, Msg},
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use steward_app::AppError;

fn body(lang: Lang, status: StatusCode, title: &str, text: &str, detail: Option<&str>) -> Markup {
    html! {
        section.error-page {
            p.error-code { (status.as_u16()) }
            h1 { (title) }
            p { (text) }
            @if let Some(d) = detail { p.error-reason { (d) } }
            p { a.btn href="/" { (i18n::t(lang, Msg::BackToStart)) } }
        }
    }
}

/// What the page says for an error: status, title, text, detail.
fn describe(lang: Lang, e: &AppError) -> (StatusCode, Msg, String, Option<String>) {
    match e {
        AppError::NotFound(_) => {
            (StatusCode::NOT_FOUND, Msg::NotFoundTitle, i18n::t(lang, Msg::NotFoundText).into(), None)
        }
        AppError::Forbidden(why) => (
            StatusCode::FORBIDDEN,
            Msg::ForbiddenTitle,
            i18n::t(lang, Msg::ForbiddenIntro).into(),
            Some(super::widgets::sentence(&crate::i18n_codes::message(lang, why))),
        ),
        AppError::Conflict(why) => (
            StatusCode::CONFLICT,
            Msg::BadRequestTitle,
            super::widgets::sentence(&crate::i18n_codes::message(lang, why)),
            None,
        ),
        AppError::Throttled { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            Msg::BadRequestTitle,
            i18n::tf(lang, Msg::Throttled, &[("wait", &i18n::wait(lang, *retry_after_secs))]),
            None,
        ),
        AppError::Unavailable(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Msg::UnavailableTitle,
            i18n::t(lang, Msg::ErrorText).into(),
            Some(why.clone()),
        ),
        AppError::Internal(cause) => {
            tracing::error!(%cause, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, Msg::ErrorTitle, i18n::t(lang, Msg::ErrorText).into(), None)
        }
        // Forms handle these beside their fields; reaching here means a
        // request no page of ours sends (hand-made, or a stale bookmark).
        AppError::Invalid(errors) => {
            let detail = errors
                .iter()
                .map(|e| format!("{}: {}", i18n::field(lang, &e.field), i18n::app_message(lang, e)))
                .collect::<Vec<_>>()
                .join("; ");
            (StatusCode::UNPROCESSABLE_ENTITY, Msg::BadRequestTitle, detail, None)
        }
        AppError::BadQuery { field, error } => (
            StatusCode::BAD_REQUEST,
            Msg::BadRequestTitle,
            format!("{}: {}", i18n::field(lang, field), super::search_texts::query_error(lang, error)),
            None,
        ),
        other => (StatusCode::CONFLICT, Msg::BadRequestTitle, other.to_string(), None),
    }
}

/// What a panel says for an error it shows in place of its content.
pub fn reason(lang: Lang, e: &AppError) -> String {
    let (_, _, text, detail) = describe(lang, e);
    detail.unwrap_or(text)
}

/// The error page for a signed-in user; sign-in for an ended session.
pub fn app_error(ctx: &Ctx, e: AppError) -> Response {
    if let AppError::Unauthenticated(_) = e {
        return Redirect::to("/login").into_response();
    }
    let (status, title, text, detail) = describe(ctx.lang, &e);
    let title = ctx.t(title);
    let mut r = html(status, layout::page(ctx, title, body(ctx.lang, status, title, &text, detail.as_deref())));
    if let AppError::Throttled { retry_after_secs } = e
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The error page for an API-layer error (attachments reuse API helpers).
pub fn api_error(ctx: &Ctx, e: ApiError) -> Response {
    let app = match e.status {
        StatusCode::NOT_FOUND => AppError::NotFound("record"),
        StatusCode::FORBIDDEN => {
            AppError::Forbidden(e.refusal.unwrap_or_else(|| steward_app::Code::Denied.msg(e.detail)))
        }
        StatusCode::UNAUTHORIZED => AppError::Unauthenticated("sign in"),
        s if s.is_server_error() => AppError::Internal(e.detail),
        _ => AppError::Invalid(e.errors),
    };
    app_error(ctx, app)
}

/// Unknown addresses: a 404 page, in the layout when signed in.
pub async fn fallback(State(s): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang_header = accept_language(&parts.headers).map(str::to_owned);
    match optional_session(&parts, &s).await {
        Some(session) => {
            let lang = Lang::choose(session.actor.locale.as_deref(), lang_header.as_deref(), s.site_lang());
            let ctx = Ctx {
                lang,
                actor: session.actor,
                csrf: session.csrf,
                token: session.token,
                path: parts.uri.path().to_owned(),
            };
            app_error(&ctx, AppError::NotFound("page"))
        }
        None => {
            let lang = Lang::choose(None, lang_header.as_deref(), s.site_lang());
            let title = i18n::t(lang, Msg::NotFoundTitle);
            let text = i18n::t(lang, Msg::NotFoundText);
            html(StatusCode::NOT_FOUND, layout::bare(lang, title, body(lang, StatusCode::NOT_FOUND, title, text, None)))
        }
    }
}
