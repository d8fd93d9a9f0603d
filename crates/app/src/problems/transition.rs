//! Moving a problem through its states as `plan_transition` allows;
//! resolving it may resolve its open incidents with one note, each through
//! the incident's own state machine and write path.

use super::{KIND, Problem, details_diff, has_cause, update::api_field};
use crate::Code;
use crate::error::Message;
use crate::{
    Actor, App,
    error::AppError,
    incidents::{Writing, diff, write_transition},
};
use steward_domain::{
    IncidentState, TransitionRequest,
    journal::Action,
    problem::{
        ProblemResolution, ProblemState, ProblemTransitionError, ProblemTransitionRequest, can_transition_problem,
        can_view_problem, plan_transition,
    },
    text,
};
use steward_store::{now_micros, problems as store_problems, records as store_records};

/// A transition as callers send it: the target and what it needs, as text.
#[derive(Debug, Clone, Default)]
pub struct ProblemTransitionInput {
    pub state: String,
    pub resolution_code: Option<String>,
    /// The fix, required to resolve.
    pub resolution_notes: Option<String>,
    /// Required to cancel.
    pub cancel_reason: Option<String>,
    /// Resolving: also resolve the linked incidents that are still open.
    pub resolve_incidents: bool,
    /// The note those incidents are resolved with; the problem's
    /// resolution notes when none is given.
    pub incident_notes: Option<String>,
}

/// Checked text of an optional field; blank is none.
fn opt_text(field: &str, v: Option<&str>, limit: text::Limit) -> Result<Option<String>, AppError> {
    v.filter(|s| !s.trim().is_empty()).map(|s| text::check(s, limit).map_err(|e| AppError::field(field, e))).transpose()
}

impl App {
    pub async fn transition_problem(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        t: ProblemTransitionInput,
    ) -> Result<Problem, AppError> {
        can_view_problem(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let to: ProblemState = t.state.trim().parse().map_err(|e: Message| AppError::field("state", e))?;
        let code = t
            .resolution_code
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<ProblemResolution>().map_err(|e| AppError::field("resolution_code", e)))
            .transpose()?;
        let notes = opt_text("resolution_notes", t.resolution_notes.as_deref(), text::NOTES)?;
        let cancel_reason = opt_text("cancel_reason", t.cancel_reason.as_deref(), text::NOTES)?;
        let incident_notes = opt_text("incident_notes", t.incident_notes.as_deref(), text::NOTES)?;
        // What the linked incidents are resolved with, when asked.
        let incident_resolution = match (t.resolve_incidents, to, code) {
            (false, _, _) => {
                if incident_notes.is_some() {
                    return Err(AppError::field(
                        "incident_notes",
                        Code::NotApplicable.msg("only applies with resolve_incidents"),
                    ));
                }
                None
            }
            (true, ProblemState::Resolved, Some(code)) => match code.incident_resolution() {
                Some(rc) => Some((rc, incident_notes.clone().or_else(|| notes.clone()))),
                None => {
                    return Err(AppError::field(
                        "resolve_incidents",
                        Code::IncidentsStayOpen.msg(format!(
                            "a problem resolved as {code} leaves its incidents open: their fault is not gone"
                        )),
                    ));
                }
            },
            (true, ProblemState::Resolved, None) => None, // plan_transition names the missing code
            (true, _, _) => {
                return Err(AppError::field(
                    "resolve_incidents",
                    Code::NotApplicable.msg("only applies when moving to resolved"),
                ));
            }
        };
        let req_base = ProblemTransitionRequest {
            has_cause: false,
            resolution_code: code,
            resolution_notes: notes,
            cancel_reason,
        };
        let actor = actor.clone();
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        let ctx = self.notify_ctx();
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        let role = actor.role;
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = super::lock_at(c, dialect, n, Some(version)).await?;
                        let details = store_problems::details(c, old.id).await?.ok_or(AppError::NotFound(KIND))?;
                        let from: ProblemState =
                            old.state.parse().map_err(|e: steward_domain::code::Message| AppError::Internal(e.text))?;
                        let req = ProblemTransitionRequest { has_cause: has_cause(&details), ..req_base };
                        let plan = plan_transition(from, to, &req).map_err(|e| transition_error(e, &details))?;
                        can_transition_problem(role, to, plan.resolution_code)?;
                        // The open incidents, locked, each with its own plan.
                        let mut incidents = Vec::new();
                        if let Some((rc, notes)) = &incident_resolution {
                            let want = TransitionRequest {
                                resolution_code: Some(*rc),
                                resolution_notes: notes.clone(),
                                ..TransitionRequest::default()
                            };
                            for l in store_problems::incidents_of(c, old.id).await? {
                                let state: Option<IncidentState> = l.state.parse().ok();
                                if !state.is_some_and(|s| s.is_open()) {
                                    continue;
                                }
                                let inc = store_records::get_for_update(c, dialect, l.id).await?;
                                let from: IncidentState = inc
                                    .state
                                    .parse()
                                    .map_err(|e: steward_domain::code::Message| AppError::Internal(e.text))?;
                                let plan =
                                    steward_domain::incident::plan_transition(from, IncidentState::Resolved, &want)
                                        .map_err(|e| AppError::field("resolve_incidents", e))?;
                                incidents.push((inc, plan));
                            }
                        }
                        Ok::<_, AppError>((old, details, plan, incidents))
                    })
                },
                move |c, (old, old_details, plan, incidents)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let mut new = old.clone();
                        new.state = plan.to.as_str().to_owned();
                        if plan.sets_resolved_at {
                            new.resolved_at = Some(now);
                            new.resolution_code = plan.resolution_code.map(|r| r.as_str().to_owned());
                            new.resolution_notes = plan.resolution_notes.clone();
                        }
                        if plan.clears_resolved_at {
                            (new.resolved_at, new.resolution_code, new.resolution_notes) = (None, None, None);
                        }
                        if plan.sets_closed_at {
                            new.closed_at = Some(now);
                        }
                        if plan.reopen {
                            new.reopen_count += 1;
                        }
                        let mut details = old_details.clone();
                        if plan.cancel_reason.is_some() {
                            details.cancel_reason = plan.cancel_reason.clone();
                        }
                        if plan.retires_known_error && details.known_error != 0 {
                            (details.known_error, details.known_error_at) = (0, None);
                        }
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        let what = (Action::StateChanged, changes.as_slice());
                        let w = Writing { dialect, snap: &snap, ctx: &ctx, by: &by, actor: &actor };
                        let problem = super::write_change(c, &w, &old, new, details, (version, now), what).await?;
                        // Who works it hears of its end; webhooks of every move.
                        let note = plan.cancel_reason.as_deref();
                        crate::notify::hooks::on_transition(c, &ctx, &old, &problem.record, &by, note).await?;
                        for (inc, plan) in &incidents {
                            write_transition(c, &w, inc, plan, inc.version, None).await?;
                        }
                        Ok(problem)
                    })
                },
            )
            .await
    }
}

fn transition_error(e: ProblemTransitionError, d: &steward_store::problems::Details) -> AppError {
    match &e {
        // The cause is the category and the analysis: name the one missing.
        ProblemTransitionError::Missing { field: "cause", .. } if d.cause_category.is_none() => {
            AppError::field("cause_category", Code::RequiredForState.msg(e.to_string()))
        }
        ProblemTransitionError::NotAllowed { from, to, allowed } => {
            let allowed: Vec<String> = allowed.iter().map(|s| s.as_str().to_owned()).collect();
            crate::error::refused_move(e.to_string(), from, to, &allowed)
        }
        ProblemTransitionError::Missing { field, .. } => {
            AppError::field(api_field(field), Code::RequiredForState.msg(e.to_string()))
        }
        ProblemTransitionError::NotApplicable { field, .. } => {
            AppError::field(api_field(field), Code::NotApplicable.msg(e.to_string()))
        }
        ProblemTransitionError::ResolutionNotFrom { .. } => {
            AppError::field("resolution_code", Code::ResolutionNotHere.msg(e.to_string()))
        }
    }
}
