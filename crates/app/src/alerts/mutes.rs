//! What mutes an alert and where it goes, read once per list: the live
//! silences, the inhibition rules with the labels of every firing alert
//! (the possible sources), and the routing tree (each alert's receivers
//! and groups). The lists, the alert pages and the dispatcher share it.

use super::{AlertView, from_row, silences};
use crate::error::AppError;
use steward_domain::alert::{Alert, Labels, Routing, Silence, inhibited_by};
use steward_store::{Conn, alerts as store};

pub(crate) struct Mutes {
    pub(crate) routing: Routing,
    silences: Vec<(String, Silence)>,
    /// The labels of every alert firing now (empty without rules: no
    /// source is needed then).
    sources: Vec<Labels>,
}

impl Mutes {
    /// Reads what mutes alerts at `now`; `firing`, when the caller read
    /// every firing alert already, saves reading them again.
    pub(crate) async fn load(c: &mut Conn, now: i64, firing: Option<&[Labels]>) -> Result<Mutes, AppError> {
        let (_, routing) = super::routing::load(c).await?;
        let silences = silences::live(c, now).await?;
        let sources = match (routing.inhibit.is_empty(), firing) {
            (true, _) => Vec::new(),
            (false, Some(f)) => f.to_vec(),
            (false, None) => store::firing(c, now, &[]).await?.iter().map(|r| from_row(r).labels).collect(),
        };
        Ok(Mutes { routing, silences, sources })
    }

    pub(crate) fn silenced_by(&self, labels: &Labels, now: i64) -> Vec<String> {
        silences::silenced_by(&self.silences, labels, now)
    }

    /// The fingerprint of the firing alert that inhibits these labels.
    pub(crate) fn inhibited_by(&self, labels: &Labels) -> Option<u64> {
        if self.routing.inhibit.is_empty() {
            return None;
        }
        inhibited_by(&self.routing.inhibit, labels, self.sources.iter())
    }

    /// Whether the alert is muted now (silenced or inhibited).
    pub(crate) fn mutes(&self, labels: &Labels, now: i64) -> bool {
        self.silences.iter().any(|(_, s)| s.mutes(labels, now)) || self.inhibited_by(labels).is_some()
    }

    /// The alert with what mutes it and where the tree sends it.
    pub(crate) fn view(&self, alert: Alert, received_at: i64, now: i64) -> AlertView {
        let silenced_by = self.silenced_by(&alert.labels, now);
        let inhibited_by = self.inhibited_by(&alert.labels).into_iter().collect();
        let tree = &self.routing.tree;
        let groups = tree
            .matches(&alert.labels)
            .into_iter()
            .filter_map(|id| Some((tree.get(id)?.receiver.clone(), tree.group_labels(id, &alert.labels))))
            .collect();
        AlertView { alert, silenced_by, inhibited_by, groups, received_at }
    }
}
