//! Reading tasks: one, a change's tasks in step order, the queue of open
//! tasks for one's groups or oneself, a task's journal.

use super::{KIND, Task, parse_number};
use crate::{Actor, App, error::AppError};
use steward_domain::{
    lifecycle::open_state_names,
    task::{TaskState, can_view_task},
};
use steward_store::{
    Conn, StoreError, journal,
    records::{self, Assigned, Filter, Record, Sort},
    tasks::{self as store_tasks, Details},
};

/// Whose open tasks a queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Queue {
    /// Assigned to one of my groups (to me or to anyone in them).
    #[default]
    Group,
    /// Assigned to me.
    Me,
}

impl Queue {
    pub fn parse(s: &str) -> Option<Queue> {
        match s.trim() {
            "group" => Some(Queue::Group),
            "me" => Some(Queue::Me),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Group => "group",
            Queue::Me => "me",
        }
    }
}

/// The most tasks a queue lists.
pub const QUEUE_MAX: i64 = 200;

impl App {
    /// The task with this number; requesters see no tasks (403).
    pub async fn get_task(&self, actor: &Actor, number: &str) -> Result<Task, AppError> {
        can_view_task(actor.role)?;
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let record = records::by_number(&mut conn, KIND, n).await?.ok_or(AppError::NotFound(KIND))?;
        let details = store_tasks::details(&mut conn, record.id).await?.ok_or(AppError::NotFound(KIND))?;
        let blocked_by = super::create::blockers_of(&mut conn, record.id).await?;
        Ok(Task { record, details, blocked_by })
    }

    /// The tasks of the change numbered `change`, in step order.
    pub async fn change_tasks(&self, actor: &Actor, change: &str) -> Result<Vec<Task>, AppError> {
        can_view_task(actor.role)?;
        let ch = self.get_change(actor, change).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let details = store_tasks::of_change(&mut conn, ch.record.id).await?;
        let ids: Vec<i64> = details.iter().map(|d| d.record_id).collect();
        let rows = records::many(&mut conn, &ids).await?;
        assemble(&mut conn, details, rows).await
    }

    /// The open tasks of the actor's groups, or assigned to the actor:
    /// the highest priority and oldest first, at most [`QUEUE_MAX`].
    pub async fn task_queue(&self, actor: &Actor, queue: Queue) -> Result<Vec<Task>, AppError> {
        let Some(f) = task_filter(actor, queue)? else { return Ok(Vec::new()) };
        let f = Filter { limit: QUEUE_MAX, ..f };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, _) = records::list(&mut conn, self.store.dialect(), &f).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let details = store_tasks::details_many(&mut conn, &ids).await?;
        // The queue's order is the list's, not the details'.
        let mut tasks = assemble(&mut conn, details, rows).await?;
        let order: Vec<i64> = ids;
        tasks.sort_by_key(|t| order.iter().position(|id| *id == t.record.id).unwrap_or(usize::MAX));
        Ok(tasks)
    }

    /// The task's journal, work notes included (only staff see tasks).
    pub async fn task_journal(&self, actor: &Actor, number: &str) -> Result<Vec<journal::Entry>, AppError> {
        let t = self.get_task(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, KIND, t.record.id, true).await?)
    }
}

/// The queue's filter (its open tasks, the highest priority and oldest
/// first; every one, the limit the caller's), or `None` when it can hold
/// none (the actor is in no group). Requesters see no tasks (403).
pub fn task_filter(actor: &Actor, queue: Queue) -> Result<Option<Filter>, AppError> {
    can_view_task(actor.role)?;
    let mut f = Filter {
        kind: KIND,
        states: open_state_names::<TaskState>().into_iter().map(str::to_owned).collect(),
        sort: Sort::Priority,
        ..Filter::default()
    };
    match queue {
        Queue::Me => f.assignee = Some(Assigned::To(actor.id)),
        Queue::Group if actor.group_ids.is_empty() => return Ok(None),
        Queue::Group => f.group_ids = actor.group_ids.clone(),
    }
    Ok(Some(f))
}

/// Tasks from their details (in the details' order) and records, with
/// what each waits for, in one more statement.
async fn assemble(c: &mut Conn, details: Vec<Details>, mut rows: Vec<Record>) -> Result<Vec<Task>, AppError> {
    let ids: Vec<i64> = details.iter().map(|d| d.record_id).collect();
    let blockers = store_tasks::blockers(c, &ids).await?;
    let mut out = Vec::with_capacity(details.len());
    for d in details {
        let Some(at) = rows.iter().position(|r| r.id == d.record_id) else { continue };
        let record = rows.swap_remove(at);
        let blocked_by = blockers.iter().filter(|(t, _)| *t == record.id).map(|(_, n)| *n).collect();
        out.push(Task { record, details: d, blocked_by });
    }
    Ok(out)
}
