//! The incidents area and the desk's daily work: which routes serve the
//! list, the forms, the incident page and what it posts (state, comments,
//! attachments, watching, assign to me), the bulk changes, saved views and
//! canned replies; and the desk's navigation entries. The pages are in
//! `list`, `form`, `incident`, `incident_actions`, `desk` and
//! `canned_replies`; what every kind's page serves alike (the page itself,
//! comments, files) in `record_page` and `record_actions`.

use super::area::{Area, Audience, NavEntry};
use super::incident_texts::IncMsg;
use super::{canned_replies, desk, form, incident::IncidentPage, list, notifications, record_actions, record_page};
use crate::{AppState, i18n::Msg};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

pub const AREA: Area = Area {
    routes,
    nav: &[
        NavEntry {
            href: "/incidents?state=open",
            label: &IncMsg::NavIncidents,
            audience: Audience::Staff,
            // The list and every incident's page, but not the new form.
            current: |p| p == "/incidents" || (p.starts_with("/incidents/") && p != "/incidents/new"),
        },
        NavEntry {
            href: "/incidents/new",
            label: &Msg::NavNewIncident,
            audience: Audience::Staff,
            current: |p| p == "/incidents/new",
        },
    ],
};

fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list::show).post(form::create))
        .route("/incidents/new", get(form::new))
        .route("/incidents/{number}", get(record_page::show::<IncidentPage>))
        .route("/incidents/{number}/edit", get(form::edit).post(form::update))
        .route("/incidents/{number}/state", post(record_actions::transition::<IncidentPage>))
        .route("/incidents/{number}/links", post(super::record_links::link::<IncidentPage>))
        .route("/incidents/{number}/links/remove", post(super::record_links::unlink::<IncidentPage>))
        // A comment may carry files: the attachment limit applies to each.
        .route(
            "/incidents/{number}/comments",
            post(record_actions::comment::<IncidentPage>).layer(DefaultBodyLimit::disable()),
        )
        // The upload checks the configured attachment limit itself; axum's
        // default 2 MB body limit would refuse smaller files first.
        .route(
            "/incidents/{number}/attachments",
            post(record_actions::upload::<IncidentPage>).layer(DefaultBodyLimit::disable()),
        )
        .route("/incidents/{number}/attachments/{id}", get(record_actions::download::<IncidentPage>))
        .route("/incidents/{number}/watch", post(notifications::watch))
        .route("/incidents/{number}/assign-to-me", post(desk::assign_to_me))
        .route("/incidents/bulk", post(desk::bulk))
        .route("/incidents/views", post(desk::save_view))
        .route("/incidents/views/{id}/delete", post(desk::delete_view))
        .route(canned_replies::PATH, get(canned_replies::show).post(canned_replies::create))
        .route("/settings/canned-replies/{id}", get(canned_replies::edit).post(canned_replies::update))
        .route("/settings/canned-replies/{id}/delete", post(canned_replies::delete))
}
