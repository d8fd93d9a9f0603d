//! Escalation rules: when a record is late or left alone, tell someone,
//! move it, or raise its urgency.
//!
//! A rule fires on a clock threshold (the resolution clock at 75 %, any
//! clock's breach) or on plain time (a P1 unassigned for 15 minutes). Each
//! rule fires once per record and trigger: the caller records the firing
//! under [`EscalationRule::firing_key`] and skips a key it has seen.

use super::Problem;
use super::definition::duration_text;
use crate::{IncidentState, Priority};
use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// A clock reached `percent` of its target (100 = breached). `clock`
    /// is `response`, `resolution`, `group` or `any`.
    Clock { clock: String, percent: u8 },
    /// The record has been open (or, with `unassigned`, without an
    /// assignee) for `after` of real time since it opened.
    Elapsed {
        #[serde(default, with = "duration_text")]
        after: Option<SignedDuration>,
        #[serde(default)]
        unassigned: bool,
    },
}

/// Who a notification goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Assignee,
    /// Every member of the record's assignment group.
    Group,
    /// The manager of the record's assignment group.
    GroupManager,
    /// Named users (usernames).
    Users(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum EscalationAction {
    Notify {
        to: Vec<Recipient>,
    },
    /// Hands the record to this group (by name), unassigned.
    Reassign {
        group: String,
    },
    /// One step more urgent, so the priority matrix gives a higher priority
    /// (also accepted as `raise_priority`, the name people use for it).
    #[serde(alias = "raise_priority")]
    RaiseUrgency,
}

/// Which records a rule looks at; an empty list means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationConditions {
    pub priorities: Vec<Priority>,
    /// Default: the open states (new, in progress, on hold).
    pub states: Vec<IncidentState>,
    /// Assignment group names.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRule {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub position: i32,
    pub trigger: Trigger,
    #[serde(default)]
    pub conditions: EscalationConditions,
    pub actions: Vec<EscalationAction>,
}

const CLOCKS: &[&str] = &["response", "resolution", "group", "any"];
const OPEN: &[IncidentState] = &[IncidentState::New, IncidentState::InProgress, IncidentState::OnHold];

impl EscalationRule {
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: String| problems.push(Problem::new(field, reason));
        if self.name.trim().is_empty() {
            problem("name", "must not be empty".into());
        } else if let Err(e) = crate::text::check(&self.name, crate::text::TITLE) {
            problem("name", e.to_string());
        }
        match &self.trigger {
            Trigger::Clock { clock, percent } => {
                if !CLOCKS.contains(&clock.as_str()) {
                    problem("trigger.clock", format!("unknown clock {clock:?}; must be one of {}", CLOCKS.join(", ")));
                }
                if !(1..=100).contains(percent) {
                    problem("trigger.percent", format!("{percent} % is not between 1 and 100 (100 is the breach)"));
                }
            }
            Trigger::Elapsed { after, .. } => match after {
                None => problem("trigger.after", "is required, e.g. \"15m\"".into()),
                Some(d) if !d.is_positive() => problem("trigger.after", "must be longer than zero".into()),
                Some(_) => {}
            },
        }
        if self.actions.is_empty() {
            problem("actions", "needs at least one action".into());
        }
        for (i, a) in self.actions.iter().enumerate() {
            match a {
                EscalationAction::Notify { to } if to.is_empty() => {
                    problem(&format!("actions[{i}].to"), "names nobody".into());
                }
                EscalationAction::Notify { to } => {
                    for r in to {
                        if matches!(r, Recipient::Users(u) if u.is_empty() || u.iter().any(|n| n.trim().is_empty())) {
                            problem(&format!("actions[{i}].to"), "a users list needs usernames".into());
                        }
                    }
                }
                EscalationAction::Reassign { group } if group.trim().is_empty() => {
                    problem(&format!("actions[{i}].group"), "must name a group".into());
                }
                _ => {}
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Whether the rule looks at a record with these facts.
    pub fn applies(&self, priority: Priority, state: IncidentState, group: Option<&str>) -> bool {
        let c = &self.conditions;
        let states = if c.states.is_empty() { OPEN } else { &c.states[..] };
        (c.priorities.is_empty() || c.priorities.contains(&priority))
            && states.contains(&state)
            && (c.groups.is_empty() || group.is_some_and(|g| c.groups.iter().any(|n| n.eq_ignore_ascii_case(g))))
    }

    /// Whether a clock of `kind` announcing `percent` reaches the trigger;
    /// clocks announce only their thresholds, so a rule at 80 % fires with
    /// the first announcement at or past 80 %.
    pub fn fires_on_clock(&self, kind: &str, percent: u8) -> bool {
        matches!(&self.trigger, Trigger::Clock { clock, percent: p } if (clock == "any" || clock == kind) && percent >= *p)
    }

    /// What the firing is recorded under, so it happens once per record.
    pub fn firing_key(&self, clock_kind: Option<&str>) -> String {
        match (&self.trigger, clock_kind) {
            (Trigger::Clock { percent, .. }, Some(kind)) => format!("{kind}:{percent}"),
            (Trigger::Clock { percent, .. }, None) => format!("clock:{percent}"),
            (Trigger::Elapsed { .. }, _) => "elapsed".into(),
        }
    }
}

/// The next more urgent level, if there is one (1 is the highest).
pub fn raised_urgency(urgency: i64) -> Option<i64> {
    (urgency > 1).then(|| urgency - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: serde_json::Value) -> EscalationRule {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_unassigned_p1_rule_reads_and_applies() {
        let r = rule(json!({
            "name": "P1 unassigned", "trigger": {"kind": "elapsed", "after": "15m", "unassigned": true},
            "conditions": {"priorities": [1]},
            "actions": [{"do": "notify", "to": ["group", "group_manager"]}, {"do": "raise_urgency"}]
        }));
        assert!(r.validate().is_ok());
        let p1 = Priority::new(1).unwrap();
        assert!(r.applies(p1, IncidentState::New, None));
        assert!(!r.applies(Priority::new(2).unwrap(), IncidentState::New, None));
        assert!(!r.applies(p1, IncidentState::Resolved, None), "only open records by default");
        assert_eq!(r.firing_key(None), "elapsed");
    }

    #[test]
    fn clock_rules_fire_at_or_past_their_percent_once_per_clock() {
        let r = rule(json!({"name": "Late", "trigger": {"kind": "clock", "clock": "resolution", "percent": 80},
            "actions": [{"do": "reassign", "group": "Second line"}]}));
        assert!(!r.fires_on_clock("resolution", 75));
        assert!(r.fires_on_clock("resolution", 90));
        assert!(!r.fires_on_clock("response", 100));
        assert_eq!(r.firing_key(Some("resolution")), "resolution:80");
        let any = rule(json!({"name": "Any breach", "trigger": {"kind": "clock", "clock": "any", "percent": 100},
            "actions": [{"do": "notify", "to": [{"users": ["boss"]}]}]}));
        assert!(any.fires_on_clock("group", 100) && !any.fires_on_clock("group", 90));
    }

    #[test]
    fn bad_rules_name_their_fields() {
        let bad = rule(json!({"name": " ", "trigger": {"kind": "clock", "clock": "lunch", "percent": 0},
            "actions": [{"do": "notify", "to": []}, {"do": "reassign", "group": ""}]}));
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "trigger.clock", "trigger.percent", "actions[0].to", "actions[1].group"]);
        let no_time = rule(json!({"name": "x", "trigger": {"kind": "elapsed"}, "actions": []}));
        let fields: Vec<String> = no_time.validate().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["trigger.after", "actions"]);
        assert!(
            serde_json::from_value::<EscalationRule>(
                json!({"name": "x", "trigger": {"kind": "elapsed", "after": "soon"}, "actions": []})
            )
            .is_err()
        );
    }

    #[test]
    fn raising_priority_is_raising_urgency() {
        let r = rule(
            json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"}, "actions": [{"do": "raise_priority"}]}),
        );
        assert_eq!(r.actions, [EscalationAction::RaiseUrgency]);
    }

    #[test]
    fn urgency_rises_to_one_and_stops() {
        assert_eq!(raised_urgency(3), Some(2));
        assert_eq!(raised_urgency(1), None);
    }
}
