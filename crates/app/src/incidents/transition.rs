//! Moving an incident between states, as the state machine allows.

use super::{KIND, Writing, diff, viewer};
use crate::Code;
use crate::error::Message;
use crate::{Actor, App, error::AppError, records, sla};
use steward_domain::incident::{TransitionError, plan_transition};
use steward_domain::{HoldReason, IncidentState, ResolutionCode, TransitionRequest, access, journal::Action, text};
use steward_store::{
    StoreError, journal as store_journal, now_micros,
    records::{self as store_records, Incident},
};

/// A transition as callers send it: the target and what it needs, as text.
#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    pub state: String,
    pub hold_reason: Option<String>,
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    /// An optional public comment recorded with the change.
    pub comment: Option<String>,
}

impl App {
    pub async fn transition_incident(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        t: TransitionInput,
    ) -> Result<Incident, AppError> {
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let to: IncidentState = t.state.parse().map_err(|e: Message| AppError::field("state", e))?;
        let req = TransitionRequest {
            hold_reason: t
                .hold_reason
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<HoldReason>().map_err(|e| AppError::field("hold_reason", e)))
                .transpose()?,
            resolution_code: t
                .resolution_code
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<ResolutionCode>().map_err(|e| AppError::field("resolution_code", e)))
                .transpose()?,
            resolution_notes: t
                .resolution_notes
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| text::check(s, text::NOTES).map_err(|e| AppError::field("resolution_notes", e)))
                .transpose()?,
        };
        let comment = t
            .comment
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| text::check(s, text::COMMENT).map_err(|e| AppError::field("comment", e)))
            .transpose()?;
        let actor = actor.clone();
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        let ctx = self.notify_ctx();
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        let check_actor = actor.clone();
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let actor = check_actor;
                        let old = records::lock(c, dialect, KIND, n).await?;
                        let v = viewer(&actor, &old);
                        // The same answer as reading it: 403, with the reason.
                        access::can_view(v)?;
                        records::check_version(&old, version)?;
                        let from: IncidentState = old.state.parse().map_err(|e: Message| AppError::Internal(e.text))?;
                        let plan = plan_transition(from, to, &req).map_err(transition_error)?;
                        access::can_transition(v, from, to)?;
                        Ok::<_, AppError>((old, plan))
                    })
                },
                move |c, (old, plan)| {
                    Box::pin(async move {
                        let w = Writing { dialect, snap: &snap, ctx: &ctx, by: &by, actor: &actor };
                        write_transition(c, &w, &old, &plan, version, comment.as_deref()).await
                    })
                },
            )
            .await
    }

    /// Closes incidents resolved longer ago than the configured days, as the
    /// system. Returns how many closed.
    pub async fn auto_close(&self) -> Result<usize, AppError> {
        let cutoff = now_micros() - i64::from(self.config.auto_close_days) * 86_400 * 1_000_000;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let due = store_records::resolved_before(&mut conn, KIND, cutoff, 500).await?;
        drop(conn);
        let mut closed = 0;
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        for (id, version) in due {
            let snap = snap.clone();
            let r = self
                .store
                .write(move |c| {
                    Box::pin(async move {
                        let old = store_records::get_for_update(c, dialect, id).await?;
                        if old.version != version || old.state != IncidentState::Resolved.as_str() {
                            return Ok::<_, AppError>(false); // someone acted meanwhile
                        }
                        let plan = plan_transition(
                            IncidentState::Resolved,
                            IncidentState::Closed,
                            &TransitionRequest::default(),
                        )
                        .map_err(transition_error)?;
                        let now = now_micros();
                        let mut new = apply_plan(&old, &plan, now);
                        let changes = diff(&old, &new);
                        new.version = store_records::update(c, &new, version).await?;
                        records::journal(c, &old, now, None, Action::StateChanged, &changes, None).await?;
                        sla::engine::sync(c, dialect, &snap, Some(&old), &new, None, now).await?;
                        Ok(true)
                    })
                })
                .await;
            match r {
                Ok(true) => closed += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(incident = id, error = %e, "auto-close failed"),
            }
        }
        Ok(closed)
    }
}

/// Writes an allowed transition of a locked incident at `version`: the
/// row, an optional public comment, the journal entry, the clocks and the
/// notifications. A problem resolving its incidents writes each so.
pub(crate) async fn write_transition(
    c: &mut steward_store::Conn,
    w: &Writing<'_>,
    old: &Incident,
    plan: &steward_domain::incident::TransitionPlan,
    version: i64,
    comment: Option<&str>,
) -> Result<Incident, AppError> {
    let (actor, now) = (w.actor, now_micros());
    let mut new = apply_plan(old, plan, now);
    // A public reply from the desk sent with the change is a first
    // response, as the same words sent as a comment are.
    if comment.is_some() && actor.is_staff() && old.requester_id != actor.id {
        new.first_response_at = new.first_response_at.or(Some(now));
    }
    let changes = diff(old, &new);
    new.version = store_records::update(c, &new, version).await?;
    let comment_id = match comment {
        Some(body) => Some(store_journal::insert_comment(c, old.id, actor.id, body, false, now).await?),
        None => None,
    };
    records::journal(c, old, now, Some(actor.id), Action::StateChanged, &changes, comment_id).await?;
    (_, new.sla) = sla::engine::sync(c, w.dialect, w.snap, Some(old), &new, Some(actor.id), now).await?;
    crate::notify::hooks::on_transition(c, w.ctx, old, &new, w.by, comment).await?;
    Ok(new)
}

fn apply_plan(old: &Incident, plan: &steward_domain::incident::TransitionPlan, now: i64) -> Incident {
    let mut new = old.clone();
    new.state = plan.to.as_str().to_owned();
    new.hold_reason = plan.hold_reason.map(|h| h.as_str().to_owned());
    if plan.sets_resolved_at {
        new.resolved_at = Some(now);
        new.resolution_code = plan.resolution_code.map(|c| c.as_str().to_owned());
        new.resolution_notes = plan.resolution_notes.clone();
    }
    if plan.clears_resolved_at {
        new.resolved_at = None;
        new.resolution_code = None;
        new.resolution_notes = None;
    }
    if plan.sets_closed_at {
        new.closed_at = Some(now);
    }
    if plan.reopen {
        new.reopen_count += 1;
    }
    new.updated_at = now;
    new
}

fn transition_error(e: TransitionError) -> AppError {
    match &e {
        TransitionError::NotAllowed { from, to, allowed } => {
            let allowed: Vec<String> = allowed.iter().map(|s| s.as_str().to_owned()).collect();
            crate::error::refused_move(e.to_string(), from, to, &allowed)
        }
        TransitionError::Missing { field, .. } => AppError::field(field, Code::RequiredForState.msg(e.to_string())),
        TransitionError::NotApplicable { field, .. } => AppError::field(field, Code::NotApplicable.msg(e.to_string())),
    }
}
