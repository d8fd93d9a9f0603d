//! Review and learning: `GET /api/v1/changes/outcomes` (the success rate
//! of the changes closed in a period, in total and per type, service and
//! group) and `GET /api/v1/changes/outcomes/failed` (the changes that
//! failed, were backed out or caused incidents, with those incidents).
//! Staff only.

use super::dto::{opt_time, time};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::changes::{CausedIncident, FailedChange, OutcomeGroup, Outcomes};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(read_change_outcomes, list_failed_changes))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/changes/outcomes", get(read_change_outcomes))
        .route("/changes/outcomes/failed", get(list_failed_changes))
}

/// The period: the changes whose implementation ended in the last `days` days.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutcomesQuery {
    /// In days (1–730, default 90).
    #[param(minimum = 1, maximum = 730)]
    pub days: Option<i64>,
}

/// The closed changes of a type, a service or a group (`id` and `name`
/// empty: those without a service or group).
#[derive(Serialize, ToSchema)]
pub struct OutcomeGroupJson {
    /// The service's or group's id.
    pub id: Option<i64>,
    /// The type, or the service's or group's name.
    pub name: Option<String>,
    pub closed: u64,
    pub successful: u64,
    pub successful_with_issues: u64,
    pub failed: u64,
    pub backed_out: u64,
    /// Closed changes an incident names as its cause.
    pub caused_incidents: u64,
    /// Per cent of the closed changes that succeeded (with issues or not), one decimal.
    pub success_rate: Option<f64>,
}

impl From<OutcomeGroup> for OutcomeGroupJson {
    fn from(g: OutcomeGroup) -> Self {
        let t = g.tally;
        Self {
            id: g.id,
            name: g.name,
            closed: t.closed,
            successful: t.successful,
            successful_with_issues: t.successful_with_issues,
            failed: t.failed,
            backed_out: t.backed_out,
            caused_incidents: t.caused_incidents,
            success_rate: g.success_rate,
        }
    }
}

/// What became of the period's changes; each list with the most changes first.
#[derive(Serialize, ToSchema)]
pub struct ChangeOutcomesJson {
    pub days: i64,
    pub total: OutcomeGroupJson,
    pub by_type: Vec<OutcomeGroupJson>,
    pub by_service: Vec<OutcomeGroupJson>,
    pub by_group: Vec<OutcomeGroupJson>,
}

impl From<Outcomes> for ChangeOutcomesJson {
    fn from(o: Outcomes) -> Self {
        let list = |v: Vec<OutcomeGroup>| v.into_iter().map(Into::into).collect();
        Self {
            days: o.days,
            total: o.total.into(),
            by_type: list(o.by_type),
            by_service: list(o.by_service),
            by_group: list(o.by_group),
        }
    }
}

/// An incident a change caused.
#[derive(Serialize, ToSchema)]
pub struct CausedIncidentJson {
    /// e.g. INC0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::IncidentState)]
    pub state: String,
    #[schema(value_type = super::schema::Priority)]
    pub priority: i64,
    #[schema(format = DateTime)]
    pub opened_at: String,
}

impl From<CausedIncident> for CausedIncidentJson {
    fn from(i: CausedIncident) -> Self {
        Self { number: i.number, title: i.title, state: i.state, priority: i.priority, opened_at: time(i.opened_at) }
    }
}

/// A closed change that failed, was backed out or caused incidents.
#[derive(Serialize, ToSchema)]
pub struct FailedChangeJson {
    /// e.g. CHG0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::ChangeType)]
    pub change_type: String,
    #[schema(value_type = Option<super::schema::CloseCode>)]
    pub close_code: Option<String>,
    /// When its implementation ended.
    pub implemented_at: Option<String>,
    pub service: Option<String>,
    pub group: Option<String>,
    pub review_notes: Option<String>,
    /// The incidents that name it as their cause, the oldest first.
    pub incidents: Vec<CausedIncidentJson>,
}

impl From<FailedChange> for FailedChangeJson {
    fn from(c: FailedChange) -> Self {
        Self {
            number: c.number,
            title: c.title,
            change_type: c.change_type,
            close_code: c.close_code,
            implemented_at: opt_time(c.resolved_at),
            service: c.service,
            group: c.group,
            review_notes: c.review_notes,
            incidents: c.incidents.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/changes/outcomes", tag = "changes", operation_id = "read_change_outcomes",
    params(OutcomesQuery),
    responses((status = 200, description = "The success rate of the period's closed changes, in total and per type, service and group",
            body = ChangeOutcomesJson),
        (status = 403, body = Problem, description = "Requesters see no changes"),
        (status = 422, body = Problem)))]
pub async fn read_change_outcomes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<OutcomesQuery>,
) -> Result<axum::Json<ChangeOutcomesJson>, ApiError> {
    Ok(axum::Json(s.app.change_outcomes(&actor, q.days).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/changes/outcomes/failed", tag = "changes", operation_id = "list_failed_changes",
    params(OutcomesQuery),
    responses((status = 200, description = "The period's closed changes that failed, were backed out or caused incidents, the latest first (at most 200), with the incidents each caused",
            body = Vec<FailedChangeJson>),
        (status = 403, body = Problem, description = "Requesters see no changes"),
        (status = 422, body = Problem)))]
pub async fn list_failed_changes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<OutcomesQuery>,
) -> Result<axum::Json<Vec<FailedChangeJson>>, ApiError> {
    let list = s.app.failed_changes(&actor, q.days).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}
