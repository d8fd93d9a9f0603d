//! What a UI area registers: its routes and its entries in the main
//! navigation, declared side by side in the area's module (an `AREA`) and
//! collected once, in [`super::AREAS`]. The navigation is read from that
//! list, so its order is the list's order, then each area's own. An
//! area's labels come from its own catalogue (`ui/<area>_texts.rs`), so
//! a new area touches no shared list but `AREAS`.

use crate::{AppState, i18n::Text};
use axum::Router;
use steward_app::Actor;
use steward_domain::Role;

/// One area of the UI: a kind's pages (incidents, problems, …) or a part
/// of the site (sign-in, settings, administration).
pub struct Area {
    pub routes: fn() -> Router<AppState>,
    pub nav: &'static [NavEntry],
}

/// A link in the main navigation.
pub struct NavEntry {
    pub href: &'static str,
    /// A message of the area's catalogue (or the shared one).
    pub label: &'static dyn Text,
    pub audience: Audience,
    /// Whether the page at this path is the entry's (`aria-current`).
    pub current: fn(&str) -> bool,
}

/// Whose navigation shows an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Agents, managers and admins.
    Staff,
    Admins,
    Requesters,
    Everyone,
}

impl Audience {
    pub fn includes(self, actor: &Actor) -> bool {
        match self {
            Audience::Staff => actor.is_staff(),
            Audience::Admins => actor.role == Role::Admin,
            Audience::Requesters => !actor.is_staff(),
            Audience::Everyone => true,
        }
    }
}

/// The path is `prefix` or a page below it (`/kb`, `/kb/KB0000001`).
pub fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The navigation this actor sees on the page at `path`: (href, label, is
/// current), in the areas' order.
pub fn nav(areas: &[Area], actor: &Actor, path: &str) -> Vec<(&'static str, &'static dyn Text, bool)> {
    areas
        .iter()
        .flat_map(|a| a.nav)
        .filter(|e| e.audience.includes(actor))
        .map(|e| (e.href, e.label, (e.current)(path)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{nav, under};
    use crate::i18n::{Lang, Msg::*, Text};
    use crate::ui::{
        admin_texts::AdminMsg::*, alert_texts::AlertMsg::*, change_texts::ChgMsg::*, check_texts::CheckMsg::*,
        cmdb_texts::CmdbMsg::*, desk_texts::DeskMsg::*, incident_texts::IncMsg::*, kb_texts::KbMsg::*,
        portal_texts::PortalMsg::*, problem_texts::PrbMsg::*, report_texts::RepMsg,
    };
    use steward_app::Actor;
    use steward_domain::Role;

    #[test]
    fn under_takes_the_prefix_and_the_pages_below_it_only() {
        assert!(under("/kb", "/kb"));
        assert!(under("/kb/KB0000001", "/kb"));
        assert!(!under("/kbx", "/kb"));
        assert!(!under("/k", "/kb"));
    }

    /// A label as the tests compare it: its English text (labels come
    /// from several catalogues, so they share no enum).
    type Label = &'static dyn Text;

    fn en(l: Label) -> &'static str {
        l.text(Lang::En)
    }

    /// The labels each role sees on a page, the current one marked.
    fn seen(role: Role, path: &str) -> Vec<(&'static str, bool)> {
        let actor = Actor { role, ..Actor::operator() };
        nav(super::super::AREAS, &actor, path).into_iter().map(|(_, label, current)| (en(label), current)).collect()
    }

    fn marked(labels: &[Label], current: Option<Label>) -> Vec<(&'static str, bool)> {
        labels.iter().map(|l| (en(*l), current.is_some_and(|c| en(c) == en(*l)))).collect()
    }

    const STAFF: [Label; 11] = [
        &NavHome,
        &NavIncidents,
        &NavNewIncident,
        &NavAlerts,
        &NavChecks,
        &NavProblems,
        &NavChanges,
        &RepMsg::NavReports,
        &NavCmdb,
        &NavServices,
        &NavKnowledge,
    ];
    const ADMIN: [Label; 14] = [
        &NavHome,
        &NavIncidents,
        &NavNewIncident,
        &NavAlerts,
        &NavChecks,
        &NavProblems,
        &NavChanges,
        &RepMsg::NavReports,
        &NavCmdb,
        &NavServices,
        &NavKnowledge,
        &NavAdmin,
        &NavNotifications,
        &NavAudit,
    ];
    const REQUESTER: [Label; 4] = [&NavMyIncidents, &NavReport, &NavServices, &NavKnowledge];

    #[test]
    fn each_role_sees_its_entries_in_order_with_the_page_marked() {
        let cases: &[(Role, &str, &[Label], Option<Label>)] = &[
            (Role::Agent, "/home", &STAFF, Some(&NavHome)),
            (Role::Agent, "/incidents", &STAFF, Some(&NavIncidents)),
            (Role::Manager, "/incidents/INC0000001", &STAFF, Some(&NavIncidents)),
            (Role::Agent, "/incidents/new", &STAFF, Some(&NavNewIncident)),
            (Role::Agent, "/alerts", &STAFF, Some(&NavAlerts)),
            (Role::Manager, "/alerts/silences", &STAFF, Some(&NavAlerts)),
            (Role::Agent, "/checks/3", &STAFF, Some(&NavChecks)),
            (Role::Agent, "/problems/PRB0000001", &STAFF, Some(&NavProblems)),
            (Role::Manager, "/changes/CHG0000001", &STAFF, Some(&NavChanges)),
            (Role::Agent, "/cmdb/7", &STAFF, Some(&NavCmdb)),
            (Role::Agent, "/change-calendar", &STAFF, Some(&NavChanges)),
            (Role::Manager, "/reports", &STAFF, Some(&RepMsg::NavReports)),
            (Role::Agent, "/services", &STAFF, Some(&NavServices)),
            (Role::Agent, "/kb/KB0000001", &STAFF, Some(&NavKnowledge)),
            (Role::Manager, "/settings", &STAFF, None),
            (Role::Admin, "/admin/organisations", &ADMIN, Some(&NavAdmin)),
            (Role::Admin, "/admin/webhooks/3", &ADMIN, Some(&NavAdmin)),
            (Role::Admin, "/admin/notifications", &ADMIN, Some(&NavNotifications)),
            (Role::Admin, "/admin/audit", &ADMIN, Some(&NavAudit)),
            (Role::Admin, "/kbx", &ADMIN, None),
            (Role::Requester, "/portal", &REQUESTER, Some(&NavMyIncidents)),
            (Role::Requester, "/incidents/INC0000001", &REQUESTER, Some(&NavMyIncidents)),
            (Role::Requester, "/portal/report", &REQUESTER, Some(&NavReport)),
            (Role::Requester, "/services/4", &REQUESTER, Some(&NavServices)),
            (Role::Requester, "/kb", &REQUESTER, Some(&NavKnowledge)),
        ];
        for (role, path, labels, current) in cases {
            assert_eq!(seen(*role, path), marked(labels, *current), "{role:?} on {path}");
        }
    }
}
