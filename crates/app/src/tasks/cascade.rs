//! Cancelling a change cancels its open tasks, in the change's own write.

use super::{KIND, number};
use crate::error::AppError;
use steward_domain::{
    journal::{Action, FieldChange},
    task::TaskState,
};
use steward_store::{Conn, Dialect, records, tasks as store_tasks};

/// Cancels the open tasks of the change `change_id` (numbered
/// `change_number`) at `now`, each journaled on the task with the reason;
/// their numbers, for the change's journal.
pub(crate) async fn cancel_open_tasks(
    c: &mut Conn,
    d: Dialect,
    (change_id, change_number): (i64, &str),
    reason: Option<&str>,
    actor_id: i64,
    now: i64,
) -> Result<Vec<String>, AppError> {
    let mut done = Vec::new();
    for mut details in store_tasks::open_of_change(c, change_id).await? {
        let old = records::get_for_update(c, d, details.record_id).await?;
        if old.kind != KIND {
            continue;
        }
        let mut new = old.clone();
        new.state = TaskState::Cancelled.as_str().to_owned();
        new.closed_at = Some(now);
        let note = match reason {
            Some(r) => format!("{change_number} was cancelled: {r}"),
            None => format!("{change_number} was cancelled"),
        };
        let old_details = details.clone();
        details.is_open = 0;
        details.close_notes = Some(note);
        let mut changes = crate::incidents::diff(&old, &new);
        changes.extend(super::details_diff(&old_details, &details));
        super::write_task(c, Some(actor_id), &old, new, details, (old.version, now), (Action::StateChanged, &changes))
            .await?;
        done.push(number(old.number));
    }
    Ok(done)
}

/// The change's journal line for the tasks its cancellation cancelled.
pub(crate) fn cancelled_note(numbers: &[String]) -> Option<FieldChange> {
    FieldChange::new("tasks_cancelled", None, (!numbers.is_empty()).then(|| numbers.join(", ")))
}
