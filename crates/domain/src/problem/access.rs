//! Who may do what with problems and known errors. Pure: the caller
//! supplies the role.
//!
//! Problem management is the desk's back office: requesters never see
//! problems, nor a known error's workaround on their own incident. As in
//! ServiceNow, the workaround is written for the desk (it may name internal
//! systems and steps only staff may take); what a requester should read is
//! published as a knowledge article with the requesters' audience, which
//! the article can link to the known error.
//!
//! Agents, managers and admins view, edit and analyse problems, link
//! incidents, publish known errors and move problems through their work.
//! Three decisions are kept for managers and admins: closing (it confirms
//! the fix held and ends the record for good), cancelling (it throws the
//! analysis away and withdraws the known error) and resolving as
//! `risk_accepted` (accepting a risk is a management decision).

use super::{ProblemResolution, ProblemState};
use crate::{Role, access::Denied, code::Code};

fn staff(role: Role, denied: &'static str, code: Code) -> Result<(), Denied> {
    if role.is_staff() { Ok(()) } else { Err(Denied(denied, code)) }
}

fn manager(role: Role, denied: &'static str, code: Code) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) { Ok(()) } else { Err(Denied(denied, code)) }
}

pub fn can_view_problem(role: Role) -> Result<(), Denied> {
    staff(role, "only agents, managers and admins can see problems", Code::DenyProblemView)
}

pub fn can_edit_problem(role: Role) -> Result<(), Denied> {
    staff(role, "only agents, managers and admins can edit problems", Code::DenyProblemEdit)
}

/// Linking and unlinking incidents, from either side.
pub fn can_link_incidents(role: Role) -> Result<(), Denied> {
    staff(role, "only agents, managers and admins can link incidents to problems", Code::DenyProblemLink)
}

/// Publishing, unpublishing and applying a known error's workaround.
pub fn can_change_known_error(role: Role) -> Result<(), Denied> {
    staff(role, "only agents, managers and admins can publish known errors", Code::DenyKnownError)
}

/// Whether the role may make this move (the move itself is checked by
/// `plan_transition`).
pub fn can_transition_problem(
    role: Role,
    to: ProblemState,
    resolution: Option<ProblemResolution>,
) -> Result<(), Denied> {
    can_edit_problem(role)?;
    match to {
        ProblemState::Closed => manager(role, "only managers and admins can close a problem", Code::DenyProblemClose),
        ProblemState::Cancelled => {
            manager(role, "only managers and admins can cancel a problem", Code::DenyProblemCancel)
        }
        ProblemState::Resolved if resolution == Some(ProblemResolution::RiskAccepted) => {
            manager(role, "only managers and admins can accept a risk", Code::DenyRiskAccept)
        }
        _ => Ok(()),
    }
}
