//! Background work: loading the CMDB graph at start, folding the search
//! text of records from before search, merging the search index, closing
//! resolved incidents, sweeping sessions, correlating alerts, raising
//! checks' state changes as alerts, counting the measures and sending
//! scheduled reports.

use crate::App;
use std::time::Duration;
use steward_store::{accounts, now_micros};
use tokio::sync::watch;

/// Records (then CIs) folded per write by the search backfill.
const SEARCH_BACKFILL_BATCH: i64 = 500;
/// The search index's background merging: every 10 seconds, steps of
/// about 500 pages (a few milliseconds each), at most 20 in a row.
const SEARCH_MERGE_EVERY: Duration = Duration::from_secs(10);
const SEARCH_MERGE_PAGES: i64 = 500;
const SEARCH_MERGE_STEPS: usize = 20;
/// How often the alert dispatcher looks for group ticks due.
const DISPATCH_EVERY: Duration = Duration::from_secs(2);
/// How often firing alerts are correlated into incidents.
const CORRELATE_EVERY: Duration = Duration::from_secs(15);
/// How often new alerts' label pairs are written into the label index
/// (a list narrowed by a label reads the alerts not indexed yet too; a
/// burst is indexed when it ends, see `alerts::LabelPacing`).
const ALERT_LABELS_EVERY: Duration = Duration::from_secs(1);
/// How long a label index pass may hold its lease (a node that dies in
/// one leaves the pass to another after this).
const ALERT_LABELS_LEASE: Duration = Duration::from_secs(60);
/// How often checks' hard state changes are raised as alerts.
const CHECK_ALERTS_EVERY: Duration = Duration::from_secs(5);
/// How often the measures' daily totals catch up with the journal (the
/// dashboards lag the records by at most this and a pass).
const REPORTS_EVERY: Duration = Duration::from_secs(15);
/// How long a node may hold the measures' pass (a rebuild at a million
/// records takes minutes; should it take longer, the worker's lock row
/// still keeps two nodes from counting anything twice).
const REPORTS_LEASE: Duration = Duration::from_secs(600);
/// How often scheduled reports due are sent (they go out at most this
/// late).
const SCHEDULED_REPORTS_EVERY: Duration = Duration::from_secs(30);

/// The setting that holds every node's background work (mail out and in,
/// webhooks, timers, escalations, checks): written by `steward restore`, so
/// a copy started to check a backup acts on nothing until `steward workers
/// resume` clears it. Its value says why.
pub const HOLD_SETTING: &str = "workers.held";

impl App {
    /// Why background work is held, if it is.
    pub async fn workers_held(&self) -> Result<Option<String>, crate::AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok(steward_store::settings::get(&mut conn, HOLD_SETTING).await?)
    }

    /// Holds (with `Some(reason)`) or resumes background work on every
    /// node; whether anything changed.
    pub async fn hold_workers(&self, reason: Option<String>) -> Result<bool, crate::AppError> {
        let before = self.workers_held().await?;
        if before == reason {
            return Ok(false);
        }
        self.store
            .write(move |c| {
                Box::pin(async move {
                    match reason {
                        Some(r) => steward_store::settings::set(c, HOLD_SETTING, &r).await,
                        None => steward_store::settings::delete(c, HOLD_SETTING).await.map(|_| ()),
                    }
                })
            })
            .await?;
        Ok(true)
    }
}

/// Runs until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    // The first impact question should not pay for reading the graph.
    let started = std::time::Instant::now();
    match app.cmdb_view(|v| v.graph.len()).await {
        Ok(n) => tracing::info!(relations = n, ms = started.elapsed().as_millis() as u64, "CMDB graph loaded"),
        Err(e) => tracing::warn!(error = %e, "loading the CMDB graph failed"),
    }
    // Records from before search existed become findable by words; in
    // batches, so the writer keeps serving everyone else meanwhile.
    let backfill = app.clone();
    tokio::spawn(async move {
        match backfill.backfill_search(SEARCH_BACKFILL_BATCH).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "search text folded for records and CIs from before search"),
            Err(e) => tracing::warn!(error = %e, "folding search text failed; the next start goes on"),
        }
    });
    // The search index merges off the path of each write (SQLite).
    let merging = app.clone();
    let mut stop_merging = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SEARCH_MERGE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop_merging.changed() => return,
            }
            if let Err(e) = merging.merge_search_index(SEARCH_MERGE_PAGES, SEARCH_MERGE_STEPS).await {
                tracing::warn!(error = %e, "merging the search index failed");
            }
        }
    });
    // New alerts' labels go into the label index, on one node at a time.
    let labelling = app.clone();
    let mut stop_labelling = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(ALERT_LABELS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pacing = crate::alerts::LabelPacing::default();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop_labelling.changed() => return,
            }
            let queued = match labelling.alert_labels_queued().await {
                Ok(n) if pacing.run_now(n, labelling.counters.read().alerts_kept) => n,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the alert label queue failed");
                    continue;
                }
            };
            let pass = labelling.index_alert_labels(usize::try_from(queued).unwrap_or(0));
            match labelling.on_one_node(crate::leases::ALERT_LABELS, ALERT_LABELS_LEASE, pass).await {
                Ok(Some(n)) => tracing::debug!(alerts = n, queued, "alert labels indexed"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "indexing alert labels failed"),
            }
        }
    });
    // Alerts correlate into incidents every few seconds.
    let correlating = app.clone();
    let mut stop_correlating = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + CORRELATE_EVERY, CORRELATE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop_correlating.changed() => return,
            }
            match correlating.correlate_alerts().await {
                Ok(p) if p.opened.is_empty() && p.updated.is_empty() && p.resolved.is_empty() => {}
                Ok(p) => {
                    tracing::info!(opened = ?p.opened, updated = ?p.updated, resolved = ?p.resolved, "alert correlation")
                }
                Err(e) => tracing::warn!(error = %e, "alert correlation failed"),
            }
        }
    });
    // Checks' hard state changes become alerts (one node at a time).
    let raising = app.clone();
    let mut stop_raising = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECK_ALERTS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop_raising.changed() => return,
            }
            match raising.raise_check_alerts().await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(events = n, "check events raised as alerts"),
                Err(e) => tracing::warn!(error = %e, "raising check events as alerts failed"),
            }
        }
    });
    // Alert groups are notified to their receivers (with the delivery
    // worker: tests drive both themselves).
    if app.config.notify.worker {
        let dispatching = app.clone();
        let mut stop_dispatching = shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(DISPATCH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop_dispatching.changed() => return,
                }
                match dispatching.dispatch_once(now_micros()).await {
                    Ok(p) if p.notified > 0 => {
                        tracing::info!(groups = p.notified, messages = p.messages, "alert notifications enqueued")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "alert dispatch failed"),
                }
            }
        });
    }
    // Scheduled reports go out through the outbox (with its worker: a
    // restored copy that sends nothing sends no reports either).
    if app.config.notify.worker {
        let reporting = app.clone();
        let mut stop_reporting = shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SCHEDULED_REPORTS_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop_reporting.changed() => return,
                }
                match reporting.run_scheduled_reports(now_micros()).await {
                    Ok(r) if r.sent + r.skipped + r.failed > 0 => {
                        tracing::info!(sent = r.sent, skipped = r.skipped, failed = r.failed, "scheduled reports")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sending scheduled reports failed"),
                }
            }
        });
    }
    // The measures' daily totals follow the journal, on one node at a
    // time: every node's pass read the same entries and worked out the
    // same facts, and all but one then found nothing left to add (three
    // nodes did the work three times, and their writes queued on the
    // worker's lock row inside batches other writes shared).
    let counting = app.clone();
    let mut stop_counting = shutdown.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REPORTS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop_counting.changed() => return,
            }
            match counting.on_one_node(crate::leases::REPORTS, REPORTS_LEASE, counting.count_reports()).await {
                Ok(Some(c)) if c.rebuilt => tracing::info!(records = c.records, "measures rebuilt"),
                Ok(Some(c)) if c.records > 0 => tracing::debug!(records = c.records, "measures counted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "counting the measures failed"),
            }
        }
    });
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        let pass = async {
            match app.auto_close().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(closed = n, "auto-closed resolved incidents"),
                Err(e) => tracing::warn!(error = %e, "auto-close failed"),
            }
            let swept =
                app.store.write(|c| Box::pin(async move { accounts::purge_sessions(c, now_micros()).await })).await;
            if let Err(e) = swept {
                tracing::warn!(error = %e, "session sweep failed");
            }
            Ok(())
        };
        if let Err(e) = app.on_one_node(crate::leases::HOUSEKEEPING, Duration::from_secs(300), pass).await {
            tracing::warn!(error = %e, "taking the housekeeping lease failed");
        }
    }
}
