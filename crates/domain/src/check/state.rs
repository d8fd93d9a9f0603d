//! A check's state over time, as Nagios keeps a service's.
//!
//! **Soft and hard states.** A problem is first a *soft* state; only when
//! `retries + 1` results in a row are problems does it become *hard*, and
//! only hard changes notify. A recovery from a hard problem is hard at
//! once; a change between problem statuses (warning → critical) while hard
//! is hard at once too. A recovery from a soft problem is a soft recovery:
//! nothing was notified, so nothing is.
//!
//! **Flapping.** Hard states and soft recoveries (what Nagios records) go
//! into a history of the last 21. The percent state change weighs each of
//! the 20 possible changes from 0.75 (oldest) to 1.25 (newest); a check
//! starts flapping at or above the high threshold and stops at or below
//! the low one, in between it stays as it was (hysteresis). While it flaps
//! its hard changes do not notify; when it stops, the state it settled in
//! is notified if it differs from the last one notified.

use super::status::Status;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Nagios's `MAX_STATE_HISTORY_ENTRIES`.
pub const HISTORY: usize = 21;

/// Percent state change thresholds: start flapping at `high`, stop at
/// `low`. Nagios's service defaults are 5 and 20.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FlapThresholds {
    pub low: f64,
    pub high: f64,
}

impl Default for FlapThresholds {
    fn default() -> Self {
        FlapThresholds { low: 5.0, high: 20.0 }
    }
}

/// Whether the current state is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateType {
    Soft,
    Hard,
}

/// What one result changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transition {
    /// A problem not confirmed yet, or a recovery from one: shown, not
    /// notified. `attempt` of `max_attempts`.
    Soft {
        from: Status,
        to: Status,
        attempt: u8,
        max_attempts: u8,
    },
    /// A confirmed change; `notify` is false while the check flaps.
    Hard {
        from: Status,
        to: Status,
        notify: bool,
    },
    FlappingStarted {
        percent: f64,
    },
    /// `settled`: the hard state to notify now, when it changed unnotified
    /// while the check flapped.
    FlappingStopped {
        percent: f64,
        settled: Option<Status>,
    },
}

/// Everything the rules remember about one check; stored with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckState {
    /// The latest result's status.
    pub current: Status,
    pub state_type: StateType,
    /// The last confirmed status.
    pub hard: Status,
    /// Problem results in a row while soft (1 on the first).
    pub attempt: u8,
    pub flapping: bool,
    pub percent_change: f64,
    /// The hard status people were last told about.
    pub notified: Status,
    /// Recorded states, oldest first, at most [`HISTORY`].
    pub history: VecDeque<Status>,
}

impl Default for CheckState {
    /// A new check is taken to be up, as Nagios's initial state.
    fn default() -> Self {
        CheckState {
            current: Status::Ok,
            state_type: StateType::Hard,
            hard: Status::Ok,
            attempt: 1,
            flapping: false,
            percent_change: 0.0,
            notified: Status::Ok,
            history: VecDeque::new(),
        }
    }
}

impl CheckState {
    /// Takes one result; `retries` as in the check's definition, `flap`
    /// `None` to turn flap detection off.
    pub fn feed(&mut self, status: Status, retries: u8, flap: Option<FlapThresholds>) -> Vec<Transition> {
        let max_attempts = retries.saturating_add(1);
        let mut out = Vec::new();
        let previous = self.current;
        let problem = status != Status::Ok;
        let mut hard_change = None;
        match (self.state_type, problem) {
            // Up and still up.
            (StateType::Hard, false) if self.hard == Status::Ok => self.attempt = 1,
            // A confirmed problem recovers, or changes status: hard at once.
            (StateType::Hard, _) if self.hard != Status::Ok => {
                if status != self.hard {
                    hard_change = Some((self.hard, status));
                }
                self.attempt = 1;
            }
            // The first problem after being up.
            (StateType::Hard, _) => {
                self.attempt = 1;
                if max_attempts <= 1 {
                    hard_change = Some((self.hard, status));
                } else {
                    self.state_type = StateType::Soft;
                    out.push(Transition::Soft { from: previous, to: status, attempt: 1, max_attempts });
                }
            }
            // A soft recovery: the problem was never confirmed.
            (StateType::Soft, false) => {
                self.state_type = StateType::Hard;
                self.attempt = 1;
                out.push(Transition::Soft { from: previous, to: status, attempt: 1, max_attempts });
            }
            (StateType::Soft, true) => {
                self.attempt = self.attempt.saturating_add(1);
                if self.attempt >= max_attempts {
                    hard_change = Some((self.hard, status));
                } else {
                    out.push(Transition::Soft { from: previous, to: status, attempt: self.attempt, max_attempts });
                }
            }
        }
        self.current = status;
        if let Some((_, to)) = hard_change {
            self.state_type = StateType::Hard;
            self.hard = to;
        }
        // Nagios records hard states and soft recoveries only.
        if self.state_type == StateType::Hard {
            self.record(status);
        }
        let mut stopped = None;
        if let Some(t) = flap {
            let was = self.flapping;
            if self.percent_change >= t.high {
                self.flapping = true;
            } else if self.percent_change <= t.low {
                self.flapping = false;
            }
            if self.flapping && !was {
                out.push(Transition::FlappingStarted { percent: self.percent_change });
            } else if was && !self.flapping {
                stopped = Some(self.percent_change);
            }
        } else {
            self.flapping = false;
        }
        if let Some((from, to)) = hard_change {
            let notify = !self.flapping;
            if notify {
                self.notified = to;
            }
            out.push(Transition::Hard { from, to, notify });
        }
        if let Some(percent) = stopped {
            let settled = (self.hard != self.notified).then_some(self.hard);
            self.notified = self.hard;
            out.push(Transition::FlappingStopped { percent, settled });
        }
        out
    }

    fn record(&mut self, status: Status) {
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(status);
        self.percent_change = percent_change(&self.history);
    }
}

/// Nagios's weighted percent state change over a history (oldest first).
/// A history shorter than 21 counts as if its oldest state filled the
/// missing places, as Nagios fills a new history with the current state.
pub fn percent_change(history: &VecDeque<Status>) -> f64 {
    const LOW: f64 = 0.75;
    const HIGH: f64 = 1.25;
    let start = HISTORY - history.len().min(HISTORY);
    let mut changes = 0.0;
    for (i, pair) in history.iter().collect::<Vec<_>>().windows(2).enumerate() {
        if pair[0] != pair[1] {
            // Position of the newer entry in a full history: 1..=20.
            let x = (start + i + 1) as f64;
            changes += (x - 1.0) * (HIGH - LOW) / (HISTORY - 2) as f64 + LOW;
        }
    }
    changes * 100.0 / (HISTORY - 1) as f64
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
