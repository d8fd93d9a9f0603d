//! Steward's pure rules: plain functions over plain data, no IO.
//!
//! Everything here is deterministic and tested on its own: the priority
//! matrix, the state machines of incidents, problems, changes, change tasks and knowledge articles
//! (and the [`Lifecycle`] questions every kind's states answer), who may do
//! what, record numbers and the limits every text field is checked against
//! at the edge.

#[macro_use]
mod macros;

pub mod access;
pub mod alert;
pub mod audit;
pub mod calendar;
pub mod canned;
pub mod change;
pub mod check;
pub mod cmdb;
pub mod code;
pub mod discussion;
pub mod email;
pub mod ical_feed;
pub mod incident;
pub mod journal;
pub mod knowledge;
pub mod lifecycle;
pub mod links;
pub mod net;
pub mod number;
pub mod priority;
pub mod problem;
pub mod report;
pub mod role;
pub mod search;
pub mod sla;
pub mod task;
pub mod text;
pub mod zone;

pub use incident::{HoldReason, IncidentState, ResolutionCode, TransitionError, TransitionRequest};
pub use lifecycle::Lifecycle;
pub use number::RecordNumber;
pub use priority::{Impact, Priority, PriorityMatrix, Urgency};
pub use role::Role;
