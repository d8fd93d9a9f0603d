//! Business calendars: when the service desk works, in which time zone,
//! and which days are holidays — and the arithmetic SLA clocks need over
//! them ("4 business hours after Friday 14:00 is Monday 10:00").
//!
//! A [`CalendarSpec`] is plain data as an admin writes it (strings for times
//! and dates, so that every mistake can be reported beside its field).
//! [`Calendar::compile`] checks it and turns it into a [`Calendar`], which is
//! cheap to clone and share between threads.
//!
//! Working intervals are local wall-clock times in the calendar's zone;
//! business time is the real time elapsed inside them. So on the day clocks
//! go forward an interval 01:00–04:00 holds two real hours, on the day they
//! go back four. Local times that do not exist or exist twice are resolved
//! the way jiff's "compatible" disambiguation does (as RFC 5545 does).

mod bench;
mod compiled;
mod holidays;
mod ical;
mod spec;
#[cfg(test)]
pub(crate) mod tests;

pub use bench::{DueBench, bench_due_moments};
pub use compiled::{Calendar, FIRST_YEAR, LAST_YEAR};
pub use holidays::{easter_sunday, poland_holidays};
pub use ical::{ICAL_MAX_BYTES, parse_ical_holidays};
pub use spec::{CalendarSpec, Holiday, Interval, WeekHours};

use serde::Serialize;
use std::fmt;

/// One thing wrong with an input, named by its field path
/// (`week.monday[1]`, `time_zone`, `holidays[3].date`, `vevent[2].dtstart`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarProblem {
    pub field: String,
    pub reason: crate::code::Message,
}

impl CalendarProblem {
    pub fn new(field: impl Into<String>, reason: impl Into<crate::code::Message>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

impl fmt::Display for CalendarProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}
