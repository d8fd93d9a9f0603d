//! What the desk reads of a correlation group (issue 13, item 7): on an
//! incident it opened, the probable cause, each symptom with the chain of
//! relations that leads to it from its cause (as `alert::correlate` gives
//! it over today's CMDB), and the alerts of each CI, firing or resolved;
//! on an alert, the incident of the group it belongs to.

use super::{HandledAlert, can_use_alerts, correlation::WINDOW, from_row};
use crate::{Actor, App, error::AppError};
use std::collections::{BTreeSet, HashMap};
use steward_domain::alert::{Alert, Failing, correlate, correlate::Role};
use steward_domain::cmdb::graph::Step;
use steward_store::{
    StoreError,
    alerts::{self as store, GroupRow},
    now_micros,
};

/// Alerts read to show a group.
const SHOWN: i64 = 200;
/// Groups looked through for an alert's.
const LOOKED: i64 = 200;

/// One CI of a group.
#[derive(Debug, Clone)]
pub struct GroupMember {
    pub ci: i64,
    pub name: String,
    /// None for a probable cause; the cause of a symptom.
    pub cause: Option<i64>,
    /// From the cause to this CI: each step the CI reached and the
    /// relation that carried the failure.
    pub path: Vec<Step>,
    /// Its alerts in the group's span, oldest first.
    pub alerts: Vec<Alert>,
}

/// A correlation group as its incident shows it.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group: GroupRow,
    /// Causes first, then symptoms, each in the order they began failing.
    pub members: Vec<GroupMember>,
    /// Names of the CIs the paths pass through.
    pub names: HashMap<i64, String>,
}

impl GroupView {
    pub fn causes(&self) -> impl Iterator<Item = &GroupMember> {
        self.members.iter().filter(|m| m.cause.is_none())
    }

    pub fn symptoms(&self) -> impl Iterator<Item = &GroupMember> {
        self.members.iter().filter(|m| m.cause.is_some())
    }
}

fn member_ids(g: &GroupRow) -> BTreeSet<i64> {
    let mut set: BTreeSet<i64> = serde_json::from_str::<Vec<i64>>(&g.members).unwrap_or_default().into_iter().collect();
    set.insert(g.cause_ci);
    set.retain(|ci| *ci > 0);
    set
}

impl App {
    /// The alert group that opened the incident with this record id, if
    /// alerts opened it.
    pub async fn incident_alert_group(&self, actor: &Actor, record_id: i64) -> Result<Option<GroupView>, AppError> {
        can_use_alerts(actor)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(group) = store::group_of_incident(&mut c, record_id).await? else { return Ok(None) };
        let ids: Vec<i64> = member_ids(&group).into_iter().collect();
        let to = group.resolved_at.unwrap_or_else(now_micros);
        let alerts = store::on_cis_between(&mut c, &ids, group.opened_at - WINDOW, to, SHOWN).await?;
        drop(c);
        // Each CI failing from its first alert's start (the group's opening
        // when none is kept); the window spans them all: they are one group.
        let mut failing: HashMap<i64, i64> = ids.iter().map(|ci| (*ci, group.opened_at)).collect();
        for (ci, a) in &alerts {
            if let Some(s) = failing.get_mut(ci) {
                *s = (*s).min(a.starts_at);
            }
        }
        let failing: Vec<Failing> = failing.into_iter().map(|(ci, started_at)| Failing { ci, started_at }).collect();
        let (groups, names) = self
            .cmdb_view(|v| {
                let groups = correlate(&v.graph, &failing, i64::MAX / 4, super::correlation::DEPTH);
                let mut names: HashMap<i64, String> = HashMap::new();
                if let Ok(gs) = &groups {
                    for m in gs.iter().flat_map(|g| &g.members) {
                        names.insert(m.ci, v.ci(m.ci).map(|b| b.name.clone()).unwrap_or_default());
                        if let Role::Symptom { path, .. } = &m.role {
                            for s in path {
                                names.insert(s.ci, v.ci(s.ci).map(|b| b.name.clone()).unwrap_or_default());
                            }
                        }
                    }
                }
                (groups, names)
            })
            .await?;
        let groups = groups.map_err(|p| AppError::Internal(format!("correlation: {p:?}")))?;
        let mut members: Vec<GroupMember> = Vec::new();
        for g in &groups {
            for m in &g.members {
                let (cause, path) = match &m.role {
                    Role::Cause => (None, Vec::new()),
                    Role::Symptom { cause, .. } => (Some(*cause), g.explain(m.ci)),
                };
                let alerts = alerts.iter().filter(|(ci, _)| *ci == m.ci).map(|(_, a)| from_row(a)).collect();
                let name = names.get(&m.ci).cloned().unwrap_or_default();
                members.push(GroupMember { ci: m.ci, name, cause, path, alerts });
            }
        }
        // Causes first (the stored one before any other), keeping each kind's order.
        members.sort_by_key(|m| (m.cause.is_some(), m.ci != group.cause_ci));
        Ok(Some(GroupView { group, members, names }))
    }

    /// The number of the incident of the correlation group this alert
    /// belongs to: a group holding its CI while it fired.
    pub async fn alert_group_incident(&self, actor: &Actor, a: &HandledAlert) -> Result<Option<i64>, AppError> {
        can_use_alerts(actor)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(ci) = store::ci_of(&mut c, a.id).await? else { return Ok(None) };
        let (from, to) = (a.view.alert.starts_at, a.view.alert.ends_at);
        let groups = store::groups_between(&mut c, from, to, WINDOW, LOOKED).await?;
        Ok(groups.into_iter().find(|(g, _)| member_ids(g).contains(&ci)).map(|(_, n)| n))
    }
}
