//! The administration area: which routes serve users, groups (with their
//! managers and OLAs), organisations, escalation rules, webhooks, the
//! outbox and the audit log; and the admins' navigation entries. The pages
//! are in the `admin_*` modules, `notifications` and `audit`.

use super::area::{Area, Audience, NavEntry};
use super::{
    admin_escalations, admin_groups, admin_ola, admin_texts::AdminMsg, admin_users, admin_webhooks, audit,
    notifications,
};
use crate::AppState;
use axum::{
    Router,
    routing::{get, post},
};

/// The pages the "Administration" entry stands for.
const PEOPLE: [&str; 5] =
    ["/admin/users", "/admin/groups", "/admin/organisations", "/admin/escalations", "/admin/webhooks"];

pub const AREA: Area = Area {
    routes,
    nav: &[
        NavEntry {
            href: "/admin/users",
            label: &AdminMsg::NavAdmin,
            audience: Audience::Admins,
            current: |p| PEOPLE.iter().any(|a| p.starts_with(a)),
        },
        NavEntry {
            href: "/admin/notifications",
            label: &AdminMsg::NavNotifications,
            audience: Audience::Admins,
            current: |p| p.starts_with("/admin/notifications"),
        },
        NavEntry {
            href: "/admin/audit",
            label: &AdminMsg::NavAudit,
            audience: Audience::Admins,
            current: |p| p.starts_with("/admin/audit"),
        },
    ],
};

fn routes() -> Router<AppState> {
    Router::new()
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
        .route("/admin/notifications/{id}/retry", post(notifications::retry))
        .route("/admin/audit", get(audit::show))
}
