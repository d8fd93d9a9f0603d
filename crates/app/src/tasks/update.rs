//! Editing a task: its title, description, step, group and assignee,
//! planned start and end, guarded by the version the caller read.

use super::{KIND, Task, details_diff};
use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    incidents::{Patch, diff, optional_text},
    problems::update::{RecordEdit, check_owner, resolve_owner},
};
use steward_domain::{
    journal::Action,
    task::{can_edit_task, check_step},
    text,
};
use steward_store::{StoreError, now_micros, tasks as store_tasks};

#[derive(Debug, Clone, Default)]
pub struct TaskPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub step: Option<i64>,
    /// A task always has a group: it may be changed, not cleared.
    pub assignment_group: Patch<String>,
    pub assignee: Patch<String>,
    /// RFC 3339.
    pub planned_start: Patch<String>,
    pub planned_end: Patch<String>,
}

/// A time patch as sent: `Some(Some(t))` sets, `Some(None)` clears.
fn time_patch(errs: &mut Errors, field: &str, p: &Patch<String>) -> Option<Option<i64>> {
    match p {
        Patch::Set(v) if v.trim().is_empty() => Some(None),
        Patch::Set(v) => super::time_field(errs, field, v).map(Some),
        Patch::Clear => Some(None),
        Patch::Keep => None,
    }
}

impl App {
    /// Applies the patch if the task is still at `version`.
    pub async fn update_task(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        p: TaskPatch,
    ) -> Result<Task, AppError> {
        can_edit_task(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let title = p.title.as_deref().and_then(|t| errs.check("title", text::check(t, text::TITLE)));
        let description = p
            .description
            .as_deref()
            .map(|d| optional_text(&mut errs, "description", Some(d), text::DESCRIPTION).unwrap_or_default());
        let step = p.step.and_then(|s| errs.check("step", check_step(s)));
        let blank_group = matches!(&p.assignment_group, Patch::Set(g) if g.trim().is_empty());
        if matches!(p.assignment_group, Patch::Clear) || blank_group {
            errs.add("assignment_group", Code::Required.msg("is required: a task is carried out by a group"));
        }
        let start = time_patch(&mut errs, "planned_start", &p.planned_start);
        let end = time_patch(&mut errs, "planned_end", &p.planned_end);
        let group_patch = if blank_group { Patch::Keep } else { p.assignment_group.clone() };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (group, assignee) = resolve_owner(&mut conn, &mut errs, &group_patch, &p.assignee).await?;
        drop(conn);
        errs.finish()?;
        let (dialect, actor_id, ctx) = (self.store.dialect(), actor.id, self.notify_ctx());
        let matrix = self.config.priority_matrix.clone();
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = crate::records::lock(c, dialect, KIND, n).await?;
                        crate::records::check_version(&old, version)?;
                        let old_details = store_tasks::details(c, old.id).await?.ok_or(AppError::NotFound(KIND))?;
                        let edit = RecordEdit {
                            title,
                            description,
                            impact: None,
                            urgency: None,
                            category: Patch::Keep,
                            service: Patch::Keep,
                            group,
                            assignee,
                        };
                        let new = edit.apply(&old, &matrix);
                        check_owner(c, &old, &new).await?;
                        let mut details = old_details.clone();
                        if let Some(s) = step {
                            details.step = s;
                        }
                        if let Some(s) = start {
                            details.planned_start = s;
                        }
                        if let Some(e) = end {
                            details.planned_end = e;
                        }
                        let mut errs = Errors::default();
                        super::check_window(&mut errs, details.planned_start, details.planned_end);
                        errs.finish()?;
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        Ok::<_, AppError>((old, new, old_details, details, changes))
                    })
                },
                move |c, (old, new, old_details, details, changes)| {
                    Box::pin(async move {
                        if changes.is_empty() {
                            let blocked_by = super::create::blockers_of(c, old.id).await?;
                            return Ok(Task { record: old, details: old_details, blocked_by });
                        }
                        let at = (version, now_micros());
                        let mut task =
                            super::write_task(c, Some(actor_id), &old, new, details, at, (Action::Updated, &changes))
                                .await?;
                        crate::notify::hooks::assigned(c, &ctx, Some(&old), &task.record, &by).await?;
                        task.blocked_by = super::create::blockers_of(c, old.id).await?;
                        Ok::<_, AppError>(task)
                    })
                },
            )
            .await
    }
}
