//! Silences as Alertmanager 0.25 keeps them: a set of matchers and a time
//! span; an active silence mutes every alert its matchers pass.
//!
//! Problems name the fields of Alertmanager's JSON (`endsAt`,
//! `createdBy`, `matchers[0].name`), since that is what the client sent.

use serde::Serialize;

use super::{ApiMatcher, Labels, Matchers, Problems, invalid_label_name, is_valid_label_name};
use crate::code::Code;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    pub matchers: Matchers,
    /// Microseconds since the epoch.
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: String,
    pub comment: String,
}

/// Alertmanager's silence states, by the time asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SilenceState {
    Pending,
    Active,
    Expired,
}

impl SilenceState {
    pub const ALL: [SilenceState; 3] = [SilenceState::Pending, SilenceState::Active, SilenceState::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Pending => "pending",
            SilenceState::Active => "active",
            SilenceState::Expired => "expired",
        }
    }
}

/// The API's matchers, each bad one named `matchers[i]` (an invalid
/// regex, as Alertmanager refuses it).
pub fn matchers_from_api(list: &[ApiMatcher]) -> Result<Matchers, Problems> {
    let mut problems = Problems::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        match m.to_matcher() {
            Ok(m) => out.push(m),
            Err(e) => problems.push((format!("matchers[{i}]"), e)),
        }
    }
    if problems.is_empty() { Ok(Matchers(out)) } else { Err(problems) }
}

impl Silence {
    /// A silence posted at `now`, checked as Alertmanager 0.25 checks it
    /// (the API handler, then `validateSilence`): the end after the start
    /// and not in the past; at least one matcher, each on a valid label
    /// name, at least one not matching the empty string (or it would mute
    /// everything); `createdBy` and `comment` given. Every problem found is
    /// reported, not only the first.
    pub fn validate(&self, now: i64) -> Problems {
        let mut problems = Problems::new();
        if self.ends_at <= self.starts_at {
            problems
                .push(("endsAt".into(), Code::EndBeforeStart.msg("must be after startsAt").with("start", "startsAt")));
        } else if self.ends_at < now {
            problems.push(("endsAt".into(), Code::EndsInPast.msg("must not be in the past")));
        }
        if self.matchers.is_empty() {
            problems.push(("matchers".into(), Code::NoMatchers.msg("a silence needs at least one matcher")));
        }
        for (i, m) in self.matchers.iter().enumerate() {
            if !is_valid_label_name(&m.name) {
                problems.push((format!("matchers[{i}].name"), invalid_label_name(&m.name)));
            }
        }
        if !self.matchers.is_empty() && self.matchers.iter().all(|m| m.matches_empty()) {
            problems.push((
                "matchers".into(),
                Code::MatchersMatchEmpty
                    .msg("at least one matcher must not match the empty string (the silence would mute every alert)"),
            ));
        }
        if self.created_by.is_empty() {
            problems.push(("createdBy".into(), Code::Required.msg("is required")));
        }
        if self.comment.is_empty() {
            problems.push(("comment".into(), Code::Required.msg("is required")));
        }
        problems
    }

    /// A new silence never starts in the past: Alertmanager moves its
    /// start to `now` when it is stored.
    pub fn start_no_earlier_than(&mut self, now: i64) {
        self.starts_at = self.starts_at.max(now);
    }

    /// Pending before its start, expired after its end, active between
    /// (both ends included, as Alertmanager's `getState`).
    pub fn state(&self, now: i64) -> SilenceState {
        if now < self.starts_at {
            SilenceState::Pending
        } else if now > self.ends_at {
            SilenceState::Expired
        } else {
            SilenceState::Active
        }
    }

    /// Whether this silence mutes an alert with these labels at `now`.
    pub fn mutes(&self, labels: &Labels, now: i64) -> bool {
        self.state(now) == SilenceState::Active && self.matchers.matches(labels)
    }

    /// Alertmanager's `canUpdate`: whether `next`, posted with this
    /// silence's id, changes it in place. Otherwise Alertmanager expires this
    /// one (unless expired already) and stores `next` as a new silence.
    /// Matchers must be the same, in the same order; an active silence
    /// keeps its start (to the second) and cannot end in the past; a
    /// pending one cannot be moved to start in the past; an expired one
    /// never changes.
    pub fn can_update(&self, next: &Silence, now: i64) -> bool {
        if self.matchers != next.matchers {
            return false;
        }
        match self.state(now) {
            SilenceState::Active => {
                next.starts_at.div_euclid(SECOND) == self.starts_at.div_euclid(SECOND) && next.ends_at >= now
            }
            SilenceState::Pending => next.starts_at >= now,
            SilenceState::Expired => false,
        }
    }

    /// Ends the silence at `now` (a pending one starts then too, so it
    /// never becomes active). False when it had expired already, which
    /// Alertmanager answers as success without a change.
    pub fn expire(&mut self, now: i64) -> bool {
        match self.state(now) {
            SilenceState::Expired => false,
            SilenceState::Active => {
                self.ends_at = now;
                true
            }
            SilenceState::Pending => {
                self.starts_at = now;
                self.ends_at = now;
                true
            }
        }
    }
}

const SECOND: i64 = 1_000_000;

#[cfg(test)]
#[path = "silence_tests.rs"]
mod tests;
