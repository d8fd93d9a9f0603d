//! Dashboards as lists of panels (issue 14): the panels there are, each
//! over a kind of record where it counts records, and the dashboards a
//! role sees until its user composes their own.

use crate::Role;
use crate::code::{Code, Message, not_one_of};
use serde::{Deserialize, Serialize};

/// The panels a dashboard can hold, in the order the manager's dashboard
/// shows them.
pub const PANELS: [&str; 11] = [
    "figures",
    "my_work",
    "series",
    "by_group",
    "by_service",
    "by_priority",
    "sla",
    "backlog",
    "kinds",
    "availability",
    "heat",
];

/// The panels that count one kind of record (the others have their own:
/// `my_work` every kind assigned to the viewer, `kinds` problems, changes
/// and alerts, `availability` the checks).
pub const COUNTING: [&str; 8] =
    ["figures", "series", "by_group", "by_service", "by_priority", "sla", "backlog", "heat"];

/// The kinds a panel may count.
pub const KINDS: [&str; 4] = ["incident", "problem", "change", "task"];

/// The most panels one dashboard holds.
pub const MAX_PANELS: usize = 24;

/// One panel of a dashboard: which, and over which kind (none: incidents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub panel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

impl Panel {
    pub fn new(panel: &str, kind: Option<&str>) -> Self {
        Panel { panel: panel.to_owned(), kind: kind.map(str::to_owned) }
    }

    /// The kind it counts: its own, else incidents.
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or("incident")
    }
}

/// The dashboard a role sees until its user composes their own: an
/// agent's begins with their own work; a manager's is the service view.
pub fn default_panels(role: Role) -> Vec<Panel> {
    let names: &[&str] = match role {
        Role::Agent | Role::Requester => &["my_work", "figures", "series", "sla", "backlog", "by_priority"],
        _ => &["figures", "series", "by_group", "by_service", "by_priority", "sla", "backlog", "kinds", "availability"],
    };
    names.iter().map(|n| Panel::new(n, None)).collect()
}

/// Checks a dashboard: known panels over known kinds, a kind only where
/// the panel counts one, at most [`MAX_PANELS`]. Each problem beside its
/// field (`panels[2].kind`).
pub fn check_panels(panels: &[Panel]) -> Vec<(String, Message)> {
    let mut bad = Vec::new();
    if panels.len() > MAX_PANELS {
        bad.push((
            "panels".to_owned(),
            Code::TooMany
                .msg(format!("a dashboard holds at most {MAX_PANELS} panels"))
                .with("max", MAX_PANELS.to_string()),
        ));
        return bad;
    }
    for (i, p) in panels.iter().enumerate() {
        if !PANELS.contains(&p.panel.as_str()) {
            bad.push((format!("panels[{i}].panel"), not_one_of(&p.panel, &PANELS)));
            continue;
        }
        // Once each: a page holds one of each panel (their parts are named).
        if panels[..i].iter().any(|q| q.panel == p.panel) {
            bad.push((format!("panels[{i}].panel"), Code::Twice.msg("is defined twice")));
            continue;
        }
        match p.kind.as_deref() {
            Some(k) if !KINDS.contains(&k) => bad.push((format!("panels[{i}].kind"), not_one_of(k, &KINDS))),
            Some(_) if !COUNTING.contains(&p.panel.as_str()) => bad.push((
                format!("panels[{i}].kind"),
                Code::PanelNoKind
                    .msg(format!("the {} panel counts no one kind: leave the kind out", p.panel))
                    .with("panel", &p.panel),
            )),
            _ => {}
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashboard_holds_known_panels_over_known_kinds() {
        assert!(check_panels(&default_panels(Role::Manager)).is_empty());
        assert!(check_panels(&default_panels(Role::Agent)).is_empty());
        assert_eq!(default_panels(Role::Agent)[0].panel, "my_work");
        let panels = [
            Panel::new("series", Some("change")),
            Panel::new("pie", None),
            Panel::new("figures", Some("invoice")),
            Panel::new("availability", Some("incident")),
            Panel::new("series", None),
        ];
        let fields: Vec<String> = check_panels(&panels).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["panels[1].panel", "panels[2].kind", "panels[3].kind", "panels[4].panel"]);
        let many = vec![Panel::new("figures", None); MAX_PANELS + 1];
        assert_eq!(check_panels(&many)[0].0, "panels");
        assert_eq!(Panel::new("sla", None).kind(), "incident");
    }
}
