//! SLA definitions: what they apply to, their targets, and which one wins.

use super::Problem;
use crate::code::{Code, Message};
use crate::{HoldReason, IncidentState, Priority};
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Record kinds an SLA (or OLA, or escalation rule) can apply to: the
/// kinds whose states [`super::StateFacts::of`] maps onto clocks.
pub const RECORD_KINDS: &[&str] = &["incident", "problem"];

/// The kind a definition, OLA or rule applies to when it names none: every
/// one written before problems had SLAs meant incidents.
pub const DEFAULT_KIND: &str = "incident";

/// Whether `kind` is one a definition may name (any case).
pub fn known_kind(kind: &str) -> bool {
    RECORD_KINDS.iter().any(|k| k.eq_ignore_ascii_case(kind.trim()))
}

/// Kinds as stored: lower case, each once, in [`RECORD_KINDS`] order;
/// none named is [`DEFAULT_KIND`]. Unknown names are dropped (validation
/// refuses them first).
pub fn normalise_kinds(kinds: &[String]) -> Vec<String> {
    let list: Vec<String> = RECORD_KINDS
        .iter()
        .filter(|k| kinds.iter().any(|n| n.trim().eq_ignore_ascii_case(k)))
        .map(|k| (*k).to_owned())
        .collect();
    if list.is_empty() { vec![DEFAULT_KIND.to_owned()] } else { list }
}

/// Whether a list of kinds (empty: [`DEFAULT_KIND`]) takes `kind`.
pub fn kinds_take(kinds: &[String], kind: &str) -> bool {
    if kinds.is_empty() {
        kind.eq_ignore_ascii_case(DEFAULT_KIND)
    } else {
        kinds.iter().any(|k| k.trim().eq_ignore_ascii_case(kind))
    }
}

/// The two targets an SLA sets per priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTargetKind {
    /// Until the first reply or assignment.
    Response,
    /// Until the record is resolved.
    Resolution,
}

/// What a clock measures: an SLA target, or an OLA — the time one support
/// group holds the record (group id). Serialized as `"response"`,
/// `"resolution"`, `{"group": 7}`; stored as [`ClockKind::as_str`] plus
/// [`ClockKind::group_id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    Response,
    Resolution,
    Group(i64),
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Response => "response",
            Self::Resolution => "resolution",
            Self::Group(_) => "group",
        }
    }

    pub fn group_id(self) -> Option<i64> {
        match self {
            Self::Group(id) => Some(id),
            _ => None,
        }
    }

    /// Back from the two stored columns.
    pub fn from_parts(kind: &str, group_id: Option<i64>) -> Result<Self, String> {
        match (kind, group_id) {
            ("response", None) => Ok(Self::Response),
            ("resolution", None) => Ok(Self::Resolution),
            ("group", Some(id)) => Ok(Self::Group(id)),
            _ => Err(format!("unknown clock kind {kind:?} with group {group_id:?}")),
        }
    }
}

impl From<SlaTargetKind> for ClockKind {
    fn from(kind: SlaTargetKind) -> Self {
        match kind {
            SlaTargetKind::Response => Self::Response,
            SlaTargetKind::Resolution => Self::Resolution,
        }
    }
}

/// Which records an SLA applies to; an empty list means "any", except
/// `kinds`, where it means incidents only ([`DEFAULT_KIND`]).
/// Strings compare case-insensitively. A misspelt condition is refused
/// rather than read as "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaConditions {
    /// The record kinds it applies to (ServiceNow's SLA "table"): of
    /// [`RECORD_KINDS`]; none named means incidents.
    pub kinds: Vec<String>,
    pub priorities: Vec<Priority>,
    pub services: Vec<String>,
    pub organisation_ids: Vec<i64>,
    pub categories: Vec<String>,
}

/// Business-time targets for one priority. Durations are written as ISO
/// 8601 (`"PT4H"`) or friendly (`"4h 30m"`) strings, or whole seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityTarget {
    pub priority: Priority,
    #[serde(default, with = "duration_text")]
    pub response: Option<SignedDuration>,
    #[serde(default, with = "duration_text")]
    pub resolution: Option<SignedDuration>,
}

/// A state (and optionally a hold reason) in which clocks stand still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseOn {
    pub state: IncidentState,
    /// `None`: any reason.
    #[serde(default)]
    pub hold_reason: Option<HoldReason>,
}

impl PauseOn {
    /// Waiting for the caller or a vendor is not the desk's time.
    pub fn defaults() -> Vec<PauseOn> {
        [HoldReason::AwaitingCaller, HoldReason::AwaitingVendor]
            .map(|r| PauseOn { state: IncidentState::OnHold, hold_reason: Some(r) })
            .to_vec()
    }

    pub fn matches(&self, state: IncidentState, hold_reason: Option<HoldReason>) -> bool {
        self.state == state && self.hold_reason.is_none_or(|r| Some(r) == hold_reason)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaDefinition {
    pub id: i64,
    pub name: String,
    /// Lower first; the first matching definition applies.
    pub position: i32,
    #[serde(default)]
    pub conditions: SlaConditions,
    pub targets: Vec<PriorityTarget>,
    pub calendar_id: i64,
    #[serde(default = "PauseOn::defaults")]
    pub pause_on: Vec<PauseOn>,
    /// Warning thresholds in percent of the target, strictly increasing.
    #[serde(default)]
    pub thresholds: Vec<u8>,
}

/// What selection looks at in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordFacts<'a> {
    pub kind: &'a str,
    pub priority: Priority,
    pub service: Option<&'a str>,
    pub organisation_id: Option<i64>,
    pub category: Option<&'a str>,
}

/// A record kind a rule names that Steward does not have.
pub fn unknown_kind(kind: &str) -> Message {
    let list = RECORD_KINDS.join(", ");
    Code::UnknownKind
        .msg(format!("unknown record kind {kind:?}; must be one of {list}"))
        .with("kind", format!("{kind:?}"))
        .with("list", list)
}

impl SlaDefinition {
    /// Every problem at once, each named by its field.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field: String, reason: Message| problems.push(Problem::new(field, reason));
        if self.name.trim().is_empty() {
            problem("name".into(), Code::Required.msg("is required"));
        } else if let Err(e) = crate::text::check(&self.name, crate::text::TITLE) {
            problem("name".into(), e.into());
        }
        for (i, kind) in self.conditions.kinds.iter().enumerate() {
            if !known_kind(kind) {
                problem(format!("conditions.kinds[{i}]"), unknown_kind(kind));
            }
        }
        if self.targets.is_empty() {
            problem("targets".into(), Code::NoTargets.msg("needs at least one priority with a target"));
        }
        let mut priorities = HashSet::new();
        for (i, t) in self.targets.iter().enumerate() {
            if !priorities.insert(t.priority) {
                let m = Code::TargetsTwice.msg(format!("{} has targets twice", t.priority));
                problem(format!("targets[{i}].priority"), m.with("priority", t.priority));
            }
            if t.response.is_none() && t.resolution.is_none() {
                problem(format!("targets[{i}]"), Code::TargetNeeded.msg("needs a response or a resolution target"));
            }
            for (name, d) in [("response", t.response), ("resolution", t.resolution)] {
                if d.is_some_and(|d| d <= SignedDuration::ZERO) {
                    problem(format!("targets[{i}].{name}"), Code::Positive.msg("must be longer than zero"));
                }
            }
        }
        for (i, &p) in self.thresholds.iter().enumerate() {
            if !(1..=99).contains(&p) {
                problem(
                    format!("thresholds[{i}]"),
                    Code::ThresholdRange.msg(format!("{p} % is not between 1 and 99")).with("p", p),
                );
            } else if i > 0 && p <= self.thresholds[i - 1] {
                problem(
                    format!("thresholds[{i}]"),
                    Code::ThresholdRising.msg(format!("{p} % must be above the one before it")).with("p", p),
                );
            }
        }
        for (i, p) in self.pause_on.iter().enumerate() {
            if p.hold_reason.is_some() && p.state != IncidentState::OnHold {
                problem(format!("pause_on[{i}].hold_reason"), Code::NotApplicable.msg("only applies to on_hold"));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The target for a priority, if this SLA sets one.
    pub fn target(&self, priority: Priority, kind: SlaTargetKind) -> Option<SignedDuration> {
        let t = self.targets.iter().find(|t| t.priority == priority)?;
        match kind {
            SlaTargetKind::Response => t.response,
            SlaTargetKind::Resolution => t.resolution,
        }
    }

    pub fn matches(&self, facts: &RecordFacts<'_>) -> bool {
        let c = &self.conditions;
        let text = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x.trim().eq_ignore_ascii_case(v.trim())))
        };
        kinds_take(&c.kinds, facts.kind)
            && (c.priorities.is_empty() || c.priorities.contains(&facts.priority))
            && text(&c.services, facts.service)
            && (c.organisation_ids.is_empty() || facts.organisation_id.is_some_and(|o| c.organisation_ids.contains(&o)))
            && text(&c.categories, facts.category)
    }

    /// Whether clocks stand still in this state.
    pub fn pauses(&self, state: IncidentState, hold_reason: Option<HoldReason>) -> bool {
        self.pause_on.iter().any(|p| p.matches(state, hold_reason))
    }
}

/// The definition that applies: the first match by `position` (then id).
pub fn select<'a>(defs: &'a [SlaDefinition], facts: &RecordFacts<'_>) -> Option<&'a SlaDefinition> {
    defs.iter().filter(|d| d.matches(facts)).min_by_key(|d| (d.position, d.id))
}

/// `Option<SignedDuration>` as an ISO 8601 string; reads ISO, friendly
/// (`"4h 30m"`) or whole seconds.
pub(crate) mod duration_text {
    use jiff::SignedDuration;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(d: &Option<SignedDuration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(i64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SignedDuration>, D::Error> {
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(Raw::Seconds(s)) => Ok(Some(SignedDuration::from_secs(s))),
            Some(Raw::Text(t)) => t
                .parse()
                .map(Some)
                .map_err(|e| D::Error::custom(format!("{t:?} is not a duration such as PT4H or 4h 30m: {e}"))),
        }
    }
}
