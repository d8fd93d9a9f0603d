//! The alert routing configuration as one document: the routing tree,
//! the receivers it names (each with the targets a notification goes to)
//! and the inhibition rules. Checked as a whole, every problem named by
//! its path (`route.routes[1].matchers[0]`, `receivers[2].targets[0].url`,
//! `inhibit_rules[0].equal[1]`). What needs the database (do the group,
//! users and webhooks named exist?) is the app's to check.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{GroupBy, InhibitRule, InhibitRuleSpec, Problems, RouteSpec, RouteTree};
use crate::code::Code;

/// The receiver alerts reach when nothing else is configured.
pub const DEFAULT_RECEIVER: &str = "steward";
/// Receivers, targets per receiver and inhibition rules a document holds.
pub const MAX_RECEIVERS: usize = 100;
pub const MAX_TARGETS: usize = 20;
pub const MAX_INHIBIT_RULES: usize = 100;
const MAX_NAME: usize = 100;

/// The whole configuration, as the API and the page take it (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingSpec {
    pub route: RouteSpec,
    pub receivers: Vec<ReceiverSpec>,
    #[serde(default)]
    pub inhibit_rules: Vec<InhibitRuleSpec>,
}

/// A named receiver: where its notifications go. Without targets it
/// notifies nobody (its alerts are kept and shown in Steward only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiverSpec {
    pub name: String,
    #[serde(default)]
    pub targets: Vec<TargetSpec>,
}

/// The chat services a `chat` target speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatFormat {
    Slack,
    Teams,
}

impl ChatFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatFormat::Slack => "slack",
            ChatFormat::Teams => "teams",
        }
    }
}

/// One place a receiver's notifications go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum TargetSpec {
    /// The members of a Steward group (by name), by e-mail.
    Group { group: String },
    /// These users (by username), by e-mail.
    Users { users: Vec<String> },
    /// Alertmanager's webhook payload (version 4) to a configured webhook
    /// (its id or name) or to a URL.
    Webhook {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        webhook: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// A Slack or Teams message, to a configured webhook or a URL.
    Chat {
        format: ChatFormat,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        webhook: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
}

impl TargetSpec {
    /// The webhook named (`webhook`) and the URL, for webhook and chat targets.
    pub fn endpoint(&self) -> Option<(Option<&str>, Option<&str>)> {
        match self {
            TargetSpec::Webhook { webhook, url } | TargetSpec::Chat { webhook, url, .. } => {
                Some((webhook.as_deref(), url.as_deref()))
            }
            _ => None,
        }
    }
}

/// The checked configuration: the tree, the receivers as given and the
/// compiled inhibition rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub tree: RouteTree,
    pub receivers: Vec<ReceiverSpec>,
    pub inhibit: Vec<InhibitRule>,
}

impl Default for RoutingSpec {
    /// The built-in configuration: one receiver `steward` without targets,
    /// alerts grouped by `alertname`, Alertmanager's default times.
    fn default() -> Self {
        RoutingSpec {
            route: RouteSpec {
                receiver: Some(DEFAULT_RECEIVER.into()),
                group_by: Some(vec!["alertname".into()]),
                group_wait: Some(super::route::DEFAULT_GROUP_WAIT_S),
                group_interval: Some(super::route::DEFAULT_GROUP_INTERVAL_S),
                repeat_interval: Some(super::route::DEFAULT_REPEAT_INTERVAL_S),
                ..RouteSpec::default()
            },
            receivers: vec![ReceiverSpec { name: DEFAULT_RECEIVER.into(), targets: Vec::new() }],
            inhibit_rules: Vec::new(),
        }
    }
}

fn too_many(field: &str, max: usize, problems: &mut Problems) {
    problems.push((field.to_owned(), Code::TooMany.msg(format!("at most {max}")).with("max", max)));
}

fn name_ok(field: String, name: &str, problems: &mut Problems) {
    if name.trim().is_empty() {
        problems.push((field, Code::Required.msg("is required")));
    } else if name.chars().count() > MAX_NAME || name.trim() != name || name.chars().any(char::is_control) {
        let msg = Code::ReceiverName
            .msg(format!("must be 1 to {MAX_NAME} characters, without control characters or spaces around"))
            .with("max", MAX_NAME);
        problems.push((field, msg));
    }
}

impl RoutingSpec {
    /// Everything the document says, checked: receivers named once (at
    /// least one), each target whole, the tree (see [`RouteSpec::check`])
    /// naming only these receivers, the inhibition rules.
    pub fn check(&self) -> Result<Routing, Problems> {
        let mut problems = Problems::new();
        if self.receivers.is_empty() {
            problems.push(("receivers".into(), Code::Required.msg("at least one receiver is required")));
        }
        if self.receivers.len() > MAX_RECEIVERS {
            too_many("receivers", MAX_RECEIVERS, &mut problems);
        }
        let mut names = BTreeSet::new();
        for (i, r) in self.receivers.iter().enumerate() {
            let field = format!("receivers[{i}]");
            name_ok(format!("{field}.name"), &r.name, &mut problems);
            if !names.insert(r.name.clone()) {
                let msg = Code::DuplicateReceiver.msg(format!("{:?} is named twice", r.name)).with("name", &r.name);
                problems.push((format!("{field}.name"), msg));
            }
            if r.targets.len() > MAX_TARGETS {
                too_many(&format!("{field}.targets"), MAX_TARGETS, &mut problems);
            }
            for (j, t) in r.targets.iter().enumerate() {
                check_target(&format!("{field}.targets[{j}]"), t, &mut problems);
            }
        }
        let tree = self.route.check(&names);
        if self.inhibit_rules.len() > MAX_INHIBIT_RULES {
            too_many("inhibit_rules", MAX_INHIBIT_RULES, &mut problems);
        }
        let mut inhibit = Vec::new();
        for (i, rule) in self.inhibit_rules.iter().enumerate() {
            match rule.check() {
                Ok(r) => inhibit.push(r),
                Err(ps) => problems.extend(ps.into_iter().map(|(f, m)| (format!("inhibit_rules[{i}].{f}"), m))),
            }
        }
        match tree {
            Ok(tree) if problems.is_empty() => Ok(Routing { tree, receivers: self.receivers.clone(), inhibit }),
            Ok(_) => Err(problems),
            Err(ps) => {
                problems.extend(ps);
                Err(problems)
            }
        }
    }

    /// The configuration as Alertmanager's YAML would say it, for
    /// `/api/v2/status`: the tree, the receivers with Steward's targets as
    /// comments (Alertmanager has no such receivers), the rules.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from("route:\n");
        route_yaml(&self.route, 1, &mut out);
        out.push_str("receivers:\n");
        for r in &self.receivers {
            out.push_str(&format!("  - name: {}\n", quote(&r.name)));
            for t in &r.targets {
                out.push_str(&format!("    # {}\n", target_text(t)));
            }
        }
        if !self.inhibit_rules.is_empty() {
            out.push_str("inhibit_rules:\n");
            for r in &self.inhibit_rules {
                out.push_str(&format!("  - source_matchers: {}\n", list(&r.source_matchers)));
                out.push_str(&format!("    target_matchers: {}\n", list(&r.target_matchers)));
                if !r.equal.is_empty() {
                    out.push_str(&format!("    equal: {}\n", list(&r.equal)));
                }
            }
        }
        out
    }
}

/// A target in words (English), for the status text and logs.
pub fn target_text(t: &TargetSpec) -> String {
    let at = |webhook: &Option<String>, url: &Option<String>| match (webhook, url) {
        (Some(w), _) => format!("webhook {w}"),
        (None, Some(u)) => u.clone(),
        (None, None) => String::new(),
    };
    match t {
        TargetSpec::Group { group } => format!("e-mail to the members of group {group}"),
        TargetSpec::Users { users } => format!("e-mail to {}", users.join(", ")),
        TargetSpec::Webhook { webhook, url } => format!("Alertmanager webhook (v4) to {}", at(webhook, url)),
        TargetSpec::Chat { format, webhook, url } => format!("{} message to {}", format.as_str(), at(webhook, url)),
    }
}

/// A YAML scalar: plain when it is a simple word, else double-quoted (JSON
/// string escapes are YAML's too).
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(s, "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~")
        && !s.starts_with(['-', '.'])
        && s.parse::<f64>().is_err();
    if plain { s.to_owned() } else { serde_json::Value::from(s).to_string() }
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "))
}

fn route_yaml(r: &RouteSpec, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    if let Some(rcv) = &r.receiver {
        out.push_str(&format!("{pad}receiver: {}\n", quote(rcv)));
    }
    if !r.matchers.is_empty() {
        out.push_str(&format!("{pad}matchers: {}\n", list(&r.matchers)));
    }
    if let Some(g) = &r.group_by {
        out.push_str(&format!("{pad}group_by: {}\n", list(g)));
    }
    for (k, v) in
        [("group_wait", r.group_wait), ("group_interval", r.group_interval), ("repeat_interval", r.repeat_interval)]
    {
        if let Some(v) = v {
            out.push_str(&format!("{pad}{k}: {v}s\n"));
        }
    }
    if r.continue_matching {
        out.push_str(&format!("{pad}continue: true\n"));
    }
    if !r.routes.is_empty() {
        out.push_str(&format!("{pad}routes:\n"));
        for child in &r.routes {
            let mut sub = String::new();
            route_yaml(child, depth + 2, &mut sub);
            // The first line of a list item carries the dash.
            let inner = "  ".repeat(depth + 2);
            let dashed = sub.replacen(&inner, &format!("{pad}  - "), 1);
            out.push_str(&dashed);
        }
    }
}

fn check_target(field: &str, t: &TargetSpec, problems: &mut Problems) {
    match t {
        TargetSpec::Group { group } => {
            if group.trim().is_empty() {
                problems.push((format!("{field}.group"), Code::Required.msg("is required")));
            }
        }
        TargetSpec::Users { users } => {
            if users.is_empty() {
                problems.push((format!("{field}.users"), Code::Required.msg("at least one user is required")));
            }
            for (k, u) in users.iter().enumerate() {
                if u.trim().is_empty() {
                    problems.push((format!("{field}.users[{k}]"), Code::Required.msg("is required")));
                }
            }
        }
        TargetSpec::Webhook { webhook, url } | TargetSpec::Chat { webhook, url, .. } => {
            let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            match (given(webhook), given(url)) {
                (true, true) => {
                    problems.push((field.to_owned(), Code::WebhookOrUrl.msg("name a webhook or give a URL, not both")))
                }
                (false, false) => problems
                    .push((field.to_owned(), Code::WebhookOrUrl.msg("name a webhook (its id or name) or give a URL"))),
                _ => {}
            }
        }
    }
}

impl Routing {
    /// The receiver named so, if configured.
    /// Whether any receiver has somewhere to send to: without one, there
    /// is nothing for the dispatcher to follow.
    pub fn notifies(&self) -> bool {
        self.receivers.iter().any(|r| !r.targets.is_empty())
    }

    pub fn receiver(&self, name: &str) -> Option<&ReceiverSpec> {
        self.receivers.iter().find(|r| r.name == name)
    }

    /// The receivers an alert with these labels reaches, each once, in the
    /// tree's order.
    pub fn receivers_of(&self, labels: &super::Labels) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.tree.matches(labels) {
            if let Some(r) = self.tree.get(id) {
                if !out.contains(&r.receiver) {
                    out.push(r.receiver.clone());
                }
            }
        }
        out
    }

    /// The key of a group in the notification log: the route's place in
    /// the tree (its index among its siblings, from the root) and the
    /// group's labels, as Alertmanager keys a group by its route and labels.
    pub fn group_key(&self, route: super::RouteId, labels: &super::Labels) -> String {
        let mut path = Vec::new();
        let mut at = self.tree.get(route);
        while let Some(r) = at {
            match r.parent.and_then(|p| self.tree.get(p)) {
                Some(p) => {
                    let i = p.children.iter().position(|c| *c == r.id).unwrap_or(0);
                    path.push(i.to_string());
                    at = Some(p);
                }
                None => at = None,
            }
        }
        path.reverse();
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={}", serde_json::Value::from(v))).collect();
        format!("{{}}/{}:{{{}}}", path.join("/"), labels.join(","))
    }

    /// Whether a route groups by every label.
    pub fn groups_by_all(&self, route: super::RouteId) -> bool {
        self.tree.get(route).is_some_and(|r| r.group_by == GroupBy::All)
    }
}

/// Only managers and admins change the routing; staff read it.
pub fn can_configure_routing(role: crate::Role) -> Result<(), crate::access::Denied> {
    if matches!(role, crate::Role::Manager | crate::Role::Admin) {
        Ok(())
    } else {
        Err(crate::access::Denied("only managers and admins can change the alert routing", Code::DenyAlertRouting))
    }
}

#[cfg(test)]
#[path = "routing_tests.rs"]
mod tests;
