//! The service manager's measures as JSON (issue 14), for dashboards and
//! for BI tools: `GET /api/v1/reports/measures`. Staff only.

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::reports::MeasureQuery;
use steward_domain::report::{DayTotals, Measures, SlaOutcome, TimeFigure};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(read_measures))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/reports/measures", axum::routing::get(read_measures))
}

/// The period (days in the site's time zone, both ends included) and what
/// to narrow the records to. Ids of 0 mean "none" (the records with no
/// service, no group, no organisation).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeasuresParams {
    /// The first day, `YYYY-MM-DD` (default: 29 days before `to`).
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (default: today); at most 3,660 days after `from`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `incident`, `problem`, `change` or `task` (default: all).
    pub kind: Option<String>,
    /// A service CI's id.
    #[param(minimum = 0)]
    pub service: Option<i64>,
    /// An assignment group's id.
    #[param(minimum = 0)]
    pub group: Option<i64>,
    /// An organisation's id.
    #[param(minimum = 0)]
    pub organisation: Option<i64>,
    #[param(minimum = 1, maximum = 5)]
    pub priority: Option<i64>,
}

/// A duration: how many were measured, the mean and percentiles in seconds
/// (percentiles read from per-day histograms, linear within a bucket).
#[derive(Serialize, ToSchema)]
pub struct TimeFigureJson {
    pub count: i64,
    pub mean_seconds: Option<f64>,
    pub p50_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub p95_seconds: Option<f64>,
}

impl From<TimeFigure> for TimeFigureJson {
    fn from(t: TimeFigure) -> Self {
        Self {
            count: t.count,
            mean_seconds: t.mean_seconds,
            p50_seconds: t.p50_seconds,
            p90_seconds: t.p90_seconds,
            p95_seconds: t.p95_seconds,
        }
    }
}

/// The clocks of one SLA target or one group's OLA that ended in the period.
#[derive(Serialize, ToSchema)]
pub struct SlaOutcomeJson {
    /// The SLA definition (null for an OLA).
    pub sla_id: Option<i64>,
    /// The group whose OLA it is (null for an SLA target).
    pub ola_group_id: Option<i64>,
    /// `response`, `resolution` or `group`.
    pub target: String,
    pub met: i64,
    pub breached: i64,
    /// Met over met and breached, 0–1 (null when none ended).
    pub compliance: Option<f64>,
}

impl From<SlaOutcome> for SlaOutcomeJson {
    fn from(s: SlaOutcome) -> Self {
        Self {
            sla_id: s.sla_id,
            ola_group_id: s.ola_group_id,
            target: s.target,
            met: s.met,
            breached: s.breached,
            compliance: s.compliance,
        }
    }
}

/// One day's arrivals and resolutions.
#[derive(Serialize, ToSchema)]
pub struct DayJson {
    #[schema(format = Date)]
    pub day: String,
    pub arrivals: i64,
    pub resolved: i64,
}

impl From<DayTotals> for DayJson {
    fn from(d: DayTotals) -> Self {
        Self { day: d.day, arrivals: d.arrivals, resolved: d.resolved }
    }
}

/// The records open at a day's last count (every five minutes).
#[derive(Serialize, ToSchema)]
pub struct BacklogJson {
    #[schema(format = Date)]
    pub day: String,
    pub open: i64,
    /// By age since opening: under a day, 1–3 days, 3–7 days, 7–30 days, over 30 days.
    pub by_age: Vec<i64>,
}

/// A period's measures. Counted from the journal by a worker: they lag the
/// records by up to a minute.
#[derive(Serialize, ToSchema)]
pub struct MeasuresJson {
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    /// Records opened in the period.
    pub arrivals: i64,
    /// Records resolved in the period.
    pub resolved: i64,
    /// Creation to first response by staff (those answered in the period).
    pub mtta: TimeFigureJson,
    /// Creation to resolution, wall time (those resolved in the period).
    pub mttr: TimeFigureJson,
    /// Creation to resolution in the SLA's business hours.
    pub mttr_business: TimeFigureJson,
    /// Resolved with no reassignment and no reopen.
    pub first_contact_resolved: i64,
    /// Over those resolved, 0–1.
    pub first_contact_rate: Option<f64>,
    pub reopened: i64,
    /// Reopens over those resolved, 0–1.
    pub reopen_rate: Option<f64>,
    /// Escalation rules that fired.
    pub escalations: i64,
    /// Per SLA target and group OLA.
    pub sla: Vec<SlaOutcomeJson>,
    /// Every day of the period, in order.
    pub daily: Vec<DayJson>,
    /// The days of the period with a count of the open records (counting
    /// began when Steward first counted the measures).
    pub backlog: Vec<BacklogJson>,
}

impl MeasuresJson {
    fn of(from: String, to: String, m: Measures) -> Self {
        Self {
            from,
            to,
            arrivals: m.arrivals,
            resolved: m.resolved,
            mtta: m.mtta.into(),
            mttr: m.mttr.into(),
            mttr_business: m.mttr_business.into(),
            first_contact_resolved: m.first_contact_resolved,
            first_contact_rate: m.first_contact_rate,
            reopened: m.reopened,
            reopen_rate: m.reopen_rate,
            escalations: m.escalations,
            sla: m.sla.into_iter().map(Into::into).collect(),
            daily: m.daily.into_iter().map(Into::into).collect(),
            backlog: m
                .backlog
                .into_iter()
                .map(|b| BacklogJson { day: b.day, open: b.open, by_age: b.by_age.to_vec() })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reports/measures", tag = "reports", operation_id = "read_measures",
    params(MeasuresParams),
    responses((status = 200, description = "The period's measures: arrivals, resolutions, MTTA, MTTR (wall and business), first-contact resolution, reopens, escalations, SLA and OLA compliance, and each day's arrivals and resolutions",
            body = MeasuresJson),
        (status = 403, body = Problem, description = "Requesters see no measures"),
        (status = 422, body = Problem, description = "A period whose end is before its start, a bad date, an unknown parameter or kind")))]
pub async fn read_measures(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<MeasuresParams>,
) -> Result<axum::Json<MeasuresJson>, ApiError> {
    let q = MeasureQuery {
        from: q.from,
        to: q.to,
        kind: q.kind,
        service: q.service,
        group: q.group,
        organisation: q.organisation,
        priority: q.priority,
    };
    let (period, filter) = s.app.measure_query(&actor, &q)?;
    let m = s.app.measures(&actor, period, filter).await?;
    Ok(axum::Json(MeasuresJson::of(period.from.to_string(), period.to.to_string(), m)))
}
