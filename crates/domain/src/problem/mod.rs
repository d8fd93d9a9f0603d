//! Problems: the underlying cause of one or more incidents, its analysis
//! and its fix (ITIL problem management, as ServiceNow and Jira Service
//! Management run it).
//!
//! New → Assessment → Root cause analysis → Fix in progress → Resolved →
//! Closed, and Cancelled from any open state. What a problem manager needs
//! beyond the straight line:
//!
//! - **One stage back**, for a wrong turn: Assessment → New (handed back to
//!   triage, e.g. to another group), Root cause analysis → Assessment (the
//!   analysis shows it is not what was assessed), Fix in progress → Root
//!   cause analysis (the fix failed or the cause was wrong: ServiceNow's
//!   "Re-analyze").
//! - **Resolving early**: from Assessment as a duplicate or "not a
//!   problem"; from Root cause analysis also when the risk is accepted, no
//!   fix is possible, or the workaround is the answer (ServiceNow's "Accept
//!   risk"). Only Fix in progress may resolve as `fixed`
//!   ([`ProblemResolution::allowed_from`]).
//! - **Reopening**: Resolved → Fix in progress (the fix did not hold),
//!   counted as a reopen. Closed and Cancelled are final.
//!
//! Moving to Fix in progress needs a recorded root cause; Resolved needs a
//! resolution code and notes (the fix); Cancelled needs a reason.

mod access;
mod candidates;
mod known_error;
#[cfg(test)]
mod tests;
mod whys;

pub use access::{
    can_change_known_error, can_edit_problem, can_link_incidents, can_transition_problem, can_view_problem,
};
pub use candidates::{Candidate, GroupCount, GroupKey, candidates};
pub use known_error::{
    KnownErrorError, LinkRefused, can_link_incident, can_publish_known_error, can_unpublish_known_error,
    check_known_error_edit,
};
pub use whys::{MAX_WHYS, WHY_MAX_CHARS, WhyStep, Whys, WhysError};

use crate::incident::ResolutionCode;
use crate::lifecycle::{Lifecycle, targets_text};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    New,
    Assessment,
    RootCauseAnalysis,
    FixInProgress,
    Resolved,
    Closed,
    Cancelled,
}

/// What kind of thing the root cause was, for trends and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseCategory {
    Hardware,
    Software,
    Configuration,
    Capacity,
    Network,
    Security,
    Process,
    HumanError,
    ThirdParty,
    Environment,
    Unknown,
}

/// How a problem ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemResolution {
    /// A permanent fix is in place.
    Fixed,
    /// No permanent fix is worth it; the workaround stays the answer.
    WorkaroundOnly,
    /// The business accepts the risk of it happening again.
    RiskAccepted,
    /// No fix exists (end of life, the vendor will not fix it).
    CannotFix,
    /// Another problem covers the same cause.
    Duplicate,
    /// Assessment found no underlying problem.
    NotAProblem,
}

text_enum!(
    ProblemState,
    "state",
    [
        New = "new",
        Assessment = "assessment",
        RootCauseAnalysis = "root_cause_analysis",
        FixInProgress = "fix_in_progress",
        Resolved = "resolved",
        Closed = "closed",
        Cancelled = "cancelled",
    ]
);
text_enum!(
    CauseCategory,
    "cause category",
    [
        Hardware = "hardware",
        Software = "software",
        Configuration = "configuration",
        Capacity = "capacity",
        Network = "network",
        Security = "security",
        Process = "process",
        HumanError = "human_error",
        ThirdParty = "third_party",
        Environment = "environment",
        Unknown = "unknown",
    ]
);
text_enum!(
    ProblemResolution,
    "resolution code",
    [
        Fixed = "fixed",
        WorkaroundOnly = "workaround_only",
        RiskAccepted = "risk_accepted",
        CannotFix = "cannot_fix",
        Duplicate = "duplicate",
        NotAProblem = "not_a_problem",
    ]
);

impl Lifecycle for ProblemState {
    const ALL: &'static [Self] = ProblemState::ALL;
    const NOUN: &'static str = "problem";
    fn as_str(self) -> &'static str {
        ProblemState::as_str(self)
    }
    fn initial() -> Self {
        ProblemState::New
    }
    fn is_open(self) -> bool {
        use ProblemState::*;
        matches!(self, New | Assessment | RootCauseAnalysis | FixInProgress)
    }
    fn is_resolved(self) -> bool {
        self == ProblemState::Resolved
    }
    fn is_final(self) -> bool {
        matches!(self, ProblemState::Closed | ProblemState::Cancelled)
    }
    fn allowed_targets(self) -> &'static [Self] {
        use ProblemState::*;
        match self {
            New => &[Assessment, Cancelled],
            Assessment => &[RootCauseAnalysis, New, Resolved, Cancelled],
            RootCauseAnalysis => &[FixInProgress, Assessment, Resolved, Cancelled],
            FixInProgress => &[Resolved, RootCauseAnalysis, Cancelled],
            Resolved => &[Closed, FixInProgress],
            Closed | Cancelled => &[],
        }
    }
    /// Assessment begins the work: the problem has been taken up.
    fn meets_response(self) -> bool {
        self != ProblemState::New
    }
}

impl ProblemResolution {
    /// The states a problem may be resolved from with this code: `fixed`
    /// needs the fix under way, a decision about the cause needs the
    /// analysis, a duplicate or a non-problem can be seen at assessment.
    pub fn allowed_from(self) -> &'static [ProblemState] {
        use ProblemState::*;
        match self {
            Self::Fixed => &[FixInProgress],
            Self::WorkaroundOnly | Self::RiskAccepted | Self::CannotFix => &[RootCauseAnalysis, FixInProgress],
            Self::Duplicate => &[Assessment, RootCauseAnalysis, FixInProgress],
            Self::NotAProblem => &[Assessment, RootCauseAnalysis],
        }
    }

    /// The resolution offered to the problem's open incidents when it is
    /// resolved ("resolve them with one note"): only when the fault they
    /// reported is gone or has a standing workaround. A duplicate's
    /// incidents belong to the other problem; the others keep their fault.
    pub fn incident_resolution(self) -> Option<ResolutionCode> {
        match self {
            Self::Fixed => Some(ResolutionCode::Solved),
            Self::WorkaroundOnly => Some(ResolutionCode::Workaround),
            Self::RiskAccepted | Self::CannotFix | Self::Duplicate | Self::NotAProblem => None,
        }
    }
}

/// What a caller asks for, with the facts the target state needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProblemTransitionRequest {
    /// The problem has a root cause recorded (category and analysis).
    pub has_cause: bool,
    pub resolution_code: Option<ProblemResolution>,
    pub resolution_notes: Option<String>,
    pub cancel_reason: Option<String>,
}

/// What the store must write for an allowed transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemTransitionPlan {
    pub to: ProblemState,
    pub resolution_code: Option<ProblemResolution>,
    pub resolution_notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Resolved → Fix in progress counts as a reopen.
    pub reopen: bool,
    pub sets_resolved_at: bool,
    pub clears_resolved_at: bool,
    pub sets_closed_at: bool,
    /// The published known error is withdrawn: the problem was cancelled,
    /// or resolved as a duplicate or as no problem at all.
    pub retires_known_error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemTransitionError {
    #[error("cannot go from {from} to {to}; allowed: {}", targets_text(.allowed))]
    NotAllowed { from: ProblemState, to: ProblemState, allowed: Vec<ProblemState> },
    #[error("{field} is required to move to {to}")]
    Missing { field: &'static str, to: ProblemState },
    #[error("{field} only applies when moving to {applies_to}")]
    NotApplicable { field: &'static str, applies_to: ProblemState },
    #[error("resolution_code {code} is not allowed from {from}; only from: {}", targets_text(.allowed_from))]
    ResolutionNotFrom { code: ProblemResolution, from: ProblemState, allowed_from: Vec<ProblemState> },
}

/// Decides whether `from → to` is allowed and what it needs.
pub fn plan_transition(
    from: ProblemState,
    to: ProblemState,
    req: &ProblemTransitionRequest,
) -> Result<ProblemTransitionPlan, ProblemTransitionError> {
    use ProblemState::*;
    use ProblemTransitionError as E;
    if !from.can_move_to(to) {
        return Err(E::NotAllowed { from, to, allowed: from.allowed_targets().to_vec() });
    }
    if to != Resolved && (req.resolution_code.is_some() || req.resolution_notes.is_some()) {
        let field = if req.resolution_code.is_some() { "resolution_code" } else { "resolution_notes" };
        return Err(E::NotApplicable { field, applies_to: Resolved });
    }
    if to != Cancelled && req.cancel_reason.is_some() {
        return Err(E::NotApplicable { field: "cancel_reason", applies_to: Cancelled });
    }
    let reopen = from == Resolved && to == FixInProgress;
    let mut plan = ProblemTransitionPlan {
        to,
        resolution_code: None,
        resolution_notes: None,
        cancel_reason: None,
        reopen,
        sets_resolved_at: to == Resolved,
        clears_resolved_at: reopen,
        sets_closed_at: to == Closed,
        retires_known_error: to == Cancelled,
    };
    match to {
        FixInProgress if !req.has_cause => return Err(E::Missing { field: "cause", to }),
        Resolved => {
            let code = req.resolution_code.ok_or(E::Missing { field: "resolution_code", to })?;
            if !code.allowed_from().contains(&from) {
                return Err(E::ResolutionNotFrom { code, from, allowed_from: code.allowed_from().to_vec() });
            }
            plan.resolution_code = Some(code);
            plan.resolution_notes =
                Some(filled(&req.resolution_notes).ok_or(E::Missing { field: "resolution_notes", to })?);
            plan.retires_known_error = matches!(code, ProblemResolution::Duplicate | ProblemResolution::NotAProblem);
        }
        Cancelled => {
            plan.cancel_reason = Some(filled(&req.cancel_reason).ok_or(E::Missing { field: "cancel_reason", to })?);
        }
        _ => {}
    }
    Ok(plan)
}

/// The trimmed text, or None when there is none.
fn filled(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}
