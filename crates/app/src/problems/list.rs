//! The problem list's filters as the API takes them (text): the incident
//! list's where they apply (the SLA filter and sort among them), read by
//! the same code, plus the problem's own states and the known-error flag.

use super::KIND;
use crate::error::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::ListParams,
};
use serde::{Deserialize, Serialize};
use steward_domain::problem::ProblemState;
use steward_store::{problems as store_problems, records::Filter};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemListParams {
    /// Comma-separated states; `open` means new, assessment,
    /// root_cause_analysis and fix_in_progress.
    pub state: Option<String>,
    /// Comma-separated priorities 1–5.
    pub priority: Option<String>,
    /// Comma-separated group names; `mine`, `none`.
    pub group: Option<String>,
    /// The problem owner: a username, `me` or `none`.
    pub assignee: Option<String>,
    pub service: Option<String>,
    /// `true`: published known errors only; `false`: the others.
    pub known_error: Option<String>,
    /// Words in the title or description.
    pub text: Option<String>,
    /// `breaching_soon` (a running SLA clock due within the next hour, or
    /// overdue and not yet marked) or `breached`.
    pub sla: Option<String>,
    /// priority (default), -priority, opened, -opened, updated, -updated,
    /// number, -number, sla_due (the nearest SLA due moment first)
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// A problem list's known-error condition (see `Filter::extra`).
const NOT_KNOWN_ERROR: &str =
    "NOT EXISTS (SELECT 1 FROM problem_details pd WHERE pd.record_id = i.id AND pd.known_error = 1)";

impl App {
    /// Checks and resolves problem list parameters: the shared ones as the
    /// incident list reads them, every bad one named at once.
    pub async fn problem_filter(&self, actor: &Actor, p: &ProblemListParams) -> Result<Filter, AppError> {
        steward_domain::problem::can_view_problem(actor.role)?;
        let mut errs = Errors::default();
        let states = crate::incidents::kind_states::<ProblemState>(&mut errs, p.state.as_deref());
        // A boolean: empty is refused, as the incident list's `major` is.
        let extra = match p.known_error.as_deref().map(str::trim) {
            None => None,
            Some("true" | "1" | "yes") => Some(store_problems::KNOWN_ERROR),
            Some("false" | "0" | "no") => Some(NOT_KNOWN_ERROR),
            Some(_) => {
                errs.add("known_error", Code::NotBool.msg("must be true or false"));
                None
            }
        };
        let shared = ListParams {
            priority: p.priority.clone(),
            group: p.group.clone(),
            assignee: p.assignee.clone(),
            service: p.service.clone(),
            text: p.text.clone(),
            sla: p.sla.clone(),
            sort: p.sort.clone(),
            cursor: p.cursor.clone(),
            limit: p.limit,
            ..ListParams::default()
        };
        self.kind_filter(actor, &shared, (KIND, states, extra), errs).await
    }
}
