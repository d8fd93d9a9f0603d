//! Alertmanager's routing tree: which receivers an alert goes to and how
//! it is grouped there. A route an alert passes hands it to its first
//! matching child (or to every matching child while they say `continue`);
//! a route none of whose children take the alert takes it itself.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::inhibit::parse_matcher_list;
use super::{Labels, Matchers, Problems, invalid_label_name, is_valid_label_name};
use crate::code::{Code, Message};

/// A route as configured (JSON): unset settings come from the parent, the
/// root's from Alertmanager's defaults. Durations in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// Alertmanager's text form, one or more matchers per string.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<String>,
    /// Label names, or `["..."]` for every label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<u64>,
    #[serde(default, rename = "continue")]
    pub continue_matching: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteSpec>,
}

/// Alertmanager's defaults for the root route.
pub const DEFAULT_GROUP_WAIT_S: u64 = 30;
pub const DEFAULT_GROUP_INTERVAL_S: u64 = 5 * 60;
pub const DEFAULT_REPEAT_INTERVAL_S: u64 = 4 * 3600;
/// The longest wait or interval we take (a year): enough for any real
/// setting, and far from overflowing microseconds.
pub const MAX_DURATION_S: u64 = 365 * 24 * 3600;

const MICROS: i64 = 1_000_000;

/// A route's index in [`RouteTree::routes`] (depth-first order, the root 0).
pub type RouteId = usize;

/// Which labels make an alert's group on a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// These names (none: one group for the whole route).
    Names(Vec<String>),
    /// `...`: every label, so each alert is its own group.
    All,
}

/// A checked route with every setting resolved. Times in microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub id: RouteId,
    pub parent: Option<RouteId>,
    pub receiver: String,
    pub matchers: Matchers,
    pub group_by: GroupBy,
    pub group_wait: i64,
    pub group_interval: i64,
    pub repeat_interval: i64,
    pub continue_matching: bool,
    pub children: Vec<RouteId>,
}

/// The whole tree, flattened: routes refer to each other by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTree {
    routes: Vec<Route>,
}

struct Inherited<'a> {
    receiver: &'a str,
    group_by: &'a GroupBy,
    group_wait: i64,
    group_interval: i64,
    repeat_interval: i64,
}

impl RouteSpec {
    /// The tree checked as Alertmanager checks its configuration: the root
    /// names a receiver, has no matchers and no `continue`; every receiver
    /// named is in `receivers`; matchers parse; `group_by` names are valid,
    /// each once, and `...` stands alone; intervals are not zero. Problems
    /// name the path from `route` (`route.routes[1].matchers[0]`).
    pub fn check(&self, receivers: &BTreeSet<String>) -> Result<RouteTree, Problems> {
        let mut problems = Problems::new();
        let field = "route";
        if self.receiver.as_deref().unwrap_or("").is_empty() {
            problems
                .push((format!("{field}.receiver"), Code::RootRouteReceiver.msg("the root route needs a receiver")));
        }
        if !self.matchers.is_empty() {
            problems.push((
                format!("{field}.matchers"),
                Code::RootRouteMatchers.msg("the root route takes every alert: it has no matchers"),
            ));
        }
        if self.continue_matching {
            problems.push((
                format!("{field}.continue"),
                Code::RootRouteContinue.msg("the root route has no siblings: continue is not allowed"),
            ));
        }
        let defaults = Inherited {
            receiver: "",
            group_by: &GroupBy::Names(Vec::new()),
            group_wait: secs(DEFAULT_GROUP_WAIT_S),
            group_interval: secs(DEFAULT_GROUP_INTERVAL_S),
            repeat_interval: secs(DEFAULT_REPEAT_INTERVAL_S),
        };
        let mut routes = Vec::new();
        self.build(field, None, &defaults, receivers, &mut routes, &mut problems);
        if problems.is_empty() { Ok(RouteTree { routes }) } else { Err(problems) }
    }

    fn build(
        &self,
        field: &str,
        parent: Option<RouteId>,
        from: &Inherited<'_>,
        receivers: &BTreeSet<String>,
        routes: &mut Vec<Route>,
        problems: &mut Problems,
    ) -> RouteId {
        let receiver = match self.receiver.as_deref() {
            Some(r) if !r.is_empty() => {
                if !receivers.contains(r) {
                    let msg = Code::UnknownReceiver.msg(format!("no receiver named {r:?}")).with("name", r);
                    problems.push((format!("{field}.receiver"), msg));
                }
                r.to_owned()
            }
            _ => from.receiver.to_owned(),
        };
        let matchers = parse_matcher_list(&format!("{field}.matchers"), &self.matchers, problems);
        let group_by = match &self.group_by {
            Some(names) => group_by(&format!("{field}.group_by"), names, problems),
            None => from.group_by.clone(),
        };
        let wait = duration(&format!("{field}.group_wait"), self.group_wait, true, problems);
        let interval = duration(&format!("{field}.group_interval"), self.group_interval, false, problems);
        let repeat = duration(&format!("{field}.repeat_interval"), self.repeat_interval, false, problems);
        let id = routes.len();
        routes.push(Route {
            id,
            parent,
            receiver,
            matchers,
            group_by,
            group_wait: wait.unwrap_or(from.group_wait),
            group_interval: interval.unwrap_or(from.group_interval),
            repeat_interval: repeat.unwrap_or(from.repeat_interval),
            continue_matching: self.continue_matching,
            children: Vec::new(),
        });
        for (i, child) in self.routes.iter().enumerate() {
            let me = &routes[id];
            // The parent's resolved settings, cloned so `routes` may grow.
            let (receiver, group_by) = (me.receiver.clone(), me.group_by.clone());
            let inherited = Inherited {
                receiver: &receiver,
                group_by: &group_by,
                group_wait: me.group_wait,
                group_interval: me.group_interval,
                repeat_interval: me.repeat_interval,
            };
            let c = child.build(&format!("{field}.routes[{i}]"), Some(id), &inherited, receivers, routes, problems);
            routes[id].children.push(c);
        }
        id
    }
}

fn secs(s: u64) -> i64 {
    // MAX_DURATION_S bounds every value that gets here.
    i64::try_from(s).unwrap_or(i64::MAX / MICROS).saturating_mul(MICROS)
}

fn duration(field: &str, value: Option<u64>, zero_ok: bool, problems: &mut Problems) -> Option<i64> {
    let v = value?;
    if v == 0 && !zero_ok {
        problems.push((field.to_owned(), Code::Positive.msg("must be longer than zero")));
        return None;
    }
    if v > MAX_DURATION_S {
        let msg = Code::DurationTooLong
            .msg(format!("must be at most {MAX_DURATION_S} seconds (a year)"))
            .with("max", MAX_DURATION_S);
        problems.push((field.to_owned(), msg));
        return None;
    }
    Some(secs(v))
}

fn group_by(field: &str, names: &[String], problems: &mut Problems) -> GroupBy {
    let all = names.iter().any(|n| n == "...");
    if all && names.len() > 1 {
        problems.push((
            field.to_owned(),
            Code::GroupByAllAndNames.msg("... (every label) cannot stand beside label names"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, n) in names.iter().enumerate().filter(|(_, n)| *n != "...") {
        if !is_valid_label_name(n) {
            problems.push((format!("{field}[{i}]"), invalid_label_name(n)));
        } else if !seen.insert(n.as_str()) {
            let msg: Message = Code::GroupByTwice.msg(format!("{n:?} is listed twice")).with("name", n);
            problems.push((format!("{field}[{i}]"), msg));
        }
    }
    if all { GroupBy::All } else { GroupBy::Names(names.to_vec()) }
}

impl RouteTree {
    pub fn root(&self) -> &Route {
        &self.routes[0]
    }

    pub fn get(&self, id: RouteId) -> Option<&Route> {
        self.routes.get(id)
    }

    /// Every route, depth-first (the root first).
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The routes that take an alert with these labels, in Alertmanager's
    /// order: depth-first, left to right; a matching child stops the
    /// search among its siblings unless it says `continue`; a route none
    /// of whose children match takes the alert itself. The root always
    /// matches, so the answer is never empty.
    pub fn matches(&self, labels: &Labels) -> Vec<RouteId> {
        let mut out = Vec::new();
        self.match_from(0, labels, &mut out);
        out
    }

    fn match_from(&self, id: RouteId, labels: &Labels, out: &mut Vec<RouteId>) -> bool {
        let Some(route) = self.routes.get(id) else { return false };
        if !route.matchers.matches(labels) {
            return false;
        }
        let before = out.len();
        for &child in &route.children {
            let matched = self.match_from(child, labels, out);
            if matched && !self.routes.get(child).is_some_and(|c| c.continue_matching) {
                break;
            }
        }
        if out.len() == before {
            out.push(id);
        }
        true
    }

    /// The labels that name the alert's group on `route`: its `group_by`
    /// labels the alert has (all of them for `...`).
    pub fn group_labels(&self, route: RouteId, labels: &Labels) -> Labels {
        match self.routes.get(route).map(|r| &r.group_by) {
            Some(GroupBy::All) => labels.clone(),
            Some(GroupBy::Names(names)) => labels.only(names.iter().map(String::as_str)),
            None => Labels::new(),
        }
    }
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
