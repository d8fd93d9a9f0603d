//! The JSON shapes of problems, known errors and their incident links.

use super::dto::{Ref, opt_time, patch, time};
use serde::{Deserialize, Serialize};
use steward_app::{
    incidents::Patch,
    problems::{FromIncident, IncidentProblem, Linked, NewProblem, Problem, ProblemPatch, ProblemTransitionInput},
};
use steward_domain::problem::WhyStep;
use utoipa::ToSchema;

fn reference(id: Option<i64>, name: &Option<String>) -> Option<Ref> {
    id.map(|id| Ref { id, name: name.clone().unwrap_or_default() })
}

#[derive(Serialize, ToSchema)]
pub struct ProblemJson {
    /// e.g. PRB0000042
    pub number: String,
    pub title: String,
    pub description: String,
    #[schema(value_type = super::schema::ProblemState)]
    pub state: String,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub impact: i64,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: i64,
    /// 1 (P1) … 5 (P5), from the impact × urgency matrix
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    /// Who raised the problem.
    pub requester: Ref,
    pub category: Option<String>,
    pub service: Option<Ref>,
    pub assignment_group: Option<Ref>,
    /// The problem owner.
    pub assignee: Option<Ref>,
    #[schema(value_type = Option<super::schema::CauseCategory>)]
    pub cause_category: Option<String>,
    /// The root cause analysis.
    pub root_cause: Option<String>,
    /// The 5-whys, in order.
    #[schema(value_type = Vec<super::schema::WhyStep>)]
    pub whys: Vec<WhyStep>,
    pub workaround: Option<String>,
    /// Published as a known error: the desk sees the workaround on every
    /// linked incident.
    pub known_error: bool,
    pub known_error_at: Option<String>,
    /// The fix (set when resolved).
    #[schema(value_type = Option<super::schema::ProblemResolution>)]
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub reopen_count: i64,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    /// Send it back with a change (body `version` or `If-Match`).
    pub version: i64,
    /// The nearest moment a running SLA clock runs out; null when none runs.
    pub sla_due_at: Option<String>,
    /// Whether any of its SLA clocks has breached.
    pub sla_breached: bool,
}

impl From<Problem> for ProblemJson {
    fn from(p: Problem) -> Self {
        let whys = p.whys();
        let known_error = p.is_known_error();
        let (r, d) = (p.record, p.details);
        Self {
            number: steward_app::problems::number(r.number),
            requester: Ref { id: r.requester_id, name: r.requester_name.clone().unwrap_or_default() },
            service: reference(r.service_id, &r.service),
            assignment_group: reference(r.assignment_group_id, &r.group_name),
            assignee: reference(r.assignee_id, &r.assignee_name),
            opened_at: time(r.opened_at),
            resolved_at: opt_time(r.resolved_at),
            closed_at: opt_time(r.closed_at),
            updated_at: time(r.updated_at),
            known_error_at: opt_time(d.known_error_at),
            title: r.title,
            description: r.description,
            state: r.state,
            impact: r.impact,
            urgency: r.urgency,
            priority: r.priority,
            category: r.category,
            cause_category: d.cause_category,
            root_cause: d.root_cause,
            whys,
            workaround: d.workaround,
            known_error,
            resolution_code: r.resolution_code,
            resolution_notes: r.resolution_notes,
            cancel_reason: d.cancel_reason,
            reopen_count: r.reopen_count,
            version: r.version,
            sla_due_at: opt_time(r.sla.sla_due_at),
            sla_breached: r.sla.sla_breached != 0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProblemPage {
    pub items: Vec<ProblemJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many problems the filters find, exact up to 10,000.
    pub count: i64,
    /// More than 10,000 match.
    pub count_capped: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblemJson {
    pub title: String,
    pub description: Option<String>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    pub category: Option<String>,
    pub service: Option<String>,
    /// Group name.
    pub assignment_group: Option<String>,
    /// The problem owner's username, a member of the group.
    pub assignee: Option<String>,
    /// The CIs affected, by id.
    #[serde(default)]
    pub cis: Vec<i64>,
    #[schema(value_type = Option<super::schema::CauseCategory>)]
    pub cause_category: Option<String>,
    pub root_cause: Option<String>,
    /// Up to 5 steps.
    #[serde(default)]
    #[schema(value_type = Vec<super::schema::WhyStep>, max_items = 5)]
    pub whys: Vec<WhyStep>,
    pub workaround: Option<String>,
    /// Incidents to link at once, by number (up to 1,000).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub incidents: Vec<String>,
}

impl From<NewProblemJson> for NewProblem {
    fn from(j: NewProblemJson) -> Self {
        NewProblem {
            title: j.title,
            description: j.description,
            impact: j.impact,
            urgency: j.urgency,
            category: j.category,
            service: j.service,
            assignment_group: j.assignment_group,
            assignee: j.assignee,
            cis: j.cis,
            cause_category: j.cause_category,
            root_cause: j.root_cause,
            whys: j.whys,
            workaround: j.workaround,
            incidents: j.incidents,
        }
    }
}

/// Absent keeps a field, `null` (or blank) clears it, a value sets it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemPatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub category: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub service: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignment_group: Patch<String>,
    /// The problem owner.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignee: Patch<String>,
    /// Replaces the CIs affected.
    pub cis: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<super::schema::CauseCategory>)]
    pub cause_category: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub root_cause: Patch<String>,
    /// Replaces the 5-whys (up to 5 steps).
    #[schema(value_type = Option<Vec<super::schema::WhyStep>>, max_items = 5)]
    pub whys: Option<Vec<WhyStep>>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub workaround: Patch<String>,
}

impl ProblemPatchJson {
    pub fn split(self) -> (Option<i64>, ProblemPatch) {
        (
            self.version,
            ProblemPatch {
                title: self.title,
                description: self.description,
                impact: self.impact,
                urgency: self.urgency,
                category: self.category,
                service: self.service,
                assignment_group: self.assignment_group,
                assignee: self.assignee,
                cis: self.cis,
                cause_category: self.cause_category,
                root_cause: self.root_cause,
                whys: self.whys,
                workaround: self.workaround,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemTransitionJson {
    /// The target state.
    #[schema(value_type = super::schema::ProblemState)]
    pub state: String,
    /// Required for resolved; `fixed` only from fix_in_progress.
    #[schema(value_type = Option<super::schema::ProblemResolution>)]
    pub resolution_code: Option<String>,
    /// The fix; required for resolved.
    pub resolution_notes: Option<String>,
    /// Required for cancelled.
    pub cancel_reason: Option<String>,
    /// Resolving: also resolve the linked incidents still open (solved for
    /// `fixed`, workaround for `workaround_only`), each journaled.
    #[serde(default)]
    pub resolve_incidents: bool,
    /// The note those incidents are resolved with (default: the
    /// problem's resolution notes).
    pub incident_notes: Option<String>,
    pub version: Option<i64>,
}

impl ProblemTransitionJson {
    pub fn split(self) -> (Option<i64>, ProblemTransitionInput) {
        (
            self.version,
            ProblemTransitionInput {
                state: self.state,
                resolution_code: self.resolution_code,
                resolution_notes: self.resolution_notes,
                cancel_reason: self.cancel_reason,
                resolve_incidents: self.resolve_incidents,
                incident_notes: self.incident_notes,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIncidentsJson {
    /// Incident numbers (INC0000042, or 42), 1 to 1,000.
    #[schema(min_items = 1, max_items = 1000)]
    pub incidents: Vec<String>,
    /// The problem's version you read, if you want it checked (or `If-Match`).
    pub version: Option<i64>,
}

/// The version of the record a change is made to, when not in `If-Match`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionJson {
    pub version: Option<i64>,
}

/// What may be set when a problem is raised from an incident (the rest is
/// copied from it).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FromIncidentJson {
    /// The incident's title by default.
    pub title: Option<String>,
    pub assignment_group: Option<String>,
    /// The problem owner.
    pub assignee: Option<String>,
}

impl From<FromIncidentJson> for FromIncident {
    fn from(j: FromIncidentJson) -> Self {
        FromIncident { title: j.title, assignment_group: j.assignment_group, assignee: j.assignee }
    }
}

/// An incident linked to a problem.
#[derive(Serialize, ToSchema)]
pub struct LinkedIncidentJson {
    /// e.g. INC0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::IncidentState)]
    pub state: String,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    pub linked_at: String,
}

impl From<Linked> for LinkedIncidentJson {
    fn from(l: Linked) -> Self {
        Self {
            number: steward_app::incidents::number(l.number),
            title: l.title,
            state: l.state,
            priority: l.priority,
            linked_at: time(l.linked_at),
        }
    }
}

/// A problem an incident is linked to.
#[derive(Serialize, ToSchema)]
pub struct IncidentProblemJson {
    /// e.g. PRB0000042
    pub number: String,
    pub title: String,
    #[schema(value_type = super::schema::ProblemState)]
    pub state: String,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    pub linked_at: String,
    /// Published as a known error.
    pub known_error: bool,
    /// The known error's workaround, for the desk to apply.
    pub workaround: Option<String>,
}

impl From<IncidentProblem> for IncidentProblemJson {
    fn from(p: IncidentProblem) -> Self {
        Self {
            number: steward_app::problems::number(p.problem.number),
            title: p.problem.title,
            state: p.problem.state,
            priority: p.problem.priority,
            linked_at: time(p.problem.linked_at),
            known_error: p.known_error,
            workaround: p.workaround,
        }
    }
}

/// Applying a known error's workaround to an incident linked to it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyWorkaroundJson {
    /// The problem, a published known error the incident is linked to (e.g. PRB0000042).
    pub problem: String,
    /// What the agent did or saw, added to the work note after the workaround.
    pub note: Option<String>,
}

/// The candidates' period and threshold.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CandidatesQuery {
    /// The period looked at, in days (1–365, default 30).
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
    /// How many incidents make a candidate (1–1,000, default 3).
    #[param(minimum = 1, maximum = 1000)]
    pub min: Option<i64>,
}

/// A group of repeating incidents no open problem covers.
#[derive(Serialize, ToSchema)]
pub struct CandidateJson {
    /// What the incidents share.
    #[schema(value_type = super::schema::CandidateBy)]
    pub by: &'static str,
    /// The service's or CI's id (service and ci).
    pub id: Option<i64>,
    /// The service's or CI's name, or the category.
    pub name: String,
    pub incidents: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CandidatesJson {
    pub days: i64,
    pub min: i64,
    pub items: Vec<CandidateJson>,
}

impl From<steward_app::problems::candidates::Candidates> for CandidatesJson {
    fn from(c: steward_app::problems::candidates::Candidates) -> Self {
        use steward_domain::problem::GroupKey;
        let items = c
            .items
            .into_iter()
            .map(|n| {
                let (by, id) = match n.candidate.what {
                    GroupKey::Service(id) => ("service", Some(id)),
                    GroupKey::Ci(id) => ("ci", Some(id)),
                    GroupKey::Category(_) => ("category", None),
                };
                CandidateJson { by, id, name: n.name, incidents: n.candidate.incidents }
            })
            .collect();
        Self { days: c.days, min: c.min, items }
    }
}
