//! Service levels: which SLA a record falls under, its clocks, the timer
//! that announces warnings and breaches, and the admin's calendars, SLA
//! definitions and group OLAs.
//!
//! The rules are in `steward_domain::{calendar, sla}`; this module keeps
//! the clocks in step with the record inside the record's own write
//! ([`engine`]), and journals every warning and breach at its moment even
//! when nobody looks ([`timer`]).

pub mod admin;
pub(crate) mod engine;
pub mod escalate;
mod history;
pub mod rules;
mod snapshot;
pub mod timer;
pub mod view;

pub(crate) use snapshot::SlaCache;
pub(crate) use snapshot::Snapshot;
pub use view::ClockView;

/// Journal field names of the clocks, by kind.
pub(crate) fn field_of(kind: &str) -> &'static str {
    match kind {
        "response" => "sla_response",
        "resolution" => "sla_resolution",
        _ => "sla_group",
    }
}
