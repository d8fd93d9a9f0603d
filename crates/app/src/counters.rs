//! What this node has done since it started, counted in memory for
//! `/metrics` (Prometheus counters: they start from zero with the process,
//! and `rate()` reads them across restarts).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub struct Counters {
    alerts_kept: AtomicU64,
    alerts_refused: AtomicU64,
    check_results: AtomicU64,
    check_results_dropped: AtomicU64,
}

/// The counters as read at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterReading {
    /// Alerts taken in (new or repeated), through any way in.
    pub alerts_kept: u64,
    /// Alerts of a posted batch refused (bad labels, times, …).
    pub alerts_refused: u64,
    /// Check results this node ran and recorded.
    pub check_results: u64,
    /// Check results dropped (the check was changed or taken over meanwhile).
    pub check_results_dropped: u64,
}

impl Counters {
    pub fn alerts(&self, kept: usize, refused: usize) {
        self.alerts_kept.fetch_add(kept as u64, Relaxed);
        self.alerts_refused.fetch_add(refused as u64, Relaxed);
    }

    pub fn checks(&self, recorded: usize, dropped: usize) {
        self.check_results.fetch_add(recorded as u64, Relaxed);
        self.check_results_dropped.fetch_add(dropped as u64, Relaxed);
    }

    pub fn read(&self) -> CounterReading {
        CounterReading {
            alerts_kept: self.alerts_kept.load(Relaxed),
            alerts_refused: self.alerts_refused.load(Relaxed),
            check_results: self.check_results.load(Relaxed),
            check_results_dropped: self.check_results_dropped.load(Relaxed),
        }
    }
}
