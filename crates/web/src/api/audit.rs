//! `GET /api/v1/audit`: the security audit log, for admins.

use super::dto::time;
use crate::{AppState, auth::ApiActor, error::ApiError, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_store::audit::{AuditEvent, AuditFilter};
use utoipa::{IntoParams, ToSchema};

/// The audit log: its route and its OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/audit", axum::routing::get(list))
}

/// Events per page unless `limit` says otherwise.
pub const PAGE: i64 = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Only this kind, e.g. `sign_in_failed`.
    pub kind: Option<String>,
    /// Only events by this username (for sign-in events: the name typed).
    pub actor: Option<String>,
    /// `next_before` from the previous page: older events.
    pub before: Option<i64>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
}

impl AuditParams {
    pub fn filter(self) -> AuditFilter {
        let some = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        AuditFilter {
            kind: some(self.kind),
            actor: some(self.actor),
            before: self.before,
            limit: self.limit.unwrap_or(PAGE),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventJson {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub actor_id: Option<i64>,
    /// The acting user; for sign-in events the name typed.
    pub actor: String,
    pub subject: String,
    /// The client's address (see `trusted_proxies`).
    pub client: String,
    pub detail: String,
}

impl From<AuditEvent> for AuditEventJson {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id,
            at: time(e.at),
            kind: e.kind,
            actor_id: e.actor_id,
            actor: e.actor_name,
            subject: e.subject,
            client: e.client,
            detail: e.detail,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageJson {
    /// Newest first.
    pub items: Vec<AuditEventJson>,
    /// Pass as `before` for the next (older) page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditParams),
    responses((status = 200, body = AuditPageJson), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(a): ApiActor,
    Query(p): Query<AuditParams>,
) -> Result<axum::Json<AuditPageJson>, ApiError> {
    let page = s.app.audit_events(&a, p.filter()).await?;
    Ok(axum::Json(AuditPageJson {
        items: page.items.into_iter().map(AuditEventJson::from).collect(),
        next_before: page.next,
    }))
}
