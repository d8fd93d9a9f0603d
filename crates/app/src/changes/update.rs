//! Editing a change's fields, plans, planned window and risk answers,
//! guarded by the version the caller read.

use super::{Change, details_diff};
use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    incidents::{Patch, diff, optional_text},
    problems::update::{RecordEdit, apply, check_owner, resolve_owner, text_patch},
};
use std::collections::BTreeMap;
use steward_domain::{
    Impact, Urgency,
    change::{ChangeState, ChangeType, can_edit_change, conflicts::Window},
    journal::{Action, FieldChange},
    text,
};
use steward_store::{StoreError, now_micros};

#[derive(Debug, Clone, Default)]
pub struct ChangePatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub change_type: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub category: Patch<String>,
    pub service: Patch<String>,
    pub assignment_group: Patch<String>,
    /// The change owner.
    pub assignee: Patch<String>,
    /// Replaces the CIs it changes.
    pub cis: Option<Vec<i64>>,
    /// RFC 3339.
    pub planned_start: Patch<String>,
    pub planned_end: Patch<String>,
    pub implementation_plan: Patch<String>,
    pub backout_plan: Patch<String>,
    pub test_plan: Patch<String>,
    /// Replaces the risk answers (an empty map clears them).
    pub answers: Option<BTreeMap<String, String>>,
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
    /// Applies the patch if the change is still at `version`.
    pub async fn update_change(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        p: ChangePatch,
    ) -> Result<Change, AppError> {
        can_edit_change(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let title = p.title.as_deref().and_then(|t| errs.check("title", text::check(t, text::TITLE)));
        let description = p
            .description
            .as_deref()
            .map(|d| optional_text(&mut errs, "description", Some(d), text::DESCRIPTION).unwrap_or_default());
        let ty = p.change_type.as_deref().and_then(|t| super::change_type(&mut errs, t));
        let impact = p.impact.and_then(|v| errs.check("impact", Impact::new(v)));
        let urgency = p.urgency.and_then(|v| errs.check("urgency", Urgency::new(v)));
        let category = text_patch(&mut errs, "category", &p.category, text::SHORT);
        let service = text_patch(&mut errs, "service", &p.service, text::NAME);
        let implementation_plan =
            text_patch(&mut errs, "implementation_plan", &p.implementation_plan, text::DESCRIPTION);
        let backout_plan = text_patch(&mut errs, "backout_plan", &p.backout_plan, text::DESCRIPTION);
        let test_plan = text_patch(&mut errs, "test_plan", &p.test_plan, text::DESCRIPTION);
        let start = time_patch(&mut errs, "planned_start", &p.planned_start);
        let end = time_patch(&mut errs, "planned_end", &p.planned_end);
        let risk = match &p.answers {
            Some(a) => super::score(&mut errs, &self.questionnaire_in_force().await?, a),
            None => None,
        };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (group, assignee) = resolve_owner(&mut conn, &mut errs, &p.assignment_group, &p.assignee).await?;
        drop(conn);
        if !errs.0.is_empty() {
            return Err(AppError::Invalid(errs.0));
        }
        let (service, cis) = self.resolve_service_and_cis(service, p.cis.as_deref()).await?;
        if let Some(list) = &cis {
            self.cmdb_view(|v| super::refuse_retired("cis", list, v)).await??;
        }
        let conflicts = match (start, end) {
            (None, None) => None,
            _ => self.gate_moved_window(actor, n, version, (start, end)).await?,
        };
        let (dialect, matrix, actor_id) = (self.store.dialect(), self.config.priority_matrix.clone(), actor.id);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let (old, old_details) = super::lock_at(c, dialect, n, version).await?;
                        let edit =
                            RecordEdit { title, description, impact, urgency, category, service, group, assignee };
                        let new = edit.apply(&old, &matrix);
                        check_owner(c, &old, &new).await?;
                        let mut details = old_details.clone();
                        if let Some(t) = ty.filter(|t| t.as_str() != old_details.change_type) {
                            // Another type walks another path: only a draft changes it.
                            if old.state != ChangeState::Draft.as_str() {
                                let text = "can only be changed while the change is a draft";
                                return Err(AppError::field("change_type", Code::NotApplicable.msg(text)));
                            }
                            // A standard change is raised from a template, never made
                            // one; another type keeps no template.
                            if t == ChangeType::Standard {
                                let text = "a standard change is raised from a template: raise a new one from the \
                                    standard change catalogue";
                                return Err(AppError::field("change_type", Code::ChangeTemplateRequired.msg(text)));
                            }
                            (details.template_id, details.template_name) = (None, None);
                            details.change_type = t.as_str().to_owned();
                        }
                        apply(&mut details.implementation_plan, implementation_plan);
                        apply(&mut details.backout_plan, backout_plan);
                        apply(&mut details.test_plan, test_plan);
                        if let Some(s) = start {
                            details.planned_start = s;
                        }
                        if let Some(e) = end {
                            details.planned_end = e;
                        }
                        // The window as it will be, whichever end was sent.
                        if start.is_some() || end.is_some() {
                            let mut errs = Errors::default();
                            super::check_window(&mut errs, details.planned_start, details.planned_end);
                            errs.finish()?;
                        }
                        if let Some(r) = risk {
                            super::set_risk(&mut details, r);
                        }
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        changes.extend(conflicts);
                        let mut new_cis = None;
                        if let Some(cis) = cis {
                            let before = steward_store::cmdb::record_cis(c, old.id).await?;
                            if let Some(change) = crate::incidents::cis_change(&before, &cis) {
                                changes.push(change);
                                new_cis = Some(cis);
                            }
                        }
                        Ok::<_, AppError>((old, new, details, changes, new_cis))
                    })
                },
                move |c, (old, new, details, changes, new_cis)| {
                    Box::pin(async move {
                        if changes.is_empty() {
                            return Ok(Change { record: old, details });
                        }
                        if let Some(cis) = &new_cis {
                            steward_store::cmdb::set_record_cis(c, old.id, cis).await?;
                        }
                        let at = (version, now_micros());
                        super::write_change(c, actor_id, &old, new, details, at, (Action::Updated, &changes)).await
                    })
                },
            )
            .await
    }
}

impl App {
    /// A scheduled change whose window moves is scheduled again: the new
    /// window's conflicts (`Err` for a freeze the actor may not schedule
    /// into). Nothing for a change not scheduled or a window not whole.
    async fn gate_moved_window(
        &self,
        actor: &Actor,
        n: i64,
        version: i64,
        (start, end): (Option<Option<i64>>, Option<Option<i64>>),
    ) -> Result<Option<FieldChange>, AppError> {
        let change = self.get_change(actor, &super::number(n)).await?;
        if change.record.state != ChangeState::Scheduled.as_str() {
            return Ok(None);
        }
        if change.record.version != version {
            return Err(AppError::Stale { sent: version, current: change.record.version });
        }
        let d = &change.details;
        let moved = (start.unwrap_or(d.planned_start), end.unwrap_or(d.planned_end));
        match moved {
            (Some(s), Some(e)) if s < e && moved != (d.planned_start, d.planned_end) => {
                self.schedule_gate(actor, &change, Window { start: s, end: e }).await
            }
            _ => Ok(None),
        }
    }
}
