//! The JSON API under `/api/v1`, described by an OpenAPI 3 document
//! generated from these handlers at `/api/v1/openapi.json`.

pub mod accounts;
pub mod article_dto;
pub mod articles;
pub mod audit;
pub mod cmdb;
pub mod contract;
pub mod desk;
pub mod discussion;
pub mod dto;
pub mod escalations;
pub mod health;
pub mod incidents;
pub mod me;
pub mod notifications;
pub mod people;
pub mod problem_comments;
pub mod problem_dto;
pub mod problems;
pub mod schema;
pub mod search;
pub mod sla;
pub mod sla_dto;
pub mod users;

use crate::AppState;
use axum::{
    Json, Router,
    extract::DefaultBodyLimit,
    response::IntoResponse,
    routing::{delete, get, patch, post, put},
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Steward API", description = "IT service management: incidents, problems and known errors, the knowledge base, service levels, notifications, the CMDB and service catalog, accounts, tokens."),
    paths(
        incidents::list, incidents::create, incidents::get_one, incidents::update, incidents::transition,
        incidents::comments, incidents::add_comment, incidents::journal, incidents::attachments,
        incidents::upload, incidents::download,
        accounts::me, accounts::users, accounts::add_user, accounts::groups, accounts::add_group,
        accounts::add_member, accounts::tokens, accounts::create_token, accounts::revoke_token, audit::list,
        me::update_profile, me::change_password, me::sessions, me::revoke_session,
        users::get_user, users::update_user, users::reset_password, users::user_sessions, users::revoke_user_sessions,
        users::remove_member, users::organisations, users::create_organisation, users::rename_organisation,
        users::delete_organisation, people::members, people::tokens, people::revoke_token,
        sla::clocks, sla::calendars, sla::create_calendar, sla::get_calendar, sla::calendar_history, sla::update_calendar,
        sla::add_preset, sla::import_ical, sla::slas, sla::create_sla, sla::get_sla, sla::sla_history, sla::update_sla,
        sla::set_ola, sla::delete_ola,
        escalations::list, escalations::create, escalations::get_one, escalations::replace,
        escalations::delete, escalations::set_manager, escalations::inbound,
        notifications::outbox, notifications::retry, notifications::webhooks, notifications::create_webhook,
        notifications::webhook, notifications::update_webhook, notifications::delete_webhook,
        notifications::deliveries, notifications::watchers, notifications::watch, notifications::unwatch,
        notifications::my_notifications, notifications::set_my_notifications,
        cmdb::list, cmdb::create, cmdb::get_one, cmdb::update, cmdb::journal, cmdb::relations,
        cmdb::add_relation, cmdb::remove_relation, cmdb::impact_of, cmdb::dependencies_of, cmdb::impact,
        cmdb::open_incidents, cmdb::bulk, cmdb::import, cmdb::classes, cmdb::save_class, cmdb::services,
        cmdb::inventory,
        desk::list_replies, desk::create_reply, desk::get_reply, desk::update_reply, desk::delete_reply,
        desk::incident_replies, desk::assign_to_me, desk::views, desk::save_view, desk::delete_view, desk::bulk,
    ),
    // Schemas named only by query parameters, which utoipa does not collect.
    components(schemas(crate::error::Problem, crate::error::ProblemField, schema::CiListFormat,
        schema::ImpactInclude, schema::ImpactDirection, schema::CiStatus, schema::OutboxState, schema::SearchKindName)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// One resource of the API: its routes and the OpenAPI description of
/// them, declared side by side in its module and registered once, in
/// [`RESOURCES`].
pub struct Resource {
    pub routes: fn() -> Router<AppState>,
    pub doc: fn() -> utoipa::openapi::OpenApi,
}

/// The resources that register themselves: a new kind adds its line here
/// (the older resources are still listed in [`ApiDoc`] and [`routes`]).
const RESOURCES: &[Resource] = &[problems::RESOURCE, articles::RESOURCE, search::RESOURCE];

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document: what the handlers declare, completed by
/// [`contract::complete`]. Built once.
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut api = ApiDoc::openapi();
        for r in RESOURCES {
            api.merge((r.doc)());
        }
        let mut doc = serde_json::to_value(api).unwrap_or_default();
        contract::complete(&mut doc);
        doc
    })
}

async fn openapi() -> impl IntoResponse {
    Json(document())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(accounts::me).patch(me::update_profile))
        .route("/me/password", put(me::change_password))
        .route("/me/sessions", get(me::sessions))
        .route("/me/sessions/{id}", delete(me::revoke_session))
        .route("/users/{name}", get(users::get_user).patch(users::update_user))
        .route("/users/{name}/password", put(users::reset_password))
        .route("/users/{name}/sessions", get(users::user_sessions).delete(users::revoke_user_sessions))
        .route("/groups/{name}/members/{username}", delete(users::remove_member))
        .route("/organisations", get(users::organisations).post(users::create_organisation))
        .route("/organisations/{id}", patch(users::rename_organisation).delete(users::delete_organisation))
        .route("/me/notifications", get(notifications::my_notifications).put(notifications::set_my_notifications))
        .route("/outbox", get(notifications::outbox))
        .route("/outbox/{id}/retry", post(notifications::retry))
        .route("/webhooks", get(notifications::webhooks).post(notifications::create_webhook))
        .route(
            "/webhooks/{id}",
            get(notifications::webhook).patch(notifications::update_webhook).delete(notifications::delete_webhook),
        )
        .route("/webhooks/{id}/deliveries", get(notifications::deliveries))
        .route(
            "/incidents/{number}/watchers",
            get(notifications::watchers).post(notifications::watch).delete(notifications::unwatch),
        )
        .route("/users", get(accounts::users).post(accounts::add_user))
        .route("/groups", get(accounts::groups).post(accounts::add_group))
        .route("/groups/{name}/members", get(people::members).post(accounts::add_member))
        .route("/users/{name}/tokens", get(people::tokens))
        .route("/users/{name}/tokens/{id}", delete(people::revoke_token))
        .route("/tokens", get(accounts::tokens).post(accounts::create_token))
        .route("/tokens/{id}", delete(accounts::revoke_token))
        .route("/audit", get(audit::list))
        .route("/incidents", get(incidents::list).post(incidents::create))
        .route("/incidents/bulk", post(desk::bulk))
        .route("/incidents/{number}/assign-to-me", post(desk::assign_to_me))
        .route("/incidents/{number}/canned-replies", get(desk::incident_replies))
        .route("/canned-replies", get(desk::list_replies).post(desk::create_reply))
        .route("/canned-replies/{id}", get(desk::get_reply).put(desk::update_reply).delete(desk::delete_reply))
        .route("/views", get(desk::views).post(desk::save_view))
        .route("/views/{id}", delete(desk::delete_view))
        .route("/incidents/{number}", get(incidents::get_one).patch(incidents::update))
        .route("/incidents/{number}/transitions", post(incidents::transition))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/incidents/{number}/comments",
            get(incidents::comments).post(incidents::add_comment).layer(DefaultBodyLimit::disable()),
        )
        .route("/incidents/{number}/journal", get(incidents::journal))
        .route("/incidents/{number}/slas", get(sla::clocks))
        .route("/calendars", get(sla::calendars).post(sla::create_calendar))
        .route("/calendars/{id}", get(sla::get_calendar).put(sla::update_calendar))
        .route("/calendars/{id}/history", get(sla::calendar_history))
        .route("/calendars/{id}/presets/{preset}", post(sla::add_preset))
        .route("/calendars/{id}/holidays", post(sla::import_ical).layer(DefaultBodyLimit::max(sla::ICAL_MAX_BYTES)))
        .route("/slas", get(sla::slas).post(sla::create_sla))
        .route("/slas/{id}", get(sla::get_sla).put(sla::update_sla))
        .route("/slas/{id}/history", get(sla::sla_history))
        .route("/groups/{name}/manager", put(escalations::set_manager))
        .route("/escalations", get(escalations::list).post(escalations::create))
        .route("/escalations/{id}", get(escalations::get_one).put(escalations::replace).delete(escalations::delete))
        .route("/mail/inbound", get(escalations::inbound))
        .route("/cis", get(cmdb::list).post(cmdb::create))
        .route("/cis/{id}", get(cmdb::get_one).put(cmdb::update))
        .route("/cis/{id}/journal", get(cmdb::journal))
        .route("/cis/{id}/relations", get(cmdb::relations))
        .route("/cis/{id}/impact", get(cmdb::impact_of))
        .route("/cis/{id}/dependencies", get(cmdb::dependencies_of))
        .route("/cis/{id}/incidents", get(cmdb::open_incidents))
        .route("/relations", post(cmdb::add_relation))
        .route("/relations/{id}", delete(cmdb::remove_relation))
        .route("/impact", post(cmdb::impact))
        .route("/cmdb/bulk", post(cmdb::bulk).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/cmdb/import", post(cmdb::import).layer(DefaultBodyLimit::max(cmdb::CSV_MAX_BYTES)))
        .route("/ci-classes", get(cmdb::classes))
        .route("/ci-classes/{key}", put(cmdb::save_class))
        .route("/services", get(cmdb::services))
        .route(
            "/inventory",
            post(cmdb::inventory).layer(DefaultBodyLimit::max(steward_app::cmdb::inventory::MAX_BYTES)),
        )
        .route("/groups/{name}/ola", put(sla::set_ola).delete(sla::delete_ola))
        .merge(RESOURCES.iter().fold(Router::new(), |r, res| r.merge((res.routes)())))
        // The upload checks the attachment limit itself (and the server's
        // body limit bounds every request): axum's 2 MB default would refuse
        // files well under the configured limit.
        .route(
            "/incidents/{number}/attachments",
            get(incidents::attachments).post(incidents::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/incidents/{number}/attachments/{id}", get(incidents::download))
        .method_not_allowed_fallback(|| async {
            crate::error::ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "this endpoint does not take this method; the Allow header lists those it takes",
            )
        })
        .fallback(|| async { crate::error::ApiError::not_found("endpoint") })
}
