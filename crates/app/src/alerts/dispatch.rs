//! The alert dispatcher (issue 13, item 4): alerts grouped as the routing
//! tree says and each group's notification sent to its receiver's targets
//! through the outbox, Alertmanager's way (`group_wait`, `group_interval`,
//! `repeat_interval`, resolved sent once).
//!
//! One node dispatches at a time (a lease, as correlation). Each pass
//! reads the alerts posted since the last one (by `updated_at`, with a few
//! seconds' overlap for writes that committed late), feeds them to the
//! in-memory [`Dispatcher`] (one timer structure for every group) and
//! handles every group tick that is due: the alerts silenced or inhibited
//! are left out, and what remains is compared with the notification log
//! (`alert_notifications`, Alertmanager's nflog) — only a change, or the
//! repeat interval passed, notifies. The log row is written in the write
//! that enqueues the messages, so a restart or another node taking over
//! does not send again what was sent. A change of the routing starts the
//! groups afresh (the log still holds what each group was told).

use super::notice::{GroupNotice, messages};
use super::{from_row, routing};
use crate::{App, error::AppError};
use std::collections::{BTreeSet, HashMap};
use steward_domain::alert::{Alert, Dispatcher, dispatch::needs_update, fingerprint_text, parse_fingerprint};
use steward_store::{
    StoreError,
    alert_dispatch::{self as log, Notified},
    alerts as store, now_micros,
    outbox::{self, NewMessage},
    settings,
};

/// What one node keeps between passes.
#[derive(Debug, Default)]
pub struct DispatchState {
    dispatcher: Dispatcher,
    /// The routing the groups were made with (its JSON).
    config: String,
    /// The `(updated_at, id)` of the newest alert read.
    cursor: Option<(i64, i64)>,
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchPass {
    /// Alerts read.
    pub read: usize,
    /// Group ticks handled.
    pub ticks: usize,
    /// Notifications sent (a group to a receiver) and the messages they made.
    pub notified: usize,
    pub messages: usize,
}

const LEASE: &str = "alert_dispatch_lease";
const LEASE_FOR: i64 = 60 * 1_000_000;
/// A write that committed after a later one is still read by the next pass.
const OVERLAP: i64 = 5 * 1_000_000;
/// At start, alerts posted this long ago are read (besides every firing
/// one), so resolutions while no node dispatched are still told.
const LOOKBACK: i64 = 24 * 3600 * 1_000_000;
/// The log keeps a row this long past its repeat interval.
const LOG_KEEP: i64 = 24 * 3600 * 1_000_000;
/// Alerts read per query.
const PAGE: i64 = 2_000;

fn fingerprints(json: &str) -> BTreeSet<u64> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| parse_fingerprint(f).ok())
        .collect()
}

fn fingerprints_json(set: &BTreeSet<u64>) -> String {
    serde_json::to_string(&set.iter().map(|f| fingerprint_text(*f)).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

impl App {
    /// One dispatch pass as of `now` (microseconds; tests pass a later
    /// time instead of sleeping). A pass another node is running makes
    /// this one do nothing.
    pub async fn dispatch_once(&self, now: i64) -> Result<DispatchPass, AppError> {
        // No receiver with a target (the default routing): no groups to
        // keep, no alerts to read. Once one is given, the next pass starts
        // from the firing alerts, as after a restart.
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (_, routing) = routing::load(&mut c).await?;
        drop(c);
        if !routing.notifies() {
            *self.dispatch.lock().await = DispatchState::default();
            return Ok(DispatchPass::default());
        }
        let wall = now_micros();
        let taken = self
            .store
            .write(move |c| Box::pin(async move { settings::take_lease(c, LEASE, wall, wall + LEASE_FOR).await }))
            .await?;
        if !taken {
            return Ok(DispatchPass::default());
        }
        let result = self.dispatch_pass(now).await;
        self.store.write(|c| Box::pin(async move { settings::end_lease(c, LEASE).await })).await?;
        result
    }

    async fn dispatch_pass(&self, now: i64) -> Result<DispatchPass, AppError> {
        let mut state = self.dispatch.lock().await;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (spec, routing) = routing::load(&mut c).await?;
        let config = serde_json::to_string(&spec).map_err(|e| AppError::Internal(e.to_string()))?;
        if state.config != config {
            *state = DispatchState { config, ..DispatchState::default() };
        }
        // Feed what was posted since the last pass.
        let mut rows = Vec::new();
        let (mut at, mut id) = match state.cursor {
            Some((u, _)) => (u - OVERLAP, 0),
            None => {
                rows.extend(store::firing(&mut c, self.store.dialect(), now, &[]).await?);
                (now - LOOKBACK, 0)
            }
        };
        loop {
            let page = log::updated_since(&mut c, at, id, PAGE).await?;
            let full = page.len() as i64 == PAGE;
            if let Some(last) = page.last() {
                (at, id) = (last.updated_at, last.id);
            }
            rows.extend(page);
            if !full {
                break;
            }
        }
        // The firing ones read at start may be among the recent ones too.
        rows.sort_by_key(|r| (r.updated_at, r.id));
        rows.dedup_by_key(|r| r.id);
        let mut pass = DispatchPass { read: rows.len(), ..DispatchPass::default() };
        let tree = &routing.tree;
        for r in &rows {
            let a = from_row(r);
            for route_id in tree.matches(&a.labels) {
                if let Some(route) = tree.get(route_id) {
                    let group = tree.group_labels(route_id, &a.labels);
                    state.dispatcher.insert(route, group, a.fingerprint, a.starts_at, a.ends_at, now);
                }
            }
            if state.cursor.is_none_or(|cur| (r.updated_at, r.id) > cur) {
                state.cursor = Some((r.updated_at, r.id));
            }
        }
        if state.cursor.is_none() {
            state.cursor = Some((now - LOOKBACK, 0));
        }
        let flushes = state.dispatcher.ticks(now);
        drop(state);
        pass.ticks = flushes.len();
        if flushes.is_empty() {
            return Ok(pass);
        }
        // The alerts of the ticks as kept now, and what mutes them.
        let fps: BTreeSet<i64> =
            flushes.iter().flat_map(|f| f.firing.iter().chain(&f.resolved)).map(|f| *f as i64).collect();
        let fps: Vec<i64> = fps.into_iter().collect();
        let alerts: HashMap<u64, (Alert, Option<i64>)> = log::of_fingerprints(&mut c, &fps)
            .await?
            .iter()
            .map(|r| (r.fingerprint as u64, (from_row(r), r.ci_id)))
            .collect();
        let mutes = self.mutes(&mut c, now, None).await?;
        let ctx = self.notify_ctx();
        let mut batch: Vec<(Vec<NewMessage>, Notified)> = Vec::new();
        for f in &flushes {
            let Some(route) = tree.get(f.group.route) else { continue };
            let Some(receiver) = routing.receiver(&route.receiver) else { continue };
            if receiver.targets.is_empty() {
                continue;
            }
            // Listed in label order, as people read them.
            let kept = |list: &[u64]| -> Vec<&Alert> {
                let mut out: Vec<&Alert> = list
                    .iter()
                    .filter_map(|fp| alerts.get(fp))
                    .filter(|(a, ci)| !mutes.muted(&a.labels, *ci))
                    .map(|(a, _)| a)
                    .collect();
                out.sort_by(|a, b| a.labels.cmp(&b.labels));
                out
            };
            let (firing, resolved) = (kept(&f.firing), kept(&f.resolved));
            if firing.is_empty() && resolved.is_empty() {
                continue;
            }
            let key = routing.group_key(f.group.route, &f.group.labels);
            let firing_set: BTreeSet<u64> = firing.iter().map(|a| a.fingerprint).collect();
            let resolved_set: BTreeSet<u64> = resolved.iter().map(|a| a.fingerprint).collect();
            let last = log::last(&mut c, &key, &receiver.name, now).await?;
            let last_sets = last.as_ref().map(|l| (fingerprints(&l.firing), fingerprints(&l.resolved), l.sent_at));
            let last_ref = last_sets.as_ref().map(|(f, r, at)| (f, r, *at));
            if !needs_update(last_ref, &firing_set, &resolved_set, route.repeat_interval, now) {
                continue;
            }
            let notice = GroupNotice {
                receiver: &receiver.name,
                group_key: &key,
                group_labels: &f.group.labels,
                firing,
                resolved,
            };
            let msgs = messages(&mut c, &ctx, &notice, &receiver.targets).await?;
            let entry = Notified {
                group_key: key.clone(),
                receiver: receiver.name.clone(),
                firing: fingerprints_json(&firing_set),
                resolved: fingerprints_json(&resolved_set),
                sent_at: now,
                expires_at: now.saturating_add(route.repeat_interval).saturating_add(LOG_KEEP),
            };
            pass.notified += 1;
            pass.messages += msgs.len();
            batch.push((msgs, entry));
        }
        drop(c);
        if !batch.is_empty() {
            self.store
                .write(move |c| {
                    let batch = batch.clone();
                    Box::pin(async move {
                        for (msgs, entry) in &batch {
                            outbox::enqueue_many(c, msgs, now_micros()).await?;
                            log::put(c, entry).await?;
                        }
                        log::purge(c, now).await?;
                        Ok::<_, StoreError>(())
                    })
                })
                .await?;
        }
        Ok(pass)
    }
}
