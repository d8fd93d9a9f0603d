//! Moving a task as `plan_task_transition` allows: in step order.

use super::{KIND, Task, details_diff};
use crate::{
    Actor, App,
    error::{AppError, Errors, Message, refused_move},
    incidents::diff,
};
use steward_domain::{
    journal::{Action, FieldChange},
    task::{TaskCloseCode, TaskState, TaskTransitionError, TaskTransitionRequest, can_edit_task, plan_task_transition},
    text,
};
use steward_store::{now_micros, tasks as store_tasks};

/// A transition as callers send it: the target and what it needs, as text.
#[derive(Debug, Clone, Default)]
pub struct TaskTransitionInput {
    pub state: String,
    /// Required to close: complete, incomplete or skipped.
    pub close_code: Option<String>,
    /// Closing only.
    pub close_notes: Option<String>,
}

impl App {
    pub async fn transition_task(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        t: TaskTransitionInput,
    ) -> Result<Task, AppError> {
        can_edit_task(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let to = errs.check("state", t.state.trim().parse::<TaskState>());
        let close_code = t
            .close_code
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errs.check("close_code", s.trim().parse::<TaskCloseCode>()));
        let close_notes = t
            .close_notes
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errs.check("close_notes", text::check(s, text::NOTES)));
        errs.finish()?;
        let Some(to) = to else { return Err(AppError::Internal("validation".into())) };
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = crate::records::lock(c, dialect, KIND, n).await?;
                        crate::records::check_version(&old, version)?;
                        let details = store_tasks::details(c, old.id).await?.ok_or(AppError::NotFound(KIND))?;
                        let from: TaskState = old.state.parse().map_err(|e: Message| AppError::Internal(e.text))?;
                        let blocked_by = super::create::blockers_of(c, old.id).await?;
                        let names: Vec<String> = blocked_by.iter().map(|b| super::number(*b)).collect();
                        let req = TaskTransitionRequest { from, to, close_code, close_notes };
                        let started = old.first_response_at.is_some();
                        let plan = plan_task_transition(&req, &names, started).map_err(transition_error)?;
                        Ok::<_, AppError>((old, details, plan, blocked_by))
                    })
                },
                move |c, (old, old_details, plan, blocked_by)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let mut new = old.clone();
                        let mut details = old_details.clone();
                        new.state = plan.to.as_str().to_owned();
                        if plan.starts {
                            new.first_response_at = Some(now);
                        }
                        if plan.sets_closed_at {
                            new.closed_at = Some(now);
                        }
                        new.resolution_code = plan.close_code.map(|c| c.as_str().to_owned());
                        details.close_notes = plan.close_notes.clone();
                        details.is_open = i64::from(!plan.sets_closed_at);
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        if plan.sets_closed_at {
                            let ended = match plan.close_code {
                                Some(code) => format!("{} {}: {code}", super::number(old.number), plan.to),
                                None => format!("{} {}", super::number(old.number), plan.to),
                            };
                            let was = format!("{} {}", super::number(old.number), old.state);
                            if let Some(note) = FieldChange::new("task", Some(was), Some(ended)) {
                                super::note_on_change(c, details.change_id, Some(actor_id), now, note).await?;
                            }
                        }
                        let what = (Action::StateChanged, changes.as_slice());
                        let mut task =
                            super::write_task(c, Some(actor_id), &old, new, details, (version, now), what).await?;
                        task.blocked_by = blocked_by;
                        Ok::<_, AppError>(task)
                    })
                },
            )
            .await
    }
}

/// A refused move: one the machine does not allow, or one waiting for an
/// earlier step, is a conflict (409) that names what it waits for; what
/// the move lacks is its field's (422).
fn transition_error(e: TaskTransitionError) -> AppError {
    match &e {
        TaskTransitionError::NotAllowed { from, to, allowed } => {
            let allowed: Vec<String> = allowed.iter().map(|s| s.as_str().to_owned()).collect();
            refused_move(e.to_string(), from, to, &allowed)
        }
        TaskTransitionError::Blocked { .. } => AppError::Transition { message: e.into(), allowed: Vec::new() },
        _ => AppError::field(e.field(), e),
    }
}
