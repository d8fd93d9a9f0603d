//! `GET /api/v1/search?q=`: one search box for everything, grouped by kind.

use super::dto::IncidentJson;
use crate::{AppState, auth::ApiActor, error::ApiError, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::search::{Found, NumberHit};
use steward_store::cmdb::CiRow;
use utoipa::ToSchema;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    q: Option<String>,
}

/// A record whose number the search text is.
#[derive(Serialize, ToSchema)]
pub struct RecordHitJson {
    /// The kind of record, e.g. `incident`.
    pub kind: String,
    /// e.g. INC0001127
    pub number: String,
    pub title: String,
    pub state: String,
}

/// A service or CI found by name or by an identifier (hostname, serial
/// number, FQDN, UUID).
#[derive(Serialize, ToSchema)]
pub struct CiHitJson {
    pub id: i64,
    pub class: String,
    pub name: String,
    pub status: String,
    /// Services only: pipeline, live or retired.
    pub portfolio_status: Option<String>,
}

/// What a search found, grouped by kind; each kind holds at most 20.
#[derive(Serialize, ToSchema)]
pub struct SearchResultJson {
    /// The text searched for, trimmed (and cut to 200 characters).
    pub query: String,
    /// Records whose number the text is (`INC0001127`, `inc1127`, or a
    /// bare `1127` for every kind); exactly one means the client can go
    /// straight to it, several offer the choice. When any is found, the
    /// other groups are left empty.
    pub by_number: Vec<RecordHitJson>,
    /// Set when exactly one record has that number: its API address.
    pub go_to: Option<String>,
    /// Incidents with the text in their title or description, the most
    /// recently updated first.
    pub incidents: Vec<IncidentJson>,
    /// More incidents match: list them with `/incidents?text=`.
    pub more_incidents: bool,
    /// Services by name or identifier (requesters: those offered to them).
    pub services: Vec<CiHitJson>,
    /// Other CIs by name or identifier (agents, managers and admins only).
    pub cis: Vec<CiHitJson>,
}

fn hit(h: &NumberHit) -> RecordHitJson {
    RecordHitJson { kind: h.kind.to_owned(), number: h.number.clone(), title: h.title.clone(), state: h.state.clone() }
}

fn ci(r: CiRow) -> CiHitJson {
    CiHitJson { id: r.id, class: r.class, name: r.name, status: r.status, portfolio_status: r.portfolio_status }
}

impl From<Found> for SearchResultJson {
    fn from(f: Found) -> Self {
        SearchResultJson {
            go_to: f.go_to().map(|h| format!("/api/v1/{}s/{}", h.kind, h.number)),
            by_number: f.by_number.iter().map(hit).collect(),
            query: f.query,
            incidents: f.incidents.into_iter().map(IncidentJson::from).collect(),
            more_incidents: f.more_incidents,
            services: f.services.into_iter().map(ci).collect(),
            cis: f.cis.into_iter().map(ci).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", operation_id = "search",
    params(("q" = Option<String>, Query, description = "A record number (INC0001127, inc1127, 1127), words of an incident's title or description, or a service's or CI's name, hostname or serial number")),
    responses((status = 200, description = "What was found, by kind", body = SearchResultJson),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad query string", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<SearchQuery>,
) -> Result<axum::Json<SearchResultJson>, ApiError> {
    let found = s.app.search(&actor, q.q.as_deref().unwrap_or("")).await?;
    Ok(axum::Json(found.into()))
}
