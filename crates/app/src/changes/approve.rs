//! Approving a change waiting in Authorization: a manager's or an admin's
//! (the CAB's or the change manager's for a normal change, an emergency
//! approver's for an emergency one), never the change's own requester's or
//! raiser's. Moving it back to Authorization or before clears it again.

use super::{Change, details_diff};
use crate::{Actor, App, Code, error::AppError};
use steward_domain::{
    change::{ChangeState, can_approve_change, can_view_change},
    journal::{Action, FieldChange},
    text,
};
use steward_store::now_micros;

impl App {
    /// Approves the change if it is still at `version`, with an optional
    /// comment kept in the journal. Approving an approved change changes
    /// nothing.
    pub async fn approve_change(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        comment: Option<String>,
    ) -> Result<Change, AppError> {
        can_view_change(actor.role)?;
        can_approve_change(actor.role, false)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let comment = comment
            .filter(|c| !c.trim().is_empty())
            .map(|c| text::check(&c, text::NOTES).map_err(|e| AppError::field("comment", e)))
            .transpose()?;
        let (dialect, role, actor_id) = (self.store.dialect(), actor.role, actor.id);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let (old, details) = super::lock_at(c, dialect, n, version).await?;
                        let own = old.requester_id == actor_id || old.created_by == actor_id;
                        can_approve_change(role, own)?;
                        if old.state != ChangeState::Authorization.as_str() {
                            let text = format!("a change is approved only in authorization; this one is {}", old.state);
                            let message = Code::NotAwaitingApproval.msg(text).with("state", &old.state);
                            return Err(AppError::Transition { message, allowed: Vec::new() });
                        }
                        Ok::<_, AppError>((old, details))
                    })
                },
                move |c, (old, old_details)| {
                    Box::pin(async move {
                        if old_details.approved != 0 {
                            return Ok(Change { record: old, details: old_details });
                        }
                        let now = now_micros();
                        let mut details = old_details.clone();
                        (details.approved, details.approved_at) = (1, Some(now));
                        let mut changes = details_diff(&old_details, &details);
                        changes.extend(FieldChange::new("approval_comment", None, comment));
                        let new = old.clone();
                        let what = (Action::Updated, changes.as_slice());
                        super::write_change(c, actor_id, &old, new, details, (version, now), what).await
                    })
                },
            )
            .await
    }
}
