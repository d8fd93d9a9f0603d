//! The label index (migration 0047): a post only queues its new alerts; a
//! pass on one node at a time writes their label pairs in large batches,
//! off the intake's path, so that lists narrowed by any `name="value"` read
//! an index. Until it has been, lists read the queued alerts as well. A
//! burst of new alerts is answered first and indexed when it ends
//! ([`LabelPacing`]), within bounds.

use crate::{App, error::AppError};
use std::sync::Arc;
use steward_domain::alert::{Labels, pair_key};
use steward_store::{StoreError, alerts as store};

/// Alerts taken off the queue per write.
const BATCH: i64 = 10_000;

/// The `(pair key, alert id)` rows of the label index for queued alerts,
/// sorted (each b-tree page is then written once per batch). An alert
/// gone from the table has none.
pub(crate) fn index_rows(queued: &[(i64, Option<String>)]) -> Vec<(i64, i64)> {
    let mut rows = Vec::new();
    for (id, labels) in queued {
        let Some(labels) = labels else { continue };
        let labels: Labels = serde_json::from_str(labels).unwrap_or_default();
        rows.extend(labels.iter().map(|(name, value)| (pair_key(name, value) as i64, *id)));
    }
    rows.sort_unstable();
    rows.dedup();
    rows
}

impl App {
    /// Writes the label pairs of the queued alerts, [`BATCH`] alerts a
    /// write, oldest first, until the queue is empty or `most` are done
    /// (the worker does those it saw queued: a pass that chased a burst
    /// would hold the writer for as long as it lasts); how many alerts
    /// were indexed. Safe to run on two nodes at once (each row is written
    /// once), though the worker runs it on one.
    pub async fn index_alert_labels(&self, most: usize) -> Result<usize, AppError> {
        let mut total = 0;
        while total < most {
            let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let queued = store::label_queue(&mut c, BATCH).await?;
            drop(c);
            if queued.is_empty() {
                break;
            }
            let rows = Arc::new(index_rows(&queued));
            let done: Arc<Vec<i64>> = Arc::new(queued.iter().map(|(id, _)| *id).collect());
            total += done.len();
            self.store
                .write(move |c| {
                    let (rows, done) = (rows.clone(), done.clone());
                    Box::pin(async move { store::index_labels(c, &rows, &done).await })
                })
                .await?;
        }
        Ok(total)
    }

    /// How many alerts wait for the label index.
    pub async fn alert_labels_queued(&self) -> Result<i64, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::label_queue_len(&mut c).await?)
    }
}

/// When the label index's worker writes: while a burst of alerts comes in
/// it is answered first and indexed once it ends, within bounds; steady
/// arrivals are indexed at each tick.
#[derive(Debug, Default)]
pub struct LabelPacing {
    /// The queue's length and the alerts this node had taken in at the
    /// last tick.
    last: i64,
    taken: u64,
    /// Ticks the pass has waited for a burst to end.
    waited: u32,
}

/// The queue growing by more than this in a tick (new alerts through any
/// node), or this node taking in more (new or repeated), is a burst.
pub const BURST_PER_TICK: i64 = 5_000;
/// Ticks a burst holds the pass back at most.
pub const BURST_WAIT_TICKS: u32 = 30;
/// The queue length at which the pass runs all the same (lists read the
/// queued alerts one by one).
pub const BURST_QUEUE_MAX: i64 = 500_000;

impl LabelPacing {
    /// Whether to run the pass now, with `queued` alerts waiting and
    /// `taken` alerts taken in by this node since it started.
    pub fn run_now(&mut self, queued: i64, taken: u64) -> bool {
        let growing =
            queued - self.last > BURST_PER_TICK || taken.saturating_sub(self.taken) > BURST_PER_TICK.unsigned_abs();
        (self.last, self.taken) = (queued, taken);
        if queued == 0 {
            self.waited = 0;
            return false;
        }
        if growing && self.waited < BURST_WAIT_TICKS && queued < BURST_QUEUE_MAX {
            self.waited += 1;
            return false;
        }
        self.waited = 0;
        // The pass takes every alert waiting now: the next tick's length
        // is what came in meanwhile.
        self.last = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_skip_gone_alerts() {
        let queued = vec![
            (7, Some(r#"{"alertname":"Down","instance":"a:1"}"#.to_owned())),
            (3, Some(r#"{"alertname":"Down"}"#.to_owned())),
            (9, None),
        ];
        let rows = index_rows(&queued);
        let down = pair_key("alertname", "Down") as i64;
        assert_eq!(rows.len(), 3);
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        assert!(rows.contains(&(down, 3)) && rows.contains(&(down, 7)));
        assert!(rows.contains(&(pair_key("instance", "a:1") as i64, 7)));
        assert!(!rows.iter().any(|(_, id)| *id == 9));
    }

    #[test]
    fn a_burst_waits_within_bounds() {
        let mut p = LabelPacing::default();
        assert!(!p.run_now(0, 0), "nothing queued");
        assert!(p.run_now(10, 10), "steady arrivals are indexed at once");
        // A burst: the pass waits while the queue grows fast …
        assert!(!p.run_now(40_000, 40_010));
        assert!(!p.run_now(80_000, 80_010));
        // … and while repeats pour in …
        assert!(!p.run_now(80_000, 150_000));
        // … and runs once both calm down.
        assert!(p.run_now(81_000, 151_000));
        // A burst that goes on runs after the longest wait …
        let mut p = LabelPacing::default();
        let ran: Vec<bool> = (1..=i64::from(BURST_WAIT_TICKS) + 1).map(|t| p.run_now(t * 6_000, 0)).collect();
        assert_eq!(ran.iter().filter(|r| **r).count(), 1);
        assert!(ran[BURST_WAIT_TICKS as usize]);
        // … or once the queue is at its bound.
        let mut p = LabelPacing::default();
        assert!(!p.run_now(BURST_QUEUE_MAX - 1, 0));
        assert!(p.run_now(BURST_QUEUE_MAX + 10_000, 0));
    }
}
