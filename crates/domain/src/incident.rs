//! The incident state machine.
//!
//! New → In Progress → On Hold (with a reason) → Resolved (code and notes)
//! → Closed; Cancelled from any open state; Resolved can be reopened.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    New,
    InProgress,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    AwaitingCaller,
    AwaitingVendor,
    AwaitingChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionCode {
    Solved,
    Workaround,
    NotReproducible,
    Duplicate,
    ResolvedByCaller,
    NoFaultFound,
}

text_enum!(
    IncidentState,
    "state",
    [
        New = "new",
        InProgress = "in_progress",
        OnHold = "on_hold",
        Resolved = "resolved",
        Closed = "closed",
        Cancelled = "cancelled",
    ]
);
text_enum!(
    HoldReason,
    "hold reason",
    [AwaitingCaller = "awaiting_caller", AwaitingVendor = "awaiting_vendor", AwaitingChange = "awaiting_change",]
);
text_enum!(
    ResolutionCode,
    "resolution code",
    [
        Solved = "solved",
        Workaround = "workaround",
        NotReproducible = "not_reproducible",
        Duplicate = "duplicate",
        ResolvedByCaller = "resolved_by_caller",
        NoFaultFound = "no_fault_found",
    ]
);

impl IncidentState {
    /// States from which work still has to be done.
    pub fn is_open(self) -> bool {
        matches!(self, Self::New | Self::InProgress | Self::OnHold)
    }

    /// Closed and Cancelled are final.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Cancelled)
    }

    /// Every state this one may move to, in the order buttons show them.
    pub fn allowed_targets(self) -> &'static [IncidentState] {
        use IncidentState::*;
        match self {
            New => &[InProgress, OnHold, Resolved, Cancelled],
            InProgress => &[OnHold, Resolved, Cancelled],
            OnHold => &[InProgress, Resolved, Cancelled],
            Resolved => &[Closed, InProgress],
            Closed | Cancelled => &[],
        }
    }
}

/// What a caller asks for: a target state and what that state needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransitionRequest {
    pub hold_reason: Option<HoldReason>,
    pub resolution_code: Option<ResolutionCode>,
    pub resolution_notes: Option<String>,
}

/// What the store must write for an allowed transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionPlan {
    pub to: IncidentState,
    pub hold_reason: Option<HoldReason>,
    pub resolution_code: Option<ResolutionCode>,
    pub resolution_notes: Option<String>,
    /// Resolved → In Progress counts as a reopen.
    pub reopen: bool,
    pub sets_resolved_at: bool,
    pub clears_resolved_at: bool,
    pub sets_closed_at: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot go from {from} to {to}; allowed: {}", allowed_list(.allowed))]
    NotAllowed { from: IncidentState, to: IncidentState, allowed: Vec<IncidentState> },
    #[error("{field} is required to move to {to}")]
    Missing { field: &'static str, to: IncidentState },
    #[error("{field} only applies when moving to {applies_to}")]
    NotApplicable { field: &'static str, applies_to: IncidentState },
}

fn allowed_list(a: &[IncidentState]) -> String {
    if a.is_empty() {
        "none, the incident is final".to_owned()
    } else {
        a.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Decides whether `from → to` is allowed and what it needs.
pub fn plan_transition(
    from: IncidentState,
    to: IncidentState,
    req: &TransitionRequest,
) -> Result<TransitionPlan, TransitionError> {
    use IncidentState::*;
    if !from.allowed_targets().contains(&to) {
        return Err(TransitionError::NotAllowed { from, to, allowed: from.allowed_targets().to_vec() });
    }
    if to != OnHold && req.hold_reason.is_some() {
        return Err(TransitionError::NotApplicable { field: "hold_reason", applies_to: OnHold });
    }
    if to != Resolved && (req.resolution_code.is_some() || req.resolution_notes.is_some()) {
        let field = if req.resolution_code.is_some() { "resolution_code" } else { "resolution_notes" };
        return Err(TransitionError::NotApplicable { field, applies_to: Resolved });
    }
    let notes = req.resolution_notes.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let mut plan = TransitionPlan {
        to,
        hold_reason: None,
        resolution_code: None,
        resolution_notes: None,
        reopen: from == Resolved && to == InProgress,
        sets_resolved_at: to == Resolved,
        clears_resolved_at: from == Resolved && to == InProgress,
        sets_closed_at: to == Closed,
    };
    match to {
        OnHold => {
            plan.hold_reason = Some(req.hold_reason.ok_or(TransitionError::Missing { field: "hold_reason", to })?);
        }
        Resolved => {
            plan.resolution_code =
                Some(req.resolution_code.ok_or(TransitionError::Missing { field: "resolution_code", to })?);
            plan.resolution_notes =
                Some(notes.ok_or(TransitionError::Missing { field: "resolution_notes", to })?.to_owned());
        }
        _ => {}
    }
    Ok(plan)
}

impl From<TransitionError> for crate::code::Message {
    fn from(e: TransitionError) -> Self {
        use crate::code::Code;
        let text = e.to_string();
        match e {
            TransitionError::NotAllowed { from, to, allowed } => Code::TransitionNotAllowed
                .msg(text)
                .with("from", from)
                .with("to", to)
                .with("allowed", if allowed.is_empty() { "—".to_owned() } else { allowed_list(&allowed) }),
            TransitionError::Missing { .. } => Code::RequiredForState.msg(text),
            TransitionError::NotApplicable { .. } => Code::NotApplicable.msg(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentState::*;

    fn full_request(to: IncidentState) -> TransitionRequest {
        match to {
            OnHold => TransitionRequest { hold_reason: Some(HoldReason::AwaitingVendor), ..Default::default() },
            Resolved => TransitionRequest {
                resolution_code: Some(ResolutionCode::Solved),
                resolution_notes: Some("restarted the spooler".into()),
                ..Default::default()
            },
            _ => TransitionRequest::default(),
        }
    }

    /// Every pair of states: allowed exactly when the table says so.
    #[test]
    fn every_transition_allowed_or_not() {
        let allowed: &[(IncidentState, IncidentState)] = &[
            (New, InProgress),
            (New, OnHold),
            (New, Resolved),
            (New, Cancelled),
            (InProgress, OnHold),
            (InProgress, Resolved),
            (InProgress, Cancelled),
            (OnHold, InProgress),
            (OnHold, Resolved),
            (OnHold, Cancelled),
            (Resolved, Closed),
            (Resolved, InProgress),
        ];
        for &from in IncidentState::ALL {
            for &to in IncidentState::ALL {
                let result = plan_transition(from, to, &full_request(to));
                if allowed.contains(&(from, to)) {
                    let plan = result.unwrap_or_else(|e| panic!("{from} → {to} refused: {e}"));
                    assert_eq!(plan.to, to);
                    assert_eq!(plan.reopen, from == Resolved && to == InProgress);
                } else {
                    let err = result.expect_err("must be refused");
                    match err {
                        TransitionError::NotAllowed { allowed, .. } => {
                            assert_eq!(allowed, from.allowed_targets());
                        }
                        other => panic!("{from} → {to}: wrong error {other}"),
                    }
                }
            }
        }
    }

    #[test]
    fn refusal_names_the_allowed_states() {
        let err = plan_transition(New, Closed, &TransitionRequest::default()).unwrap_err();
        assert_eq!(err.to_string(), "cannot go from new to closed; allowed: in_progress, on_hold, resolved, cancelled");
        let err = plan_transition(Closed, InProgress, &TransitionRequest::default()).unwrap_err();
        assert_eq!(err.to_string(), "cannot go from closed to in_progress; allowed: none, the incident is final");
    }

    #[test]
    fn on_hold_needs_a_reason() {
        let err = plan_transition(InProgress, OnHold, &TransitionRequest::default()).unwrap_err();
        assert_eq!(err, TransitionError::Missing { field: "hold_reason", to: OnHold });
        let plan = plan_transition(InProgress, OnHold, &full_request(OnHold)).unwrap();
        assert_eq!(plan.hold_reason, Some(HoldReason::AwaitingVendor));
    }

    #[test]
    fn resolve_needs_code_and_notes() {
        let no_code = TransitionRequest { resolution_notes: Some("x".into()), ..Default::default() };
        assert_eq!(
            plan_transition(InProgress, Resolved, &no_code).unwrap_err(),
            TransitionError::Missing { field: "resolution_code", to: Resolved }
        );
        let blank_notes = TransitionRequest {
            resolution_code: Some(ResolutionCode::Workaround),
            resolution_notes: Some("   ".into()),
            ..Default::default()
        };
        assert_eq!(
            plan_transition(InProgress, Resolved, &blank_notes).unwrap_err(),
            TransitionError::Missing { field: "resolution_notes", to: Resolved }
        );
        let plan = plan_transition(InProgress, Resolved, &full_request(Resolved)).unwrap();
        assert!(plan.sets_resolved_at && !plan.sets_closed_at);
    }

    #[test]
    fn fields_for_other_states_are_refused() {
        let req = TransitionRequest { hold_reason: Some(HoldReason::AwaitingCaller), ..Default::default() };
        assert_eq!(
            plan_transition(New, InProgress, &req).unwrap_err(),
            TransitionError::NotApplicable { field: "hold_reason", applies_to: OnHold }
        );
        let req = TransitionRequest { resolution_code: Some(ResolutionCode::Solved), ..Default::default() };
        assert!(matches!(plan_transition(New, OnHold, &req), Err(TransitionError::NotApplicable { .. })));
    }

    #[test]
    fn reopen_is_counted_and_clears_resolution() {
        let plan = plan_transition(Resolved, InProgress, &TransitionRequest::default()).unwrap();
        assert!(plan.reopen && plan.clears_resolved_at);
        let plan = plan_transition(Resolved, Closed, &TransitionRequest::default()).unwrap();
        assert!(plan.sets_closed_at && !plan.reopen);
    }

    #[test]
    fn names_round_trip() {
        for s in IncidentState::ALL {
            assert_eq!(s.as_str().parse::<IncidentState>(), Ok(*s));
        }
        assert!("bogus".parse::<IncidentState>().unwrap_err().text.contains("must be one of new, in_progress"));
        for r in HoldReason::ALL {
            assert_eq!(r.as_str().parse::<HoldReason>(), Ok(*r));
        }
        for c in ResolutionCode::ALL {
            assert_eq!(c.as_str().parse::<ResolutionCode>(), Ok(*c));
        }
    }
}
