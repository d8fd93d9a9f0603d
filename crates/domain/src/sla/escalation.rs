//! Escalation rules: when a record is late or left alone, tell someone,
//! move it, or raise its urgency.
//!
//! A rule fires on a clock threshold (the resolution clock at 75 %, any
//! clock's breach) or on plain time (a P1 unassigned for 15 minutes). Each
//! rule fires once per record and trigger: the caller records the firing
//! under [`EscalationRule::firing_key`] and skips a key it has seen.
//!
//! "Left alone" is said by the conditions, each meaning one thing:
//! `no_assignee` (nobody in particular works the record, though a group may
//! hold it) and `no_group` (no group holds it at all). Rules stored before
//! the two existed said `"unassigned": true` on the elapsed trigger, which
//! has always meant "no assignee"; it is still read, as `no_assignee`.

use super::Problem;
use super::definition::{duration_text, kinds_take, known_kind, normalise_kinds, unknown_kind};
use super::states::states_of;
use crate::code::{Code, Message};
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
    /// The record has been open for `after` of real time (with the
    /// condition `no_assignee`: open that long and still without an
    /// assignee).
    Elapsed {
        #[serde(default, with = "duration_text")]
        after: Option<SignedDuration>,
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

/// Which records a rule looks at; an empty list means any (`kinds`:
/// incidents only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationConditions {
    /// Record kinds, of [`RECORD_KINDS`]; none named means incidents.
    pub kinds: Vec<String>,
    pub priorities: Vec<Priority>,
    /// States of those kinds, by stored name. Default: each kind's open
    /// states (an incident's new, in progress, on hold).
    pub states: Vec<String>,
    /// Assignment group names.
    pub groups: Vec<String>,
    /// Only records nobody in particular is assigned to (a group may hold
    /// them).
    pub no_assignee: bool,
    /// Only records no assignment group holds.
    pub no_group: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RuleWire")]
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

/// A rule as sent or stored: the same shape, plus the old spelling of
/// `no_assignee` (`"unassigned": true` on the elapsed trigger).
#[derive(Deserialize)]
struct RuleWire {
    #[serde(default)]
    id: i64,
    name: String,
    #[serde(default)]
    position: i32,
    trigger: TriggerWire,
    #[serde(default)]
    conditions: EscalationConditions,
    actions: Vec<EscalationAction>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum TriggerWire {
    Clock {
        clock: String,
        percent: u8,
    },
    Elapsed {
        #[serde(default, with = "duration_text")]
        after: Option<SignedDuration>,
        #[serde(default)]
        unassigned: bool,
    },
}

impl From<RuleWire> for EscalationRule {
    fn from(w: RuleWire) -> Self {
        let mut conditions = w.conditions;
        let trigger = match w.trigger {
            TriggerWire::Clock { clock, percent } => Trigger::Clock { clock, percent },
            TriggerWire::Elapsed { after, unassigned } => {
                conditions.no_assignee |= unassigned;
                Trigger::Elapsed { after }
            }
        };
        EscalationRule { id: w.id, name: w.name, position: w.position, trigger, conditions, actions: w.actions }
    }
}

const CLOCKS: &[&str] = &["response", "resolution", "group", "any"];

/// What a rule looks at in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleFacts<'a> {
    pub kind: &'a str,
    pub priority: Priority,
    /// The stored state name.
    pub state: &'a str,
    /// Whether that state is open (see `StateFacts::open`).
    pub open: bool,
    pub group: Option<&'a str>,
    pub has_assignee: bool,
}

impl EscalationRule {
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: Message| problems.push(Problem::new(field, reason));
        if self.name.trim().is_empty() {
            problem("name", Code::Required.msg("is required"));
        } else if let Err(e) = crate::text::check(&self.name, crate::text::TITLE) {
            problem("name", e.into());
        }
        match &self.trigger {
            Trigger::Clock { clock, percent } => {
                if !CLOCKS.contains(&clock.as_str()) {
                    let list = CLOCKS.join(", ");
                    let m = Code::UnknownClock.msg(format!("unknown clock {clock:?}; must be one of {list}"));
                    problem("trigger.clock", m.with("clock", format!("{clock:?}")).with("list", list));
                }
                if !(1..=100).contains(percent) {
                    let m = Code::PercentRange.msg(format!("{percent} % is not between 1 and 100 (100 is the breach)"));
                    problem("trigger.percent", m.with("p", percent));
                }
            }
            Trigger::Elapsed { after } => match after {
                None => problem("trigger.after", Code::AfterRequired.msg("is required, e.g. \"15m\"")),
                Some(d) if !d.is_positive() => problem("trigger.after", Code::Positive.msg("must be longer than zero")),
                Some(_) => {}
            },
        }
        for (i, kind) in self.conditions.kinds.iter().enumerate() {
            if !known_kind(kind) {
                problem(&format!("conditions.kinds[{i}]"), unknown_kind(kind));
            }
        }
        let kinds = normalise_kinds(&self.conditions.kinds);
        let names: Vec<&str> = kinds.iter().flat_map(|k| states_of(k).0).collect();
        for (i, state) in self.conditions.states.iter().enumerate() {
            if !names.contains(&state.as_str()) {
                let (of, list) = (kinds.join(" or "), names.join(", "));
                let m = Code::NotStateOf.msg(format!("{state:?} is not a state of {of}; must be one of {list}"));
                problem(
                    &format!("conditions.states[{i}]"),
                    m.with("state", format!("{state:?}")).with("kinds", of).with("list", list),
                );
            }
        }
        if self.conditions.no_group && !self.conditions.groups.is_empty() {
            let m = Code::NoGroupAndGroups.msg("cannot be combined with groups: a record in a group has one");
            problem("conditions.no_group", m);
        }
        if self.actions.is_empty() {
            problem("actions", Code::NoActions.msg("needs at least one action"));
        }
        for (i, a) in self.actions.iter().enumerate() {
            match a {
                EscalationAction::Notify { to } if to.is_empty() => {
                    problem(&format!("actions[{i}].to"), Code::NamesNobody.msg("names nobody"));
                }
                EscalationAction::Notify { to } => {
                    for r in to {
                        if matches!(r, Recipient::Users(u) if u.is_empty() || u.iter().any(|n| n.trim().is_empty())) {
                            problem(
                                &format!("actions[{i}].to"),
                                Code::UsersNeedNames.msg("a users list needs usernames"),
                            );
                        }
                    }
                }
                EscalationAction::Reassign { group } if group.trim().is_empty() => {
                    problem(&format!("actions[{i}].group"), Code::NameAGroup.msg("must name a group"));
                }
                _ => {}
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Whether the rule looks at an incident with these facts.
    pub fn applies(&self, priority: Priority, state: IncidentState, group: Option<&str>, has_assignee: bool) -> bool {
        let (kind, state) = ("incident", state.as_str());
        self.applies_to(&RuleFacts { kind, priority, state, open: state_open(kind, state), group, has_assignee })
    }

    /// Whether the rule looks at a record of any kind with these facts.
    pub fn applies_to(&self, f: &RuleFacts<'_>) -> bool {
        let c = &self.conditions;
        let state = if c.states.is_empty() { f.open } else { c.states.iter().any(|s| s == f.state) };
        kinds_take(&c.kinds, f.kind)
            && (c.priorities.is_empty() || c.priorities.contains(&f.priority))
            && state
            && (c.groups.is_empty() || f.group.is_some_and(|g| c.groups.iter().any(|n| n.eq_ignore_ascii_case(g))))
            && !(c.no_assignee && f.has_assignee)
            && !(c.no_group && f.group.is_some())
    }

    /// The kinds the rule looks at, each with the states a record of it
    /// must be in: the named states of that kind, or its open ones. A kind
    /// none of whose states is named is left out.
    pub fn kind_states(&self) -> Vec<(String, Vec<String>)> {
        normalise_kinds(&self.conditions.kinds)
            .into_iter()
            .filter_map(|kind| {
                let (all, open) = states_of(&kind);
                let states: Vec<String> = if self.conditions.states.is_empty() {
                    open.iter().map(|s| (*s).to_owned()).collect()
                } else {
                    self.conditions.states.iter().filter(|s| all.contains(&s.as_str())).cloned().collect()
                };
                (!states.is_empty()).then_some((kind, states))
            })
            .collect()
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

fn state_open(kind: &str, state: &str) -> bool {
    states_of(kind).1.contains(&state)
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
        assert!(r.applies(p1, IncidentState::New, None, false));
        assert!(r.applies(p1, IncidentState::New, Some("Desk"), false), "a group may hold it");
        assert!(!r.applies(p1, IncidentState::New, None, true), "the old `unassigned` is no_assignee");
        assert!(!r.applies(Priority::new(2).unwrap(), IncidentState::New, None, false));
        assert!(!r.applies(p1, IncidentState::Resolved, None, false), "only open records by default");
        assert_eq!(r.firing_key(None), "elapsed");
        assert!(r.conditions.no_assignee && !r.conditions.no_group);
        // Written back, it says what it means; read again, it is the same rule.
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(out["trigger"], json!({"kind": "elapsed", "after": "PT15M"}));
        assert_eq!(out["conditions"]["no_assignee"], true);
        assert_eq!(serde_json::from_value::<EscalationRule>(out).unwrap(), r);
    }

    #[test]
    fn no_assignee_and_no_group_are_two_conditions() {
        let p3 = Priority::new(3).unwrap();
        let no_group = rule(json!({"name": "Nobody's", "trigger": {"kind": "elapsed", "after": "1h"},
            "conditions": {"no_group": true}, "actions": [{"do": "reassign", "group": "Desk"}]}));
        assert!(no_group.applies(p3, IncidentState::New, None, false));
        assert!(!no_group.applies(p3, IncidentState::New, Some("Desk"), false), "a group holds it");
        let no_assignee = rule(json!({"name": "Nobody on it", "trigger": {"kind": "elapsed", "after": "1h"},
            "conditions": {"no_assignee": true}, "actions": [{"do": "raise_urgency"}]}));
        assert!(no_assignee.applies(p3, IncidentState::New, Some("Desk"), false));
        assert!(!no_assignee.applies(p3, IncidentState::New, Some("Desk"), true));
        let both = rule(json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"},
            "conditions": {"no_group": true, "groups": ["Desk"]}, "actions": [{"do": "raise_urgency"}]}));
        let fields: Vec<String> = both.validate().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["conditions.no_group"]);
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
    fn rules_name_the_kinds_they_look_at() {
        let p3 = Priority::new(3).unwrap();
        let facts = |kind, state, open| RuleFacts { kind, priority: p3, state, open, group: None, has_assignee: false };
        let incidents = rule(json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"},
            "actions": [{"do": "raise_urgency"}]}));
        assert!(incidents.applies_to(&facts("incident", "new", true)));
        assert!(!incidents.applies_to(&facts("problem", "new", true)), "none named: incidents only");
        assert_eq!(
            incidents.kind_states(),
            [("incident".to_owned(), vec!["new".into(), "in_progress".into(), "on_hold".into()])]
        );
        let problems = rule(json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"},
            "conditions": {"kinds": ["problem"], "states": ["root_cause_analysis"]},
            "actions": [{"do": "raise_urgency"}]}));
        assert!(problems.validate().is_ok());
        assert!(problems.applies_to(&facts("problem", "root_cause_analysis", true)));
        assert!(!problems.applies_to(&facts("problem", "assessment", true)));
        assert!(!problems.applies_to(&facts("incident", "root_cause_analysis", true)));
        assert_eq!(problems.kind_states(), [("problem".to_owned(), vec!["root_cause_analysis".into()])]);
        let bad = rule(json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"},
            "conditions": {"kinds": ["problem", "change"], "states": ["in_progress"]},
            "actions": [{"do": "raise_urgency"}]}));
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["conditions.kinds[1]", "conditions.states[0]"], "in_progress is an incident's state");
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
