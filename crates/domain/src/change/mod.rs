//! Changes: planned additions, modifications and removals of what the
//! services run on (ITIL change enablement, as ServiceNow runs it).
//!
//! Draft → Assessment → Authorization → Scheduled → Implementing → Review →
//! Closed, and Cancelled from any open state. Each [`ChangeType`] walks its
//! own part of that line ([`targets`]):
//!
//! - **normal**: the whole line. Assessment → Draft (handed back to its
//!   author), Authorization → Assessment (sent back by the approvers),
//!   Scheduled → Authorization (re-planned, so approved again).
//! - **standard**: pre-approved by its template, so no assessment and no
//!   authorization: Draft → Scheduled → Implementing → Review → Closed, and
//!   Scheduled → Draft.
//! - **emergency**: Draft → Authorization (an emergency approver) →
//!   Implementing → Review → Closed; Authorization → Scheduled →
//!   Implementing when there is time to plan a window. The review is the
//!   retrospective every emergency change needs.
//!
//! No type reaches Closed but through Review, and no type is scheduled
//! before it is approved (a standard change's approval is its template).
//! The rules each move needs are in [`plan_transition`]; the risk
//! questionnaire, whose score decides whether a change goes to the CAB, in
//! [`Questionnaire`].
//!
//! The [`Lifecycle`] answers are the union over the types; Review is the
//! "resolved" state (the work is done and waits for its review), so it is
//! not open — the trait keeps open, resolved and final apart — and cannot
//! be cancelled.

mod access;
pub mod approval;
pub mod conflicts;
pub mod outcome;
mod risk;
pub mod template;
#[cfg(test)]
mod tests;
mod transition;

pub use access::{
    can_approve_change, can_edit_change, can_transition_change, can_view_change, may_schedule_in_freeze, own_approval,
};
pub use risk::{Answer, Question, Questionnaire, Risk, RiskLevel, can_configure_risk};
pub use transition::{
    ChangeFacts, ChangeTransitionError, ChangeTransitionPlan, ChangeTransitionRequest, check_window, plan_transition,
};

use crate::lifecycle::Lifecycle;
use serde::{Deserialize, Serialize};

/// How a change is approved, and so which path it walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    /// Low risk and done often, from a pre-approved template: no CAB.
    Standard,
    /// Assessed and authorized (by the CAB when the risk asks for it).
    #[default]
    Normal,
    /// Cannot wait: an emergency approver authorizes it, a review follows.
    Emergency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeState {
    Draft,
    Assessment,
    Authorization,
    Scheduled,
    Implementing,
    Review,
    Closed,
    Cancelled,
}

/// How a change ended, given when it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseCode {
    Successful,
    SuccessfulWithIssues,
    Failed,
    BackedOut,
}

text_enum!(ChangeType, "change type", [Standard = "standard", Normal = "normal", Emergency = "emergency"]);
text_enum!(
    ChangeState,
    "state",
    [
        Draft = "draft",
        Assessment = "assessment",
        Authorization = "authorization",
        Scheduled = "scheduled",
        Implementing = "implementing",
        Review = "review",
        Closed = "closed",
        Cancelled = "cancelled",
    ]
);
text_enum!(
    CloseCode,
    "close code",
    [
        Successful = "successful",
        SuccessfulWithIssues = "successful_with_issues",
        Failed = "failed",
        BackedOut = "backed_out",
    ]
);

impl CloseCode {
    /// The change did not do what it was for: its review must say why.
    pub fn is_failure(self) -> bool {
        matches!(self, CloseCode::Failed | CloseCode::BackedOut)
    }
}

/// Every state a change of this type may move to from `from`, in the order
/// buttons show them: forward, back, cancel. A state the type never enters
/// (a standard change's Assessment and Authorization, an emergency change's
/// Assessment) may only be cancelled, so a record left there is not stuck.
pub fn targets(ty: ChangeType, from: ChangeState) -> &'static [ChangeState] {
    use ChangeState::*;
    use ChangeType::*;
    match (ty, from) {
        (_, Closed | Cancelled) => &[],
        (_, Implementing) => &[Review, Cancelled],
        (_, Review) => &[Closed],
        (Normal, Draft) => &[Assessment, Cancelled],
        (Normal, Assessment) => &[Authorization, Draft, Cancelled],
        (Normal, Authorization) => &[Scheduled, Assessment, Cancelled],
        (Normal, Scheduled) => &[Implementing, Authorization, Cancelled],
        (Standard, Draft) => &[Scheduled, Cancelled],
        (Standard, Scheduled) => &[Implementing, Draft, Cancelled],
        (Emergency, Draft) => &[Authorization, Cancelled],
        (Emergency, Authorization) => &[Implementing, Scheduled, Cancelled],
        (Emergency, Scheduled) => &[Implementing, Cancelled],
        (Standard, Assessment | Authorization) | (Emergency, Assessment) => &[Cancelled],
    }
}

impl Lifecycle for ChangeState {
    const ALL: &'static [Self] = ChangeState::ALL;
    const NOUN: &'static str = "change";
    fn as_str(self) -> &'static str {
        ChangeState::as_str(self)
    }
    fn initial() -> Self {
        ChangeState::Draft
    }
    fn is_open(self) -> bool {
        !self.is_final() && !self.is_resolved()
    }
    fn is_resolved(self) -> bool {
        self == ChangeState::Review
    }
    fn is_final(self) -> bool {
        matches!(self, ChangeState::Closed | ChangeState::Cancelled)
    }
    /// The union of [`targets`] over the types, in the order buttons show
    /// them (a test checks it is exactly the union).
    fn allowed_targets(self) -> &'static [Self] {
        use ChangeState::*;
        match self {
            Draft => &[Assessment, Authorization, Scheduled, Cancelled],
            Assessment => &[Authorization, Draft, Cancelled],
            Authorization => &[Scheduled, Implementing, Assessment, Cancelled],
            Scheduled => &[Implementing, Authorization, Draft, Cancelled],
            Implementing => &[Review, Cancelled],
            Review => &[Closed],
            Closed | Cancelled => &[],
        }
    }
}
