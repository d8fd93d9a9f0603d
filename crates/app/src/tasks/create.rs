//! Adding a task to a change.

use super::{KIND, Task, details_diff};
use crate::{
    Actor, App, Code,
    error::{AppError, Errors, Message},
    incidents::{created_changes, optional_text},
};
use steward_domain::{
    Lifecycle,
    change::ChangeState,
    journal::FieldChange,
    task::{TaskState, can_add_task, can_edit_task, check_step},
    text,
};
use steward_store::{
    StoreError, now_micros,
    records::{self, Record},
    tasks::{self as store_tasks, Details},
};

/// What a caller sends to add a task; the group and assignee by name,
/// times RFC 3339 text.
#[derive(Debug, Clone, Default)]
pub struct NewTask {
    pub title: String,
    pub description: Option<String>,
    /// 1 (the default), 2, …: tasks of one step run in parallel.
    pub step: Option<i64>,
    /// Required: the group that carries it out.
    pub assignment_group: Option<String>,
    /// Someone in the group.
    pub assignee: Option<String>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
}

impl App {
    /// Adds a task to the change numbered `change`: whoever may edit the
    /// change, while its work is still ahead (not in review, closed or
    /// cancelled).
    pub async fn create_task(&self, actor: &Actor, change: &str, n: NewTask) -> Result<Task, AppError> {
        can_edit_task(actor.role)?;
        let ch = self.get_change(actor, change).await?;
        let mut errs = Errors::default();
        let title = errs.check("title", text::check(&n.title, text::TITLE));
        let description =
            optional_text(&mut errs, "description", n.description.as_deref(), text::DESCRIPTION).unwrap_or_default();
        let step = errs.check("step", check_step(n.step.unwrap_or(1)));
        let group = n.assignment_group.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned);
        if group.is_none() {
            errs.add("assignment_group", Code::Required.msg("is required: a task is carried out by a group"));
        }
        let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let (start_sent, end_sent) = (present(&n.planned_start), present(&n.planned_end));
        let start = start_sent.as_deref().and_then(|v| super::time_field(&mut errs, "planned_start", v));
        let end = end_sent.as_deref().and_then(|v| super::time_field(&mut errs, "planned_end", v));
        super::check_window(&mut errs, start, end);
        errs.finish()?;
        let (Some(title), Some(step)) = (title, step) else { return Err(AppError::Internal("validation".into())) };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let refs = self.resolve_refs(&mut conn, actor, None, group, n.assignee, None).await?;
        drop(conn);
        let now = now_micros();
        let c = &ch.record;
        let rec = Record {
            title,
            description,
            // The task weighs what its change weighs, on the same service.
            impact: c.impact,
            urgency: c.urgency,
            priority: c.priority,
            service_id: c.service_id,
            service: c.service.clone(),
            requester_id: refs.requester.id,
            organisation_id: refs.requester.organisation_id,
            requester_name: Some(refs.requester.display_name),
            organisation_name: refs.organisation_name,
            assignment_group_id: refs.group.as_ref().map(|g| g.0),
            group_name: refs.group.map(|g| g.1),
            assignee_id: refs.assignee.as_ref().map(|a| a.0),
            assignee_name: refs.assignee.map(|a| a.1),
            ..crate::records::fresh(KIND, TaskState::initial().as_str(), actor, now)
        };
        let details = Details {
            change_id: c.id,
            step,
            planned_start: start,
            planned_end: end,
            is_open: 1,
            change_number: c.number,
            ..Details::default()
        };
        self.insert_task(actor, c.number, rec, details).await
    }

    /// Inserts the task and its details, journaled on it and noted on the
    /// change, in one write that holds the change's row (so it cannot
    /// slip past a change moving to review at the same moment).
    async fn insert_task(
        &self,
        actor: &Actor,
        change: i64,
        mut rec: Record,
        mut details: Details,
    ) -> Result<Task, AppError> {
        let mut created = created_changes(&rec);
        let blank = Details { step: 0, ..Details::default() };
        created.extend(details_diff(&blank, &details).into_iter().map(|c| FieldChange { old: None, ..c }));
        created.extend(FieldChange::new("change", None, Some(crate::changes::number(change))));
        let changes = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        let (dialect, actor_id, ctx) = (self.store.dialect(), actor.id, self.notify_ctx());
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let change_rec = crate::records::lock(c, dialect, crate::changes::KIND, change).await?;
                        let state: ChangeState =
                            change_rec.state.parse().map_err(|e: Message| AppError::Internal(e.text))?;
                        can_add_task(state).map_err(|m| AppError::field("change", m))?;
                        Ok::<_, AppError>(change_rec)
                    })
                },
                move |c, change_rec| {
                    Box::pin(async move {
                        let key = records::insert_created(c, dialect, &rec, Some(actor_id), changes).await?;
                        (rec.id, rec.number) = (key.id, key.number);
                        details.record_id = rec.id;
                        store_tasks::insert_details(c, &details).await?;
                        let note = FieldChange::new("task", None, Some(super::change_note(&rec, details.step)));
                        if let Some(note) = note {
                            super::note_on_change(c, change_rec.id, Some(actor_id), rec.opened_at, note).await?;
                        }
                        crate::notify::hooks::on_raised(c, &ctx, &rec, &by).await?;
                        let blocked_by = blockers_of(c, rec.id).await?;
                        Ok::<_, AppError>(Task { record: rec, details, blocked_by })
                    })
                },
            )
            .await
    }
}

/// The numbers of the open tasks of an earlier step the task waits for.
pub(crate) async fn blockers_of(c: &mut steward_store::Conn, id: i64) -> Result<Vec<i64>, AppError> {
    Ok(store_tasks::blockers(c, &[id]).await?.into_iter().map(|(_, n)| n).collect())
}
