//! What a change's move needs, and what the store writes for it.
//!
//! - Leaving Authorization forward (to Scheduled or, for an emergency
//!   change, straight to Implementing) needs the approval: the CAB's or the
//!   change manager's for a normal change, an emergency approver's for an
//!   emergency one. The caller says whether it was given (`approved`).
//! - Entering Scheduled needs a planned window: a start and an end after
//!   it. An emergency change going straight to Implementing needs none.
//!   A standard change is scheduled on its template's approval, so the
//!   template must still exist.
//! - Entering Review needs every task of the change closed.
//! - Closed needs a close code, and review notes when the change was an
//!   emergency or did not succeed (failed, backed out).
//! - Cancelled needs a reason.
//!
//! Times are microseconds since the Unix epoch, as the store keeps them.

use super::{ChangeState, ChangeType, CloseCode, targets};
use crate::code::{Code, Message};
use crate::lifecycle::targets_text;

/// The move a caller asks for, with what it sends along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTransitionRequest {
    pub from: ChangeState,
    pub to: ChangeState,
    pub close_code: Option<CloseCode>,
    pub review_notes: Option<String>,
    pub cancel_reason: Option<String>,
}

impl ChangeTransitionRequest {
    /// `from → to` sending nothing along.
    pub fn new(from: ChangeState, to: ChangeState) -> Self {
        ChangeTransitionRequest { from, to, close_code: None, review_notes: None, cancel_reason: None }
    }
}

/// What the record holds that the move depends on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeFacts {
    pub change_type: ChangeType,
    /// The approval the change needs has been given (an emergency approver's
    /// for an emergency change).
    pub approved: bool,
    pub planned_start: Option<i64>,
    pub planned_end: Option<i64>,
    /// The change's tasks not yet closed.
    pub open_tasks: u32,
    /// A standard change's template still exists (not deleted or retired).
    /// Other types ignore it.
    pub template_available: bool,
}

/// What the store must write for an allowed move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTransitionPlan {
    pub to: ChangeState,
    pub close_code: Option<CloseCode>,
    pub review_notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Sent back to or before Authorization (Authorization → Assessment,
    /// Scheduled → Authorization, Assessment → Draft) by a type that needs
    /// approval: the approval given no longer holds and is asked again.
    pub resets_approval: bool,
    /// Implementing begins: the actual start.
    pub sets_actual_start: bool,
    /// Review begins: the actual end.
    pub sets_actual_end: bool,
    pub sets_closed_at: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeTransitionError {
    #[error("{} change cannot go from {from} to {to}; allowed: {}", a_type(.ty), targets_text(.allowed))]
    NotAllowed { ty: ChangeType, from: ChangeState, to: ChangeState, allowed: Vec<ChangeState> },
    #[error("the change is not approved yet")]
    NotApproved { to: ChangeState },
    #[error("{field} is required to move to {to}")]
    Missing { field: &'static str, to: ChangeState },
    /// Review notes, required by the kind of change or by how it ended.
    #[error("review_notes is required to close {why}")]
    ReviewNotes { why: &'static str },
    #[error("{field} only applies when moving to {applies_to}")]
    NotApplicable { field: &'static str, applies_to: ChangeState },
    #[error("planned_end must be after planned_start")]
    EndNotAfterStart,
    #[error("the change has {n} open tasks: close them before the review")]
    OpenTasks { n: u32 },
    #[error("the template of this standard change is gone: raise it as a normal change")]
    TemplateGone,
}

impl ChangeTransitionError {
    /// The field the refusal belongs beside.
    pub fn field(&self) -> &'static str {
        use ChangeTransitionError as E;
        match self {
            E::NotAllowed { .. } => "state",
            E::NotApproved { .. } => "approval",
            E::Missing { field, .. } | E::NotApplicable { field, .. } => field,
            E::ReviewNotes { .. } => "review_notes",
            E::EndNotAfterStart => "planned_end",
            E::OpenTasks { .. } => "tasks",
            E::TemplateGone => "template",
        }
    }
}

impl From<ChangeTransitionError> for Message {
    fn from(e: ChangeTransitionError) -> Self {
        use ChangeTransitionError as E;
        let text = e.to_string();
        match e {
            E::NotAllowed { ty, from, to, allowed } => {
                let list = allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                Code::TransitionNotAllowed
                    .msg(text)
                    .with("from", from)
                    .with("to", to)
                    .with("allowed", if list.is_empty() { "—".to_owned() } else { list })
                    .with("type", ty)
            }
            E::NotApproved { .. } => Code::NotApproved.msg(text),
            E::Missing { .. } | E::ReviewNotes { .. } => Code::RequiredForState.msg(text),
            E::NotApplicable { .. } => Code::NotApplicable.msg(text),
            E::EndNotAfterStart => Code::PlannedEndBeforeStart.msg(text),
            E::OpenTasks { n } => Code::OpenTasks.msg(text).with("n", n),
            E::TemplateGone => Code::ChangeTemplateGone.msg(text),
        }
    }
}

/// A planned window as edited: both ends or neither, the end after the
/// start. The message belongs beside `planned_end`.
pub fn check_window(start: Option<i64>, end: Option<i64>) -> Result<(), Message> {
    match (start, end) {
        (None, None) => Ok(()),
        (Some(s), Some(e)) if e > s => Ok(()),
        (Some(_), Some(_)) => Err(ChangeTransitionError::EndNotAfterStart.into()),
        _ => Err(Code::PlannedWindowHalf.msg("planned_start and planned_end go together: give both or neither")),
    }
}

/// Decides whether the move is allowed for this change and what it needs.
pub fn plan_transition(
    req: &ChangeTransitionRequest,
    facts: &ChangeFacts,
) -> Result<ChangeTransitionPlan, ChangeTransitionError> {
    use ChangeState::*;
    use ChangeTransitionError as E;
    let (from, to, ty) = (req.from, req.to, facts.change_type);
    let allowed = targets(ty, from);
    if !allowed.contains(&to) {
        return Err(E::NotAllowed { ty, from, to, allowed: allowed.to_vec() });
    }
    if to != Closed && (req.close_code.is_some() || req.review_notes.is_some()) {
        let field = if req.close_code.is_some() { "close_code" } else { "review_notes" };
        return Err(E::NotApplicable { field, applies_to: Closed });
    }
    if to != Cancelled && req.cancel_reason.is_some() {
        return Err(E::NotApplicable { field: "cancel_reason", applies_to: Cancelled });
    }
    if from == Authorization && matches!(to, Scheduled | Implementing) && !facts.approved {
        return Err(E::NotApproved { to });
    }
    let back = to != Cancelled && position(to) < position(from);
    let mut plan = ChangeTransitionPlan {
        to,
        close_code: None,
        review_notes: None,
        cancel_reason: None,
        resets_approval: back && ty != ChangeType::Standard,
        sets_actual_start: to == Implementing,
        sets_actual_end: to == Review,
        sets_closed_at: to == Closed,
    };
    match to {
        Scheduled => {
            if ty == ChangeType::Standard && from == Draft && !facts.template_available {
                return Err(E::TemplateGone);
            }
            let start = facts.planned_start.ok_or(E::Missing { field: "planned_start", to })?;
            let end = facts.planned_end.ok_or(E::Missing { field: "planned_end", to })?;
            if end <= start {
                return Err(E::EndNotAfterStart);
            }
        }
        Review if facts.open_tasks > 0 => return Err(E::OpenTasks { n: facts.open_tasks }),
        Closed => {
            let code = req.close_code.ok_or(E::Missing { field: "close_code", to })?;
            let notes = filled(&req.review_notes);
            let why = if ty == ChangeType::Emergency {
                Some("an emergency change")
            } else if code.is_failure() {
                Some("a change that failed or was backed out")
            } else {
                None
            };
            if let (Some(why), None) = (why, &notes) {
                return Err(E::ReviewNotes { why });
            }
            plan.close_code = Some(code);
            plan.review_notes = notes;
        }
        Cancelled => {
            plan.cancel_reason = Some(filled(&req.cancel_reason).ok_or(E::Missing { field: "cancel_reason", to })?);
        }
        _ => {}
    }
    Ok(plan)
}

/// "a normal", "an emergency": the type with its article.
fn a_type(ty: &ChangeType) -> &'static str {
    match ty {
        ChangeType::Standard => "a standard",
        ChangeType::Normal => "a normal",
        ChangeType::Emergency => "an emergency",
    }
}

/// Where the state stands on the line Draft → … → Closed.
fn position(s: ChangeState) -> usize {
    ChangeState::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX)
}

/// The trimmed text, or None when there is none.
fn filled(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}
