//! Nodes on one database run with the same settings where it matters
//! (record numbers, auto-close, sign-in, notifications, history): each
//! `serve` compares its own with those the last node started with (kept in
//! `settings`) and says which differ, then records its own.

use crate::{App, AppError};
use std::collections::BTreeMap;
use steward_store::settings;

const KEY: &str = "nodes.config";

/// A setting this node runs with unlike the last node started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: String,
    pub here: String,
    pub there: String,
}

impl App {
    /// Compares `ours` with the settings the last node started with, and
    /// records ours; the differences (none on the first start, or when a
    /// key is new to the other node's release).
    pub async fn compare_node_config(&self, ours: &[(&str, String)]) -> Result<Vec<Difference>, AppError> {
        let ours: BTreeMap<String, String> = ours.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let text = serde_json::to_string(&ours).map_err(|e| AppError::Internal(e.to_string()))?;
        let before = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let before = settings::get(c, KEY).await?;
                    settings::set(c, KEY, &text).await?;
                    Ok::<_, steward_store::StoreError>(before)
                })
            })
            .await?;
        let theirs: BTreeMap<String, String> = before.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        Ok(ours
            .into_iter()
            .filter_map(|(key, here)| {
                let there = theirs.get(&key)?;
                (*there != here).then(|| Difference { key, here, there: there.clone() })
            })
            .collect())
    }
}
