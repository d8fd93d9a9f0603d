//! The service manager's measures as JSON (issue 14), for dashboards and
//! for BI tools: `GET /api/v1/reports/measures`; and the viewer's own
//! dashboard, as a list of panels: `GET/PUT/DELETE /api/v1/reports/panels`.
//! Staff only.

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_app::reports::MeasureQuery;
use steward_domain::report::{DayTotals, Measures, SlaOutcome, TimeFigure, panels::Panel};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(read_measures, read_panels, replace_panels, reset_panels))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/reports/measures", axum::routing::get(read_measures))
        .route("/reports/panels", axum::routing::get(read_panels).put(replace_panels).delete(reset_panels))
}

/// One panel of a dashboard.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelJson {
    /// `figures`, `my_work`, `series`, `by_group`, `by_service`, `by_priority`, `sla`, `backlog`, `kinds`,
    /// `availability` or `heat`.
    pub panel: String,
    /// The kind of record it counts: `incident` (the default), `problem`, `change` or `task`; only for the
    /// panels that count one kind (`figures`, `series`, `by_*`, `sla`, `backlog`, `heat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// The viewer's dashboard: its panels in order, and whether they chose them
/// (else their role's default: an agent's begins with `my_work`).
#[derive(Serialize, ToSchema)]
pub struct PanelsJson {
    pub panels: Vec<PanelJson>,
    pub chosen: bool,
}

/// The panels to keep, in order (at most 24, each panel once).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelsInput {
    pub panels: Vec<PanelJson>,
}

fn panels_json(panels: Vec<Panel>, chosen: bool) -> PanelsJson {
    PanelsJson { panels: panels.into_iter().map(|p| PanelJson { panel: p.panel, kind: p.kind }).collect(), chosen }
}

#[utoipa::path(get, path = "/api/v1/reports/panels", tag = "reports", operation_id = "read_panels",
    responses((status = 200, body = PanelsJson, description = "The viewer's dashboard, as `/reports/mine` shows it"),
        (status = 403, body = Problem, description = "Requesters have no dashboard")))]
pub async fn read_panels(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<PanelsJson>, ApiError> {
    let (panels, chosen) = s.app.my_panels(&actor).await?;
    Ok(axum::Json(panels_json(panels, chosen)))
}

#[utoipa::path(put, path = "/api/v1/reports/panels", tag = "reports", operation_id = "replace_panels",
    request_body = PanelsInput,
    responses((status = 200, body = PanelsJson, description = "Kept"),
        (status = 403, body = Problem, description = "Requesters have no dashboard"),
        (status = 422, body = Problem, description = "An unknown panel or kind, a kind on a panel that counts none, a panel twice, too many panels: each beside `panels[n].panel` or `panels[n].kind`")))]
pub async fn replace_panels(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<PanelsInput>,
) -> Result<axum::Json<PanelsJson>, ApiError> {
    let panels = b.panels.into_iter().map(|p| Panel { panel: p.panel, kind: p.kind }).collect();
    let kept = s.app.set_my_panels(&actor, Some(panels)).await?;
    Ok(axum::Json(panels_json(kept, true)))
}

#[utoipa::path(delete, path = "/api/v1/reports/panels", tag = "reports", operation_id = "reset_panels",
    responses((status = 200, body = PanelsJson, description = "Back to the role's default"),
        (status = 403, body = Problem, description = "Requesters have no dashboard")))]
pub async fn reset_panels(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<PanelsJson>, ApiError> {
    let panels = s.app.set_my_panels(&actor, None).await?;
    Ok(axum::Json(panels_json(panels, false)))
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

/// Problems raised and solved in the period, known errors published, and
/// the incidents linked to the problems raised.
#[derive(Serialize, ToSchema)]
pub struct ProblemFiguresJson {
    pub opened: i64,
    pub solved: i64,
    pub known_errors: i64,
    pub linked_incidents: i64,
    /// Linked incidents over problems raised.
    pub incidents_per_problem: Option<f64>,
}

/// The changes closed in the period (by the day their implementation
/// ended, as the change review counts them) per close code.
#[derive(Serialize, ToSchema)]
pub struct ChangeFiguresJson {
    pub closed: i64,
    pub successful: i64,
    pub successful_with_issues: i64,
    pub failed: i64,
    pub backed_out: i64,
    /// Successful (with issues or not) over closed, 0–1.
    pub success_rate: Option<f64>,
    /// Closed changes at least one incident names as its cause.
    pub caused_incidents: i64,
    /// Those over closed, 0–1.
    pub caused_incident_rate: Option<f64>,
}

/// Alerts that began firing in the period (not narrowed by service, group,
/// organisation or priority: an alert has none), incidents the correlation
/// opened from alerts, and the noise: alerts per such incident.
#[derive(Serialize, ToSchema)]
pub struct AlertFiguresJson {
    pub fired: i64,
    pub incidents_from_alerts: i64,
    pub alerts_per_incident: Option<f64>,
}

/// A service's availability in the period from its checks' hourly results:
/// up (ok or warning) over up and down, unknown results left out.
#[derive(Serialize, ToSchema)]
pub struct ServiceAvailabilityJson {
    pub service_id: i64,
    pub checks: i64,
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
    /// 0–1 (null when no result said up or down).
    pub availability: Option<f64>,
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
    /// Problems, changes and alerts: each of its own kind whatever `kind`
    /// asks, narrowed by the other parameters.
    pub problems: ProblemFiguresJson,
    pub changes: ChangeFiguresJson,
    pub alerts: AlertFiguresJson,
    /// Per service with checks (narrowed by `service` only).
    pub availability: Vec<ServiceAvailabilityJson>,
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
            problems: {
                let p = m.kinds.problems;
                ProblemFiguresJson {
                    opened: p.opened,
                    solved: p.solved,
                    known_errors: p.known_errors,
                    linked_incidents: p.linked_incidents,
                    incidents_per_problem: p.incidents_per_problem,
                }
            },
            changes: {
                let c = m.kinds.changes;
                ChangeFiguresJson {
                    closed: c.closed,
                    successful: c.successful,
                    successful_with_issues: c.successful_with_issues,
                    failed: c.failed,
                    backed_out: c.backed_out,
                    success_rate: c.success_rate,
                    caused_incidents: c.caused_incidents,
                    caused_incident_rate: c.caused_incident_rate,
                }
            },
            alerts: {
                let a = m.kinds.alerts;
                AlertFiguresJson {
                    fired: a.fired,
                    incidents_from_alerts: a.incidents_from_alerts,
                    alerts_per_incident: a.alerts_per_incident,
                }
            },
            availability: m
                .availability
                .into_iter()
                .map(|a| ServiceAvailabilityJson {
                    service_id: a.service_id,
                    checks: a.checks,
                    ok: a.ok,
                    warning: a.warning,
                    critical: a.critical,
                    unknown: a.unknown,
                    availability: a.availability,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reports/measures", tag = "reports", operation_id = "read_measures",
    params(MeasuresParams),
    responses((status = 200, description = "The period's measures: arrivals, resolutions, MTTA, MTTR (wall and business), first-contact resolution, reopens, escalations, SLA and OLA compliance, each day's arrivals and resolutions, the backlog; problems, known errors and incidents per problem; the change success rate and changes that caused incidents; alerts and noise; availability per service",
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
        my_groups: false,
    };
    let (period, filter) = s.app.measure_query(&actor, &q)?;
    let m = s.app.measures(&actor, period, filter).await?;
    Ok(axum::Json(MeasuresJson::of(period.from.to_string(), period.to.to_string(), m)))
}
