//! What mutes an alert now and where it goes, read once per list:
//! Alertmanager's silences (by id, as `silencedBy` says), Steward's
//! maintenance windows for alerts (their matchers and/or CIs, optionally
//! with the CIs that depend on them), changes whose planned window is open
//! (approved, scheduled or implementing) on the CIs they declare, the
//! inhibition rules with the labels of every firing alert (the possible
//! sources), and the routing tree (each alert's receivers and groups). The
//! lists, the alert pages, correlation and the dispatcher share it.

use super::windows::{OpenWindow, open_windows};
use super::{AlertView, from_row};
use crate::{App, changes::number, error::AppError};
use std::collections::{HashMap, HashSet};
use steward_domain::alert::{Alert, Labels, Routing, Silence, inhibited_by};
use steward_store::{Conn, alert_windows as store, alerts, changes};

/// What besides a silence or an inhibition mutes an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MutedBy {
    /// A maintenance window for alerts.
    Window { id: i64, name: String },
    /// A change whose window is open on the alert's CI.
    Change { id: i64, number: String },
}

/// A change muting its CIs now.
#[derive(Debug, Clone)]
struct OpenChange {
    id: i64,
    number: String,
    cis: HashSet<i64>,
}

/// Everything that mutes alerts at one moment, and the routing tree.
#[derive(Debug, Clone)]
pub struct Mutes {
    now: i64,
    pub(crate) routing: Routing,
    silences: Vec<(String, Silence)>,
    windows: Vec<OpenWindow>,
    changes: Vec<OpenChange>,
    /// The labels of every alert firing now (empty without inhibition
    /// rules: no source is needed then).
    sources: Vec<Labels>,
}

/// The states in which a change's open window mutes its CIs' alerts.
pub(crate) fn mutes_in(state: &str, approved: bool) -> bool {
    matches!(state, "scheduled" | "implementing") || (state == "authorization" && approved)
}

impl Mutes {
    /// The ids of the silences that mute these labels.
    pub fn silenced_by(&self, labels: &Labels) -> Vec<String> {
        super::silences::silenced_by(&self.silences, labels, self.now)
    }

    /// The windows and changes that mute an alert with these labels on
    /// this CI.
    pub fn muted_by(&self, labels: &Labels, ci: Option<i64>) -> Vec<MutedBy> {
        let ci = ci.filter(|c| *c > 0);
        let mut out: Vec<MutedBy> = self
            .windows
            .iter()
            .filter(|w| w.mutes(labels, ci))
            .map(|w| MutedBy::Window { id: w.id, name: w.name.clone() })
            .collect();
        if let Some(ci) = ci {
            out.extend(
                self.changes
                    .iter()
                    .filter(|c| c.cis.contains(&ci))
                    .map(|c| MutedBy::Change { id: c.id, number: c.number.clone() }),
            );
        }
        out
    }

    /// The fingerprint of the firing alert that inhibits these labels.
    pub fn inhibited_by(&self, labels: &Labels) -> Option<u64> {
        if self.routing.inhibit.is_empty() {
            return None;
        }
        inhibited_by(&self.routing.inhibit, labels, self.sources.iter())
    }

    /// Whether anything mutes it (a silence, a window, a change or an
    /// inhibition).
    pub fn muted(&self, labels: &Labels, ci: Option<i64>) -> bool {
        self.silences.iter().any(|(_, s)| s.mutes(labels, self.now))
            || !self.muted_by(labels, ci).is_empty()
            || self.inhibited_by(labels).is_some()
    }

    /// The alert with what mutes it and where the tree sends it.
    pub(crate) fn view(&self, alert: Alert, ci: Option<i64>, received_at: i64) -> AlertView {
        let silenced_by = self.silenced_by(&alert.labels);
        let muted_by = self.muted_by(&alert.labels, ci);
        let inhibited_by = self.inhibited_by(&alert.labels).into_iter().collect();
        let tree = &self.routing.tree;
        let groups = tree
            .matches(&alert.labels)
            .into_iter()
            .filter_map(|id| Some((tree.get(id)?.receiver.clone(), tree.group_labels(id, &alert.labels))))
            .collect();
        AlertView { alert, silenced_by, muted_by, inhibited_by, groups, received_at }
    }
}

impl App {
    /// What mutes alerts at `now`; `firing`, when the caller read every
    /// firing alert already, saves reading them again for inhibition.
    pub(crate) async fn mutes(
        &self,
        c: &mut Conn,
        now: i64,
        firing: Option<&[alerts::AlertRow]>,
    ) -> Result<Mutes, AppError> {
        let (_, routing) = super::routing::load(c).await?;
        let silences = super::silences::live(c, now).await?;
        let windows = open_windows(self, c, now).await?;
        let open: Vec<store::ChangeWindow> = store::changes_in(c, now, now + 1)
            .await?
            .into_iter()
            .filter(|w| mutes_in(&w.state, w.approved != 0))
            .collect();
        let ids: Vec<i64> = open.iter().map(|w| w.id).collect();
        let mut cis: HashMap<i64, HashSet<i64>> = HashMap::new();
        for (change, ci) in changes::cis_of(c, &ids).await? {
            cis.entry(change).or_default().insert(ci);
        }
        let changes = open
            .into_iter()
            .map(|w| OpenChange { id: w.id, number: number(w.number), cis: cis.remove(&w.id).unwrap_or_default() })
            .collect();
        let sources = match (routing.inhibit.is_empty(), firing) {
            (true, _) => Vec::new(),
            (false, Some(rows)) => rows.iter().map(|r| from_row(r).labels).collect(),
            (false, None) => {
                alerts::firing(c, self.store.dialect(), now, &[]).await?.iter().map(|r| from_row(r).labels).collect()
            }
        };
        Ok(Mutes { now, routing, silences, windows, changes, sources })
    }
}
