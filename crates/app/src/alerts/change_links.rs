//! Changes and alerts (issue 13, item 6). While an approved, scheduled or
//! implementing change's planned window is open its CIs' alerts are muted
//! (`mutes.rs`). Every correlation pass tags the alerts whose episode
//! began inside a change's planned window on its declared CIs, or on CIs
//! that depend on them or that they depend on (undeclared), so the change
//! page can list "alerts during this change". A change is flagged, as seen
//! from alerts, when it started implementing outside its planned window,
//! or when alerts fired during its window on undeclared CIs next to its
//! declared ones (it may have touched more than it said).

use super::correlation::DEPTH;
use super::handling::HandledAlert;
use crate::{Actor, App, error::AppError};
use std::collections::{BTreeSet, HashMap};
use steward_store::{StoreError, alert_windows as store, alert_windows::ChangeAlert, alerts as alert_store, changes};

/// How long after a window ends its alerts are still looked for (a pass
/// every 15 s sees them well within it).
const LOOKBACK: i64 = 60 * 60 * 1_000_000;

/// Why a change is flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeFlag {
    /// It went to implementing at `started` (µs), outside its window.
    StartedOutsideWindow { started: i64 },
    /// An alert fired in its window on a CI it did not declare, next to
    /// one it did.
    UndeclaredCi { ci: i64, name: String, fingerprint: u64 },
}

/// The alerts of a change, with its flags.
#[derive(Debug, Clone, Default)]
pub struct ChangeAlerts {
    /// Each alert with the CI it fired on and whether the change declared it.
    pub alerts: Vec<(HandledAlert, i64, String, bool)>,
    pub flags: Vec<ChangeFlag>,
}

impl App {
    /// Tags the alerts that began inside changes' windows (those open now
    /// or ended within the last hour); how many tags it wrote (repeats
    /// included: a tag already there stays).
    pub(crate) async fn tag_change_alerts(&self, now: i64) -> Result<usize, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let windows = store::changes_in(&mut c, now - LOOKBACK, now + 1).await?;
        let ids: Vec<i64> = windows.iter().map(|w| w.id).collect();
        let mut declared: HashMap<i64, Vec<i64>> = HashMap::new();
        for (change, ci) in changes::cis_of(&mut c, &ids).await? {
            declared.entry(change).or_default().push(ci);
        }
        drop(c);
        let mut rows = Vec::new();
        for w in &windows {
            let Some(own) = declared.get(&w.id) else { continue };
            let near: BTreeSet<i64> = self
                .cmdb_view(|v| {
                    let up = v.graph.impact(own, DEPTH);
                    let down = v.graph.dependencies(own, DEPTH);
                    up.into_iter().chain(down).map(|r| r.ci).collect()
                })
                .await?;
            let reach: Vec<i64> = own.iter().copied().chain(near).collect();
            let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
            for a in alert_store::started_on(&mut c, &reach, w.planned_start, w.planned_end.min(now + 1)).await? {
                let ci = a.ci_id.unwrap_or(0);
                rows.push(ChangeAlert {
                    change_id: w.id,
                    alert_id: a.id,
                    starts_at: a.starts_at,
                    ci_id: ci,
                    declared: i64::from(own.contains(&ci)),
                });
            }
        }
        let n = rows.len();
        if n > 0 {
            self.store
                .write(move |c| {
                    let rows = rows.clone();
                    Box::pin(async move { store::tag(c, &rows).await })
                })
                .await?;
        }
        Ok(n)
    }

    /// The alerts seen during a change's window and its flags.
    pub async fn change_alerts(&self, actor: &Actor, number: &str) -> Result<ChangeAlerts, AppError> {
        let change = self.get_change(actor, number).await?;
        super::can_use_alerts(actor)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let tags = store::of_change(&mut c, change.record.id).await?;
        let ids: Vec<i64> = tags.iter().map(|t| t.alert_id).collect();
        let rows = alert_store::by_ids(&mut c, &ids).await?;
        let handled = self.handled(&mut c, rows).await?;
        drop(c);
        let by_id: HashMap<i64, HandledAlert> = handled.into_iter().map(|h| (h.id, h)).collect();
        let cis: Vec<i64> = tags.iter().map(|t| t.ci_id).collect();
        let names: HashMap<i64, String> =
            self.cmdb_view(|v| cis.iter().filter_map(|i| Some((*i, v.ci(*i)?.name.clone()))).collect()).await?;
        let name = |ci: i64| names.get(&ci).cloned().unwrap_or_else(|| format!("CI {ci}"));
        let mut out = ChangeAlerts::default();
        let d = &change.details;
        if let (Some(started), Some(a), Some(b)) = (d.actual_start, d.planned_start, d.planned_end) {
            if started < a || started >= b {
                out.flags.push(ChangeFlag::StartedOutsideWindow { started });
            }
        }
        for t in tags {
            let Some(h) = by_id.get(&t.alert_id) else { continue };
            if t.declared == 0 {
                let flag = ChangeFlag::UndeclaredCi {
                    ci: t.ci_id,
                    name: name(t.ci_id),
                    fingerprint: h.view.alert.fingerprint,
                };
                if !out.flags.contains(&flag) {
                    out.flags.push(flag);
                }
            }
            out.alerts.push((h.clone(), t.ci_id, name(t.ci_id), t.declared != 0));
        }
        Ok(out)
    }
}

/// The change numbers an alert is tagged with (newest first).
pub(crate) async fn changes_of_alert(c: &mut steward_store::Conn, alert_id: i64) -> Result<Vec<String>, AppError> {
    Ok(store::of_alert(c, alert_id).await?.into_iter().map(|(_, n)| crate::changes::number(n)).collect())
}
