//! Moving a change along its type's path as `plan_transition` allows.

use super::{Change, details_diff};
use crate::{
    Actor, App,
    error::{AppError, Errors, Message, refused_move},
    incidents::diff,
};
use steward_domain::{
    change::{
        ChangeFacts, ChangeState, ChangeTransitionError, ChangeTransitionRequest, CloseCode, can_transition_change,
        can_view_change, conflicts::Window, plan_transition,
    },
    journal::{Action, FieldChange},
    text,
};
use steward_store::{Conn, StoreError, change_templates as store_templates, changes::Details, now_micros};

/// A transition as callers send it: the target and what it needs, as text.
#[derive(Debug, Clone, Default)]
pub struct ChangeTransitionInput {
    pub state: String,
    /// Required to close.
    pub close_code: Option<String>,
    /// Required to close an emergency change or one that failed.
    pub review_notes: Option<String>,
    /// Required to cancel.
    pub cancel_reason: Option<String>,
}

/// Checked text of an optional field; blank is none.
fn opt_text(errs: &mut Errors, field: &str, v: Option<&str>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty()).and_then(|s| errs.check(field, text::check(s, text::NOTES)))
}

impl App {
    pub async fn transition_change(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        t: ChangeTransitionInput,
    ) -> Result<Change, AppError> {
        can_view_change(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let to = errs.check("state", t.state.trim().parse::<ChangeState>());
        let close_code = t
            .close_code
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errs.check("close_code", s.trim().parse::<CloseCode>()));
        let review_notes = opt_text(&mut errs, "review_notes", t.review_notes.as_deref());
        let cancel_reason = opt_text(&mut errs, "cancel_reason", t.cancel_reason.as_deref());
        errs.finish()?;
        let Some(to) = to else { return Err(AppError::Internal("validation".into())) };
        // Scheduling answers the window's conflicts first (outside the
        // write: the graph is read in memory); the version pins the window.
        let conflicts = match to {
            ChangeState::Scheduled => self.gate_scheduling(actor, n, version).await?,
            _ => None,
        };
        let (dialect, role, actor_id, ctx) = (self.store.dialect(), actor.role, actor.id, self.notify_ctx());
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let (old, details) = super::lock_at(c, dialect, n, version).await?;
                        let from: ChangeState = old.state.parse().map_err(|e: Message| AppError::Internal(e.text))?;
                        can_transition_change(role, from, to)?;
                        let req = ChangeTransitionRequest { from, to, close_code, review_notes, cancel_reason };
                        let open_tasks = steward_store::tasks::open_count(c, old.id).await?;
                        let facts = facts(&details, open_tasks, template_available(c, &details).await?)?;
                        let plan = plan_transition(&req, &facts).map_err(transition_error)?;
                        // Entering authorization starts a round of approval.
                        let round = match plan.to {
                            ChangeState::Authorization => Some(super::approvals::start_round(c, &old, &details).await?),
                            _ => None,
                        };
                        Ok::<_, AppError>((old, details, plan, round))
                    })
                },
                move |c, (old, old_details, plan, round)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let mut new = old.clone();
                        let mut details = old_details.clone();
                        new.state = plan.to.as_str().to_owned();
                        if plan.sets_actual_start {
                            details.actual_start = Some(now);
                        }
                        if plan.sets_actual_end {
                            // Review is the resolved state: the work is done.
                            details.actual_end = Some(now);
                            new.resolved_at = Some(now);
                        }
                        if plan.sets_closed_at || plan.to == ChangeState::Cancelled {
                            new.closed_at = Some(now);
                        }
                        if let Some(code) = plan.close_code {
                            new.resolution_code = Some(code.as_str().to_owned());
                        }
                        if plan.review_notes.is_some() {
                            details.review_notes = plan.review_notes.clone();
                        }
                        if plan.cancel_reason.is_some() {
                            details.cancel_reason = plan.cancel_reason.clone();
                        }
                        if plan.resets_approval {
                            (details.approved, details.approved_at) = (0, None);
                        }
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        changes.extend(conflicts);
                        if let Some(r) = round {
                            let change = (&new, &details);
                            changes.extend(super::approvals::write_round(c, &ctx, change, r).await?);
                        }
                        if plan.to == ChangeState::Cancelled {
                            // Its open tasks go with it, each journaled.
                            let change = (old.id, super::number(old.number));
                            let reason = plan.cancel_reason.as_deref();
                            let cancelled = crate::tasks::cancel_open_tasks(
                                c,
                                dialect,
                                (change.0, &change.1),
                                reason,
                                actor_id,
                                now,
                            )
                            .await?;
                            changes.extend(crate::tasks::cancelled_note(&cancelled));
                        }
                        let what = (Action::StateChanged, changes.as_slice());
                        super::write_change(c, actor_id, &old, new, details, (version, now), what).await
                    })
                },
            )
            .await
    }
}

impl App {
    /// The conflicts of the window a change at `version` is scheduled at
    /// (`Err` for a freeze the actor may not schedule into). A move the
    /// path refuses anyway is left to the write to refuse.
    async fn gate_scheduling(&self, actor: &Actor, n: i64, version: i64) -> Result<Option<FieldChange>, AppError> {
        let change = self.get_change(actor, &super::number(n)).await?;
        if change.record.version != version {
            return Err(AppError::Stale { sent: version, current: change.record.version });
        }
        let from: Result<ChangeState, _> = change.record.state.parse();
        let from = from.map_err(|e: Message| AppError::Internal(e.text))?;
        let (close_code, review_notes, cancel_reason) = (None, None, None);
        let req = ChangeTransitionRequest { from, to: ChangeState::Scheduled, close_code, review_notes, cancel_reason };
        let d = &change.details;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let available = template_available(&mut conn, d).await?;
        drop(conn);
        // Scheduling does not ask about tasks: none are counted here.
        match (d.planned_start, d.planned_end, plan_transition(&req, &facts(d, 0, available)?)) {
            (Some(start), Some(end), Ok(_)) => self.schedule_gate(actor, &change, Window { start, end }).await,
            _ => Ok(None),
        }
    }
}

/// Whether the change's template is still in the catalogue (it exists and
/// is not retired); false without one.
async fn template_available(c: &mut Conn, details: &Details) -> Result<bool, AppError> {
    Ok(match details.template_id {
        Some(id) => store_templates::template(c, id).await?.is_some_and(|t| t.active != 0),
        None => false,
    })
}

/// What the path needs to know of the change, with how many of its
/// tasks are open and whether its template is still in the catalogue.
fn facts(details: &Details, open_tasks: i64, template_available: bool) -> Result<ChangeFacts, AppError> {
    Ok(ChangeFacts {
        change_type: details.change_type.parse().map_err(|e: Message| AppError::Internal(e.text))?,
        approved: details.approved != 0,
        planned_start: details.planned_start,
        planned_end: details.planned_end,
        open_tasks: u32::try_from(open_tasks).unwrap_or(u32::MAX),
        template_available,
    })
}

/// A refused move: one the path does not allow, or one waiting for the
/// approval, is a conflict (409); what the move lacks is its field's (422).
fn transition_error(e: ChangeTransitionError) -> AppError {
    match &e {
        ChangeTransitionError::NotAllowed { from, to, allowed, .. } => {
            let allowed: Vec<String> = allowed.iter().map(|s| s.as_str().to_owned()).collect();
            refused_move(e.to_string(), from, to, &allowed)
        }
        ChangeTransitionError::NotApproved { .. } => AppError::Transition { message: e.into(), allowed: Vec::new() },
        _ => AppError::field(e.field(), e),
    }
}
