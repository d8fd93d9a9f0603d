//! Who may do what with changes. Pure: the caller supplies the role.
//!
//! Changes are the desk's back office, like problems: requesters never see
//! them. Agents, managers and admins raise, edit and move changes through
//! their path. Cancelling a change that is already scheduled or being
//! implemented is kept for managers and admins: others have planned around
//! its window, and work may already be under way.

use super::ChangeState;
use crate::{Role, access::Denied, code::Code};

pub fn can_view_change(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can see changes", Code::DenyChangeView))
    }
}

/// Raising a change and editing one.
pub fn can_edit_change(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can raise and edit changes", Code::DenyChangeEdit))
    }
}

/// Whether the role may make this move (the move itself is checked by
/// `plan_transition`).
pub fn can_transition_change(role: Role, from: ChangeState, to: ChangeState) -> Result<(), Denied> {
    can_edit_change(role)?;
    let manager = matches!(role, Role::Manager | Role::Admin);
    if to == ChangeState::Cancelled && matches!(from, ChangeState::Scheduled | ChangeState::Implementing) && !manager {
        return Err(Denied(
            "only managers and admins can cancel a change that is scheduled or being implemented",
            Code::DenyChangeCancel,
        ));
    }
    Ok(())
}

/// Approving a change: managers and admins, and not their own change (one
/// they requested or raised: `own`).
pub fn can_approve_change(role: Role, own: bool) -> Result<(), Denied> {
    can_view_change(role)?;
    if !matches!(role, Role::Manager | Role::Admin) {
        return Err(Denied("only managers and admins can approve a change", Code::DenyChangeApprove));
    }
    if own {
        return Err(own_approval());
    }
    Ok(())
}

/// Nobody approves the change they requested or raised, unless its
/// approval policy lets them.
pub fn own_approval() -> Denied {
    Denied("you cannot approve your own change: someone else must approve it", Code::DenyOwnApproval)
}

/// Whether the role may schedule a change into a freeze (or move a
/// scheduled one into it): managers and admins, who answer for the
/// exception; the desk is refused (`Code::InFreeze`, on the planned
/// window) and shown the next free slot. Emergency changes skip the rule.
pub fn may_schedule_in_freeze(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}
