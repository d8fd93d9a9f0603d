//! Known errors and incident links.
//!
//! A known error is not a kind of its own: it is a problem published with
//! a documented cause and workaround, so that the desk sees the workaround
//! on every linked incident. It may be published once the problem has been
//! assessed (not while New, not once Cancelled) and stays published through
//! Resolved and Closed — the workaround still helps whoever meets the fault
//! before the fix reaches them — until it is unpublished (or the problem is
//! cancelled or resolved as a duplicate or as no problem: see
//! `ProblemTransitionPlan::retires_known_error`).

use super::ProblemState;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KnownErrorError {
    #[error("a {state} problem cannot be published as a known error: {}", state_reason(*.state))]
    NotInState { state: ProblemState },
    #[error("{field} is required to publish a known error")]
    Missing { field: &'static str },
    #[error("{field} cannot be cleared while the problem is published as a known error; unpublish it first")]
    Cleared { field: &'static str },
    #[error("the problem is not published as a known error")]
    NotPublished,
}

fn state_reason(state: ProblemState) -> &'static str {
    match state {
        ProblemState::New => "assess it first",
        _ => "it was cancelled",
    }
}

/// Whether the problem may be published as a known error now.
pub fn can_publish_known_error(
    state: ProblemState,
    cause: Option<&str>,
    workaround: Option<&str>,
) -> Result<(), KnownErrorError> {
    if matches!(state, ProblemState::New | ProblemState::Cancelled) {
        return Err(KnownErrorError::NotInState { state });
    }
    missing(cause, workaround).map_or(Ok(()), |field| Err(KnownErrorError::Missing { field }))
}

/// Unpublishing withdraws the workaround from the desk; the problem's
/// analysis stays.
pub fn can_unpublish_known_error(published: bool) -> Result<(), KnownErrorError> {
    if published { Ok(()) } else { Err(KnownErrorError::NotPublished) }
}

/// An edit of the cause or workaround: a published known error keeps both.
pub fn check_known_error_edit(
    published: bool,
    cause: Option<&str>,
    workaround: Option<&str>,
) -> Result<(), KnownErrorError> {
    match missing(cause, workaround) {
        Some(field) if published => Err(KnownErrorError::Cleared { field }),
        _ => Ok(()),
    }
}

/// The first of cause and workaround that is absent or blank.
fn missing(cause: Option<&str>, workaround: Option<&str>) -> Option<&'static str> {
    let blank = |t: Option<&str>| t.is_none_or(|t| t.trim().is_empty());
    if blank(cause) {
        Some("cause")
    } else if blank(workaround) {
        Some("workaround")
    } else {
        None
    }
}

/// Why an incident cannot be linked to a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot link an incident to a {state} problem; link it to an open problem or create a new one")]
pub struct LinkRefused {
    pub state: ProblemState,
}

/// Incidents may be linked to any problem that is not over. A resolved
/// problem still takes them: a new incident is the evidence that the fix
/// did not hold, and the problem can be reopened.
pub fn can_link_incident(problem_state: ProblemState) -> Result<(), LinkRefused> {
    match problem_state {
        ProblemState::Closed | ProblemState::Cancelled => Err(LinkRefused { state: problem_state }),
        _ => Ok(()),
    }
}

impl From<KnownErrorError> for crate::code::Message {
    fn from(e: KnownErrorError) -> Self {
        use crate::code::Code;
        let code = match e {
            KnownErrorError::NotInState { .. } | KnownErrorError::Missing { .. } => Code::KnownErrorNeeds,
            KnownErrorError::Cleared { .. } => Code::KeptWhilePublished,
            KnownErrorError::NotPublished => Code::NotKnownError,
        };
        code.msg(e.to_string())
    }
}

impl From<LinkRefused> for crate::code::Message {
    fn from(e: LinkRefused) -> Self {
        crate::code::Code::LinkClosedProblem.msg(e.to_string())
    }
}
