//! Change tasks: add a task to a change, edit it, move it along
//! (`steward_domain::task::plan_task_transition`, which keeps the steps
//! in order), read one, a change's tasks in step order, and the queue of
//! open tasks for one's groups or oneself. Every write goes through
//! `Store::write_checked` and is journaled on the task; adding a task and
//! closing or cancelling one is noted in the change's journal too.
//!
//! A task is a `records` row of kind "task" (the group and assignee who
//! carry it out, the requester who added it, the resolution code the close
//! code, `first_response_at` the moment work on it began) plus its
//! `task_details` row (change, step, planned start and end, close notes).

mod cascade;
mod create;
pub mod export;
mod query;
mod transition;
mod update;

pub(crate) use cascade::{cancel_open_tasks, cancelled_note};
pub use create::NewTask;
pub use query::{Queue, task_filter};
pub use transition::TaskTransitionInput;
pub use update::TaskPatch;

use crate::error::{AppError, Errors};
use serde::Serialize;
use steward_domain::{
    RecordNumber,
    journal::{Action, FieldChange},
    number::RecordKind,
    task::TaskState,
};
use steward_store::{
    Conn,
    records::{self as store_records, Record},
    tasks::{self as store_tasks, Details},
};

pub(crate) const KIND: &str = "task";

/// A task: the shared record, its own details, and the open tasks of an
/// earlier step it waits for (their numbers).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Task {
    pub record: Record,
    pub details: Details,
    pub blocked_by: Vec<i64>,
}

impl Task {
    pub fn state(&self) -> Option<TaskState> {
        self.record.state.parse().ok()
    }
    /// Waits for a task of an earlier step (and has not started or ended).
    pub fn is_blocked(&self) -> bool {
        !self.blocked_by.is_empty() && self.state() == Some(TaskState::Open)
    }
    pub fn change_number(&self) -> String {
        crate::changes::number(self.details.change_number)
    }
}

/// Parses "TASK0000042" (or "42") into the task's number.
pub fn parse_number(s: &str) -> Result<i64, AppError> {
    RecordKind::Task.seq_of(s).ok_or(AppError::NotFound(KIND))
}

pub fn number(n: i64) -> String {
    RecordNumber { kind: RecordKind::Task, seq: n }.to_string()
}

/// Field changes of the details, values as text.
pub(crate) fn details_diff(old: &Details, new: &Details) -> Vec<FieldChange> {
    let time = crate::changes::time_text;
    [
        FieldChange::new("step", Some(old.step.to_string()), Some(new.step.to_string())),
        FieldChange::new("planned_start", time(old.planned_start), time(new.planned_start)),
        FieldChange::new("planned_end", time(old.planned_end), time(new.planned_end)),
        FieldChange::new("close_notes", old.close_notes.clone(), new.close_notes.clone()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An RFC 3339 time (or a date) as sent, in microseconds.
pub(crate) fn time_field(errs: &mut Errors, field: &str, v: &str) -> Option<i64> {
    errs.check(field, crate::incidents::parse_time(v.trim()))
}

/// The planned start and end as they will be, checked beside `planned_end`.
pub(crate) fn check_window(errs: &mut Errors, start: Option<i64>, end: Option<i64>) {
    if let Err(m) = steward_domain::task::check_window(start, end) {
        errs.add("planned_end", m);
    }
}

/// What the change's journal says of one of its tasks: its number, title
/// and step, or its number and how it ended.
pub(crate) fn change_note(rec: &Record, step: i64) -> String {
    format!("{} {} (step {step})", number(rec.number), rec.title)
}

/// Notes a task's news in its change's journal, at `now`.
pub(crate) async fn note_on_change(
    c: &mut Conn,
    change_id: i64,
    actor: Option<i64>,
    now: i64,
    change: FieldChange,
) -> Result<(), AppError> {
    let change_rec = store_records::get(c, change_id).await?.ok_or(AppError::NotFound("change"))?;
    crate::records::journal(c, &change_rec, now, actor, Action::Updated, &[change], None).await?;
    Ok(())
}

/// Writes a changed task (its row under `version`, then its details) with
/// its journal entry, at `now`.
pub(crate) async fn write_task(
    c: &mut Conn,
    actor_id: Option<i64>,
    old: &Record,
    mut new: Record,
    details: Details,
    (version, now): (i64, i64),
    (action, changes): (Action, &[FieldChange]),
) -> Result<Task, AppError> {
    new.updated_at = now;
    new.version = store_records::update(c, &new, version).await?;
    store_tasks::update_details(c, &details).await?;
    crate::records::journal(c, old, now, actor_id, action, changes, None).await?;
    Ok(Task { record: new, details, blocked_by: Vec::new() })
}
