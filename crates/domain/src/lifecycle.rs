//! What every kind's state machine answers, so that the shared machinery
//! (lists' "open" filter, SLA clocks pausing and stopping, queues) can ask
//! an incident, a problem or an article the same questions without naming
//! the kind.
//!
//! Beyond the brief's sketch the trait has `is_resolved` — the SLA engine
//! pauses the resolution clock in a resolved state and stops every clock in
//! a final one, so it needs both answers — and `NOUN`, which messages use
//! ("none, the problem is final"). `Debug` and `Hash` are required so that
//! states can sit in errors and sets.

use crate::IncidentState;
use std::{fmt, hash::Hash, str::FromStr};

pub trait Lifecycle:
    Copy + Eq + Hash + fmt::Debug + fmt::Display + FromStr<Err = crate::code::Message> + 'static
{
    /// Every state, in the order choices and columns show them.
    const ALL: &'static [Self];
    /// The record kind's name in messages: "incident", "problem", "article".
    const NOUN: &'static str;
    /// The stored name, as `Display` and `FromStr` use it.
    fn as_str(self) -> &'static str;
    /// The state a new record starts in.
    fn initial() -> Self;
    /// Work is still to be done: lists' "open" filter, queues, escalations.
    fn is_open(self) -> bool;
    /// The work is done and waits to be confirmed: resolution clocks pause
    /// here (a reopen resumes them).
    fn is_resolved(self) -> bool;
    /// Nothing more happens: every clock stops, no move is allowed.
    fn is_final(self) -> bool;
    /// Every state this one may move to, in the order buttons show them.
    fn allowed_targets(self) -> &'static [Self];
    /// Being in this state meets the response target: the record has been
    /// taken up. Incidents answer no in every state (their first reply or
    /// assignment, `first_response_at`, meets it); a problem that left New
    /// has been.
    fn meets_response(self) -> bool {
        false
    }

    fn can_move_to(self, to: Self) -> bool {
        self.allowed_targets().contains(&to)
    }
}

/// The stored names of a kind's open states, for the lists' "open" filter.
pub fn open_state_names<L: Lifecycle>() -> Vec<&'static str> {
    L::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect()
}

/// "a, b, c", or "none, the problem is final": the tail of a refused move.
pub fn targets_text<L: Lifecycle>(targets: &[L]) -> String {
    names_or_final(targets.iter().map(|s| s.as_str()), L::NOUN)
}

/// The names joined, or "none, the {noun} is final" when there are none.
pub(crate) fn names_or_final<'a>(names: impl Iterator<Item = &'a str>, noun: &str) -> String {
    let list = names.collect::<Vec<_>>().join(", ");
    if list.is_empty() { format!("none, the {noun} is final") } else { list }
}

/// Delegates to the incident's own methods, which stay as they are.
impl Lifecycle for IncidentState {
    const ALL: &'static [Self] = IncidentState::ALL;
    const NOUN: &'static str = "incident";
    fn as_str(self) -> &'static str {
        IncidentState::as_str(self)
    }
    fn initial() -> Self {
        IncidentState::New
    }
    fn is_open(self) -> bool {
        IncidentState::is_open(self)
    }
    fn is_resolved(self) -> bool {
        self == IncidentState::Resolved
    }
    fn is_final(self) -> bool {
        IncidentState::is_final(self)
    }
    fn allowed_targets(self) -> &'static [Self] {
        IncidentState::allowed_targets(self)
    }
}

/// The properties every kind's machine must have; each kind's tests call it.
#[cfg(test)]
pub(crate) fn assert_consistent<L: Lifecycle>() {
    use std::collections::HashSet;
    assert!(L::initial().is_open(), "{} starts open", L::NOUN);
    let mut seen = HashSet::from([L::initial()]);
    let mut todo = vec![L::initial()];
    while let Some(s) = todo.pop() {
        todo.extend(s.allowed_targets().iter().filter(|t| seen.insert(**t)));
    }
    for &s in L::ALL {
        assert!(seen.contains(&s), "{s} cannot be reached from {}", L::initial());
        assert_eq!(s.as_str().parse::<L>(), Ok(s));
        assert_eq!(s.to_string(), s.as_str());
        assert_eq!(s.is_final(), s.allowed_targets().is_empty(), "{s}: final exactly when nothing follows");
        assert!(!(s.is_open() && (s.is_final() || s.is_resolved())), "{s}: open excludes resolved and final");
        assert!(!(s.is_resolved() && s.is_final()), "{s}: resolved is not final");
        assert!(!s.can_move_to(s), "{s} moves to itself");
    }
    assert!(L::ALL.iter().any(|s| !s.is_open()), "{}: some state ends the work", L::NOUN);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_answer_as_before() {
        assert_consistent::<IncidentState>();
        for &s in IncidentState::ALL {
            assert_eq!(Lifecycle::is_open(s), s.is_open());
            assert_eq!(Lifecycle::is_final(s), s.is_final());
            assert_eq!(Lifecycle::allowed_targets(s), s.allowed_targets());
            assert_eq!(Lifecycle::as_str(s), s.as_str());
        }
        assert_eq!(<IncidentState as Lifecycle>::ALL, IncidentState::ALL);
        assert_eq!(open_state_names::<IncidentState>(), ["new", "in_progress", "on_hold"]);
        assert!(IncidentState::Resolved.is_resolved() && !IncidentState::OnHold.is_resolved());
    }

    #[test]
    fn targets_read_as_a_list_or_as_final() {
        use IncidentState::*;
        assert_eq!(targets_text(New.allowed_targets()), "in_progress, on_hold, resolved, cancelled");
        assert_eq!(targets_text::<IncidentState>(&[]), "none, the incident is final");
    }
}
