//! Inhibition as Alertmanager 0.25 does it: a firing alert that passes a
//! rule's source matchers mutes the alerts that pass its target matchers
//! and carry the same values of the `equal` labels.

use serde::{Deserialize, Serialize};

use super::{Labels, Matchers, Problems, invalid_label_name, is_valid_label_name, parse_matchers};

/// A rule as configured: matchers in Alertmanager's text form, one or more
/// per string (`["severity=\"critical\"", "team=~\"db|web\""]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InhibitRuleSpec {
    #[serde(default)]
    pub source_matchers: Vec<String>,
    #[serde(default)]
    pub target_matchers: Vec<String>,
    #[serde(default)]
    pub equal: Vec<String>,
}

/// A checked rule, its matchers compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InhibitRule {
    pub source_matchers: Matchers,
    pub target_matchers: Matchers,
    pub equal: Vec<String>,
}

/// Each string of a config list of matchers, parsed; problems name
/// `<field>[i]`.
pub(crate) fn parse_matcher_list(field: &str, list: &[String], problems: &mut Problems) -> Matchers {
    let mut out = Matchers::default();
    for (i, text) in list.iter().enumerate() {
        match parse_matchers(text) {
            Ok(ms) => out.0.extend(ms.0),
            Err(e) => problems.push((format!("{field}[{i}]"), e)),
        }
    }
    out
}

impl InhibitRuleSpec {
    /// The rule compiled; `equal` names must be valid label names.
    pub fn check(&self) -> Result<InhibitRule, Problems> {
        let mut problems = Problems::new();
        let source_matchers = parse_matcher_list("source_matchers", &self.source_matchers, &mut problems);
        let target_matchers = parse_matcher_list("target_matchers", &self.target_matchers, &mut problems);
        for (i, n) in self.equal.iter().enumerate() {
            if !is_valid_label_name(n) {
                problems.push((format!("equal[{i}]"), invalid_label_name(n)));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(InhibitRule { source_matchers, target_matchers, equal: self.equal.clone() })
    }
}

impl InhibitRule {
    /// The first of `firing` (the labels of alerts firing now) that
    /// inhibits `target` under this rule, if any. When the target passes
    /// the source matchers too, sources that pass the target matchers are
    /// skipped, so an alert never inhibits itself nor its twin
    /// (Alertmanager's `excludeTwoSidedMatch`).
    pub fn inhibited_by<'a>(
        &self,
        target: &Labels,
        firing: impl IntoIterator<Item = &'a Labels>,
    ) -> Option<&'a Labels> {
        if !self.target_matchers.matches(target) {
            return None;
        }
        let two_sided = self.source_matchers.matches(target);
        firing.into_iter().find(|source| {
            self.source_matchers.matches(source)
                && self.equal.iter().all(|n| source.get(n) == target.get(n))
                && !(two_sided && self.target_matchers.matches(source))
        })
    }
}

/// Whether any rule inhibits `target`, and by which alert (its
/// fingerprint, as Alertmanager's `inhibitedBy`).
pub fn inhibited_by<'a, I>(rules: &[InhibitRule], target: &Labels, firing: I) -> Option<u64>
where
    I: IntoIterator<Item = &'a Labels>,
    I::IntoIter: Clone,
{
    let firing = firing.into_iter();
    rules.iter().find_map(|r| r.inhibited_by(target, firing.clone())).map(Labels::fingerprint)
}

#[cfg(test)]
#[path = "inhibit_tests.rs"]
mod tests;
