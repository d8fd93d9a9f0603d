//! What a change's planned window collides with, explained, and the next
//! free slot (`steward_domain::change::conflicts` decides; this reads what
//! it needs: the other changes holding a window, their CIs, the freezes,
//! the service's maintenance windows and the CMDB graph in memory).

use super::{Change, number};
use crate::{Actor, App, Code, error::AppError};
use std::collections::HashMap;
use steward_domain::change::conflicts::{
    Conflict, Freeze, HORIZON, MaintenanceWindow as Spec, Planned, Reach, STEP, Search, Window,
};
use steward_store::{StoreError, change_calendar, changes as store_changes, cmdb::record_cis};

/// How far the graph is walked: a CI this many relations away still conflicts.
pub const HOPS: u32 = 3;
/// The longest change window the check looks back for.
pub const LONGEST_CHANGE: i64 = 30 * 24 * 3600 * 1_000_000;
/// How far up its CIs the services a change touches are looked for.
const SERVICE_DEPTH: u32 = 5;
/// At most this many other changes are read for one check.
const MAX_OTHERS: i64 = 5_000;

/// A change's conflicts at its planned window, nearest first, with the CI
/// names they pass through; and, when there are any, the next free slot.
#[derive(Debug, Clone)]
pub struct ChangeConflicts {
    pub window: Window,
    pub conflicts: Vec<Conflict>,
    /// CI id → name, for the CIs the conflicts name.
    pub names: Vec<(i64, String)>,
    pub proposal: Option<Window>,
}

/// How far a change's impact is followed.
const IMPACT_DEPTH: u32 = 10;

impl App {
    /// What a failure of the change's CIs would affect: the services with
    /// the chain of relations that explains each, and the organisations
    /// using them (the CMDB's impact analysis, 10 relations deep). Empty
    /// when it names no CI.
    pub async fn change_impact(&self, actor: &Actor, n: &str) -> Result<crate::cmdb::Impact, AppError> {
        let change = self.get_change(actor, n).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let cis = record_cis(&mut conn, change.record.id).await?;
        drop(conn);
        self.impact_of_change_cis(actor, &cis).await
    }

    /// What a failure of a change's CIs (read already) would affect; empty
    /// without CIs.
    pub async fn impact_of_change_cis(&self, actor: &Actor, cis: &[i64]) -> Result<crate::cmdb::Impact, AppError> {
        if cis.is_empty() {
            return Ok(crate::cmdb::Impact {
                starts: Vec::new(),
                depth: IMPACT_DEPTH,
                as_of: None,
                services: Vec::new(),
                cis: Vec::new(),
                cis_total: 0,
                organisations: Vec::new(),
            });
        }
        let (dir, listed) = (crate::cmdb::impact::Direction::Upstream, crate::cmdb::impact::MAX_LISTED);
        self.impact(actor, cis, IMPACT_DEPTH, None, dir, listed).await
    }

    pub async fn change_conflicts(&self, actor: &Actor, n: &str) -> Result<ChangeConflicts, AppError> {
        let change = self.get_change(actor, n).await?;
        let (Some(start), Some(end)) = (change.details.planned_start, change.details.planned_end) else {
            return Err(AppError::field("planned_start", Code::Required.msg("plan a window first")));
        };
        self.conflicts_at(&change, Window { start, end }).await
    }

    /// The change's conflicts were it planned at `window` (its own planned
    /// window is not read: scheduling and moving a window ask before the
    /// write).
    pub(crate) async fn conflicts_at(&self, change: &Change, window: Window) -> Result<ChangeConflicts, AppError> {
        let Window { start, end } = window;
        let reach_to = start + HORIZON + (end - start);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let cis = record_cis(&mut conn, change.record.id).await?;
        let freezes =
            change_calendar::freezes_in(&mut conn, start, reach_to, crate::change_calendar::LONGEST_FREEZE).await?;
        let windows = match change.record.service_id {
            Some(s) => change_calendar::windows(&mut conn, Some(s)).await?,
            None => Vec::new(),
        };
        drop(conn);
        let record = change.record.clone();
        // A CI retired since it was named: no window is planned on it.
        self.cmdb_view(|v| super::refuse_retired("cis", &cis, v)).await??;
        // What the change reaches in the graph first: only changes naming
        // one of those CIs (or with the same owner) can conflict, so only
        // those are read, not every change of the next month.
        let me = self
            .cmdb
            .read(&self.store, |view| {
                // The services it touches: its own and those its CIs affect.
                let mut services: Vec<i64> = record.service_id.into_iter().collect();
                services.extend(
                    view.graph.impact(&cis, SERVICE_DEPTH).into_iter().map(|r| r.ci).filter(|c| view.is_service(*c)),
                );
                services.extend(cis.iter().copied().filter(|c| view.is_service(*c)));
                Planned {
                    id: record.id,
                    number: number(record.number),
                    window,
                    cis,
                    services,
                    assignee: record.assignee_id,
                }
            })
            .await?;
        // Just caught up above: no second look at the revision.
        let fresh = std::time::Duration::from_secs(1);
        let reach = self.cmdb.read_recent(&self.store, fresh, |view| Reach::of(&me, &view.graph, HOPS)).await?;
        let span = (start, reach_to, LONGEST_CHANGE);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let d = self.store.dialect();
        let rows = store_changes::touching(&mut conn, d, span, &reach.cis(), me.assignee, MAX_OTHERS).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let their_cis = store_changes::cis_of(&mut conn, &ids).await?;
        drop(conn);
        let mut cis_by_change: HashMap<i64, Vec<i64>> = HashMap::with_capacity(rows.len());
        for (rec, ci) in their_cis {
            cis_by_change.entry(rec).or_default().push(ci);
        }
        let others: Vec<Planned> = rows
            .iter()
            .map(|r| Planned {
                id: r.id,
                number: number(r.number),
                window: Window { start: r.planned_start, end: r.planned_end },
                cis: cis_by_change.remove(&r.id).unwrap_or_default(),
                services: r.service_id.into_iter().collect(),
                assignee: r.assignee_id,
            })
            .collect();
        let freezes: Vec<Freeze> = freezes
            .into_iter()
            .map(|f| Freeze {
                id: f.id,
                name: f.name,
                window: Window { start: f.starts_at, end: f.ends_at },
                services: serde_json::from_str(&f.services).unwrap_or_default(),
            })
            .collect();
        let mut allowed = Vec::new();
        for w in &windows {
            let days: Vec<String> = w.days.split(',').map(String::from).collect();
            if let Ok(spec) = Spec::parse(&days, &w.start_time, w.minutes, &w.time_zone) {
                allowed.extend(spec.occurrences(start, reach_to));
            }
        }
        let conflicts = reach.conflicts(window, &others, &freezes);
        let proposal = if conflicts.is_empty() {
            None
        } else {
            let search = Search { from: start, duration: end - start, horizon: HORIZON, step: STEP, allowed };
            reach.next_free(&search, &others, &freezes)
        };
        let named: Vec<i64> = conflicts.iter().flat_map(named_cis).collect();
        let names = self
            .cmdb
            .read_recent(&self.store, fresh, |view| {
                let mut names: Vec<(i64, String)> = Vec::new();
                for id in named {
                    if !names.iter().any(|(i, _)| *i == id)
                        && let Some(b) = view.ci(id)
                    {
                        names.push((id, b.name.clone()));
                    }
                }
                names
            })
            .await?;
        Ok(ChangeConflicts { window, conflicts, names, proposal })
    }
}

/// The CIs a conflict names: both ends and every CI on its path, or the
/// frozen service.
fn named_cis(c: &Conflict) -> Vec<i64> {
    use steward_domain::change::conflicts::Reason;
    match &c.reason {
        Reason::SameCi { ci } => vec![*ci],
        Reason::DependsOn { ours, theirs, path } | Reason::DependedOn { ours, theirs, path } => {
            let mut all = vec![*ours, *theirs];
            all.extend(path.iter().map(|s| s.ci));
            all
        }
        Reason::InFreeze { service } => service.iter().copied().collect(),
        Reason::SameAssignee { .. } => Vec::new(),
    }
}
