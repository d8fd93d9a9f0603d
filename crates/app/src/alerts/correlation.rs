//! Correlation into incidents (issue 13, item 5): each alert is mapped to
//! the CI its labels name by the configurable rules (see `ci_rules`: by
//! default `ci`, `instance`, `host`, … in order against CI names, a port
//! or a domain dropped), the failing CIs that depend on each other form one
//! group with its probable cause (`alert::correlate` over the CMDB graph),
//! and each group opens one incident on the affected service, is told of
//! later changes once per change, and resolves it when its alerts end.
//! One pass at a time per node; across nodes the group's unique key and
//! its claim keep an incident from being opened twice.

use super::from_row;
use crate::{
    Actor, App,
    error::AppError,
    incidents::{NewIncident, TransitionInput, number},
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use steward_domain::{
    alert::{
        Failing, Labels, correlate,
        correlate::{Group, Role},
    },
    number::RecordKind,
};
use steward_store::{
    StoreError, accounts,
    alerts::{self as store, AlertRow, GroupRow},
    cmdb, now_micros, records, settings,
};

/// Failures within this span of each other correlate.
pub const WINDOW: i64 = 15 * 60 * 1_000_000;
/// How deep dependencies are followed.
pub const DEPTH: u32 = 5;
/// A claim to open a group's incident older than this was abandoned.
const CLAIM_STALE: i64 = 60 * 1_000_000;
/// Alerts read to describe a group.
const DESCRIBED: i64 = 50;

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    pub mapped: usize,
    pub opened: Vec<i64>,
    pub updated: Vec<i64>,
    pub resolved: Vec<i64>,
}

/// Severity to urgency: critical 1, warning or major 2, else 3.
fn urgency(severity: &str) -> i64 {
    match severity.to_lowercase().as_str() {
        "critical" | "emergency" | "disaster" | "page" => 1,
        "warning" | "major" | "high" | "error" => 2,
        _ => 3,
    }
}

/// A service's criticality to impact: critical or high 1, medium 2, low 3.
fn impact(criticality: &str) -> i64 {
    match criticality {
        "critical" | "high" => 1,
        "medium" => 2,
        _ => 3,
    }
}

fn members(g: &Group) -> Vec<i64> {
    let set: BTreeSet<i64> = g.members.iter().map(|m| m.ci).collect();
    set.into_iter().collect()
}

fn stored_members(r: &GroupRow) -> BTreeSet<i64> {
    serde_json::from_str::<Vec<i64>>(&r.members).unwrap_or_default().into_iter().collect()
}

/// The lease one pass holds, across nodes: a pass that dies lets another
/// node go on after this long.
const LEASE: &str = "alert_correlation_lease";
const LEASE_FOR: i64 = 60 * 1_000_000;

/// Where the alerts that named no CI were last let be mapped again:
/// `"<CMDB revision> <microseconds>"` in `settings`.
const REMAP_KEY: &str = "alert_ci_remap";
/// How often at most a changed CMDB lets them be mapped again: a CMDB that
/// an inventory touches every few seconds would otherwise map every firing
/// alert that names no CI again on every pass.
pub(crate) const REMAP_EVERY: i64 = 60_000_000;

fn parse_remap(v: &str) -> Option<(i64, i64)> {
    let (rev, at) = v.split_once(' ')?;
    Some((rev.parse().ok()?, at.parse().ok()?))
}

/// Whether the alerts that named no CI are due to be mapped again: never
/// done, or the CMDB moved on since and the last time is [`REMAP_EVERY`]
/// ago.
pub(crate) fn remap_due(last: Option<(i64, i64)>, rev: i64, now: i64) -> bool {
    last.is_none_or(|(seen, at)| rev != seen && now.saturating_sub(at) >= REMAP_EVERY)
}

impl App {
    /// One correlation pass: map new alerts, group the failing CIs, open,
    /// update and resolve their incidents. One pass runs at a time across
    /// every node (a lease); a caller waits up to 30 s for it.
    pub async fn correlate_alerts(&self) -> Result<Pass, AppError> {
        let mut waited = 0;
        loop {
            let now = now_micros();
            let taken = self
                .store
                .write(move |c| Box::pin(async move { settings::take_lease(c, LEASE, now, now + LEASE_FOR).await }))
                .await?;
            if taken {
                break;
            }
            if waited >= 300 {
                return Err(AppError::Unavailable("another correlation pass is running".into()));
            }
            waited += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let result = self.correlation_pass().await;
        self.store.write(|c| Box::pin(async move { settings::end_lease(c, LEASE).await })).await?;
        result
    }

    async fn correlation_pass(&self) -> Result<Pass, AppError> {
        let now = now_micros();
        let mut pass = Pass { mapped: self.map_alerts().await?, ..Pass::default() };
        self.tag_change_alerts(now).await?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        // Muted alerts (a silence, a maintenance window, a change's open
        // window) open and join no group; they still keep a group's
        // incident from resolving while they fire.
        let mapped = store::firing_mapped(&mut c, now).await?;
        let mutes = self.mutes(&mut c, now, None).await?;
        let open = store::open_groups(&mut c).await?;
        drop(c);
        let mut loud: BTreeMap<i64, i64> = BTreeMap::new();
        let mut failing_now: BTreeSet<i64> = BTreeSet::new();
        for r in &mapped {
            let ci = r.ci_id.unwrap_or(0);
            failing_now.insert(ci);
            if !mutes.muted(&from_row(r).labels, Some(ci)) {
                let start = loud.entry(ci).or_insert(r.starts_at);
                *start = (*start).min(r.starts_at);
            }
        }
        let failing: Vec<Failing> = loud
            .into_iter()
            .map(|(ci, started_at)| Failing { ci, started_at })
            .take(steward_domain::alert::correlate::MAX_FAILING)
            .collect();
        let groups = self
            .cmdb_view(|v| correlate(&v.graph, &failing, WINDOW, DEPTH))
            .await?
            .map_err(|p| AppError::Internal(format!("correlation: {p:?}")))?;
        let mut seen: BTreeSet<i64> = BTreeSet::new();
        for g in &groups {
            let ids = members(g);
            let found =
                open.iter().find(|r| !seen.contains(&r.id) && ids.iter().any(|m| stored_members(r).contains(m)));
            match found {
                Some(row) => {
                    seen.insert(row.id);
                    if let Some(n) = self.keep_group(row.clone(), g, &ids, now).await? {
                        if row.incident_id.is_none() { pass.opened.push(n) } else { pass.updated.push(n) }
                    }
                }
                None => {
                    let key = g.key();
                    let text = format!("{}:{}", key.cause, key.started_at);
                    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                    let added = self
                        .store
                        .write(move |c| {
                            let (text, json) = (text.clone(), json.clone());
                            Box::pin(async move { store::add_group(c, &text, key.cause, &json, now).await })
                        })
                        .await?;
                    if let Some(id) = added {
                        let row = GroupRow {
                            id,
                            group_key: String::new(),
                            cause_ci: key.cause,
                            incident_id: None,
                            opened_by: None,
                            members: "[]".into(),
                            summary: String::new(),
                            opened_at: now,
                            claimed_at: Some(now),
                            updated_at: now,
                            resolved_at: None,
                        };
                        seen.insert(id);
                        if let Some(n) = self.keep_group(row, g, &ids, now).await? {
                            pass.opened.push(n);
                        }
                    }
                }
            }
        }
        // Groups none of whose CIs fails any more: their incidents resolve.
        for row in open.into_iter().filter(|r| !seen.contains(&r.id)) {
            if stored_members(&row).is_disjoint(&failing_now) {
                if let Some(n) = self.resolve_group(row, now).await? {
                    pass.resolved.push(n);
                }
            }
        }
        Ok(pass)
    }

    /// After the CMDB changed (a CI added, renamed, given a host name),
    /// lets the firing alerts that named no CI be mapped again, at most
    /// once every [`REMAP_EVERY`].
    async fn remap_after_cmdb_changes(&self) -> Result<(), AppError> {
        let now = now_micros();
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rev = cmdb::current_rev(&mut c).await?;
        let last = settings::get(&mut c, REMAP_KEY).await?.and_then(|v| parse_remap(&v));
        drop(c);
        if !remap_due(last, rev, now) {
            return Ok(());
        }
        let mark = format!("{rev} {now}");
        self.store
            .write(move |c| {
                let mark = mark.clone();
                Box::pin(async move {
                    store::unmap_unnamed(c, now).await?;
                    settings::set(c, REMAP_KEY, &mark).await
                })
            })
            .await?;
        Ok(())
    }

    /// Maps the alerts not mapped yet to the CIs their labels name. The
    /// rules and the maps they look values up in are read once per pass,
    /// and only when there is something to map.
    async fn map_alerts(&self) -> Result<usize, AppError> {
        self.remap_after_cmdb_changes().await?;
        let mut lookup = None;
        let mut total = 0;
        loop {
            let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let batch = store::unmapped(&mut c, 1_000).await?;
            drop(c);
            if batch.is_empty() {
                return Ok(total);
            }
            let (rules, maps) = match &lookup {
                Some(l) => l,
                None => {
                    let rules = self.ci_rules_in_force().await?;
                    let maps = self.ci_maps(&rules).await?;
                    lookup.insert((rules, maps))
                }
            };
            let pairs: Vec<(i64, i64)> = batch
                .iter()
                .map(|(id, labels)| (*id, maps.ci_of(rules, &serde_json::from_str(labels).unwrap_or_default())))
                .collect();
            total += pairs.len();
            self.store
                .write(move |c| {
                    let pairs = pairs.clone();
                    Box::pin(async move { store::set_cis(c, &pairs).await })
                })
                .await?;
        }
    }

    /// Opens the group's incident (when this pass wins the claim) or tells
    /// it what changed; the incident's number when something was done.
    async fn keep_group(&self, mut row: GroupRow, g: &Group, ids: &[i64], now: i64) -> Result<Option<i64>, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let alerts = store::firing_on(&mut c, now, ids, DESCRIBED).await?;
        drop(c);
        // Named: the members and every CI on the paths that explain them
        // (a path may pass through a CI that is not failing).
        let mut named: BTreeSet<i64> = ids.iter().copied().collect();
        named.extend(g.members.iter().flat_map(|m| g.explain(m.ci)).map(|s| s.ci));
        let names = self
            .cmdb_view(|v| {
                named
                    .iter()
                    .map(|i| (*i, v.ci(*i).map(|b| b.name.clone()).unwrap_or_default()))
                    .collect::<HashMap<_, _>>()
            })
            .await?;
        let summary = describe(g, &names, &alerts);
        let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let number = match row.incident_id {
            None => {
                let id = row.id;
                let claimed = self
                    .store
                    .write(move |c| Box::pin(async move { store::claim_group(c, id, now, now - CLAIM_STALE).await }))
                    .await?;
                // Just added (claimed then) or claimed now: this pass opens it.
                if !(claimed || row.claimed_at == Some(now)) {
                    return Ok(None);
                }
                let Some((incident, by)) = self.open_group_incident(g, &names, &alerts, &summary).await? else {
                    return Ok(None);
                };
                (row.incident_id, row.opened_by) = (Some(incident), Some(by));
                self.incident_number(incident).await?.unwrap_or_default()
            }
            Some(id) => {
                if row.summary == summary {
                    return Ok(None);
                }
                let Some(actor) = self.opener(&row).await? else { return Ok(None) };
                let Some(n) = self.incident_number(id).await? else { return Ok(None) };
                let note = format!("The alert group changed.\n\n{summary}");
                self.add_comment(&actor, RecordKind::Incident, &number(n), &note, true).await?;
                n
            }
        };
        row.members = json;
        row.summary = summary;
        row.updated_at = now;
        self.store
            .write(move |c| {
                let row = row.clone();
                Box::pin(async move { store::update_group(c, &row).await })
            })
            .await?;
        Ok(Some(number))
    }

    /// Opens the incident of a group as the user whose token sent the
    /// probable cause's first alert; its number.
    async fn open_group_incident(
        &self,
        g: &Group,
        names: &HashMap<i64, String>,
        alerts: &[(i64, AlertRow)],
        summary: &str,
    ) -> Result<Option<(i64, i64)>, AppError> {
        let cause = g.causes.first().copied().unwrap_or_default();
        let first = alerts.iter().find(|(ci, _)| *ci == cause).or(alerts.first());
        let Some((_, alert)) = first else { return Ok(None) };
        let Some(sender) = alert.sender_id else { return Ok(None) };
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(user) = accounts::user_by_id(&mut c, sender).await? else { return Ok(None) };
        // The service affected: the cause if it is one, else the first the
        // cause's failure reaches.
        let service = self
            .cmdb_view(|v| {
                if v.is_service(cause) {
                    return Some(cause);
                }
                v.graph.impact(&[cause], DEPTH + 3).into_iter().map(|r| r.ci).find(|ci| v.is_service(*ci))
            })
            .await?;
        let service_row = match service {
            Some(id) => cmdb::get(&mut c, id).await?,
            None => None,
        };
        drop(c);
        let actor = self.actor_for(user).await?;
        let labels = from_row(alert).labels;
        let worst = alerts.iter().map(|(_, a)| urgency(from_row(a).labels.get("severity"))).min().unwrap_or(3);
        let alertname = labels.get("alertname");
        let cause_name = names.get(&cause).cloned().unwrap_or_default();
        let others = g.members.len().saturating_sub(1);
        let mut title = if alertname.is_empty() { cause_name.clone() } else { format!("{alertname} on {cause_name}") };
        if others > 0 {
            title.push_str(&format!(" (and {others} affected CIs)"));
        }
        let title: String = title.chars().take(200).collect();
        let n = NewIncident {
            title,
            description: Some(summary.to_owned()),
            impact: Some(service_row.as_ref().map_or(2, |s| impact(&s.criticality))),
            urgency: Some(worst),
            service: service_row.as_ref().map(|s| s.name.clone()),
            assignment_group: service_row.as_ref().and_then(|s| s.owner_group.clone()),
            cis: members(g),
            ..NewIncident::default()
        };
        let incident = self.create_incident(&actor, n).await?;
        Ok(Some((incident.id, actor.id)))
    }

    /// The number of the incident whose record id a group keeps (none:
    /// the record is gone).
    async fn incident_number(&self, id: i64) -> Result<Option<i64>, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::get(&mut c, id).await?.map(|r| r.number))
    }

    /// The user a group's incident was opened as.
    async fn opener(&self, row: &GroupRow) -> Result<Option<Actor>, AppError> {
        let Some(id) = row.opened_by else { return Ok(None) };
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(user) = accounts::user_by_id(&mut c, id).await? else { return Ok(None) };
        drop(c);
        Ok(Some(self.actor_for(user).await?))
    }

    /// Resolves a group's incident: its alerts have all ended.
    async fn resolve_group(&self, mut row: GroupRow, now: i64) -> Result<Option<i64>, AppError> {
        row.resolved_at = Some(now);
        row.updated_at = now;
        let (incident, opener) = (row.incident_id, self.opener(&row).await?);
        self.store
            .write(move |c| {
                let row = row.clone();
                Box::pin(async move { store::update_group(c, &row).await })
            })
            .await?;
        let (Some(id), Some(actor)) = (incident, opener) else { return Ok(None) };
        let Some(n) = self.incident_number(id).await? else { return Ok(None) };
        let t = TransitionInput {
            state: "resolved".into(),
            resolution_code: Some("solved".into()),
            resolution_notes: Some("Every alert of the group has ended.".into()),
            ..TransitionInput::default()
        };
        // Someone may have resolved or closed it already: that is fine.
        // Someone may be editing it: read its version again, a few times.
        for _ in 0..3 {
            let version = self.get_incident(&actor, &number(n)).await?.version;
            match self.transition_incident(&actor, &number(n), Some(version), t.clone()).await {
                Ok(_) | Err(AppError::Transition { .. }) => return Ok(Some(n)),
                Err(AppError::Stale { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(Some(n))
    }
}

/// What the incident says of its group: the probable cause, each affected
/// CI with the path that explains it, and the firing alerts.
fn describe(g: &Group, names: &HashMap<i64, String>, alerts: &[(i64, AlertRow)]) -> String {
    let name = |ci: i64| names.get(&ci).cloned().unwrap_or_else(|| format!("CI {ci}"));
    let mut out = String::new();
    let causes: Vec<String> = g.causes.iter().map(|c| name(*c)).collect();
    out.push_str(&format!("Probable cause: {}\n", causes.join(", ")));
    for m in &g.members {
        if let Role::Symptom { cause, .. } = &m.role {
            // The CIs between the cause and this one, when there are any.
            let steps = g.explain(m.ci);
            let path: Vec<String> = steps.iter().take(steps.len().saturating_sub(1)).map(|s| name(s.ci)).collect();
            let via = if path.is_empty() { String::new() } else { format!(" (via {})", path.join(" → ")) };
            out.push_str(&format!("Affected: {} — depends on {}{via}\n", name(m.ci), name(*cause)));
        }
    }
    out.push_str("\nFiring alerts:\n");
    for (ci, a) in alerts {
        let l = from_row(a).labels;
        let summary = serde_json::from_str::<Labels>(&a.annotations).unwrap_or_default();
        let what = if summary.get("summary").is_empty() {
            l.get("alertname").to_owned()
        } else {
            summary.get("summary").to_owned()
        };
        out.push_str(&format!("- {} on {}: {what}\n", l.get("alertname"), name(*ci)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_naming_no_ci_are_mapped_again_once_the_cmdb_changed_and_not_too_often() {
        assert!(remap_due(None, 0, 0), "never done: now");
        assert!(!remap_due(Some((5, 0)), 5, REMAP_EVERY * 10), "the CMDB did not change");
        assert!(!remap_due(Some((5, 100)), 6, 100 + REMAP_EVERY - 1), "changed, but done a moment ago");
        assert!(remap_due(Some((5, 100)), 6, 100 + REMAP_EVERY), "changed, and done long enough ago");
        assert_eq!(parse_remap("12 345"), Some((12, 345)));
        assert_eq!(parse_remap("12"), None);
        assert_eq!(parse_remap("x 1"), None);
    }
}
