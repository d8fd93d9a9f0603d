//! The console's group view: the firing alerts counted by `alertname`
//! (how many fire, how many someone acknowledged, how many a silence, a
//! maintenance window or a change mutes), so a storm reads as a few lines rather than a long list.

use super::{can_use_alerts, from_row};
use crate::{Actor, App, error::AppError};
use std::collections::BTreeMap;
use steward_domain::alert::Matchers;
use steward_store::{StoreError, alerts as store, now_micros};

/// The firing alerts of one `alertname` (empty: those without one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertGroup {
    pub alertname: String,
    pub firing: usize,
    pub acknowledged: usize,
    pub silenced: usize,
}

impl App {
    /// The firing alerts passing `filter`, grouped by `alertname`: the
    /// largest group first, then by name.
    pub async fn alert_groups(&self, actor: &Actor, filter: &Matchers) -> Result<Vec<AlertGroup>, AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let pairs = super::equal_pairs(filter);
        let rows = store::firing(&mut conn, self.store.dialect(), now, &pairs).await?;
        let mutes = self.mutes(&mut conn, now, pairs.is_empty().then_some(rows.as_slice())).await?;
        drop(conn);
        let mut groups: BTreeMap<String, AlertGroup> = BTreeMap::new();
        for r in &rows {
            let alert = from_row(r);
            if !filter.matches(&alert.labels) {
                continue;
            }
            let name = alert.labels.get("alertname").to_owned();
            let g =
                groups.entry(name.clone()).or_insert_with(|| AlertGroup { alertname: name, ..AlertGroup::default() });
            g.firing += 1;
            g.acknowledged += usize::from(r.acked_by.is_some());
            g.silenced += usize::from(mutes.muted(&alert.labels, r.ci_id));
        }
        let mut out: Vec<AlertGroup> = groups.into_values().collect();
        out.sort_by(|a, b| b.firing.cmp(&a.firing).then_with(|| a.alertname.cmp(&b.alertname)));
        Ok(out)
    }
}
