//! `GET /api/v1/change-calendar`: the change calendar of a span (at most
//! six weeks and a day): the changes on it, the freezes over it and the
//! maintenance windows' occurrences in it. Staff only.

use super::change_calendar::{FreezeJson, MaintenanceWindowJson};
use super::dto::{Ref, opt_time, time};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::change_calendar_read::{CalendarChange, ChangeCalendar, WindowOccurrences, parse_span};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(read_change_calendar))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/change-calendar", axum::routing::get(read_change_calendar))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// From (RFC 3339 or a date, midnight UTC), inclusive.
    #[param(required = true)]
    pub from: Option<String>,
    /// To, exclusive: after `from`, at most 43 days after it.
    #[param(required = true)]
    pub to: Option<String>,
}

/// A change on the calendar.
#[derive(Serialize, ToSchema)]
pub struct CalendarChangeJson {
    /// e.g. CHG0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::ChangeType)]
    pub change_type: String,
    #[schema(value_type = super::schema::ChangeState)]
    pub state: String,
    #[schema(value_type = Option<super::schema::RiskLevel>)]
    pub risk_level: Option<String>,
    /// Set when closed.
    #[schema(value_type = Option<super::schema::CloseCode>)]
    pub close_code: Option<String>,
    pub service: Option<Ref>,
    /// The change owner.
    pub owner: Option<Ref>,
    /// Where it sits: the actual window once begun (one under way until
    /// now at least), else the planned one.
    pub starts_at: String,
    pub ends_at: String,
    /// Whether `starts_at`/`ends_at` are the actual window.
    pub actual: bool,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
}

impl From<CalendarChange> for CalendarChangeJson {
    fn from(c: CalendarChange) -> Self {
        let e = c.entry;
        let reference = |id: Option<i64>, name: Option<String>| id.map(|id| Ref { id, name: name.unwrap_or_default() });
        Self {
            number: c.number,
            title: e.title,
            change_type: e.change_type,
            state: e.state,
            risk_level: e.risk_level,
            close_code: e.close_code,
            service: reference(e.service_id, e.service),
            owner: reference(e.owner_id, e.owner),
            starts_at: time(c.start),
            ends_at: time(c.end),
            actual: c.actual,
            planned_start: opt_time(e.planned_start),
            planned_end: opt_time(e.planned_end),
            actual_start: opt_time(e.actual_start),
            actual_end: opt_time(e.actual_end),
        }
    }
}

/// A freeze over the span, with its services' names.
#[derive(Serialize, ToSchema)]
pub struct CalendarFreezeJson {
    #[serde(flatten)]
    pub freeze: FreezeJson,
    /// The services' names; empty: every service.
    pub service_names: Vec<String>,
}

/// One opening of a maintenance window.
#[derive(Serialize, ToSchema)]
pub struct OccurrenceJson {
    pub starts_at: String,
    pub ends_at: String,
}

/// A maintenance window and when it opens in the span.
#[derive(Serialize, ToSchema)]
pub struct CalendarWindowJson {
    #[serde(flatten)]
    pub window: MaintenanceWindowJson,
    pub occurrences: Vec<OccurrenceJson>,
}

impl From<WindowOccurrences> for CalendarWindowJson {
    fn from(w: WindowOccurrences) -> Self {
        let occurrences =
            w.occurrences.iter().map(|o| OccurrenceJson { starts_at: time(o.start), ends_at: time(o.end) }).collect();
        Self { window: w.window.into(), occurrences }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChangeCalendarJson {
    #[schema(format = DateTime)]
    pub from: String,
    #[schema(format = DateTime)]
    pub to: String,
    /// By start.
    pub changes: Vec<CalendarChangeJson>,
    /// More than 2,000 changes overlap the span: the latest are left out.
    pub truncated: bool,
    pub freezes: Vec<CalendarFreezeJson>,
    /// By service (those for every service first), then name.
    pub maintenance_windows: Vec<CalendarWindowJson>,
}

impl From<ChangeCalendar> for ChangeCalendarJson {
    fn from(c: ChangeCalendar) -> Self {
        Self {
            from: time(c.from),
            to: time(c.to),
            changes: c.changes.into_iter().map(Into::into).collect(),
            truncated: c.truncated,
            freezes: c
                .freezes
                .into_iter()
                .map(|f| CalendarFreezeJson { freeze: f.freeze.into(), service_names: f.services })
                .collect(),
            maintenance_windows: c.windows.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/change-calendar", tag = "changes", operation_id = "read_change_calendar",
    params(CalendarQuery),
    responses((status = 200, description = "The changes, freezes and maintenance windows of the span",
            body = ChangeCalendarJson),
        (status = 403, body = Problem, description = "Requesters see no changes"),
        (status = 422, body = Problem)))]
pub async fn read_change_calendar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CalendarQuery>,
) -> Result<axum::Json<ChangeCalendarJson>, ApiError> {
    steward_domain::change::can_view_change(actor.role).map_err(steward_app::AppError::from)?;
    let (from, to) = parse_span(q.from.as_deref().unwrap_or(""), q.to.as_deref().unwrap_or(""))?;
    Ok(axum::Json(s.app.change_calendar(&actor, from, to).await?.into()))
}
