//! Service levels: which SLA applies to a record, its targets per priority,
//! and the clocks that measure business time against them.
//!
//! A clock is plain data the store keeps as columns; every operation takes
//! the record's [`Calendar`](crate::calendar::Calendar) and returns the new
//! state, so the rules are tested without a database or a running timer.
//! The store indexes [`Clock::next_event`]'s moment, so a timer scan is one
//! range query, and [`Clock::due_events`] lets a worker that was down catch
//! up every warning and the breach at their own moments, in order.

mod clock;
mod definition;
pub mod escalation;
mod states;
#[cfg(test)]
mod tests;

pub use clock::{Clock, ClockEvent};
pub use definition::{
    ClockKind, DEFAULT_KIND, PauseOn, PriorityTarget, RECORD_KINDS, RecordFacts, SlaConditions, SlaDefinition,
    SlaTargetKind, kinds_take, known_kind, normalise_kinds, select, unknown_kind,
};
pub use states::{ClockStep, StateFacts, states_of};

/// One thing wrong with an SLA definition, named by its field.
pub type Problem = crate::calendar::CalendarProblem;
