//! Change tasks (TASK): the implementation steps of a change, each
//! assigned to a group (and optionally to someone in it), as ServiceNow's
//! `change_task`.
//!
//! Open → In progress → Closed (with a close code: complete, incomplete,
//! skipped), In progress → Open (put back), and Cancelled from either open
//! state. A task belongs to one change and has a `step` (1, 2, …): tasks
//! of the same step run in parallel; a task cannot *start* — go to In
//! progress, or close as complete — while a task of a lower step of the
//! same change is still open ([`blockers`]). Closing one as incomplete or
//! skipped is always allowed: that is how a step nobody can finish is
//! got out of the way. The change cannot go to Review while any of its
//! tasks is open (`change::ChangeFacts::open_tasks`), and cancelling the
//! change cancels its open tasks.

#[cfg(test)]
mod tests;

use crate::code::{Code, Message};
use crate::lifecycle::{Lifecycle, targets_text};
use crate::{Role, access::Denied, change::ChangeState};
use serde::{Deserialize, Serialize};

/// The highest step a task may have.
pub const MAX_STEP: i64 = 999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    Open,
    InProgress,
    Closed,
    Cancelled,
}

/// How a task ended, given when it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskCloseCode {
    /// The work was done.
    Complete,
    /// Part of it was done; the notes say what was not.
    Incomplete,
    /// Not needed after all.
    Skipped,
}

text_enum!(TaskState, "state", [Open = "open", InProgress = "in_progress", Closed = "closed", Cancelled = "cancelled"]);
text_enum!(TaskCloseCode, "close code", [Complete = "complete", Incomplete = "incomplete", Skipped = "skipped"]);

impl Lifecycle for TaskState {
    const ALL: &'static [Self] = TaskState::ALL;
    const NOUN: &'static str = "task";
    fn as_str(self) -> &'static str {
        TaskState::as_str(self)
    }
    fn initial() -> Self {
        TaskState::Open
    }
    fn is_open(self) -> bool {
        matches!(self, TaskState::Open | TaskState::InProgress)
    }
    fn is_resolved(self) -> bool {
        false
    }
    fn is_final(self) -> bool {
        matches!(self, TaskState::Closed | TaskState::Cancelled)
    }
    fn allowed_targets(self) -> &'static [Self] {
        use TaskState::*;
        match self {
            Open => &[InProgress, Closed, Cancelled],
            InProgress => &[Closed, Open, Cancelled],
            Closed | Cancelled => &[],
        }
    }
    fn meets_response(self) -> bool {
        self != TaskState::Open
    }
}

/// One task of a change as the order rule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sibling<N> {
    /// How callers name it (its number).
    pub name: N,
    pub step: i64,
    pub state: TaskState,
}

/// The tasks that keep a task of `step` from starting: the change's open
/// tasks of a lower step, in the order given.
pub fn blockers<N: Clone>(step: i64, siblings: &[Sibling<N>]) -> Vec<N> {
    siblings.iter().filter(|s| s.step < step && s.state.is_open()).map(|s| s.name.clone()).collect()
}

/// The move a caller asks for, with what it sends along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTransitionRequest {
    pub from: TaskState,
    pub to: TaskState,
    pub close_code: Option<TaskCloseCode>,
    pub close_notes: Option<String>,
}

impl TaskTransitionRequest {
    pub fn new(from: TaskState, to: TaskState) -> Self {
        TaskTransitionRequest { from, to, close_code: None, close_notes: None }
    }
}

/// What the store writes for an allowed move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTransitionPlan {
    pub to: TaskState,
    pub close_code: Option<TaskCloseCode>,
    pub close_notes: Option<String>,
    /// Closed or cancelled: the task is done with.
    pub sets_closed_at: bool,
    /// In progress for the first time: the work began.
    pub starts: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskTransitionError {
    #[error("a task cannot go from {from} to {to}; allowed: {}", targets_text(.allowed))]
    NotAllowed { from: TaskState, to: TaskState, allowed: Vec<TaskState> },
    #[error("{field} is required to move to {to}")]
    Missing { field: &'static str, to: TaskState },
    #[error("{field} only applies when moving to {applies_to}")]
    NotApplicable { field: &'static str, applies_to: TaskState },
    /// Tasks of a lower step are still open.
    #[error("waits for {}: a task of an earlier step is still open", .by.join(", "))]
    Blocked { by: Vec<String> },
}

impl TaskTransitionError {
    /// The field the refusal belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            TaskTransitionError::NotAllowed { .. } | TaskTransitionError::Blocked { .. } => "state",
            TaskTransitionError::Missing { field, .. } | TaskTransitionError::NotApplicable { field, .. } => field,
        }
    }
}

impl From<TaskTransitionError> for Message {
    fn from(e: TaskTransitionError) -> Self {
        use TaskTransitionError as E;
        let text = e.to_string();
        match e {
            E::NotAllowed { from, to, allowed } => {
                let list = allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                Code::TransitionNotAllowed
                    .msg(text)
                    .with("from", from)
                    .with("to", to)
                    .with("allowed", if list.is_empty() { "—".to_owned() } else { list })
            }
            E::Missing { .. } => Code::RequiredForState.msg(text),
            E::NotApplicable { .. } => Code::NotApplicable.msg(text),
            E::Blocked { by } => Code::TaskBlocked.msg(text).with("tasks", by.join(", ")),
        }
    }
}

/// Decides whether the move is allowed and what it writes. `blocked_by`
/// names the change's open tasks of a lower step ([`blockers`]); `started`
/// says whether the task was ever in progress.
pub fn plan_task_transition(
    req: &TaskTransitionRequest,
    blocked_by: &[String],
    started: bool,
) -> Result<TaskTransitionPlan, TaskTransitionError> {
    use TaskState::*;
    use TaskTransitionError as E;
    let (from, to) = (req.from, req.to);
    if !from.can_move_to(to) {
        return Err(E::NotAllowed { from, to, allowed: from.allowed_targets().to_vec() });
    }
    if to != Closed {
        if req.close_code.is_some() {
            return Err(E::NotApplicable { field: "close_code", applies_to: Closed });
        }
        if filled(&req.close_notes).is_some() {
            return Err(E::NotApplicable { field: "close_notes", applies_to: Closed });
        }
    }
    let code = match to {
        Closed => Some(req.close_code.ok_or(E::Missing { field: "close_code", to })?),
        _ => None,
    };
    let starting = to == InProgress || code == Some(TaskCloseCode::Complete);
    if starting && !blocked_by.is_empty() {
        return Err(E::Blocked { by: blocked_by.to_vec() });
    }
    Ok(TaskTransitionPlan {
        to,
        close_code: code,
        close_notes: if to == Closed { filled(&req.close_notes) } else { None },
        sets_closed_at: to.is_final(),
        starts: to == InProgress && !started,
    })
}

/// A step as sent: a whole number from 1 to [`MAX_STEP`].
pub fn check_step(step: i64) -> Result<i64, Message> {
    if (1..=MAX_STEP).contains(&step) {
        Ok(step)
    } else {
        Err(Code::Between.msg(format!("must be between 1 and {MAX_STEP}")).with("min", 1).with("max", MAX_STEP))
    }
}

/// A task's planned start and end, either or both; an end must come after
/// the start. The message belongs beside `planned_end`.
pub fn check_window(start: Option<i64>, end: Option<i64>) -> Result<(), Message> {
    match (start, end) {
        (Some(s), Some(e)) if e <= s => {
            Err(Code::EndBeforeStart.msg("must be after planned_start").with("start", "planned_start"))
        }
        _ => Ok(()),
    }
}

/// Whether a change in `state` takes new tasks: not once its work is
/// done (Review) or it is over (Closed, Cancelled). The message belongs
/// beside `change`.
pub fn can_add_task(state: ChangeState) -> Result<(), Message> {
    match state {
        ChangeState::Review | ChangeState::Closed | ChangeState::Cancelled => Err(Code::TaskChangeClosed
            .msg(format!("the change is {state}: tasks are added while its work is still ahead"))
            .with("state", state)),
        _ => Ok(()),
    }
}

/// Seeing tasks: staff, as their changes.
pub fn can_view_task(role: Role) -> Result<(), Denied> {
    crate::change::can_view_change(role)
}

/// Adding, editing and moving tasks: whoever may edit the change.
pub fn can_edit_task(role: Role) -> Result<(), Denied> {
    crate::change::can_edit_change(role)
}

/// The trimmed text, or None when there is none.
fn filled(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}
