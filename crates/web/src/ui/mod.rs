//! The server-rendered HTML UI: sign-in, the desk's queues and incident
//! list, incident forms and pages, the requester's portal, settings.
//!
//! Pages are maud templates (compile-checked, auto-escaping) and work
//! without JavaScript; `assets/app.js` only adds keyboard shortcuts and a
//! few conveniences. Every text comes from [`crate::i18n`]. Handlers call
//! the same `steward_app::App` use cases as the JSON API.

mod activity;
mod admin;
mod admin_escalations;
mod admin_groups;
mod admin_ola;
mod admin_texts;
mod admin_users;
mod admin_webhooks;
pub mod alert_ci_rules;
mod alert_ci_rules_texts;
mod alert_console;
mod alert_page;
pub mod alert_routing;
mod alert_routing_texts;
mod alert_silence;
mod alert_silences;
mod alert_texts;
mod alert_windows;
mod area;
mod as_of;
mod assets;
mod audit;
mod cab_agenda;
mod cab_texts;
mod calendar_feeds;
mod calendar_keep;
mod calendar_texts;
mod canned_replies;
mod catalog;
mod change;
mod change_actions;
mod change_alerts;
mod change_calendar;
mod change_conflicts;
mod change_form;
mod change_impact;
mod change_list;
mod change_review;
mod change_review_texts;
pub mod change_risk;
mod change_risk_texts;
mod change_side;
mod change_templates;
pub(crate) mod change_texts;
mod check_chart;
mod check_form;
mod check_list;
mod check_page;
mod check_texts;
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
mod cmdb_texts;
mod cmdb_widgets;
mod cmdb_words;
mod conversation;
mod desk;
mod desk_texts;
mod errors;
mod fmt;
mod form;
mod home;
mod improvements;
mod incident;
mod incident_actions;
mod incident_cause;
mod incident_cis;
mod incident_form;
mod incident_problems;
mod incident_texts;
mod incidents;
mod json_editor;
mod kb;
mod kb_article;
mod kb_form;
mod kb_texts;
mod layout;
pub(crate) mod link_texts;
mod list;
mod login;
mod notifications;
mod portal;
mod portal_texts;
mod problem;
mod problem_actions;
mod problem_candidates;
mod problem_form;
mod problem_list;
mod problem_side;
pub(crate) mod problem_texts;
mod record_actions;
mod record_form;
mod record_links;
mod record_list;
mod record_page;
mod report_charts;
mod report_kinds;
mod report_panels;
mod report_texts;
mod reports;
mod saved_reports;
mod search;
mod search_texts;
mod service_availability;
mod service_level_texts;
mod service_levels;
mod service_levels_edit;
mod service_levels_forms;
pub mod service_map;
mod settings;
mod settings_texts;
mod sidebar;
mod state_moves;
mod suggestions;
mod task;
mod task_list;
pub(crate) mod task_texts;
mod two_factor;
mod widgets;

use crate::{AppState, auth::UiSession, i18n::Lang};
use axum::{
    Router,
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use maud::Markup;
use steward_app::{Actor, AppError};

/// Every area of the UI, each declaring its routes and navigation entries
/// in its own module: a new kind adds its line here. The main navigation
/// shows the areas' entries in this order (requesters' and staff's
/// entries interleave: the portal's come first for requesters, the queues'
/// for staff).
const AREAS: &[area::Area] = &[
    login::AREA,
    assets::AREA,
    portal::AREA,
    home::AREA,
    incidents::AREA,
    alert_console::AREA,
    check_list::AREA,
    problem_list::AREA,
    change_list::AREA,
    change_calendar::AREA,
    change_review::AREA,
    reports::AREA,
    cab_agenda::AREA,
    change_risk::AREA,
    alert_routing::AREA,
    alert_ci_rules::AREA,
    task_list::AREA,
    cmdb_list::AREA,
    kb::AREA,
    admin::AREA,
    service_levels::AREA,
    settings::AREA,
    search::AREA,
];

pub fn routes() -> Router<AppState> {
    AREAS.iter().fold(Router::new(), |r, a| r.merge((a.routes)())).fallback(errors::fallback)
}

/// The main navigation for this page's viewer: (href, label, is current).
pub fn nav(ctx: &Ctx) -> Vec<(&'static str, &'static dyn crate::i18n::Text, bool)> {
    area::nav(AREAS, &ctx.actor, &ctx.path)
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
    /// A message of any catalogue (the shared one or an area's) in the
    /// viewer's language.
    pub fn t(&self, m: impl crate::i18n::Text) -> &'static str {
        crate::i18n::t(self.lang, m)
    }

    /// A message whose `{number}` is an example number of `kind`
    /// (`INC0000042`), written with the prefix this site uses.
    pub fn t_example(&self, m: impl crate::i18n::Text, kind: steward_domain::number::RecordKind) -> String {
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
