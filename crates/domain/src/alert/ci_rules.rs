//! Which CI an alert is about (issue 13, item 5): an ordered list of
//! rules, each naming a label and what its value is looked up in — a CI's
//! name, a business or technical service's name, or a CI attribute such as
//! `hostname`, `fqdn` or `ip_address` — and how the value is cut first
//! (without a `:port`, only the first part of a domain name). The first
//! rule whose label has a value that finds a CI wins. Values are compared
//! trimmed and in any case. What exists in the CMDB is the app's to say:
//! the lookups here are functions passed in.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Labels, Problems, invalid_label_name, is_valid_label_name};
use crate::code::Code;

/// Rules a document holds.
pub const MAX_RULES: usize = 50;
/// The longest attribute name a rule names.
pub const MAX_ATTRIBUTE: usize = 64;

/// What a label's value is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchOn {
    /// Any CI's name.
    Name,
    /// The name of a business or technical service (or a class extending one).
    Service,
    /// The value of the CI attribute the rule names.
    Attribute,
}

/// One rule: the label, what it is matched against, how its value is cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiRule {
    pub label: String,
    #[serde(rename = "match")]
    pub on: MatchOn,
    /// The attribute, with `match: attribute` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Also try the value without a trailing `:port` (and an IPv6 address
    /// without its brackets).
    #[serde(default)]
    pub strip_port: bool,
    /// Also try the first part of a domain name (never of an IP address).
    #[serde(default)]
    pub short_host: bool,
}

/// The rules, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiRules {
    pub rules: Vec<CiRule>,
}

/// Where one rule looks a value up: the maps correlation builds, one per
/// distinct lookup of the rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lookup {
    Name,
    Service,
    Attribute(String),
}

impl Default for CiRules {
    /// The built-in rules: `ci`, `instance`, `host`, `hostname`, `nodename`
    /// and `service`, each against CI names, with the port dropped and the
    /// short host name tried.
    fn default() -> Self {
        let rule = |label: &str| CiRule {
            label: label.into(),
            on: MatchOn::Name,
            attribute: None,
            strip_port: true,
            short_host: true,
        };
        CiRules { rules: ["ci", "instance", "host", "hostname", "nodename", "service"].map(rule).to_vec() }
    }
}

/// An attribute name a rule may hold: letters, digits and `_`, starting
/// with a letter or `_` (so it is safe in a JSON path), at most
/// [`MAX_ATTRIBUTE`] long.
pub fn is_attribute_name(name: &str) -> bool {
    name.len() <= MAX_ATTRIBUTE && is_valid_label_name(name)
}

impl CiRule {
    pub fn lookup(&self) -> Lookup {
        match self.on {
            MatchOn::Name => Lookup::Name,
            MatchOn::Service => Lookup::Service,
            MatchOn::Attribute => Lookup::Attribute(self.attribute.clone().unwrap_or_default()),
        }
    }

    fn check(&self, field: &str, known_attribute: &dyn Fn(&str) -> bool, problems: &mut Problems) {
        if self.label.is_empty() {
            problems.push((format!("{field}.label"), Code::Required.msg("is required")));
        } else if !is_valid_label_name(&self.label) {
            problems.push((format!("{field}.label"), invalid_label_name(&self.label)));
        }
        let attr_field = format!("{field}.attribute");
        match (self.on, self.attribute.as_deref()) {
            (MatchOn::Attribute, None | Some("")) => {
                problems.push((attr_field, Code::Required.msg("is required when match is attribute")));
            }
            (MatchOn::Attribute, Some(a)) => {
                if !is_attribute_name(a) || !known_attribute(a) {
                    let msg = Code::NoCiAttribute.msg(format!("no CI class has the attribute {a:?}")).with("name", a);
                    problems.push((attr_field, msg));
                }
            }
            (_, Some(_)) => {
                let msg = Code::AttributeOnlyWithMatch.msg("only a rule with match attribute names an attribute");
                problems.push((attr_field, msg));
            }
            (_, None) => {}
        }
    }
}

impl CiRules {
    /// Every rule checked, each problem named by its path (`rules[2].label`,
    /// `rules[0].attribute`); `known_attribute` says whether some CI class
    /// declares an attribute. A rule repeating an earlier one's label and
    /// lookup is refused (it could never match).
    pub fn check(&self, known_attribute: impl Fn(&str) -> bool) -> Result<(), Problems> {
        let mut problems = Problems::new();
        if self.rules.len() > MAX_RULES {
            problems.push(("rules".into(), Code::TooMany.msg(format!("at most {MAX_RULES}")).with("max", MAX_RULES)));
        }
        let mut seen: Vec<(&str, Lookup, usize)> = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let field = format!("rules[{i}]");
            let before = problems.len();
            r.check(&field, &known_attribute, &mut problems);
            let (label, lookup) = (r.label.as_str(), r.lookup());
            match seen.iter().find(|(l, k, _)| *l == label && *k == lookup) {
                Some((_, _, j)) if problems.len() == before => {
                    let msg = Code::CiRuleTwice.msg(format!("the same label and match as rules[{j}]")).with("j", j);
                    problems.push((format!("{field}.label"), msg));
                }
                _ => seen.push((label, lookup, i)),
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The distinct lookups the rules use.
    pub fn lookups(&self) -> BTreeSet<Lookup> {
        self.rules.iter().map(CiRule::lookup).collect()
    }

    /// The CI the labels name: the first rule (in order) whose label's
    /// value, or a cut of it, `find` finds in the rule's lookup.
    pub fn ci_of(&self, labels: &Labels, find: impl Fn(&Lookup, &str) -> Option<i64>) -> Option<i64> {
        self.rules.iter().find_map(|r| {
            let lookup = r.lookup();
            candidates(labels.get(&r.label), r.strip_port, r.short_host).iter().find_map(|c| find(&lookup, c))
        })
    }
}

/// A value as stored in a lookup: trimmed, lower case.
pub fn key(value: &str) -> String {
    value.trim().to_lowercase()
}

/// The value without a trailing `:port` (digits) and an IPv6 address
/// without its brackets; a bare IPv6 address is left whole.
fn without_port(v: &str) -> &str {
    if let Some((host, tail)) = v.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        let port_ok = tail.strip_prefix(':').is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if tail.is_empty() || port_ok {
            return host;
        }
    }
    match v.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => v,
    }
}

/// The values a label's value is tried as, in order: as it is, without a
/// port (`strip_port`), the first part of a domain name (`short_host`;
/// not of an IP address). Trimmed, lower case, each once.
pub fn candidates(value: &str, strip_port: bool, short_host: bool) -> Vec<String> {
    let v = key(value);
    if v.is_empty() {
        return Vec::new();
    }
    let host = if strip_port { without_port(&v).to_owned() } else { v.clone() };
    let short =
        (short_host && host.parse::<IpAddr>().is_err()).then(|| host.split('.').next().unwrap_or_default().to_owned());
    let mut out = vec![v.clone()];
    for c in [Some(host.clone()), short].into_iter().flatten() {
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Only managers and admins change the rules; staff read them.
pub fn can_configure_ci_rules(role: crate::Role) -> Result<(), crate::access::Denied> {
    if matches!(role, crate::Role::Manager | crate::Role::Admin) {
        Ok(())
    } else {
        Err(crate::access::Denied("only managers and admins can change the alert CI rules", Code::DenyAlertCiRules))
    }
}

#[cfg(test)]
#[path = "ci_rules_tests.rs"]
mod tests;
