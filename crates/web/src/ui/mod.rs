//! The server-rendered HTML UI: sign-in, the desk's queues and incident
//! list, incident forms and pages, the requester's portal, settings.
//!
//! Pages are maud templates (compile-checked, auto-escaping) and work
//! without JavaScript; `assets/app.js` only adds keyboard shortcuts and a
//! few conveniences. Every text comes from [`crate::i18n`]. Handlers call
//! the same `steward_app::App` use cases as the JSON API.

mod activity;
mod admin_escalations;
mod admin_groups;
mod admin_ola;
mod admin_users;
mod admin_webhooks;
mod as_of;
mod assets;
mod audit;
mod canned_replies;
mod catalog;
mod clocks;
mod cmdb_ci;
mod cmdb_draft;
mod cmdb_form;
mod cmdb_impact;
mod cmdb_import;
mod cmdb_import_map;
mod cmdb_inventory;
mod cmdb_list;
mod cmdb_map;
mod cmdb_relate;
mod cmdb_sections;
mod cmdb_widgets;
mod desk;
mod errors;
mod fmt;
mod form;
mod home;
mod incident;
mod incident_actions;
mod incident_cis;
mod incident_form;
mod incident_problems;
mod kb;
mod kb_article;
mod kb_form;
mod layout;
mod list;
mod login;
mod notifications;
mod portal;
mod problem;
mod problem_actions;
mod problem_candidates;
mod problem_form;
mod problem_list;
mod problem_side;
mod search;
mod service_levels;
mod service_levels_edit;
mod service_levels_forms;
pub mod service_map;
mod settings;
mod sidebar;
mod suggestions;
mod widgets;

use crate::{AppState, auth::UiSession, i18n::Lang};
use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequestParts},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::Markup;
use steward_app::{Actor, AppError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(login::root))
        .route("/login", get(login::show).post(login::sign_in))
        .route("/logout", post(login::sign_out))
        .route("/assets/{file}", get(assets::serve))
        .route("/home", get(home::show))
        .route("/search", get(search::show))
        .route("/suggestions", get(suggestions::fragment))
        .route("/incidents", get(list::show).post(form::create))
        .route("/incidents/new", get(form::new))
        .route("/incidents/{number}", get(incident::show))
        .route("/incidents/{number}/edit", get(form::edit).post(form::update))
        .route("/incidents/{number}/state", post(incident_actions::transition))
        // A comment may carry files: the attachment limit applies to each.
        .route("/incidents/{number}/comments", post(incident_actions::comment).layer(DefaultBodyLimit::disable()))
        .route("/incidents/{number}/assign-to-me", post(desk::assign_to_me))
        .route("/incidents/{number}/problem", post(incident_problems::create))
        .route("/incidents/{number}/link-problem", post(incident_problems::link))
        .route("/incidents/{number}/apply-workaround", post(incident_problems::apply))
        .route("/problems", get(problem_list::show).post(problem_form::create))
        .route("/problems/new", get(problem_form::new))
        .route("/problems/{number}", get(problem::show))
        .route("/problems/{number}/edit", get(problem_form::edit).post(problem_form::update))
        .route("/problems/{number}/state", post(problem_actions::transition))
        .route("/problems/{number}/known-error", post(problem_actions::known_error))
        .route("/problems/{number}/incidents", post(problem_actions::link))
        .route("/problems/{number}/incidents/{incident}/unlink", post(problem_actions::unlink))
        .route("/incidents/bulk", post(desk::bulk))
        .route("/incidents/views", post(desk::save_view))
        .route("/incidents/views/{id}/delete", post(desk::delete_view))
        .route(canned_replies::PATH, get(canned_replies::show).post(canned_replies::create))
        .route("/settings/canned-replies/{id}", get(canned_replies::edit).post(canned_replies::update))
        .route("/settings/canned-replies/{id}/delete", post(canned_replies::delete))
        // The upload checks the configured attachment limit itself; axum's
        // default 2 MB body limit would refuse smaller files first.
        .route("/incidents/{number}/attachments", post(incident_actions::upload).layer(DefaultBodyLimit::disable()))
        .route("/incidents/{number}/attachments/{id}", get(incident_actions::download))
        .route("/portal", get(portal::my_incidents))
        // The report may carry files: the attachment limit applies to each.
        .route("/portal/report", get(portal::report_form).post(portal::report).layer(DefaultBodyLimit::disable()))
        .route("/incidents/{number}/watch", post(notifications::watch))
        .route("/admin/users", get(admin_users::list).post(admin_users::create))
        .route("/admin/users/{name}", get(admin_users::show).post(admin_users::update))
        .route("/admin/users/{name}/password", post(admin_users::reset_password))
        .route("/admin/users/{name}/sessions/end", post(admin_users::end_sessions))
        .route("/admin/users/{name}/tokens/{id}/revoke", post(admin_users::revoke_token))
        .route("/admin/groups", get(admin_groups::groups).post(admin_groups::create_group))
        .route("/admin/groups/{name}/members", post(admin_groups::add_member))
        .route("/admin/groups/{name}/members/{username}/remove", post(admin_groups::remove_member))
        .route("/admin/groups/{name}/manager", post(admin_groups::set_manager))
        .route("/admin/groups/{name}/ola", post(admin_ola::set))
        .route("/admin/groups/{name}/ola/remove", post(admin_ola::remove))
        .route("/admin/organisations", get(admin_groups::organisations).post(admin_groups::create_organisation))
        .route("/admin/organisations/{id}", post(admin_groups::rename_organisation))
        .route("/admin/organisations/{id}/delete", post(admin_groups::delete_organisation))
        .route(admin_escalations::PATH, get(admin_escalations::show).post(admin_escalations::create))
        .route("/admin/escalations/{id}", get(admin_escalations::edit).post(admin_escalations::update))
        .route("/admin/escalations/{id}/active", post(admin_escalations::switch))
        .route("/admin/escalations/{id}/delete", get(admin_escalations::confirm_delete).post(admin_escalations::delete))
        .route(admin_webhooks::PATH, get(admin_webhooks::show).post(admin_webhooks::create))
        .route("/admin/webhooks/{id}", get(admin_webhooks::edit).post(admin_webhooks::update))
        .route("/admin/webhooks/{id}/delete", get(admin_webhooks::confirm_delete).post(admin_webhooks::delete))
        .route("/admin/notifications", get(notifications::show))
        .route("/admin/audit", get(audit::show))
        .route("/admin/notifications/{id}/retry", post(notifications::retry))
        .route("/settings", get(settings::show).post(settings::save))
        .route(service_levels::PATH, get(service_levels_forms::show))
        .route("/settings/service-levels/calendars", post(service_levels_forms::create_calendar))
        .route(
            "/settings/service-levels/calendars/{id}",
            get(service_levels_edit::edit_calendar).post(service_levels_edit::update_calendar),
        )
        .route("/settings/service-levels/calendars/{id}/poland", post(service_levels_forms::add_poland))
        .route(
            "/settings/service-levels/calendars/{id}/ical",
            post(service_levels_forms::import_ical)
                .layer(DefaultBodyLimit::max(steward_domain::calendar::ICAL_MAX_BYTES + 64 * 1024)),
        )
        .route("/settings/service-levels/slas", post(service_levels_forms::create_sla))
        .route("/settings/service-levels/slas/{id}", get(service_levels_edit::edit).post(service_levels_edit::update))
        .route("/settings/notifications", post(settings::save_notifications))
        .route("/settings/password", post(settings::change_password))
        .route("/settings/sessions/{id}/end", post(settings::end_session))
        .route("/settings/sessions/end-others", post(settings::end_other_sessions))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/cmdb", get(cmdb_list::show))
        .route(
            "/cmdb/import",
            get(cmdb_import::show).post(cmdb_import::post).layer(DefaultBodyLimit::max(cmdb_import::BODY_MAX)),
        )
        .route("/cmdb/new", get(cmdb_form::new).post(cmdb_form::create))
        .route("/cmdb/{id}", get(cmdb_ci::show))
        .route("/cmdb/{id}/edit", get(cmdb_form::edit).post(cmdb_form::update))
        .route("/cmdb/{id}/relations", post(cmdb_relate::add))
        .route("/cmdb/{id}/relations/{rid}/remove", post(cmdb_relate::remove))
        .route("/kb", get(kb::show).post(kb_form::create))
        .route("/kb/new", get(kb_form::new))
        .route("/kb/{number}", get(kb_article::show))
        .route("/kb/{number}/edit", get(kb_form::edit).post(kb_form::update))
        .route("/kb/{number}/state", post(kb_article::transition))
        .route("/kb/{number}/versions", post(kb_article::start_version))
        .route("/kb/{number}/feedback", post(kb_article::feedback))
        .route("/services", get(catalog::list))
        .route("/services/{id}", get(catalog::show))
        .fallback(errors::fallback)
}

/// Middleware: renders the request's pages in the signed-in user's time
/// zone (their browser's, else the site's, when they chose none; the
/// site's for anonymous pages).
pub async fn viewer_zone(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let session = crate::auth::optional_session(&parts, &state).await;
    // Their own zone, else their browser's, else the site's.
    let site = &state.app.config.site;
    let zone = match &session {
        Some(s) => site.zone_of_actor(&s.actor),
        None => site.zone_for(None, None),
    };
    fmt::with_zone(zone, next.run(axum::extract::Request::from_parts(parts, body))).await
}

/// Everything a page for a signed-in user needs: who, in which language,
/// the CSRF token for its forms, and where they are (for the navigation).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    pub path: String,
}

impl Ctx {
    pub fn t(&self, m: crate::i18n::Msg) -> &'static str {
        crate::i18n::t(self.lang, m)
    }

    /// A message whose `{number}` is an example number of `kind`
    /// (`INC0000042`), written with the prefix this site uses.
    pub fn t_example(&self, m: crate::i18n::Msg, kind: steward_domain::number::RecordKind) -> String {
        let number = steward_domain::RecordNumber { kind, seq: 42 }.to_string();
        crate::i18n::tf(self.lang, m, &[("number", &number)])
    }

    /// The error page (or sign-in redirect) for a failed use case.
    pub fn fail(&self, e: AppError) -> Failure {
        errors::app_error(self, e).into()
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let UiSession(s) = UiSession::from_request_parts(parts, state).await?;
        let lang = Lang::choose(s.actor.locale.as_deref(), accept_language(&parts.headers), state.site_lang());
        Ok(Ctx { lang, actor: s.actor, csrf: s.csrf, token: s.token, path: parts.uri.path().to_owned() })
    }
}

pub fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// An error page (or a redirect to sign-in) on its way out through `?`;
/// boxed, because a response is large and most results are not errors.
pub struct Failure(Box<Response>);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<Response> for Failure {
    fn from(r: Response) -> Self {
        Failure(Box::new(r))
    }
}

/// What UI handlers return: a page, a redirect, or an error page.
pub type UiResult = Result<Response, Failure>;

/// `result.or_page(&ctx)?` turns a use-case error into its error page.
pub trait OrPage<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Failure>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, ctx: &Ctx) -> Result<T, Failure> {
        self.map_err(|e| ctx.fail(e))
    }
}

/// An HTML page. Pages show private data, so they are never cached, and
/// the policy forbids any script, style or frame not served by Steward.
pub fn html(status: StatusCode, page: Markup) -> Response {
    let mut r = (status, page).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

pub fn ok(page: Markup) -> UiResult {
    Ok(html(StatusCode::OK, page))
}

/// The redirect after a successful post (303, so the browser GETs).
pub fn see_other(to: &str) -> UiResult {
    Ok(Redirect::to(to).into_response())
}

/// Staff-only pages refuse requesters with the reason.
pub fn staff_only(ctx: &Ctx) -> Result<(), Failure> {
    if ctx.actor.is_staff() {
        Ok(())
    } else {
        Err(ctx.fail(AppError::Forbidden(crate::i18n_codes::ui(steward_app::Code::DenyStaffPage, &[]))))
    }
}

/// A post that carries only the version the page showed (delete, assign to
/// me, a holiday change): one shape for every form that needs no more.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    pub version: String,
}
