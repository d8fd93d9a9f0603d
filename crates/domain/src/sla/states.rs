//! What a record's state does to its clocks, for every kind with SLAs.
//!
//! One mapping, through each kind's [`Lifecycle`]:
//!
//! | clock | stops | pauses | runs |
//! | --- | --- | --- | --- |
//! | response | final or resolved state; the first response (an incident's first reply or assignment, `first_response_at`); a state that [`Lifecycle::meets_response`] (a problem that left New) | the SLA's pause states | otherwise |
//! | resolution | final state (Closed, Cancelled) | resolved state (a reopen resumes it), the SLA's pause states | otherwise |
//! | group (OLA) | final or resolved state | the SLA's pause states | otherwise |
//!
//! The SLA's pause states (`pause_on`) are incident states with hold
//! reasons; a problem has no waiting state, so nothing pauses its clocks
//! but Resolved.

use super::{ClockKind, PauseOn};
use crate::lifecycle::Lifecycle;
use crate::number::RecordKind;
use crate::problem::ProblemState;
use crate::{HoldReason, IncidentState};

/// What the clocks need to know of a record's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateFacts {
    /// Done and waiting to be confirmed (a reopen is possible).
    pub resolved: bool,
    /// Nothing more happens.
    pub finished: bool,
    /// The state itself meets the response target.
    pub responded: bool,
    /// The SLA's pause states hold.
    pub held: bool,
    /// Work is still to be done (queues, escalations).
    pub open: bool,
}

/// What a clock does in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockStep {
    /// Ends for good.
    Stop,
    Pause,
    Run,
}

impl StateFacts {
    /// The facts of a record of `kind` in `state` (stored names), with the
    /// pause states of its SLA. A kind without SLA clocks, or a state its
    /// machine does not know, is an error.
    pub fn of(kind: &str, state: &str, hold_reason: Option<&str>, pause_on: &[PauseOn]) -> Result<Self, String> {
        match RecordKind::named(kind) {
            Some(RecordKind::Incident) => {
                let s: IncidentState = state.parse().map_err(|e: crate::code::Message| e.text)?;
                let hold: Option<HoldReason> = hold_reason.and_then(|h| h.parse().ok());
                Ok(Self { held: pause_on.iter().any(|p| p.matches(s, hold)), ..Self::from(s) })
            }
            Some(RecordKind::Problem) => Ok(Self::from(state.parse::<ProblemState>().map_err(|e| e.text)?)),
            _ => Err(format!("records of kind {kind:?} have no SLA clocks")),
        }
    }

    fn from<L: Lifecycle>(s: L) -> Self {
        Self {
            resolved: s.is_resolved(),
            finished: s.is_final(),
            responded: s.meets_response(),
            held: false,
            open: s.is_open(),
        }
    }

    /// What a clock of `kind` does now; `first_response` says the record
    /// has had its first response (whatever its state).
    pub fn step(&self, kind: ClockKind, first_response: bool) -> ClockStep {
        let ends = self.finished || self.resolved;
        match kind {
            ClockKind::Response if ends || first_response || self.responded => ClockStep::Stop,
            ClockKind::Group(_) if ends => ClockStep::Stop,
            ClockKind::Resolution if self.finished => ClockStep::Stop,
            _ if self.resolved || self.held => ClockStep::Pause,
            _ => ClockStep::Run,
        }
    }
}

/// The stored names of a kind's states, and of its open ones; none for a
/// kind without SLA clocks.
pub fn states_of(kind: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    fn names<L: Lifecycle>() -> (Vec<&'static str>, Vec<&'static str>) {
        (L::ALL.iter().map(|s| s.as_str()).collect(), crate::lifecycle::open_state_names::<L>())
    }
    match RecordKind::named(kind) {
        Some(RecordKind::Incident) => names::<IncidentState>(),
        Some(RecordKind::Problem) => names::<ProblemState>(),
        _ => (Vec::new(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClockStep::*;

    fn steps(kind: &str, state: &str) -> [ClockStep; 3] {
        let f = StateFacts::of(kind, state, None, &PauseOn::defaults()).unwrap();
        [ClockKind::Response, ClockKind::Resolution, ClockKind::Group(1)].map(|k| f.step(k, false))
    }

    #[test]
    fn problem_states_move_clocks_as_the_table_says() {
        assert_eq!(steps("problem", "new"), [Run, Run, Run]);
        for taken_up in ["assessment", "root_cause_analysis", "fix_in_progress"] {
            assert_eq!(steps("problem", taken_up), [Stop, Run, Run], "{taken_up}");
        }
        assert_eq!(steps("problem", "resolved"), [Stop, Pause, Stop]);
        assert_eq!(steps("problem", "closed"), [Stop, Stop, Stop]);
        assert_eq!(steps("problem", "cancelled"), [Stop, Stop, Stop]);
    }

    #[test]
    fn incident_states_move_clocks_as_before() {
        assert_eq!(steps("incident", "new"), [Run, Run, Run]);
        assert_eq!(steps("incident", "in_progress"), [Run, Run, Run], "only a first response meets it");
        assert_eq!(steps("incident", "resolved"), [Stop, Pause, Stop]);
        assert_eq!(steps("incident", "closed"), [Stop, Stop, Stop]);
        let held = StateFacts::of("incident", "on_hold", Some("awaiting_caller"), &PauseOn::defaults()).unwrap();
        assert_eq!(held.step(ClockKind::Resolution, false), Pause);
        assert_eq!(held.step(ClockKind::Response, true), Stop);
        let change = StateFacts::of("incident", "on_hold", Some("awaiting_change"), &PauseOn::defaults()).unwrap();
        assert_eq!(change.step(ClockKind::Resolution, false), Run);
    }

    #[test]
    fn pause_states_are_the_incidents_and_unknown_ones_are_errors() {
        let any_new = [PauseOn { state: IncidentState::New, hold_reason: None }];
        assert!(StateFacts::of("incident", "new", None, &any_new).unwrap().held);
        assert!(!StateFacts::of("problem", "new", None, &any_new).unwrap().held, "a problem's New is its own");
        assert!(StateFacts::of("problem", "on_hold", None, &[]).is_err());
        assert!(StateFacts::of("article", "draft", None, &[]).is_err());
        assert_eq!(states_of("problem").1, ["new", "assessment", "root_cause_analysis", "fix_in_progress"]);
        assert_eq!(states_of("incident").1, ["new", "in_progress", "on_hold"]);
        assert!(states_of("article").0.is_empty());
    }
}
