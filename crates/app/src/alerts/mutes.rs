//! What mutes an alert now: Alertmanager's silences (by id, as
//! `silencedBy` says), Steward's maintenance windows for alerts (their
//! matchers and/or CIs, optionally with the CIs that depend on them) and
//! changes whose planned window is open (approved, scheduled or
//! implementing) on the CIs they declare. One read for a list.

use super::windows::{OpenWindow, open_windows};
use crate::{App, changes::number, error::AppError};
use std::collections::{HashMap, HashSet};
use steward_domain::alert::{Labels, Silence};
use steward_store::{Conn, alert_windows as store, changes};

/// What besides a silence mutes an alert.
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

/// Everything that mutes alerts at one moment.
#[derive(Debug, Clone, Default)]
pub struct Mutes {
    now: i64,
    silences: Vec<(String, Silence)>,
    windows: Vec<OpenWindow>,
    changes: Vec<OpenChange>,
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

    /// Whether anything mutes it.
    pub fn muted(&self, labels: &Labels, ci: Option<i64>) -> bool {
        !self.silenced_by(labels).is_empty() || !self.muted_by(labels, ci).is_empty()
    }
}

impl App {
    /// What mutes alerts at `now`.
    pub(crate) async fn mutes(&self, c: &mut Conn, now: i64) -> Result<Mutes, AppError> {
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
        Ok(Mutes { now, silences, windows, changes })
    }
}
